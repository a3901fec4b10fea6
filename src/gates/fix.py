"""``gates fix``: apply the fixes checks attached to their findings, file by file.

A run's findings carry ``Fix``es (``model.Fix``: character-offset edits of one file). Planning
picks, per finding, its first fix the user allows (safe; unsafe too with ``--unsafe-fixes``),
groups the picks by file, drops exact duplicates (two rules proposing the same repair) and
defers any fix whose edits overlap one already taken (a nested ``${A:-${B:-x}}``: the outer fix
removes the inner expression). Applying splices the edits into the decoded text, encodes it
back with the file's own encoding and BOM, and replaces the file atomically; bytes outside the
edits never change. ``fix_project`` repeats check → plan → apply until no fix is left (a
deferred fix is reconsidered on fresh offsets), so a second run finds nothing to fix.

Files are only ever written inside the project root, never through a symlink, and a file that
does not decode to text that encodes back to the same bytes is refused, never rewritten.
"""

from __future__ import annotations

import codecs
import os
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from gates.errors import GatesError
from gates.model import SAFE, Edit, Finding, Fix, Result, Severity

MAX_PASSES = 10
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"),
         (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))


@dataclass(frozen=True)
class FileText:
    """A file as text plus how to write it back byte for byte. ``exists`` False: new file."""

    text: str
    bom: bytes = b""
    codec: str = "utf-8"
    exists: bool = True

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.codec)


@dataclass(frozen=True)
class FileChange:
    """The edits taken for one file and its text before and after them."""

    path: str
    before: FileText
    after: str
    edits: tuple[Edit, ...]  # in file order

    @property
    def sensitive_spans(self) -> tuple[tuple[int, int], ...]:
        """Spans of the *old* text that may hold a secret: never shown."""
        return tuple((e.start, e.end) for e in self.edits if e.sensitive)


@dataclass(frozen=True)
class FixPlan:
    """What one pass would change, and why the other fixable findings are not in it."""

    changes: tuple[FileChange, ...] = ()
    fixed: tuple[Finding, ...] = ()  # findings whose fix is in ``changes``
    deferred: tuple[Finding, ...] = ()  # overlapped a fix taken first: next pass
    withheld: tuple[Finding, ...] = ()  # only unsafe fixes, and --unsafe-fixes was not given
    refused: tuple[tuple[str, str], ...] = ()  # (path, reason): files that cannot be edited


def choose(finding: Finding, unsafe: bool) -> Fix | None:
    """The fix to apply for ``finding``: its first safe one, else (if allowed) its first."""
    safe = [f for f in finding.fixes if f.safety == SAFE]
    if safe:
        return safe[0]
    return finding.fixes[0] if unsafe and finding.fixes else None


def plan(result: Result, root: Path, unsafe: bool = False) -> FixPlan:
    """The changes of one pass over ``result``'s unsuppressed findings (suppressed ones, by
    an inline ignore or the baseline, are left as they are)."""
    picks: dict[str, list[tuple[Finding, Fix]]] = {}
    withheld: list[Finding] = []
    for finding in result.findings:
        fix = choose(finding, unsafe)
        if fix is not None:
            picks.setdefault(fix.path, []).append((finding, fix))
        elif finding.fixes:
            withheld.append(finding)
    changes, fixed, deferred, refused = [], [], [], []
    for path, chosen in sorted(picks.items()):
        try:
            before = read_text(root, path)
        except GatesError as exc:
            refused.append((path, str(exc)))
            continue
        change, taken, later = _change(path, before, chosen)
        if change is not None:
            changes.append(change)
        fixed += taken
        deferred += later
    return FixPlan(tuple(changes), tuple(fixed), tuple(deferred), tuple(withheld), tuple(refused))


