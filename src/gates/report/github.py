"""GitHub Actions: workflow-command annotations on the diff, and a Markdown step summary.

Annotations are scarce: GitHub shows at most 50 per job (and 10 of each level per step), and drops
the rest without a word. So gates orders them by what matters (tool errors, skipped rules, then
findings from error to note), stops at the limit, and *leads* with one warning that says how many
were left out and where to read them: placed first, it is never the annotation that gets dropped.
The step summary has room for the rest; the CLI appends it to ``$GITHUB_STEP_SUMMARY``.

Everything from the repository (paths, messages) is escaped the way the runner unescapes it
(``@actions/core`` ``escapeData`` / ``escapeProperty``), so a file name cannot end a command early
or inject a new one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TextIO

from gates.report import (
    RenderOptions,
    display_path,
    execution_successful,
    ordered_findings,
    ordered_notes,
    printable,
    skip_counts,
)

if TYPE_CHECKING:
    from gates.model import Finding, Note, Result

ANNOTATION_LIMIT = 50
SUMMARY_ROW_LIMIT = 200
_LEVELS = {"error": "error", "warning": "warning", "note": "notice"}
_SEVERITY_ORDER = {"error": 0, "warning": 1, "note": 2}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def escape_data(text: str) -> str:
    """Escape a command's message: ``%``, CR and LF (other control characters repr-escaped)."""
    safe = printable(text, keep="\r\n")
    return safe.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value: as data, plus ``:`` and ``,`` which delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: Result, out: TextIO, options: RenderOptions) -> None:
    """Write one workflow command per annotation, within GitHub's limit."""
    annotations = _note_annotations(result, options) + [
        _finding_annotation(f, options) for f in _by_severity(result.findings)
    ]
    if len(annotations) > ANNOTATION_LIMIT:
        shown = ANNOTATION_LIMIT - 1
        annotations = [_overflow(len(annotations) - shown), *annotations[:shown]]
    out.write("".join(line + "\n" for line in annotations))


def _by_severity(findings: tuple[Finding, ...]) -> list[Finding]:
    """Errors first, then warnings, then notes; by location within each level."""
    return sorted(ordered_findings(findings), key=lambda f: _SEVERITY_ORDER[f.severity.value])


def _command(level: str, message: str, properties: list[tuple[str, str]] | None = None) -> str:
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties or [])
    return f"::{level}{' ' + props if props else ''}::{escape_data(message)}"


def _finding_annotation(finding: Finding, options: RenderOptions) -> str:
    loc = finding.location
    properties = [
        ("file", display_path(loc.path, options)),
        ("line", str(loc.line)),
        ("col", str(loc.col)),
    ]
    if loc.end_line is not None:
        properties.append(("endLine", str(loc.end_line)))
    if loc.end_col is not None:
        properties.append(("endColumn", str(loc.end_col)))
    properties.append(("title", finding.rule_id))
    message = f"{finding.message} (fix: {finding.fix})" if finding.fix else finding.message
    return _command(_LEVELS[finding.severity.value], message, properties)


def _note_annotations(result: Result, options: RenderOptions) -> list[str]:
    """Tool errors and skipped rules: a check that did not run must not look like a pass."""
    lines: list[str] = []
    if result.crashed:
        lines.append(
            _command("error", "gates crashed: a check raised, so the result is incomplete")
        )
    for note in ordered_notes(result.notes):
        if note.kind == "error":
            lines.append(_command("error", _error_text(note, options)))
        elif note.kind == "skipped-rule":
            lines.append(_command("warning", _skipped_rule_text(note)))
    return lines


def _error_text(note: Note, options: RenderOptions) -> str:
    where = _where(note, options)
    rule = f" [{note.rule_id}]" if note.rule_id else ""
    return f"gates error: {where}{note.message}{rule}"


def _skipped_rule_text(note: Note) -> str:
    return f"gates skipped rule {note.rule_id or '(unknown)'}: {note.message}"


