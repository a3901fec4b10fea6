"""GitHub Actions annotations and step summary: escaped, capped, and never silent."""

from __future__ import annotations

import io
import re
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from gates.model import Finding, Location, Severity
from gates.report import RenderOptions
from gates.report.github import (
    ANNOTATION_LIMIT,
    SUMMARY_ROW_LIMIT,
    escape_data,
    escape_property,
    render_summary,
)


def _unescape_property(text: str) -> str:
    """What the runner does (actions/runner ActionCommand): the inverse of escape_property."""
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


def _many(n: int, severity: Severity = Severity.WARNING) -> tuple[Finding, ...]:
    return tuple(
        Finding("untagged-default", severity, Location(f"f{i:03}.yml", 1, 1), "m", "", f"{i}")
        for i in range(n)
    )


def test_finding_annotation_format(result, render):
    lines = render("github", result).splitlines()
    assert (
        "::error file=app/settings.py,line=12,col=14,endLine=12,endColumn=34,"
        "title=hardcoded-secret::AWS access key AKIA… (20 chars) committed (fix: Move the value "
        "to the secret store and read it from the environment.)"
    ) in lines
    assert any(line.startswith("::notice file=services/api/README.md,") for line in lines)


def test_notes_and_error_notes(result, render):
    lines = render("github", result).splitlines()
    assert "::error::gates error: deploy/broken.yml%3A cannot decode as UTF-8" not in lines
    assert "::error::gates error: deploy/broken.yml: cannot decode as UTF-8" in lines
    assert (
        "::warning::gates skipped rule required-check-drift: no GITHUB_TOKEN: cannot read live "
        "branch protection"
    ) in lines
    assert not any("logo.png" in line for line in lines)  # skipped files are routine


def test_order_is_errors_then_warnings_then_notes(result, render):
    levels = [
        line.split(" ", 1)[0] for line in render("github", result).splitlines() if " file=" in line
    ]
    assert levels == ["::error", "::warning", "::warning", "::notice"]


def test_escaping_in_file_names_and_messages(result, render):
    finding = replace(
        result.findings[0],
        location=Location("dir,1/a:b%c\nd.yml", 2, 3),
        message="50% done\r\nnext: a,b",
        fix="",
    )
    (line,) = render("github", replace(result, findings=(finding,), notes=())).splitlines()
    assert line == (
        "::error file=dir%2C1/a%3Ab%25c%0Ad.yml,line=2,col=3,title=hardcoded-secret"
        "::50%25 done%0D%0Anext: a,b"
    )


def test_display_root_prefixes_annotation_files(result, render):
    text = render("github", result, display_root="sub/dir")
    assert "::error file=sub/dir/app/settings.py," in text


def test_control_characters_cannot_smuggle_commands(result, render):
    finding = replace(result.findings[0], message="x\n::error::injected\x1b[31m")
    (line,) = render("github", replace(result, findings=(finding,), notes=())).splitlines()
    # One line: the injected "::error::" stays inside the message, where the runner ignores it.
    assert line.startswith("::error file=") and "x%0A::error::injected\\x1b[31m" in line


_PRINTABLE = st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"))


@given(st.text(_PRINTABLE | st.sampled_from(" \r\n%:,")))
def test_property_escaping_round_trips(text):
    escaped = escape_property(text)
    assert not re.search(r"[\r\n:,]", escaped)
    assert _unescape_property(escaped) == text


@given(st.text())
def test_data_escaping_keeps_one_line(text):
    assert "\n" not in escape_data(text) and "\r" not in escape_data(text)


def test_cap_with_overflow_line(result, render):
    many = replace(result, findings=_many(70), notes=())
    lines = render("github", many).splitlines()
    assert len(lines) == ANNOTATION_LIMIT
    assert lines[0].startswith("::warning::gates: 21 more annotations were not shown")
    assert "step summary" in lines[0]
    assert all(line.startswith("::warning file=") for line in lines[1:])


def test_cap_keeps_errors_and_notes_before_findings(result, render):
    findings = _many(60, Severity.NOTE) + _many(5, Severity.ERROR)
    lines = render("github", replace(result, findings=findings)).splitlines()
    assert len(lines) == ANNOTATION_LIMIT
    assert lines[1].startswith("::error::gates error:")
    assert lines[2].startswith("::warning::gates skipped rule")
    assert all(line.startswith("::error file=") for line in lines[3:8])
    assert "::warning::gates: 18 more annotations" in lines[0]


def test_no_overflow_line_at_the_limit(result, render):
    lines = render(
        "github", replace(result, findings=_many(ANNOTATION_LIMIT), notes=())
    ).splitlines()
    assert len(lines) == ANNOTATION_LIMIT and "more annotation" not in lines[0]


def test_empty_result_writes_nothing(empty_result, render):
    assert render("github", empty_result) == ""


def _summary(result, **options):
    out = io.StringIO()
    render_summary(result, out, RenderOptions(**options))
    return out.getvalue()


def test_summary_verdicts(result, empty_result):
    assert _summary(result).startswith("## ❌ gates: failed (the run is incomplete)")
    clean = replace(result, notes=())
    assert _summary(clean).startswith("## ❌ gates: failed (4 findings)")
    notes_only = replace(clean, findings=(result.findings[-1],))
    assert _summary(notes_only).startswith("## ✅ gates: passed (1 note)")
    assert _summary(empty_result).startswith("## ✅ gates: passed\n")


def test_summary_tables_and_coverage(result):
    text = _summary(result)
    assert "| 1 | 2 | 1 | 1 | 14 | 0.12s |" in text
    assert "| error | hardcoded-secret | app/settings.py:12:14 |" in text
    assert "**Not checked:** 1 scan error, 1 skipped rule, 1 skipped file (1 binary)." in text
    assert "- skipped rule required-check-drift: no GITHUB\\_TOKEN" in text


def test_summary_caps_rows(result):
    text = _summary(replace(result, findings=_many(SUMMARY_ROW_LIMIT + 7)))
    assert text.count("| warning | untagged-default |") == SUMMARY_ROW_LIMIT
    assert "… and 7 more not listed here" in text


def test_summary_escapes_markdown(result):
    finding = replace(result.findings[0], location=Location("a|b_<img>.yml", 1, 1), message="x|y")
    text = _summary(replace(result, findings=(finding,)))
    assert "a\\|b\\_\\<img\\>.yml:1:1 | x\\|y |" in text
