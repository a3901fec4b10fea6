"""SARIF 2.1.0: valid against the official schema and acceptable to GitHub code scanning."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from gates.model import Location

SCHEMA = Path(__file__).resolve().parents[2].parent / "shared" / "sarif-schema-2.1.0.json"


def _sarif(render, result, **options):
    return json.loads(render("sarif", result, **options))


@pytest.fixture
def validator():
    if not SCHEMA.is_file():
        pytest.skip(f"official SARIF schema not found at {SCHEMA}")
    from jsonschema import Draft4Validator

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


@pytest.mark.parametrize("include_suppressed", [False, True])
def test_validates_against_the_official_schema(validator, result, render, include_suppressed):
    log = _sarif(render, result, include_suppressed=include_suppressed)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_empty_and_crashed_runs_validate(validator, empty_result, render):
    validator.validate(_sarif(render, empty_result))
    validator.validate(_sarif(render, replace(empty_result, crashed=True)))


def test_odd_paths_validate(validator, result, render):
    moved = replace(result.findings[0], location=Location("a b/c:d%e#f?.yml", 0, 0))
    validator.validate(_sarif(render, replace(result, findings=(moved,))))


def test_github_code_scanning_requirements(result, render):
    log = _sarif(render, result)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "gates" and driver["semanticVersion"] == "0.1.0"
    rules = driver["rules"]
    for rule in rules:
        assert rule["id"] and rule["shortDescription"]["text"] and rule["help"]["text"]
        assert rule["help"]["markdown"]
        severity = rule["properties"]["security-severity"]
        assert isinstance(severity, str) and 0.0 <= float(severity) <= 10.0
        assert "security" in rule["properties"]["tags"]
    ids = [rule["id"] for rule in rules]
    assert run["results"]
    for res in run["results"]:
        assert res["ruleId"] in ids and ids[res["ruleIndex"]] == res["ruleId"]
        assert res["message"]["text"]
        location = res["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert not urlsplit(uri).scheme and not uri.startswith("/")
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["region"]["startLine"] >= 1
        assert re.fullmatch(r"[0-9a-f]{64}", res["partialFingerprints"]["gates/v1"])
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///repo/"
    assert run["columnKind"] == "unicodeCodePoints"


def test_every_rule_is_described_even_without_findings(empty_result, render):
    run = _sarif(render, empty_result)["runs"][0]
    assert run["results"] == []
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["hardcoded-secret", "untagged-default", "bootstrap-schema"]
    secret = rules[0]
    assert secret["name"] == "HardcodedSecret"
    assert secret["defaultConfiguration"] == {"level": "error"}
    assert secret["properties"] == {
        "tags": ["secrets", "security"],
        "precision": "high",
        "security-severity": "9.0",
    }
    assert rules[1]["properties"]["tags"] == ["config", "security"]  # no duplicate tag


def test_help_markdown_has_every_docs_section(result, render):
    markdown = _sarif(render, result)["runs"][0]["tool"]["driver"]["rules"][0]["help"]["markdown"]
    for section in ("**What:**", "**Why:**", "**Example**", "**Use instead:**", "**References**"):
        assert section in markdown
    assert "```\nAWS_SECRET" in markdown
    assert "[https://cwe.mitre.org/data/definitions/798.html](https" in markdown


def test_result_message_carries_the_fix_and_region(result, render):
    res = _sarif(render, result)["runs"][0]["results"][0]
    assert res["message"]["text"].endswith(" Fix: " + result.findings[0].fix)
    assert res["level"] == "error"
    region = res["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 12, "startColumn": 14, "endLine": 12, "endColumn": 34}


def test_uri_is_percent_encoded_and_root_relative(result, render):
    moved = replace(result.findings[0], location=Location("dir one/a:b%.yml", 2, 3))
    log = _sarif(render, replace(result, findings=(moved,)), display_root="x/")
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"] == "dir%20one/a%3Ab%25.yml"


def test_execution_successful(result, empty_result, render):
    def successful(res):
        return _sarif(render, res)["runs"][0]["invocations"][0]["executionSuccessful"]

    assert successful(result) is False  # it has an error note
    assert successful(empty_result) is True
    assert successful(replace(empty_result, crashed=True)) is False
    no_errors = replace(result, notes=tuple(n for n in result.notes if n.kind != "error"))
    assert successful(no_errors) is True


def test_notes_become_tool_execution_notifications(result, render):
    invocation = _sarif(render, result)["runs"][0]["invocations"][0]
    by_level = {n["level"]: n for n in invocation["toolExecutionNotifications"]}
    assert set(by_level) == {"error", "warning", "note"}
    error = by_level["error"]
    assert error["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "deploy/broken.yml"
    )
    assert by_level["warning"]["associatedRule"] == {"id": "required-check-drift"}
    assert "associatedRule" not in by_level["note"]


def test_include_suppressed_toggles_suppressions(result, render):
    plain = _sarif(render, result)["runs"][0]["results"]
    assert len(plain) == len(result.findings)
    assert not any("suppressions" in r for r in plain)
    full = _sarif(render, result, include_suppressed=True)["runs"][0]["results"]
    assert len(full) == len(result.findings) + len(result.suppressed)
    suppressed = [r for r in full if "suppressions" in r]
    assert [r["suppressions"] for r in suppressed] == [
        [{"kind": "inSource", "justification": "local development only"}]
    ]


def test_baseline_suppression_is_external(result, render):
    from gates.model import Suppression

    baselined = replace(result.suppressed[0], suppression=Suppression("baseline", "accepted"))
    log = _sarif(render, replace(result, suppressed=(baselined,)), include_suppressed=True)
    (res,) = [r for r in log["runs"][0]["results"] if "suppressions" in r]
    assert res["suppressions"] == [{"kind": "external", "justification": "accepted"}]


def test_output_ends_with_newline_and_is_indented(result, render):
    text = render("sarif", result)
    assert text.endswith("}\n") and text.startswith('{\n  "$schema"')
