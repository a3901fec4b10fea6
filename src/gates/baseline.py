"""Baselines: accept today's findings, fail only on new ones.

A baseline file lists fingerprints, never secret values and never line numbers, so it survives
inserted lines and edits to other files (the fingerprint is a hash of rule, path and evidence,
see ``engine._finding``). Entries are unique and sorted, one per line, so regenerating it gives
the same bytes and two branches that baseline different files do not conflict.

    {"version": 1, "entries": [
      {"rule": "untagged-default", "path": "deploy/compose.yml", "fingerprint": "9f2c…"}
    ]}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from gates.errors import GatesError
from gates.model import Finding, Suppression

VERSION = 1
DEFAULT_NAME = ".gates-baseline.json"
_FIELDS = ("rule", "path", "fingerprint")
_REGENERATE = "regenerate it with `gates baseline --output FILE`"


@dataclass(frozen=True)
class Baseline:
    """The accepted findings, as (rule, path, fingerprint) triples."""

    entries: frozenset[tuple[str, str, str]]
    source: str = DEFAULT_NAME

    def suppression(self, finding: Finding) -> Suppression | None:
        key = (finding.rule_id, finding.location.path, finding.fingerprint)
        return Suppression("baseline", f"in {self.source}") if key in self.entries else None


def from_findings(findings: Iterable[Finding]) -> Baseline:
    return Baseline(frozenset((f.rule_id, f.location.path, f.fingerprint) for f in findings))


def dumps(baseline: Baseline) -> str:
    """The file's text: stable key order, entries sorted by path, rule, fingerprint."""
    rows = sorted(baseline.entries, key=lambda e: (e[1], e[0], e[2]))
    lines = [json.dumps(dict(zip(_FIELDS, row)), ensure_ascii=False) for row in rows]
    body = ",\n  ".join(lines)
    return f'{{"version": {VERSION}, "entries": [\n  {body}\n]}}\n' if lines else \
        f'{{"version": {VERSION}, "entries": []}}\n'


def write(baseline: Baseline, path: Path) -> None:
    try:
        path.write_text(dumps(baseline), encoding="utf-8", newline="\n")
    except OSError as exc:
        raise GatesError(f"cannot write {path}: {exc.strerror or exc}") from None


def load(path: Path) -> Baseline:
    """Read and check a baseline file; anything unexpected is a user error (exit 2)."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise GatesError(f"baseline file not found: {path}",
                         f"create it with `gates baseline --output {path}`") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GatesError(f"cannot read baseline {path}: {exc.__class__.__name__}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GatesError(f"{path}:{exc.lineno}:{exc.colno}: baseline is not valid JSON: {exc.msg}",
                         _REGENERATE) from None
    return Baseline(_entries(data, path), source=path.name)


def _entries(data: Any, path: Path) -> frozenset[tuple[str, str, str]]:
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise GatesError(f"{path}: not a gates baseline (version {VERSION})", _REGENERATE)
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise GatesError(f"{path}: 'entries' must be a list", _REGENERATE)
    found = set()
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or set(entry) != set(_FIELDS) \
                or not all(isinstance(entry[k], str) for k in _FIELDS):
            raise GatesError(f"{path}: entry {number} must have exactly the string fields "
                             f"{', '.join(_FIELDS)}", _REGENERATE)
        found.add((entry["rule"], entry["path"], entry["fingerprint"]))
    return frozenset(found)


def excludes(root: Path, *files: Path | None) -> tuple[str, ...]:
    """Exclude patterns for baseline files under ``root``: their fingerprints are long hex
    strings that secret detectors would otherwise report as new findings on every run."""
    patterns = []
    for file in files:
        if file is None:
            continue
        try:
            rel = file.absolute().relative_to(root.absolute()).as_posix()
        except ValueError:
            continue
        patterns.append("/" + rel)
    return tuple(patterns)


def write_for(path: Path, output: Path | None, config_file: Path | None) -> tuple[Path, int]:
    """``gates baseline``: scan ``path`` in full and write the baseline of what it finds.

    A run that was incomplete (an unreadable file, a crashed rule) writes nothing: its baseline
    would silently miss findings that the next full run then reports as new.
    """
    from gates.engine import make_plan, run
    from gates.project import open_project
    from gates.rules import builtin_rules, user_rules
    from gates.sources import WorkTree

    project = open_project([path], config_file)
    target = output if output is not None else project.root / DEFAULT_NAME
    rules = builtin_rules() + user_rules(project.root / project.config.rules_dir)
    plan = make_plan(rules, project.config, project.root, project.git)
    excluded = project.config.exclude + excludes(project.root, target)
    result = run(WorkTree(project.root, [path.absolute()], excluded, project.git), plan)
    if result.crashed or result.errors:
        raise GatesError(f"not writing {target}: the scan was incomplete "
                         f"({len(result.errors)} error(s))",
                         "run `gates check` to see them, fix them, then write the baseline")
    found = from_findings(result.findings)
    write(found, target)
    return target, len(found.entries)
