"""JSON v1: the frozen shape scripts depend on."""

from __future__ import annotations

import json
from dataclasses import replace

FINDING_KEYS = [
    "rule",
    "severity",
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "message",
    "fix",
    "fingerprint",
    "fixes",
]


def test_round_trips_with_version_1(result, render):
    text = render("json", result)
    assert text.endswith("}\n")
    doc = json.loads(text)
    assert doc["version"] == 1
    assert doc["tool"] == {"name": "gates", "version": "0.1.0"}
    assert doc["root"] == "/repo"


def test_frozen_shape(result, render):
    doc = json.loads(render("json", result))
    assert list(doc) == ["version", "tool", "root", "summary", "findings", "suppressed", "notes"]
    assert doc["summary"] == {
        "errors": 1,
        "warnings": 2,
        "notes": 1,
        "files_scanned": 14,
        "suppressed": 1,
        "duration_s": 0.123,
        "execution_successful": False,
    }
    assert all(list(f) == FINDING_KEYS for f in doc["findings"])
    assert [list(f) for f in doc["suppressed"]] == [FINDING_KEYS + ["suppression"]]
    assert doc["suppressed"][0]["suppression"] == {
        "kind": "inline",
        "reason": "local development only",
    }
    assert all(list(n) == ["kind", "message", "path", "rule"] for n in doc["notes"])


def test_fixes_list_title_and_safety(result, render):
    findings = json.loads(render("json", result))["findings"]
    fixes = {(f["line"], f["rule"]): f["fixes"] for f in findings}
    assert fixes[(3, "untagged-default")] == [
        {"title": "Require TAG: ${TAG:?TAG is required}", "safety": "safe"}]
    assert fixes[(7, "untagged-default")][0]["safety"] == "unsafe"
    assert fixes[(12, "hardcoded-secret")] == []


def test_findings_sorted_and_null_ends(result, render):
    findings = json.loads(render("json", result))["findings"]
    assert [(f["path"], f["line"]) for f in findings] == sorted(
        (f["path"], f["line"]) for f in findings
    )
    unknown_end = next(f for f in findings if f["line"] == 3)
    assert unknown_end["end_line"] is None and unknown_end["end_column"] is None


def test_empty_result_is_successful_and_keeps_every_list(empty_result, render):
    doc = json.loads(render("json", empty_result))
    assert doc["summary"]["execution_successful"] is True
    assert doc["findings"] == doc["suppressed"] == doc["notes"] == []


def test_crash_is_not_successful(empty_result, render):
    doc = json.loads(render("json", replace(empty_result, crashed=True)))
    assert doc["summary"]["execution_successful"] is False


def test_deterministic_whatever_the_input_order(result, render):
    shuffled = replace(
        result, findings=tuple(reversed(result.findings)), notes=tuple(reversed(result.notes))
    )
    assert render("json", shuffled) == render("json", result)


def test_suppressed_always_included_regardless_of_options(result, render):
    assert render("json", result) == render("json", result, include_suppressed=True)