def _overflow(hidden: int) -> str:
    return _command(
        "warning",
        f"gates: {hidden} more {'annotation was' if hidden == 1 else 'annotations were'} not shown "
        f"(GitHub shows at most {ANNOTATION_LIMIT} per job); read the step summary or the text "
        "output for every finding",
    )


def render_summary(result: Result, out: TextIO, options: RenderOptions) -> None:
    """Write the Markdown step summary: verdict, counts, findings, and what was not checked."""
    parts = [_heading(result), _counts_table(result), *_findings_table(result, options)]
    parts.append(_coverage(result, options))
    out.write("\n\n".join(parts) + "\n")


def _heading(result: Result) -> str:
    """Pass/fail as the default ``--fail-on warning`` decides it; an incomplete run never passes."""
    counts = result.counts()
    if not execution_successful(result):
        return "## ❌ gates: failed (the run is incomplete)"
    if counts["error"] or counts["warning"]:
        return f"## ❌ gates: failed ({_plural(len(result.findings), 'finding')})"
    if result.findings:
        return f"## ✅ gates: passed ({_plural(counts['note'], 'note')})"
    return "## ✅ gates: passed"


def _counts_table(result: Result) -> str:
    counts = result.counts()
    cells = [
        counts["error"],
        counts["warning"],
        counts["note"],
        len(result.suppressed),
        result.files_scanned,
        f"{result.duration_s:.2f}s",
    ]
    return "\n".join(
        [
            "| Errors | Warnings | Notes | Suppressed | Files scanned | Duration |",
            "| ---: | ---: | ---: | ---: | ---: | ---: |",
            "| " + " | ".join(str(c) for c in cells) + " |",
        ]
    )


def _findings_table(result: Result, options: RenderOptions) -> list[str]:
    """At most ``SUMMARY_ROW_LIMIT`` rows, worst first; the overflow is counted, not hidden."""
    findings = _by_severity(result.findings)
    if not findings:
        return []
    rows = ["| Severity | Rule | Location | Message |", "| --- | --- | --- | --- |"]
    rows += [_row(f, options) for f in findings[:SUMMARY_ROW_LIMIT]]
    parts = ["\n".join(rows)]
    hidden = len(findings) - SUMMARY_ROW_LIMIT
    if hidden > 0:
        parts.append(f"_… and {hidden} more not listed here; run `gates check` for all of them._")
    return parts


def _row(finding: Finding, options: RenderOptions) -> str:
    loc = finding.location
    where = f"{display_path(loc.path, options)}:{loc.line}:{loc.col}"
    cells = [finding.severity.value, finding.rule_id, where, finding.message]
    return "| " + " | ".join(_markdown(c) for c in cells) + " |"


def _coverage(result: Result, options: RenderOptions) -> str:
    """One line on what was not checked, then each error and skipped rule by name."""
    notes = ordered_notes(result.notes)
    errors = [n for n in notes if n.kind == "error"]
    rules = [n for n in notes if n.kind == "skipped-rule"]
    files = [n for n in notes if n.kind == "skipped-file"]
    if not (errors or rules or files or result.crashed):
        return "Everything in scope was checked: no errors, no skipped rules or files."
    line = (
        f"**Not checked:** {_plural(len(errors), 'scan error')}, "
        f"{_plural(len(rules), 'skipped rule')}, {_plural(len(files), 'skipped file')}"
    )
    if files:
        line += f" ({_markdown(skip_counts(files))})"
    bullets = [f"- {_markdown(_error_text(n, options))}" for n in errors]
    bullets += [
        f"- skipped rule {_markdown(n.rule_id or '(unknown)')}: {_markdown(n.message)}"
        for n in rules
    ]
    if result.crashed:
        bullets.insert(0, "- **gates crashed**: a check raised, so the result is incomplete")
    return "\n\n".join([line + "."] + (["\n".join(bullets)] if bullets else []))


def _where(note: Note, options: RenderOptions) -> str:
    return f"{display_path(note.path, options)}: " if note.path else ""


def _markdown(text: str) -> str:
    """Text safe in a table cell: no raw control characters, HTML, pipes or emphasis."""
    safe = printable(text).replace("&", "&amp;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", safe)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
