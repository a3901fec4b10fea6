"""``required-check-drift``: live branch protection differs from ``.gates/protection.yml``.

The live side is read before the run (``gates protection``, ``gates check --protection``) and
arrives as ``ctx.live``; the rule option ``snapshot`` names a recorded snapshot in the repo
instead. Without either the rule is skipped, visibly. Sources that could not be read are never a
pass: differences they might make up for stop the run (exit 2, naming the permission to grant)
unless unknown sources are allowed, in which case they are one warning per branch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from gates.context import CheckContext
from gates.errors import GatesError, Skip
from gates.forge import BranchState, Snapshot, Source
from gates.model import Hit, Severity
from gates.protection.declared import Declaration, DeclaredBranch, find_in_view, load
from gates.protection.drift import Drift, compare
from gates.repo import RepoView

NOT_READ = ("live branch protection was not read: run `gates protection` or "
            "`gates check --protection` (or record a snapshot and set the rule option snapshot)")


@dataclass(frozen=True)
class _LiveInput:
    snapshot: Snapshot
    origin: str
    allow_unknown: bool


def required_check_drift(view: RepoView, ctx: CheckContext) -> Iterator[Hit]:
    """One hit per difference, at the declaring line of each declared branch setting."""
    hits: list[Hit] = []
    paths = find_in_view(view)
    compared = False
    for path in paths:
        declared = load_declaration(view, path)
        live = _live_for(declared, view, ctx)
        if live is None:
            continue
        compared = True
        for branch in declared.branches:
            hits += _branch_hits(declared, branch, _state(live, branch.name), live)
    if paths and not compared:
        raise Skip(NOT_READ)
    return iter(hits)


def load_declaration(view: RepoView, path: str) -> Declaration:
    """The declaration at ``path`` of the view (a ``GatesError`` when it is invalid)."""
    doc = view.document(path)
    if doc is None:
        raise GatesError(f"{path}: cannot be read as text", "save it as UTF-8 YAML or JSON")
    return load(doc.text, path)


def _live_for(declared: Declaration, view: RepoView, ctx: CheckContext) -> _LiveInput | None:
    allow = bool(ctx.options.get("allow_unknown"))
    if ctx.live is not None and declared.folder == "":
        return _LiveInput(ctx.live.snapshot, ctx.live.origin, ctx.live.allow_unknown or allow)
    option = ctx.options.get("snapshot")
    if not option:
        return None
    from gates.forge.snapshot import parse

    path = f"{declared.folder}/{option}" if declared.folder else str(option)
    doc = view.document(path)
    if doc is None:
        raise GatesError(f"{path}: the snapshot named by rule option "
                         "required-check-drift.snapshot is not among the scanned files",
                         "record it with `gates protection snapshot --output FILE`")
    return _LiveInput(parse(doc.text, path), f"snapshot {path}", allow)


def _state(live: _LiveInput, branch: str) -> BranchState:
    state = live.snapshot.branch(branch)
    if state is None:
        raise GatesError(f"{live.origin} has no data for branch {branch}",
                         "record the snapshot again after declaring the branch")
    return state


def _branch_hits(declared: Declaration, branch: DeclaredBranch, state: BranchState,
                 live: _LiveInput) -> list[Hit]:
    drifts = compare(branch, state.live, live.snapshot.provider)
    unknown = state.unknown
    if not unknown:
        return [_hit(declared, branch, d) for d in drifts]
    hits = [_hit(declared, branch, d) for d in drifts if not d.weaker]
    doubtful = [d for d in drifts if d.weaker]
    if not doubtful:
        return hits  # the readable sources already satisfy it; the CLI notes the unknown ones
    if not live.allow_unknown:
        raise GatesError(_unknown_message(branch, unknown, doubtful, live.origin),
                         _unknown_hint(unknown))
    hits.append(Hit(branch.line, branch.col,
                    _unknown_message(branch, unknown, doubtful, live.origin),
                    evidence=f"{branch.name}:unknown:{','.join(s.name for s in unknown)}",
                    path=declared.path, severity=Severity.WARNING,
                    fix=_unknown_hint(unknown, allowed=True)))
    return hits


def _hit(declared: Declaration, branch: DeclaredBranch, drift: Drift) -> Hit:
    return Hit(drift.line, drift.col, drift.message, evidence=f"{branch.name}:{drift.evidence}",
               path=declared.path)


def _unknown_message(branch: DeclaredBranch, unknown: tuple[Source, ...],
                     doubtful: list[Drift], origin: str) -> str:
    sources = "; ".join(f"{s.title} could not be read ({s.detail or 'no answer'})"
                        for s in unknown)
    prefixes = (f"branch {branch.name}: ", f"branch {branch.name} ")
    missing = "; ".join(next((d.message[len(p):] for p in prefixes if d.message.startswith(p)),
                             d.message) for d in doubtful)
    return (f"branch {branch.name}: {sources}, and the sources that could be read (from "
            f"{origin}) do not show what is declared: {missing}")


def _unknown_hint(unknown: tuple[Source, ...], allowed: bool = False) -> str:
    needs = "; ".join(f"{s.title} needs {s.permission}" for s in unknown if s.permission)
    if allowed:
        return f"Give the token the missing permission so gates can check it: {needs}."
    return (f"give the token the missing permission: {needs}; or pass --allow-unknown "
            "(rule option allow_unknown) to report this as a warning")
