"""The command line: a thin click layer over project, engine and reporters.

Exit codes (the contract in DESIGN.md): 0 clean; 1 findings at or above --fail-on; 2 the run
cannot be trusted because of the input (usage, config, unreadable file, missing git repo);
3 a bug in gates (a check crashed), naming the rule.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO, Any, Sequence

import click

from gates import __version__
from gates.fix_cli import fix_command, init_command
from gates.protection.cli import forge_from, forge_options
from gates.protection.cli import protection as protection_command

EXIT_CODES_HELP = """\b
Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  the run cannot be trusted: usage or config error, unreadable file, missing git repo
  3  a bug in gates (a rule crashed); the message names the rule"""
FORMATS = ("text", "json", "sarif", "github")


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, "--version", "-V", prog_name="gates")
def cli() -> None:
    """gates: CI policy linter for deployment config, .env files, secrets and CI gates."""


@cli.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "formats", multiple=True, metavar="FORMAT[=FILE]",
              help="text, json, sarif or github; repeatable; FORMAT=FILE writes to a file.")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write the (single) format to FILE.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "note"]),
              help="Lowest severity that fails the run (default: warning, or the config's fail_on).")
@click.option("--config", "config_file", type=click.Path(path_type=Path),
              help="Config file (default: .gates.yml or [tool.gates] in pyproject.toml).")
@click.option("--select", multiple=True, metavar="RULE", help="Run only these rules (repeatable, comma-separated).")
@click.option("--ignore", multiple=True, metavar="RULE", help="Do not run these rules.")
@click.option("--no-color", is_flag=True, help="Never colour the text output.")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only: no summary when clean.")
@click.option("--verbose", "-v", is_flag=True, help="List every skipped file.")
@click.option("--show-suppressed", is_flag=True, help="Include suppressed findings in SARIF output.")
@click.option("--staged", is_flag=True,
              help="Check what is staged (the git index): added lines only.")
@click.option("--diff", "diff", metavar="REV", help="Check what REV...HEAD (or A..B, A...B) added.")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path), metavar="FILE",
              help="Report only findings not in FILE (written by `gates baseline`).")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, show_default=True,
              help="Worker processes for a large scan; 0: one per available core (at most 8).")
@forge_options
def check(paths: tuple[Path, ...], formats: tuple[str, ...], output: Path | None,
          fail_on: str | None, config_file: Path | None, select: tuple[str, ...],
          ignore: tuple[str, ...], no_color: bool, quiet: bool, verbose: bool,
          show_suppressed: bool, staged: bool, diff: str | None,
          baseline_file: Path | None, jobs: int, **forge: Any) -> None:
    """Check PATHS (default: the current folder) and report findings."""
    from gates.api import check as run_check
    from gates.engine import exit_code
    from gates.model import Severity

    targets = _parse_formats(formats, output)
    result, configured = run_check(paths, config_file, _split(select), _split(ignore),
                                   staged=staged, diff=diff, baseline_file=baseline_file,
                                   forge=forge_from(forge), jobs=jobs)
    threshold = Severity(fail_on) if fail_on else configured
    _write_reports(result, targets, no_color, verbose, show_suppressed, quiet)
    _warn_incomplete(result)
    raise SystemExit(exit_code(result, threshold))


def _warn_incomplete(result: Any) -> None:
    """Say on stderr why a run exits 2 or 3, whatever format went to stdout or a file.

    With ``--format json`` or ``sarif=FILE`` the reason is buried in a document nobody reads on
    a failing CI step; stderr is where the log reader looks. Crashes name the rule (the note
    carries only the exception type and frame, never its message, which could quote a secret);
    unreadable paths are counted, not listed: the report lists them, escaped for a terminal.
    """
    from gates.report import printable

    crashed: dict[str, str] = {}
    unreadable = 0
    for note in result.errors:
        if note.rule_id is not None and result.crashed:
            crashed.setdefault(note.rule_id, note.message)
        else:
            unreadable += 1
    for _rule_id, message in sorted(crashed.items()):
        _err(f"error: {printable(message)}")  # "internal error in rule <id>: <type> at <frame>"
    if unreadable:
        _err(f"error: {unreadable} path(s) could not be read, so the run is incomplete; "
             "the report lists them")


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _parse_formats(formats: tuple[str, ...], output: Path | None) -> list[tuple[str, Path | None]]:
    """[(format, file or None for stdout)]; at most one format may go to stdout."""
    targets: list[tuple[str, Path | None]] = []
    for entry in formats or ("text",):
        name, equals, file = entry.partition("=")
        if name not in FORMATS:
            raise click.UsageError(f"unknown format '{name}'; choose from {', '.join(FORMATS)}")
        if equals and not file:
            raise click.UsageError(f"--format {entry}: give a file name after '=', or drop the '='")
        targets.append((name, Path(file) if file else None))
    if output is not None:
        if len(targets) != 1 or targets[0][1] is not None:
            raise click.UsageError("--output takes a single format; use --format FORMAT=FILE for several")
        targets = [(targets[0][0], output)]
    if sum(1 for _, file in targets if file is None) > 1:
        raise click.UsageError("only one format can go to stdout; write the others with FORMAT=FILE")
    return targets


def _write_reports(result: Any, targets: list[tuple[str, Path | None]], no_color: bool,
                   verbose: bool, show_suppressed: bool, quiet: bool) -> None:
    from gates.report import RenderOptions, get_renderer

    root = Path(result.root)
    display = _display_root(root)
    for name, file in targets:
        color = (file is None and name == "text" and not no_color and sys.stdout.isatty()
                 and "NO_COLOR" not in os.environ)
        options = RenderOptions(color=color, verbose=verbose, include_suppressed=show_suppressed,
                                display_root=display)
        if name == "text" and quiet and not result.findings and not result.notes:
            continue
        if file is None:
            get_renderer(name)(result, sys.stdout, options)
        else:
            _write_file(file, lambda out, n=name, o=options: get_renderer(n)(result, out, o))
        if name == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
            from gates.report.github import render_summary

            _write_file(Path(os.environ["GITHUB_STEP_SUMMARY"]),
                        lambda out, o=options: render_summary(result, out, o), append=True)


def _write_file(path: Path, write: Any, append: bool = False) -> None:
    from gates.errors import GatesError

    try:
        with open(path, "a" if append else "w", encoding="utf-8", newline="\n") as out:
            write(out)
    except OSError as exc:
        raise GatesError(f"cannot write {path}: {exc.strerror or exc}") from None


def _display_root(root: Path) -> str:
    """Root relative to the cwd, so text paths are clickable; empty when root is the cwd."""
    try:
        rel = root.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return ""
    return "" if rel == "." else rel + "/"


@cli.command("baseline")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="Baseline file to write (default: .gates-baseline.json in the project root).")
@click.option("--config", "config_file", type=click.Path(path_type=Path),
              help="Config file (default: .gates.yml or [tool.gates] in pyproject.toml).")
def baseline_command(path: Path | None, output: Path | None, config_file: Path | None) -> None:
    """Accept today's findings in PATH: write their fingerprints (never secret values).

    `gates check --baseline FILE` then reports only findings that are not in FILE.
    """
    from gates.baseline import write_for

    written, count = write_for(path or Path("."), output, config_file)
    click.echo(f"gates: wrote {count} finding(s) to {written}", err=True)


cli.add_command(protection_command)
cli.add_command(fix_command)
cli.add_command(init_command)


@cli.command("rules")
def list_rules() -> None:
    """List the built-in rules: id, severity, scope, title."""
    from gates.rules import builtin_rules

    rules = builtin_rules()
    width = max(len(r.id) for r in rules)
    for rule in rules:
        click.echo(f"{rule.id:<{width}}  {rule.severity.value:<7}  {rule.scope:<4}  {rule.title}")


@cli.command()
@click.argument("rule_id")
def explain(rule_id: str) -> None:
    """Show a rule's documentation: what, why, example, fix, references."""
    from gates.errors import GatesError
    from gates.rules import builtin_rules

    by_id = {name: r for r in builtin_rules() for name in (r.id, *r.aliases)}
    if rule_id not in by_id:
        raise GatesError(f"unknown rule id '{rule_id}'", "`gates rules` lists the rule ids")
    rule = by_id[rule_id]
    docs = rule.docs
    click.echo(f"{rule.id}: {rule.title}\n")
    click.echo(f"severity: {rule.severity.value}    scope: {rule.scope}    "
               f"reads: {', '.join(rule.kinds) or 'every file'}\n")
    sections = [("What it does", docs.what), ("Why it matters", docs.why),
                ("Example", _indent(docs.example)), ("Use instead", _indent(docs.use_instead)),
                ("Fix", rule.fix)]
    if rule.options:
        sections.append(("Options", "\n".join(f"  {k}: {v!r}" for k, v in rule.options.items())))
    if docs.references:
        sections.append(("References", "\n".join(f"  - {r}" for r in docs.references)))
    for title, body in sections:
        click.echo(f"## {title}\n{body}\n")


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: map every failure to the exit-code contract, never a traceback."""
    from gates.errors import GatesError

    try:
        # Without standalone mode click *returns* the code of ``ctx.exit(n)`` instead of raising.
        returned = cli.main(args=list(argv) if argv is not None else None, prog_name="gates",
                            standalone_mode=False)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        _err("internal error: an exit with a message (not shown); please report this bug")
        return 3  # sys.exit("...") from a library is a failure, never a pass
    except click.exceptions.Abort:
        _err("aborted")
        return 130
    except click.ClickException as exc:
        exc.show()
        return 2
    except GatesError as exc:
        _err(f"error: {exc}")
        return 2
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except Exception as exc:  # a bug in gates: say where, not what (it may quote a secret)
        from gates.engine import _where

        _err(f"internal error: {_where(exc)}; please report this bug "
             "(set GATES_DEBUG=1 for the traceback)")
        if os.environ.get("GATES_DEBUG"):
            raise
        return 3
    return returned if isinstance(returned, int) else 0


def _err(message: str, stream: IO[str] | None = None) -> None:
    print(f"gates: {message}", file=stream or sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
