"""SARIF 2.1.0 for GitHub code scanning and any other SARIF consumer.

What GitHub needs and other tools often leave out (zizmor, ruff, checkov): metadata for *every*
rule that ran, not only those that fired, so an alert can be explained and a clean run still lists
what was checked; ``partialFingerprints`` from the engine's line-independent fingerprint, so an
alert survives edits above it; relative URIs under ``%SRCROOT%``, so alerts map to the checkout;
and skips and errors as ``toolExecutionNotifications`` with ``executionSuccessful``, so an
incomplete run is not mistaken for a clean one.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from gates.report import RenderOptions, execution_successful, ordered_findings, ordered_notes

if TYPE_CHECKING:
    from gates.model import Docs, Finding, Fix, Note, Result, Rule, Suppression

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/gates-dev/gates"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "gates/v1"
_SUPPRESSION_KINDS = {"inline": "inSource", "baseline": "external"}
_NOTE_LEVELS = {"error": "error", "skipped-rule": "warning", "skipped-file": "note"}


def render(result: Result, out: TextIO, options: RenderOptions) -> None:
    """Write one SARIF log with a single run."""
    out.write(json.dumps(to_log(result, options), indent=2) + "\n")


def to_log(result: Result, options: RenderOptions) -> dict[str, Any]:
    """The SARIF log as plain data."""
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [_run(result, options)]}


def _run(result: Result, options: RenderOptions) -> dict[str, Any]:
    index = {rule.id: i for i, rule in enumerate(result.rules)}
    findings = ordered_findings(result.findings)
    if options.include_suppressed:
        findings += ordered_findings(result.suppressed)
    return {
        "tool": {"driver": _driver(result)},
        "invocations": [_invocation(result, index)],
        "originalUriBaseIds": {SRCROOT: {"uri": root_uri(result.root)}},
        "results": [_result(f, index) for f in findings],
        "columnKind": "unicodeCodePoints",
    }


def _driver(result: Result) -> dict[str, Any]:
    return {
        "name": "gates",
        "semanticVersion": result.tool_version,
        "version": result.tool_version,
        "informationUri": INFORMATION_URI,
        "rules": [_rule(rule) for rule in result.rules],
    }


def _rule(rule: Rule) -> dict[str, Any]:
    tags = list(dict.fromkeys([*rule.tags, "security"]))
    return {
        "id": rule.id,
        "name": pascal_case(rule.id),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.docs.what},
        "help": {"text": help_text(rule.docs), "markdown": help_markdown(rule.docs)},
        "defaultConfiguration": {"level": rule.severity.value},
        "properties": {
            "tags": tags,
            "precision": "high",
            # GitHub reads this as a string holding a number from 0.0 to 10.0.
            "security-severity": str(rule.security_severity),
        },
    }


def pascal_case(rule_id: str) -> str:
    """``secret-default`` -> ``SecretDefault``: SARIF's human-readable rule name."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", rule_id))


def help_text(docs: Docs) -> str:
    """Plain-text help for consumers that do not render Markdown."""
    example = "\n".join(f"    {line}" for line in docs.example.splitlines())
    parts = [
        f"What: {docs.what}",
        f"Why: {docs.why}",
        f"Example:\n{example}",
        f"Use instead: {docs.use_instead}",
    ]
    if docs.references:
        parts.append("References:\n" + "\n".join(f"- {ref}" for ref in docs.references))
    return "\n\n".join(parts)


def help_markdown(docs: Docs) -> str:
    """The help GitHub shows on an alert: the rule's five doc sections."""
    fence = "`" * max(3, _longest_backtick_run(docs.example) + 1)
    parts = [
        f"**What:** {docs.what}",
        f"**Why:** {docs.why}",
        f"**Example**\n\n{fence}\n{docs.example.rstrip()}\n{fence}",
        f"**Use instead:** {docs.use_instead}",
    ]
    if docs.references:
        parts.append("**References**\n\n" + "\n".join(f"- {_link(r)}" for r in docs.references))
    return "\n\n".join(parts)


