"""The Python entry point: what ``gates check`` does, minus argument parsing and output."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from gates.model import Result, Severity


def check(paths: Iterable[Path] = (), config_file: Path | None = None,
          select: Iterable[str] = (), ignore: Iterable[str] = ()) -> tuple[Result, Severity]:
    """Scan ``paths`` (default: the cwd); return the result and the configured ``fail_on``."""
    from gates.engine import make_plan, run
    from gates.project import open_project
    from gates.rules import builtin_rules, user_rules
    from gates.sources import WorkTree

    targets = [Path(p) for p in paths] or [Path(".")]
    project = open_project(targets, config_file)
    rules = builtin_rules() + user_rules(project.root / project.config.rules_dir)
    plan = make_plan(rules, project.config, project.root, project.git, select, ignore)
    source = WorkTree(project.root, [p.absolute() for p in targets], project.config.exclude,
                      project.git)
    return run(source, plan), project.config.fail_on
