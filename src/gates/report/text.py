"""The human format: findings grouped by file, then what was not checked, then one summary line.

Every finding line is ``path:line:col: severity rule-id message`` so editors and terminals can jump
to it, and every path goes through ``printable`` because a file name is attacker-controlled text.
Skips and errors are always shown (a skipped check must never look like a pass); only the list of
skipped files waits for ``--verbose``, because binary and oversized files are routine.
"""

from __future__ import annotations

from itertools import groupby
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

_RESET = "\x1b[0m"
_STYLES = {
    "error": "\x1b[1;31m",
    "warning": "\x1b[33m",
    "note": "\x1b[36m",
    "rule": "\x1b[2m",
    "path": "\x1b[1m",
    "ok": "\x1b[32m",
}


def render(result: Result, out: TextIO, options: RenderOptions) -> None:
    """Write the report for a terminal or a CI log."""
    lines = _finding_lines(result.findings, options)
    if options.include_suppressed and result.suppressed:
        lines += _suppressed_lines(result.suppressed, options)
    lines += _note_lines(result.notes, options)
    if result.crashed:
        lines.append(
            _style(
                "error",
                "gates crashed: a check raised, so this result is incomplete; "
                "the error above names the rule",
                options,
            )
        )
    if lines and lines[-1]:
        lines.append("")  # one blank line before the summary, never two
    lines += _fixable_line(result.findings)
    lines.append(_summary(result, options))
    out.write("\n".join(lines) + "\n")


def _style(name: str, text: str, options: RenderOptions) -> str:
    """Wrap ``text`` in an ANSI style only when colour was asked for (never in a pipe or a file)."""
    return f"{_STYLES[name]}{text}{_RESET}" if options.color else text


def _path(path: str, options: RenderOptions) -> str:
    return printable(display_path(path, options))


def _finding_lines(findings: tuple[Finding, ...], options: RenderOptions) -> list[str]:
    """One block per file: a header with the path, then each finding and its fix hint."""
    lines: list[str] = []
    for path, group in groupby(ordered_findings(findings), key=lambda f: f.location.path):
        lines.append(_style("path", _path(path, options), options))
        for finding in group:
            lines.append(_finding_line(finding, options))
            if finding.fix:
                lines.append(f"  fix: {printable(finding.fix)}")
            if finding.fixes:
                lines.append(f"  {_fixable(finding)}")
        lines.append("")
    return lines


def _fixable(finding: Finding) -> str:
    """Whether ``gates fix`` repairs this finding, as ruff marks it: ``[*]``."""
    if any(fix.safety == "safe" for fix in finding.fixes):
        return "[*] fixable with gates fix"
    return "(unsafe fix available: --unsafe-fixes)"


def _fixable_line(findings: tuple[Finding, ...]) -> list[str]:
    """``[*] 3 fixable with gates fix; 2 more with --unsafe-fixes``, when any is fixable."""
    fixable = [f for f in findings if f.fixes]
    safe = sum(1 for f in fixable if any(fix.safety == "safe" for fix in f.fixes))
    if not fixable:
        return []
    unsafe = len(fixable) - safe
    if not safe:
        return [f"{unsafe} fixable with gates fix --unsafe-fixes"]
    more = f"; {unsafe} more with gates fix --unsafe-fixes" if unsafe else ""
    return [f"[*] {safe} fixable with gates fix{more}"]


def _finding_line(finding: Finding, options: RenderOptions) -> str:
    loc = finding.location
    severity = finding.severity.value
    return (
        f"{_path(loc.path, options)}:{loc.line}:{loc.col}: "
        f"{_style(severity, severity, options)} {_style('rule', finding.rule_id, options)} "
        f"{printable(finding.message)}"
    )


def _suppressed_lines(suppressed: tuple[Finding, ...], options: RenderOptions) -> list[str]:
    """Suppressed findings, each with who suppressed it and why, for auditing ignores."""
    lines = [f"suppressed ({len(suppressed)}):"]
    for finding in ordered_findings(suppressed):
        how = finding.suppression
        why = f" [{how.kind}: {printable(how.reason)}]" if how else ""
        lines.append(f"  {_finding_line(finding, options)}{why}")
    lines.append("")
    return lines


def _note_lines(notes: tuple[Note, ...], options: RenderOptions) -> list[str]:
    """Errors and skipped rules one per line; skipped files as a count unless verbose."""
    ordered = ordered_notes(notes)
    lines = [_error_line(n, options) for n in ordered if n.kind == "error"]
    lines += [_skipped_rule_line(n, options) for n in ordered if n.kind == "skipped-rule"]
    files = [n for n in ordered if n.kind == "skipped-file"]
    if files:
        lines.append(_skipped_files_line(files, options))
        if options.verbose:
            lines += [f"  {_where(n, options)}{printable(n.message)}" for n in files]
    return lines


def _where(note: Note, options: RenderOptions) -> str:
    return f"{_path(note.path, options)}: " if note.path else ""


def _error_line(note: Note, options: RenderOptions) -> str:
    rule = f" [{note.rule_id}]" if note.rule_id else ""
    text = f"error: {_where(note, options)}{printable(note.message)}{rule}"
    return _style("error", text, options)


def _skipped_rule_line(note: Note, options: RenderOptions) -> str:
    text = f"skipped rule {note.rule_id or '(unknown)'}: {printable(note.message)}"
    return _style("warning", text, options)


def _skipped_files_line(files: list[Note], options: RenderOptions) -> str:
    """``skipped 12 files: 10 binary, 2 oversized``: one line for what is routine."""
    hint = "" if options.verbose else " (--verbose lists them)"
    return f"skipped {_plural(len(files), 'file')}: {skip_counts(files)}{hint}"


def _summary(result: Result, options: RenderOptions) -> str:
    counts = result.counts()
    parts = [_findings_part(result, counts, options)]
    parts.append(f"{_plural(result.files_scanned, 'file')} scanned")
    if result.suppressed:
        parts.append(f"{len(result.suppressed)} suppressed")
    if not execution_successful(result):
        parts.append(_style("error", "incomplete", options))
    parts.append(f"{result.duration_s:.2f}s")
    return " · ".join(parts)


def _findings_part(result: Result, counts: dict[str, int], options: RenderOptions) -> str:
    if not result.findings:
        return _style("ok", "No findings", options)
    files = len({f.location.path for f in result.findings})
    text = (
        f"{_plural(counts['error'], 'error')}, {_plural(counts['warning'], 'warning')}, "
        f"{_plural(counts['note'], 'note')} in {_plural(files, 'file')}"
    )
    worst = "error" if counts["error"] else "warning" if counts["warning"] else "note"
    return _style(worst, text, options)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
