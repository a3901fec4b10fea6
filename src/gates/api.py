"""The Python entry point: what ``gates check`` does, minus argument parsing and output."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from gates.model import Result, Severity

if TYPE_CHECKING:
    from gates.forge import Live
    from gates.project import Project
    from gates.protection.options import ForgeOptions


def check(paths: Iterable[Path] = (), config_file: Path | None = None,
          select: Iterable[str] = (), ignore: Iterable[str] = (), *, staged: bool = False,
          diff: str | None = None, baseline_file: Path | None = None,
          forge: ForgeOptions | None = None, jobs: int = 1) -> tuple[Result, Severity]:
    """Scan ``paths`` (default: the cwd); return the result and the configured ``fail_on``.

    ``staged`` / ``diff`` scan only what the index or a revision range adds (see
    ``git_sources``); ``baseline_file`` suppresses the findings it lists. ``forge`` reads
    live branch protection once, before the rules (``gates check --protection``). ``jobs``:
    worker processes for a large full scan (0: one per available core; 1: this process only).
    """
    from gates import baseline
    from gates.engine import make_plan, run
    from gates.git_sources import open_source
    from gates.project import open_project
    from gates.rules import builtin_rules, user_rules

    targets = [Path(p) for p in paths] or [Path(".")]
    project = open_project(targets, config_file)
    rules = builtin_rules() + user_rules(project.root / project.config.rules_dir)
    live = _read_live(project, forge)
    plan = make_plan(rules, project.config, project.root, project.git, select, ignore, live)
    source = open_source(project.root, project.git, [p.absolute() for p in targets],
                         project.config.exclude + baseline.excludes(project.root, baseline_file),
                         staged=staged, diff=diff)
    accepted = baseline.load(baseline_file) if baseline_file else None
    if jobs == 0:
        from gates.parallel import default_jobs

        jobs = default_jobs()
    result = run(source, plan, accepted, jobs=jobs)
    if live is not None:
        from gates.protection.command import with_live_notes

        result = with_live_notes(result, live)
    return result, project.config.fail_on


def _read_live(project: Project, forge: ForgeOptions | None) -> Live | None:
    """The forge's live protection, read once before any rule; None when nobody asked (the
    forge client is then never imported)."""
    if forge is None or not forge.wanted:
        return None
    from gates.protection.command import read_live

    return read_live(project, forge)
