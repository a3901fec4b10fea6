"""Read the forge once, before the rules run, for ``gates protection`` and ``--protection``.

``read_live`` turns options (``--provider``, ``--api-url``, ``--repo``, ``--token-env``,
``--snapshot``, ``--allow-unknown``) plus the git remote into a ``gates.forge.Live`` that the
engine hands to ``required-check-drift`` through ``CheckContext.live``; no rule touches the
network. ``with_live_notes`` adds a visible note for every source that could not be read, so
a run that passed on the readable sources never looks like a full pass.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Iterator

from gates.errors import GatesError
from gates.forge import Live, Snapshot
from gates.model import Note, Result, Severity
from gates.project import Project
from gates.protection.declared import Declaration, find_on_disk, load
from gates.protection.options import ForgeOptions
from gates.sources import SourceFile


DRIFT_RULE = "required-check-drift"


def declaration(project: Project) -> Declaration:
    """The project's declaration; asking for protection without one is a user error."""
    path = find_on_disk(project.root)
    if path is None:
        raise GatesError(f"no branch protection is declared in {project.root}",
                         "write .gates/protection.yml (see `gates explain required-check-drift`)")
    rel = path.relative_to(project.root).as_posix()
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GatesError(f"cannot read {rel}: {exc.__class__.__name__}") from None
    return load(text, rel)


def read_live(project: Project, options: ForgeOptions) -> Live | None:
    """Live protection for the declared branches, from the forge or a snapshot file."""
    if not options.wanted:
        return None
    declared = declaration(project)
    if options.snapshot is not None:
        from gates.forge import snapshot

        recorded = snapshot.read(options.snapshot)
        return Live(recorded, f"snapshot {options.snapshot}", options.allow_unknown)
    recorded = read_forge(project, options, declared)
    title = {"github": "GitHub", "gitea": "Gitea"}[recorded.provider]
    return Live(recorded, f"the {title} API at {recorded.api_url}", options.allow_unknown)


def read_forge(project: Project, options: ForgeOptions, declared: Declaration,
               branches: list[str] | None = None) -> Snapshot:
    """Ask the forge about ``branches`` (default: every declared branch)."""
    from gates.forge import target

    where = target.resolve(options.provider or declared.provider, options.api_url,
                           options.repo, options.token_env, target.remote_url(project.git))
    secret = target.token(where)
    names = branches or [b.name for b in declared.branches]
    from gates.forge.http import HttpSettings

    return target.read(where, secret, names, options.http or HttpSettings())


def with_live_notes(result: Result, live: Live | None) -> Result:
    """Add a note per unreadable source, naming the permission that would make it readable."""
    if live is None or DRIFT_RULE not in {r.id for r in result.rules}:
        return result
    notes = [Note("skipped-rule", _unknown_note(branch.branch, source.title, source.detail,
                                                source.permission), None, DRIFT_RULE)
             for branch in live.snapshot.branches for source in branch.unknown]
    return dataclasses.replace(result, notes=result.notes + tuple(notes)) if notes else result


def _unknown_note(branch: str, title: str, detail: str, permission: str) -> str:
    return (f"branch {branch}: {title} could not be read ({detail or 'no answer'}), so the "
            f"result rests on the other sources; reading it needs {permission}")


class DeclarationOnly:
    """A source that yields just the declaration file: ``gates protection`` reads nothing else."""

    def __init__(self, root: Path, declared: Declaration) -> None:
        self.root = root
        self.declared = declared

    def files(self) -> Iterator[SourceFile | Note]:
        path = self.root / self.declared.path

        def read() -> bytes:
            return path.read_bytes()

        yield SourceFile(self.declared.path, path.stat().st_size, read)


def check_protection(paths: list[Path], config_file: Path | None,
                     options: ForgeOptions) -> tuple[Result, Severity]:
    """``gates protection``: only ``required-check-drift``, against live data or a snapshot."""
    from gates.engine import make_plan, run
    from gates.project import open_project
    from gates.rules import builtin_rules, user_rules

    project = open_project(paths or [Path(".")], config_file)
    declared = declaration(project)
    live = read_live(project, dataclasses.replace(options, protection=True))
    rules = builtin_rules() + user_rules(project.root / project.config.rules_dir)
    plan = make_plan(rules, project.config, project.root, project.git, [DRIFT_RULE], (), live)
    result = run(DeclarationOnly(project.root, declared), plan)
    return with_live_notes(result, live), project.config.fail_on


def record_snapshot(paths: list[Path], config_file: Path | None, options: ForgeOptions,
                    output: Path, branches: list[str]) -> Snapshot:
    """``gates protection snapshot``: read the forge and write what it said to ``output``."""
    from gates.forge import snapshot
    from gates.project import open_project

    project = open_project(paths or [Path(".")], config_file)
    if branches:
        names = branches
        declared = _declaration_or_none(project)
    else:
        declared = declaration(project)
        names = [b.name for b in declared.branches]
    recorded = read_forge(project, options, declared or _EMPTY, names)
    snapshot.write(recorded, output)
    return recorded


def _declaration_or_none(project: Project) -> Declaration | None:
    return declaration(project) if find_on_disk(project.root) is not None else None


_EMPTY = Declaration(".gates/protection.yml", "", None, 1, ())
