"""The click layer of ``gates fix`` and ``gates init``.

Imports only click at module level: ``gates.cli`` imports this module to register the commands,
and the work (``gates.fix``, ``gates.init``) is imported when a command runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

FIX_EXIT_CODES = """\b
Exit codes:
  0  everything fixable was fixed and no finding at or above --fail-on remains
     (--diff: and there was nothing to change)
  1  findings at or above --fail-on remain (they need a human, or --unsafe-fixes),
     or --diff has changes to show
  2  the run cannot be trusted: usage or config error, unreadable file, missing git repo
  3  a bug in gates (a rule crashed); the message names the rule"""


@click.command("fix", epilog=FIX_EXIT_CODES)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--unsafe-fixes", is_flag=True,
              help="Also apply unsafe fixes (scaffolds with TODOs, changes a human should read).")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print the changes as a unified diff and write nothing.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "note"]),
              help="Lowest severity that fails the run (default: the config's fail_on).")
@click.option("--config", "config_file", type=click.Path(path_type=Path),
              help="Config file (default: .gates.yml or [tool.gates] in pyproject.toml).")
@click.option("--select", multiple=True, metavar="RULE",
              help="Fix only these rules' findings (repeatable, comma-separated).")
@click.option("--ignore", multiple=True, metavar="RULE", help="Do not run these rules.")
@click.option("--no-color", is_flag=True, help="Never colour the text output.")
@click.option("--quiet", "-q", is_flag=True, help="Print remaining findings only.")
def fix_command(paths: tuple[Path, ...], unsafe_fixes: bool, show_diff: bool,
                fail_on: str | None, config_file: Path | None, select: tuple[str, ...],
                ignore: tuple[str, ...], no_color: bool, quiet: bool) -> None:
    """Apply the fixes gates offers for the findings in PATHS (default: the current folder).

    Safe fixes by default; --unsafe-fixes adds the ones a human should read. Runs the checks
    again after fixing (until nothing is left to fix) and reports what remains.
    """
    from gates.cli import _split, _warn_incomplete, _write_reports
    from gates.engine import exit_code
    from gates.fix import fix_project
    from gates.model import Severity

    outcome, configured = fix_project(list(paths), config_file, _split(select), _split(ignore),
                                      unsafe=unsafe_fixes, write_files=not show_diff)
    threshold = Severity(fail_on) if fail_on else configured
    for path, reason in outcome.refused:
        click.echo(f"gates: warning: {reason}", err=True)
    if show_diff:
        from gates.fix_diff import render_diff

        render_diff(outcome.changes, sys.stdout)
        _diff_summary(outcome, unsafe_fixes)
        code = exit_code(outcome.result, threshold)
        raise SystemExit(1 if code == 0 and outcome.changes else code)
    _write_reports(outcome.result, [("text", None)], no_color, False, False, quiet)
    _fix_summary(outcome, unsafe_fixes)
    _warn_incomplete(outcome.result)
    raise SystemExit(exit_code(outcome.result, threshold))


def _diff_summary(outcome: Any, unsafe: bool) -> None:
    files = len(outcome.changes)
    if not files:
        click.echo("gates: nothing to fix" + _withheld(outcome, unsafe), err=True)
        return
    said = (f"gates: {_count(len(outcome.fixed), 'finding')} would be fixed in "
            f"{_count(files, 'file')} (--diff: nothing written)")
    if outcome.deferred:
        said += (f"; {len(outcome.deferred)} more overlap these (`gates fix` looks at them "
                 "again once these are applied)")
    click.echo(said + _withheld(outcome, unsafe), err=True)


def _fix_summary(outcome: Any, unsafe: bool) -> None:
    said = (f"gates: fixed {_count(len(outcome.fixed), 'finding')} in "
            f"{_count(len(outcome.files), 'file')}") if outcome.files else "gates: nothing to fix"
    click.echo(said + _withheld(outcome, unsafe), err=True)
    if not outcome.converged:
        click.echo("gates: warning: fixes kept changing the files after "
                   "several passes; please report this bug", err=True)


def _withheld(outcome: Any, unsafe: bool) -> str:
    if unsafe or not outcome.withheld:
        return ""
    return f"; --unsafe-fixes would fix {len(outcome.withheld)} more"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@click.command("init")
@click.argument("path", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing .gates.yml.")
def init_command(path: Path | None, force: bool) -> None:
    """Write a commented .gates.yml for PATH (default: the current folder).

    Detects the apps (folders with a deploy/ or k8s/ manifest folder) and how each gets its
    secrets, the deploy paths and the CI workflows, and writes them down for review.
    """
    from gates.init import write_config

    written, found = write_config(path or Path("."), force)
    click.echo(f"gates: wrote {written} ({found}); review it, then run `gates check`", err=True)