def _change(path: str, before: FileText, chosen: list[tuple[Finding, Fix]]
            ) -> tuple[FileChange | None, list[Finding], list[Finding]]:
    """Take fixes in file order; a fix overlapping one taken waits for the next pass."""
    taken: list[Edit] = []
    seen: set[tuple[Edit, ...]] = set()
    fixed: list[Finding] = []
    later: list[Finding] = []
    size = len(before.text)
    for finding, fix in sorted(chosen, key=lambda pair: (_first(pair[1]), pair[0].sort_key)):
        edits = tuple(sorted(fix.edits, key=lambda e: (e.start, e.end)))
        if edits in seen:
            fixed.append(finding)  # the same repair, proposed by a second rule
            continue
        if any(e.end > size for e in edits) or any(_overlap(e, t) for e in edits for t in taken):
            later.append(finding)
            continue
        seen.add(edits)
        taken += [e for e in edits if before.text[e.start:e.end] != e.replacement]
        fixed.append(finding)
    if not taken:
        return None, fixed, later
    ordered = tuple(sorted(_stacked(taken), key=lambda e: (e.start, e.end)))
    return FileChange(path, before, splice(before.text, ordered), ordered), fixed, later


def _stacked(edits: list[Edit]) -> list[Edit]:
    """Insertions at one point, in the order taken; each was planned alone, so when two
    appends both start with the line break a last line lacked, the second one drops it."""
    out: list[Edit] = []
    for edit in edits:
        prev = next((e for e in reversed(out) if e.start == e.end == edit.start == edit.end),
                    None)
        if prev is not None and prev.replacement.endswith(("\n", "\r")):
            for brk in ("\r\n", "\n", "\r"):
                if edit.replacement.startswith(brk) and prev.replacement.startswith(brk):
                    edit = Edit(edit.start, edit.end, edit.replacement[len(brk):], edit.sensitive)
                    break
        out.append(edit)
    return out


def _first(fix: Fix) -> int:
    return min(e.start for e in fix.edits)


def _overlap(a: Edit, b: Edit) -> bool:
    """Edits collide when their spans share a character, or one inserts inside the other's.

    Two insertions at the same point do not collide: they apply in the order taken (two
    lines appended to one .gitignore).
    """
    if a.start == a.end and b.start == b.end:
        return False
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def splice(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with non-overlapping ``edits`` applied, back to front so offsets stay valid."""
    ordered = sorted(enumerate(edits), key=lambda item: (item[1].start, item[1].end, item[0]))
    for _, edit in reversed(ordered):
        text = text[:edit.start] + edit.replacement + text[edit.end:]
    return text


# -- reading and writing files ----------------------------------------------------------------

def target(root: Path, path: str) -> Path:
    """``root / path`` after making sure it stays inside ``root`` and crosses no symlink."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise GatesError(f"refusing to edit {path}: not a path inside the project")
    where = root
    for part in pure.parts:
        where = where / part
        if where.is_symlink():
            raise GatesError(f"refusing to edit {path}: it goes through a symlink")
    return where


def read_text(root: Path, path: str) -> FileText:
    """The file's text as ``Document.text`` holds it, with what writing it back needs."""
    where = target(root, path)
    if not where.exists():
        return FileText("", exists=False)
    if not where.is_file():
        raise GatesError(f"refusing to edit {path}: not a regular file")
    try:
        data = where.read_bytes()
    except OSError as exc:
        raise GatesError(f"cannot read {path}: {exc.strerror or exc}") from None
    bom, codec = next(((b, c) for b, c in _BOMS if data.startswith(b)), (b"", "utf-8"))
    if not bom and b"\0" in data[:8192]:
        raise GatesError(f"refusing to edit {path}: binary file")
    try:
        text = data[len(bom):].decode(codec)
    except UnicodeDecodeError:
        raise GatesError(f"refusing to edit {path}: not valid {codec.upper()}, so it could not "
                         "be written back unchanged; fix it by hand") from None
    loaded = FileText(text, bom, codec)
    if loaded.encode(text) != data:
        raise GatesError(f"refusing to edit {path}: its bytes do not survive decoding")
    return loaded


def write(root: Path, change: FileChange) -> None:
    """Replace the file atomically (a reader sees the old or the new file, never half)."""
    where = target(root, change.path)
    data = change.before.encode(change.after)
    mode = stat.S_IMODE(where.stat().st_mode) if change.before.exists else None
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{where.name}.", suffix=".gates-fix",
                                             dir=where.parent)
    except OSError as exc:
        raise GatesError(f"cannot write {change.path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        else:
            os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, where)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise GatesError(f"cannot write {change.path}: {exc.strerror or exc}") from None


def _umask() -> int:
    """The process umask (read by setting it: there is no getter), for new files' mode."""
    current = os.umask(0o022)
    os.umask(current)
    return current


# -- the loop ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class FixOutcome:
    """What ``gates fix`` did: the final check, what was fixed, what could not be."""

    result: Result  # the check after the last pass: what remains
    fixed: tuple[Finding, ...] = ()  # first-pass findings gone at the end (``--diff``: planned)
    files: tuple[str, ...] = ()  # paths written (or, with ``write=False``, that would be)
    changes: tuple[FileChange, ...] = ()  # with ``write=False``: the first pass's changes
    withheld: tuple[Finding, ...] = ()
    refused: tuple[tuple[str, str], ...] = ()
    deferred: tuple[Finding, ...] = ()  # only in a ``write=False`` run
    converged: bool = True


@dataclass
class _Progress:
    """What the passes of one ``fix_project`` call accumulate (local to that call)."""

    first: Result
    files: dict[str, None] = field(default_factory=dict)
    refused: dict[tuple[str, str], None] = field(default_factory=dict)


def fix_project(paths: Iterable[Path] = (), config_file: Path | None = None,
                select: Iterable[str] = (), ignore: Iterable[str] = (), *, unsafe: bool = False,
                write_files: bool = True) -> tuple[FixOutcome, Severity]:
    """Check, apply fixes, check again, until nothing is left to fix (``MAX_PASSES`` at most).

    With ``write_files=False`` nothing is written: one pass is planned and its changes are
    returned (``--diff``); fixes that overlap a planned one are listed as ``deferred``.
    Returns the outcome and the configured ``fail_on``.
    """
    from gates import baseline
    from gates.engine import make_plan, run
    from gates.git_sources import open_source
    from gates.project import open_project
    from gates.rules import builtin_rules, user_rules

    targets = [Path(p) for p in paths] or [Path(".")]
    select, ignore = list(select), list(ignore)
    project = open_project(targets, config_file)

    def check() -> Result:
        # A fresh project each pass: git's view of .gitignore and the index is re-read.
        fresh = open_project(targets, config_file)
        rules = builtin_rules() + user_rules(fresh.root / fresh.config.rules_dir)
        engine_plan = make_plan(rules, fresh.config, fresh.root, fresh.git, select, ignore)
        excludes = fresh.config.exclude + baseline.excludes(fresh.root, None)
        return run(open_source(fresh.root, fresh.git, list(targets), excludes), engine_plan)

    result = check()
    progress = _Progress(result)
    for _ in range(MAX_PASSES):
        current = plan(result, project.root, unsafe)
        progress.refused.update(dict.fromkeys(current.refused))
        if not write_files:
            return FixOutcome(result, current.fixed, tuple(c.path for c in current.changes),
                              current.changes, current.withheld, current.refused,
                              current.deferred), project.config.fail_on
        if not current.changes:
            return _outcome(result, progress, current, True), project.config.fail_on
        for change in current.changes:
            write(project.root, change)
            progress.files[change.path] = None
        result = check()
    last = plan(result, project.root, unsafe)
    return _outcome(result, progress, last, not last.changes), project.config.fail_on


def _outcome(result: Result, progress: _Progress, last: FixPlan, converged: bool) -> FixOutcome:
    """Fixed = what the first check found and the last does not (fixes resolve findings of
    other rules too: a scaffolded ExternalSecret also resolves a dangling secret reference)."""
    left = {f.fingerprint for f in result.findings}
    if not progress.files:
        fixed: tuple[Finding, ...] = ()
    else:
        fixed = tuple(f for f in progress.first.findings if f.fingerprint not in left)
    return FixOutcome(result, fixed, tuple(progress.files), (), last.withheld,
                      tuple(progress.refused), (), converged)


def remaining_fixable(result: Result) -> tuple[int, int]:
    """(findings with a safe fix, findings with only unsafe fixes) among ``result.findings``."""
    safe = sum(1 for f in result.findings if any(x.safety == SAFE for x in f.fixes))
    unsafe_only = sum(1 for f in result.findings if f.fixes) - safe
    return safe, unsafe_only
