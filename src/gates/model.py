"""The data that flows through gates: rules, hits, findings and the result of a run.

Everything here is a frozen dataclass. Checks produce ``Hit``s; only the engine turns them into
``Finding``s, so identity (rule id, severity, fingerprint) is stamped in one place.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Mapping


class Severity(str, enum.Enum):
    """How bad a finding is; ``--fail-on`` compares against this order."""

    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Severity.NOTE: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class Docs:
    """A rule's user documentation; every section is required (checked by tests)."""

    what: str
    why: str
    example: str
    use_instead: str
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """A rule as loaded from ``rules/<id>.yaml`` (or a user rule file)."""

    id: str
    title: str
    severity: Severity
    scope: str  # "file" | "repo"
    kind: str  # "check" (Python, see checks/__init__.py) | "pattern" | "path"
    fix: str
    docs: Docs
    kinds: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    security_severity: float = 5.0
    pattern: str | None = None
    unless: str | None = None
    message: str | None = None  # pattern and path rules: the finding's message
    aliases: tuple[str, ...] = ()
    origin: str = "builtin"  # "builtin" or the user rule file's path


SAFE, UNSAFE = "safe", "unsafe"


@dataclass(frozen=True)
class Edit:
    """Replace the characters ``[start, end)`` of one file's text with ``replacement``.

    Offsets are *character* offsets (Unicode code points) into the text exactly as
    ``Document.text`` holds it: decoded, after any BOM, line ends as written (CR LF is two
    characters). Characters, not bytes, because that is what checks hold: parsers, interpolation
    spans and ``Document.position`` all work on the decoded text. ``gates.fix`` decodes the file
    the same way, splices, and encodes it back with the same encoding and BOM, so every byte
    outside the span stays identical. A file that does not exist reads as empty text: an
    insertion at 0 creates it. ``sensitive``: the replaced text may be a secret, so nothing that
    shows an edit (``gates fix --diff``) ever prints the lines it removes.
    """

    start: int
    end: int
    replacement: str
    sensitive: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"an edit needs 0 <= start <= end, got [{self.start}, {self.end})")


@dataclass(frozen=True)
class Fix:
    """A repair a check offers for its hit: edits to one file, applied by ``gates fix``.

    ``safety`` is "safe" (applied by ``gates fix``: it cannot change what the config means
    beyond what the finding asks for) or "unsafe" (``--unsafe-fixes``: right in most repos but
    a human should read it, like a scaffold with TODOs). ``path`` is root-relative POSIX, like a
    finding's, and may name another file than the finding (``.gitignore``, a new manifest).
    Edits never overlap; their text never holds a secret (only ``Edit.sensitive`` spans remove
    one).
    """

    title: str
    safety: str
    edits: tuple[Edit, ...]
    path: str

    def __post_init__(self) -> None:
        if self.safety not in (SAFE, UNSAFE):
            raise ValueError(f"fix safety must be 'safe' or 'unsafe', not {self.safety!r}")
        if not self.edits:
            raise ValueError(f"fix {self.title!r} has no edits")
        ordered = sorted(self.edits, key=lambda e: (e.start, e.end))
        for before, after in zip(ordered, ordered[1:]):
            if after.start < before.end:
                raise ValueError(f"fix {self.title!r} has overlapping edits")


@dataclass(frozen=True)
class Hit:
    """What a check reports: a place, a message and the evidence that identifies the problem.

    ``evidence`` feeds the fingerprint (hashed, never shown), so it must not depend on the line
    number; for secrets pass ``secret=`` instead and the engine hashes it. ``path`` is set only by
    repo-scope checks, which are not called with a single document.
    """

    line: int
    col: int
    message: str
    evidence: str = ""
    end_line: int | None = None
    end_col: int | None = None
    path: str | None = None
    fix: str | None = None
    secret: str | None = None
    severity: Severity | None = None  # lower than the rule's for this hit only; never higher
    fixes: tuple[Fix, ...] = ()  # repairs ``gates fix`` may apply (see ``Fix``)


@dataclass(frozen=True)
class Location:
    """A 1-based line and column range in a repo-relative POSIX path."""

    path: str
    line: int
    col: int
    end_line: int | None = None
    end_col: int | None = None


@dataclass(frozen=True)
class Suppression:
    """Why a finding is not reported: an inline ignore comment or a baseline entry."""

    kind: str  # "inline" | "baseline"
    reason: str


@dataclass(frozen=True)
class Finding:
    """A reported problem. Built only by the engine; never holds a secret value."""

    rule_id: str
    severity: Severity
    location: Location
    message: str
    fix: str
    fingerprint: str
    suppression: Suppression | None = None
    fixes: tuple[Fix, ...] = ()  # copied from the hit by the engine; never part of the fingerprint

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        loc = self.location
        return (loc.path, loc.line, loc.col, self.rule_id)


@dataclass(frozen=True)
class Note:
    """Something the run could not look at, said out loud.

    ``kind`` is "skipped-file" (binary, oversized, outside the repo: not an error), "skipped-rule"
    (a check raised ``Skip``) or "error" (an unreadable file, a check that crashed: the run cannot
    be trusted). ``rule_id`` names the rule when one is involved.
    """

    kind: str
    message: str
    path: str | None = None
    rule_id: str | None = None


@dataclass(frozen=True)
class Result:
    """Everything a reporter needs; reporters are pure functions of this."""

    root: str
    rules: tuple[Rule, ...]
    findings: tuple[Finding, ...]
    suppressed: tuple[Finding, ...]
    notes: tuple[Note, ...]
    files_scanned: int
    duration_s: float
    tool_version: str
    crashed: bool = False  # a check raised: exit 3

    @property
    def errors(self) -> tuple[Note, ...]:
        return tuple(n for n in self.notes if n.kind == "error")

    @property
    def skips(self) -> tuple[Note, ...]:
        return tuple(n for n in self.notes if n.kind != "error")

    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Severity}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts
