"""The click layer of ``gates protection`` and the forge options of ``gates check``.

Imports only click at module level: ``gates.cli`` imports this module to register the command,
and its helpers (formats, reports, exit codes) are imported lazily from there.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

import click

if TYPE_CHECKING:
    from gates.protection.options import ForgeOptions

F = TypeVar("F", bound=Callable[..., Any])
FORGE_KEYS = ("protection", "provider", "api_url", "repo", "token_env", "snapshot",
              "allow_unknown")


def _forge_options(with_flag: bool, with_snapshot: bool = True) -> list[Callable[[F], F]]:
    options: list[Callable[[F], F]] = []
    if with_flag:
        options.append(click.option(
            "--protection", is_flag=True,
            help="Also read live branch protection and report drift from .gates/protection.yml."))
    options += [
        click.option("--provider", type=click.Choice(["github", "gitea"]),
                     help="The forge (default: from .gates/protection.yml, else the git remote)."),
        click.option("--api-url", metavar="URL",
                     help="API base: https://api.github.com, https://HOST/api/v3 (GitHub "
                          "Enterprise) or https://HOST/api/v1 (Gitea)."),
        click.option("--repo", metavar="OWNER/NAME", help="Repository (default: the git remote)."),
        click.option("--token-env", metavar="NAME",
                     help="Environment variable holding the token (default: GITHUB_TOKEN or "
                          "GITEA_TOKEN)."),
    ]
    if with_snapshot:
        options += [
            click.option("--snapshot", type=click.Path(path_type=Path, dir_okay=False),
                         metavar="FILE", help="Check against a recorded snapshot, offline."),
            click.option("--allow-unknown", is_flag=True,
                         help="A protection source the token cannot read is a warning, not "
                              "exit 2."),
        ]
    return options


def forge_options(command: F) -> F:
    """Add ``--protection`` and the forge options to ``gates check``."""
    for option in reversed(_forge_options(with_flag=True)):
        command = option(command)
    return command


def forge_from(values: dict[str, Any]) -> ForgeOptions:
    """``ForgeOptions`` from the click values; forge options need ``--protection`` or
    ``--snapshot`` (a silently ignored ``--repo`` would look like a check that ran)."""
    from gates.protection.options import ForgeOptions

    given = {k: values.get(k) for k in FORGE_KEYS}
    if not given["protection"] and given["snapshot"] is None:
        stray = [k for k in ("provider", "api_url", "repo", "token_env") if given[k]]
        if stray or given["allow_unknown"]:
            name = "--" + (stray[0] if stray else "allow_unknown").replace("_", "-")
            raise click.UsageError(f"{name} needs --protection (or --snapshot FILE)")
    return ForgeOptions(protection=bool(given["protection"]), provider=given["provider"],
                        api_url=given["api_url"], repo=given["repo"],
                        token_env=given["token_env"], snapshot=given["snapshot"],
                        allow_unknown=bool(given["allow_unknown"]))


def _common(command: F) -> F:
    for option in reversed([
        click.option("-C", "--directory", type=click.Path(path_type=Path, file_okay=False),
                     default=Path("."), show_default=True, help="The project folder."),
        click.option("--config", "config_file", type=click.Path(path_type=Path),
                     help="Config file (default: .gates.yml or [tool.gates] in pyproject.toml)."),
    ]):
        command = option(command)
    return command


def _report_options(command: F) -> F:
    for option in reversed([
        click.option("--format", "formats", multiple=True, metavar="FORMAT[=FILE]",
                     help="text, json, sarif or github; repeatable; FORMAT=FILE writes to a file."),
        click.option("--output", "-o", type=click.Path(path_type=Path),
                     help="Write the (single) format to FILE."),
        click.option("--fail-on", type=click.Choice(["error", "warning", "note"]),
                     help="Lowest severity that fails the run (default: warning)."),
        click.option("--no-color", is_flag=True, help="Never colour the text output."),
        click.option("--quiet", "-q", is_flag=True, help="Print findings only."),
        click.option("--verbose", "-v", is_flag=True, help="List every skipped file."),
    ]):
        command = option(command)
    return command


def _forge(with_snapshot: bool) -> Callable[[F], F]:
    def apply(command: F) -> F:
        for option in reversed(_forge_options(with_flag=False, with_snapshot=with_snapshot)):
            command = option(command)
        return command

    return apply


PROTECTION_EXIT_CODES = """\b
Exit codes:
  0  the forge enforces what .gates/protection.yml declares
  1  drift: findings at or above --fail-on
  2  the run cannot be trusted: no declaration, a protection source the token cannot read
     (the message names the permission), usage or config error
  3  a bug in gates"""


@click.group("protection", invoke_without_command=True, epilog=PROTECTION_EXIT_CODES)
@_common
@_report_options
@_forge(with_snapshot=True)
@click.pass_context
def protection(ctx: click.Context, directory: Path, config_file: Path | None,
               formats: tuple[str, ...], output: Path | None, fail_on: str | None,
               no_color: bool, quiet: bool, verbose: bool, **forge: Any) -> None:
    """Compare live branch protection with .gates/protection.yml: one finding per difference.

    Reads GitHub classic protection and rulesets (or the Gitea protection rule) for every
    declared branch, once, then reports like `gates check`.
    """
    options = forge_from({**forge, "protection": True})
    if ctx.invoked_subcommand is not None:
        ctx.obj = (directory, config_file, options)
        return
    from gates.cli import _parse_formats, _warn_incomplete, _write_reports
    from gates.engine import exit_code
    from gates.model import Severity
    from gates.protection.command import check_protection

    targets = _parse_formats(formats, output)
    result, configured = check_protection([directory], config_file, options)
    _write_reports(result, targets, no_color, verbose, False, quiet)
    _warn_incomplete(result)
    raise SystemExit(exit_code(result, Severity(fail_on) if fail_on else configured))


@protection.command("snapshot")
@click.option("--output", "-o", "snapshot_file",
              type=click.Path(path_type=Path, dir_okay=False), help="The JSON file to write.")
@click.option("--declare", is_flag=True,
              help="Write .gates/protection.yml declaring what the forge enforces now.")
@click.option("--force", is_flag=True, help="With --declare: replace an existing declaration.")
@click.option("--branch", "branches", multiple=True, metavar="NAME",
              help="Branch to record (repeatable; default: every declared branch, else the "
                   "default branch).")
@_forge(with_snapshot=False)
@click.pass_obj
def snapshot_command(parent: tuple[Path, Path | None, ForgeOptions], snapshot_file: Path | None,
                     declare: bool, force: bool, branches: tuple[str, ...], **forge: Any) -> None:
    """Record live branch protection as JSON (--output FILE, to check later with --snapshot
    FILE) or as the repo's declaration (--declare)."""
    import dataclasses

    from gates.protection.command import record_snapshot

    directory, config_file, options = parent
    mine = {k: v for k, v in forge.items() if v is not None}
    options = dataclasses.replace(options, **mine)
    if declare:
        from gates.forge import snapshot as snapshot_file_format
        from gates.protection.declare import declare as write_declaration

        written, recorded = write_declaration([directory], config_file, options,
                                              list(branches), force)
        if snapshot_file is not None:
            snapshot_file_format.write(recorded, snapshot_file)
        click.echo(f"gates: declared {len(recorded.branches)} branch(es) of {recorded.repo} in "
                   f"{written}", err=True)
    elif snapshot_file is None:
        raise click.UsageError("give --output FILE (a snapshot) or --declare (a declaration)")
    else:
        recorded = record_snapshot([directory], config_file, options, snapshot_file,
                                   list(branches))
        click.echo(f"gates: recorded {len(recorded.branches)} branch(es) of {recorded.repo} "
                   f"from {recorded.api_url} to {snapshot_file}", err=True)
    for state in recorded.branches:
        for source in state.unknown:
            click.echo(f"gates: warning: branch {state.branch}: {source.title} could not be "
                       f"read ({source.detail}); it needs {source.permission}", err=True)
