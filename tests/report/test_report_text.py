"""The text format: readable, clickable, honest about skips, and safe for a terminal."""

from __future__ import annotations

import re
from dataclasses import replace

from gates.model import Location, Note

ANSI = re.compile(r"\x1b\[")


def test_no_ansi_codes_unless_color(result, render):
    assert not ANSI.search(render("text", result))
    assert not ANSI.search(render("text", result, verbose=True, include_suppressed=True))
    assert ANSI.search(render("text", result, color=True))


def test_findings_grouped_by_file_with_fix_lines(result, render):
    lines = render("text", result).splitlines()
    assert lines[0] == "app/settings.py"
    assert lines[1].startswith("app/settings.py:12:14: error hardcoded-secret ")
    assert lines[2].startswith("  fix: Move the value")
    header = lines.index("deploy/compose.yml")
    assert lines[header + 1].startswith("deploy/compose.yml:3:12: warning untagged-default")
    assert lines[header + 3] == "  [*] fixable with gates fix"
    assert lines[header + 4].startswith("deploy/compose.yml:7:18: warning untagged-default")
    assert lines[header + 6] == "  (unsafe fix available: --unsafe-fixes)"


def test_fixable_count_before_the_summary(result, render):
    lines = render("text", result).splitlines()
    assert lines[-2] == "[*] 1 fixable with gates fix; 1 more with gates fix --unsafe-fixes"


def test_display_root_prefixes_paths(result, render):
    text = render("text", result, display_root="fixtures/repos/example/")
    assert "fixtures/repos/example/app/settings.py:12:14: error" in text
    assert "error: fixtures/repos/example/deploy/broken.yml: cannot decode" in text


def test_skips_and_errors_always_shown(result, render):
    text = render("text", result)
    assert "error: deploy/broken.yml: cannot decode as UTF-8" in text
    assert "skipped rule required-check-drift: no GITHUB_TOKEN" in text
    assert "skipped 1 file: 1 binary (--verbose lists them)" in text
    assert "assets/logo.png" not in text


def test_verbose_lists_skipped_files(result, render):
    assert "  assets/logo.png: binary" in render("text", result, verbose=True)


def test_skipped_files_counted_per_reason(result, render):
    notes = tuple(Note("skipped-file", "binary", path=f"b{i}.png") for i in range(10)) + (
        Note("skipped-file", "oversized (3.0 MB > 1 MB)", path="big.json"),
        Note("skipped-file", "oversized (2.2 MB > 1 MB)", path="big2.json"),
    )
    text = render("text", replace(result, notes=notes))
    assert "skipped 12 files: 10 binary, 2 oversized (--verbose lists them)" in text


def test_summary_line(result, empty_result, render):
    last = render("text", result).splitlines()[-1]
    assert last == (
        "1 error, 2 warnings, 1 note in 3 files · 14 files scanned · 1 suppressed"
        " · incomplete · 0.12s"
    )
    assert render("text", empty_result).splitlines()[-1] == (
        "No findings · 3 files scanned · 0.05s"
    )


def test_crash_is_said_out_loud(result, render):
    text = render("text", replace(result, crashed=True))
    assert "gates crashed" in text


def test_control_characters_in_paths_are_escaped(result, render):
    evil = "deploy/\x1b[2Jx\rfake.yml"
    finding = result.findings[0]
    moved = replace(finding, location=Location(evil, 1, 1))
    notes = (Note("error", "bad\x07", path="a\nb"), Note("skipped-file", "binary", path="\x1bc"))
    text = render("text", replace(result, findings=(moved,), notes=notes), verbose=True)
    assert "\x1b" not in text and "\r" not in text and "\x07" not in text
    assert "deploy/\\x1b[2Jx\\rfake.yml:1:1: error" in text
    assert "error: a\\nb: bad\\x07" in text


def test_undecodable_file_names_do_not_break_output(result, render):
    moved = replace(result.findings[0], location=Location("bad-\udcff.yml", 1, 1))
    text = render("text", replace(result, findings=(moved,)))
    text.encode("utf-8")  # no lone surrogate left
    assert "bad-\\udcff.yml:1:1" in text


def test_one_blank_line_between_sections(result, render):
    findings_only = replace(result, notes=(), suppressed=())
    for res in (result, findings_only, replace(result, crashed=True)):
        text = render("text", res, verbose=True, include_suppressed=True)
        assert "\n\n\n" not in text
        assert text.endswith("s\n")
