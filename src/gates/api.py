"""The Python entry point: what ``gates check`` does, minus argument parsing and output."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from gates.model import Result, Severity

if TYPE_CHECKING:
    from gates.protection.command import ForgeOptions


def check(paths: Iterable[Path] = (), config_file: Path | None = None,
          select: Iterable[str] = (), ignore: Iterable[str] = (), *, staged: bool = False,
          diff: str | None = None, baseline_file: Path | None = None,
          forge: ForgeOptions | None = None) -> tuple[Result, Severity]:
    """Scan ``paths`` (default: the cwd); return the result and the configured ``fail_on``.

    ``staged`` / ``diff`` scan only what the index or a revision range adds (see
    ``git_sources``); ``baseline_file`` suppresses the findings it lists. ``forge`` reads
    live branch protection once, before the rules (``gates check --protection``).
    """
    from gates import baseline
    from gates.engine import make_plan, run
    from gates.git_sources import open_source
    from gates.project import open_project
    from gates.protection.command import read_live, with_live_notes
    from gates.rules import builtin_rules, user_rules

    targets = [Path(p) for p in paths] or [Path(".")]
    project = open_project(targets, config_file)
    rules = builtin_rules() + user_rules(project.root / project.config.rules_dir)
    live = read_live(project, forge) if forge is not None else None
    plan = make_plan(rules, project.config, project.root, project.git, select, ignore, live)
    source = open_source(project.root, project.git, [p.absolute() for p in targets],
                         project.config.exclude + baseline.excludes(project.root, baseline_file),
                         staged=staged, diff=diff)
    accepted = baseline.load(baseline_file) if baseline_file else None
    return with_live_notes(run(source, plan, accepted), live), project.config.fail_on
