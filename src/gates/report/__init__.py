"""Reporters: pure functions that turn a ``Result`` into text for one output format.

Output is a leaf: nothing in the core imports a reporter, and a reporter never decides what is
wrong, never reads a file or the environment. Each format lives in its own module, listed in the
explicit ``REPORTERS`` registry and imported only when asked for, so ``gates --version`` and a
pre-commit run never pay for formats they do not print.

The few helpers every format shares (display paths, terminal-safe text, a stable order, skip counts)
live here beside the registry instead of being copied into each format; they import nothing heavy.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO, cast

from gates.errors import GatesError

if TYPE_CHECKING:
    from gates.model import Finding, Note, Result


@dataclass(frozen=True)
class RenderOptions:
    """How to present a result; never changes *what* is reported.

    ``color``: ANSI colour (text only; the CLI turns it on for a TTY). ``verbose``: list every
    skipped file instead of a count. ``include_suppressed``: show suppressed findings too (SARIF
    carries them as ``suppressions``; JSON always includes them). ``display_root``: a POSIX
    prefix put before root-relative paths in the human-facing formats (text, github) so that they
    resolve from the user's working directory; empty means paths as they are.
    """

    color: bool = False
    verbose: bool = False
    include_suppressed: bool = False
    display_root: str = ""


Renderer = Callable[["Result", TextIO, RenderOptions], None]

# Format name -> module defining ``render(result, out, options)``. A literal, not a package scan:
# adding a format is one line here and one module (STYLE.md rule 3).
REPORTERS: dict[str, str] = {
    "text": "gates.report.text",
    "json": "gates.report.json",
    "sarif": "gates.report.sarif",
    "github": "gates.report.github",
}


def get_renderer(name: str) -> Renderer:
    """Import the reporter for ``name`` only now, so unused formats cost nothing at startup."""
    try:
        module_path = REPORTERS[name]
    except KeyError:
        known = ", ".join(sorted(REPORTERS))
        raise GatesError(f"unknown output format {name!r}", hint=f"use one of: {known}") from None
    module = importlib.import_module(module_path)
    return cast(Renderer, module.render)


def display_path(path: str, options: RenderOptions) -> str:
    """The path a human can click: ``display_root`` + the root-relative path."""
    root = options.display_root
    if root and not root.endswith("/"):
        root += "/"
    return root + path


def printable(text: str, keep: str = "") -> str:
    """``text`` with every non-printable character escaped repr-style (``\\x1b``, ``\\n``).

    File names and messages come from the scanned repository; a raw escape sequence or carriage
    return in one must not be able to rewrite the user's terminal or a CI log. Characters in
    ``keep`` pass through (a format that escapes them its own way). Lone surrogates from
    undecodable file names are escaped too, so writing never fails on encoding.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch in keep else repr(ch)[1:-1] for ch in text)


def ordered_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings by path, line, column, rule: the same order in every format and every run."""
    return sorted(findings, key=lambda f: f.sort_key)


def ordered_notes(notes: Iterable[Note]) -> list[Note]:
    """Notes in a stable order (errors, skipped rules, skipped files), whatever order checks ran."""
    rank = {"error": 0, "skipped-rule": 1, "skipped-file": 2}
    return sorted(
        notes,
        key=lambda n: (rank.get(n.kind, 3), n.kind, n.path or "", n.rule_id or "", n.message),
    )


def skip_reason(message: str) -> str:
    """``"oversized (3.2 MB > 1 MB)"`` -> ``"oversized"``: details vary per file, reasons do not.

    A skipped-file note carries its reason as the first phrase of its message (before `` (`` or
    ``:``); summaries count files per reason.
    """
    head = message.split(" (", 1)[0].split(":", 1)[0].strip()
    return printable(head) or "other"


def skip_counts(notes: Iterable[Note]) -> str:
    """``"10 binary, 2 oversized"`` for skipped-file notes: most common reason first."""
    reasons = Counter(skip_reason(n.message) for n in notes if n.kind == "skipped-file")
    ranked = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{count} {reason}" for reason, count in ranked)


def execution_successful(result: Result) -> bool:
    """True when everything asked for was looked at: no error note and no crash."""
    return not result.crashed and not result.errors