def _longest_backtick_run(text: str) -> int:
    """A fence must be longer than any backtick run inside the example, or the block ends early."""
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def _link(reference: str) -> str:
    if reference.startswith(("https://", "http://")):
        return f"[{reference}]({reference})"
    return reference


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    text = f"{finding.message.rstrip('.')}. Fix: {finding.fix}" if finding.fix else finding.message
    result: dict[str, Any] = {"ruleId": finding.rule_id}
    if finding.rule_id in index:
        result["ruleIndex"] = index[finding.rule_id]
    result |= {
        "level": finding.severity.value,
        "message": {"text": text},
        "locations": [{"physicalLocation": _physical_location(finding)}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
    }
    if finding.suppression is not None:
        result["suppressions"] = [_suppression(finding.suppression)]
    if finding.fixes:
        result["fixes"] = [_fix(fix) for fix in finding.fixes]
    return result


def _fix(fix: Fix) -> dict[str, Any]:
    """A SARIF ``fix``: one artifactChange of replacements.

    ``deletedRegion`` uses ``charOffset`` / ``charLength``: gates' edits are character offsets
    (Unicode code points, like ``columnKind``) into the decoded text after any BOM, which SARIF
    does not count either. An insertion deletes nothing (``charLength`` 0); a fix that creates
    a file points at an artifact that does not exist yet.
    """
    replacements = []
    for edit in sorted(fix.edits, key=lambda e: (e.start, e.end)):
        replacement: dict[str, Any] = {
            "deletedRegion": {"charOffset": edit.start, "charLength": edit.end - edit.start}}
        if edit.replacement:
            replacement["insertedContent"] = {"text": edit.replacement}
        replacements.append(replacement)
    return {
        "description": {"text": f"{fix.title} ({fix.safety} fix)"},
        "artifactChanges": [{"artifactLocation": _artifact(fix.path),
                             "replacements": replacements}],
        "properties": {"safety": fix.safety},
    }


def _physical_location(finding: Finding) -> dict[str, Any]:
    loc = finding.location
    # SARIF lines and columns are 1-based; clamp so a repo-level finding at "line 0" stays valid.
    region: dict[str, int] = {"startLine": max(loc.line, 1), "startColumn": max(loc.col, 1)}
    if loc.end_line is not None:
        region["endLine"] = max(loc.end_line, region["startLine"])
    if loc.end_col is not None:
        region["endColumn"] = max(loc.end_col, 1)
    return {"artifactLocation": _artifact(loc.path), "region": region}


def _artifact(path: str) -> dict[str, str]:
    return {"uri": relative_uri(path), "uriBaseId": SRCROOT}


def relative_uri(path: str) -> str:
    """A root-relative POSIX path as a relative URI reference (spaces, ``%``, ``:`` encoded).

    Undecodable bytes smuggled into the path as surrogates are encoded back to those bytes.
    """
    return quote(path.encode("utf-8", "surrogateescape"), safe="/")


def root_uri(root: str) -> str:
    """``/repo`` -> ``file:///repo/``; SARIF needs the trailing slash to resolve relative URIs."""
    posix = root.replace("\\", "/")
    if not posix.startswith("/"):
        posix = "/" + posix  # a Windows drive path: file:///C:/...
    if not posix.endswith("/"):
        posix += "/"
    return "file://" + quote(posix.encode("utf-8", "surrogateescape"), safe="/:")


def _suppression(how: Suppression) -> dict[str, str]:
    """Inline ignores are ``inSource``; baseline entries live outside the file: ``external``."""
    return {"kind": _SUPPRESSION_KINDS.get(how.kind, "external"), "justification": how.reason}


def _invocation(result: Result, index: dict[str, int]) -> dict[str, Any]:
    return {
        "executionSuccessful": execution_successful(result),
        "toolExecutionNotifications": [
            _notification(note, index) for note in ordered_notes(result.notes)
        ],
    }


def _notification(note: Note, index: dict[str, int]) -> dict[str, Any]:
    notification: dict[str, Any] = {
        "level": _NOTE_LEVELS.get(note.kind, "note"),
        "message": {"text": note.message},
    }
    if note.path:
        notification["locations"] = [
            {"physicalLocation": {"artifactLocation": _artifact(note.path)}}
        ]
    if note.rule_id:
        rule: dict[str, Any] = {"id": note.rule_id}
        if note.rule_id in index:
            rule["index"] = index[note.rule_id]
        notification["associatedRule"] = rule
    return notification
