"""JSON v1: a frozen, versioned shape for scripts, decoupled from the internal dataclasses.

Scripts depend on this shape, so it is written out field by field here rather than derived from
``dataclasses.asdict``: renaming a field in ``model.py`` must not change the output. A change to
the shape needs ``"version": 2`` and a converter, like zizmor's ``json/v1``; a new key
(``fixes``, added with ``gates fix``) keeps version 1, since a v1 reader ignores keys it does not
know. Paths are root-relative (never ``display_root``): machines join them with ``root``
themselves.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TextIO

from gates.report import RenderOptions, execution_successful, ordered_findings, ordered_notes

if TYPE_CHECKING:
    from gates.model import Finding, Note, Result

VERSION = 1


def render(result: Result, out: TextIO, options: RenderOptions) -> None:
    """Write the v1 document; suppressed findings are always included (options do not apply)."""
    out.write(json.dumps(to_document(result), indent=2) + "\n")


def to_document(result: Result) -> dict[str, Any]:
    """The v1 document as plain data, in a fixed key order."""
    return {
        "version": VERSION,
        "tool": {"name": "gates", "version": result.tool_version},
        "root": result.root,
        "summary": _summary(result),
        "findings": [_finding(f) for f in ordered_findings(result.findings)],
        "suppressed": [_suppressed(f) for f in ordered_findings(result.suppressed)],
        "notes": [_note(n) for n in ordered_notes(result.notes)],
    }


def _summary(result: Result) -> dict[str, Any]:
    counts = result.counts()
    return {
        "errors": counts["error"],
        "warnings": counts["warning"],
        "notes": counts["note"],
        "files_scanned": result.files_scanned,
        "suppressed": len(result.suppressed),
        "duration_s": round(result.duration_s, 3),
        "execution_successful": execution_successful(result),
    }


def _finding(finding: Finding) -> dict[str, Any]:
    loc = finding.location
    return {
        "rule": finding.rule_id,
        "severity": finding.severity.value,
        "path": loc.path,
        "line": loc.line,
        "column": loc.col,
        "end_line": loc.end_line,
        "end_column": loc.end_col,
        "message": finding.message,
        "fix": finding.fix,
        "fingerprint": finding.fingerprint,
        "fixes": [{"title": fix.title, "safety": fix.safety} for fix in finding.fixes],
    }


def _suppressed(finding: Finding) -> dict[str, Any]:
    how = finding.suppression
    suppression = {"kind": how.kind, "reason": how.reason} if how else None
    return {**_finding(finding), "suppression": suppression}


def _note(note: Note) -> dict[str, Any]:
    return {"kind": note.kind, "message": note.message, "path": note.path, "rule": note.rule_id}
