"""The engine: route each document to the rules for its kind, turn hits into findings.

Only this module builds ``Finding``s: it stamps rule id and configured severity, fingerprints
them without line numbers, applies inline ignores and the diff filter, and records every skip
and error as a ``Note`` so that nothing unchecked looks like a pass.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from gates import __version__
from gates.config import Config
from gates.context import CheckContext
from gates.documents import Document, decode_note, load_document
from gates.errors import GatesError, Skip
from gates.facts import RULE_FACTS, compute, needed_by
from gates.git import GitRepo
from gates.ignore import spec
from gates.repo import RepoView
from gates.model import Finding, Hit, Location, Note, Result, Rule, Severity, Suppression
from gates.sources import Source, SourceFile
from gates.suppress import ignore_index
from gates.tree_view import PartialSource, config_relpath, reads_changed

if TYPE_CHECKING:
    from gates.baseline import Baseline
    from gates.forge import Live


@dataclass(frozen=True)
class ActiveRule:
    """A rule as configured for this run, with its check and path filters resolved."""

    rule: Rule
    ctx: CheckContext
    check: Callable[..., Iterable[Hit]] | None
    only: Any  # pathspec of rule.paths (a filter), or None
    exclude: Any  # pathspec of the config's per-rule excludes, or None

    def wants(self, path: str) -> bool:
        if self.exclude is not None and self.exclude.match_file(path):
            return False
        return self.only is None or bool(self.only.match_file(path))


@dataclass(frozen=True)
class Plan:
    """The rules of one run, grouped the way the engine routes files to them."""

    root: Path
    config: Config
    rules: tuple[ActiveRule, ...]
    facts: frozenset[str] = frozenset()  # what the file scan records for repo-scope rules

    def for_kind(self, kind: str) -> list[ActiveRule]:
        return [a for a in self.rules if a.rule.kind != "path" and a.rule.scope == "file"
                and (not a.rule.kinds or kind in a.rule.kinds)]

    @property
    def path_rules(self) -> list[ActiveRule]:
        return [a for a in self.rules if a.rule.kind == "path"]

    @property
    def repo_rules(self) -> list[ActiveRule]:
        return [a for a in self.rules if a.rule.scope == "repo" and a.rule.kind == "check"]

    @property
    def repo_kinds(self) -> frozenset[str]:
        """Kinds some repo-scope rule declares it reads: the file scan hands their documents to
        the repo view with what it parsed of them. A rule that declares none re-reads what it
        asks for."""
        return frozenset(kind for active in self.repo_rules for kind in active.rule.kinds)


def make_plan(all_rules: Iterable[Rule], config: Config, root: Path, git: GitRepo | None,
              select: Iterable[str] = (), ignore: Iterable[str] = (),
              live: Live | None = None) -> Plan:
    """Resolve enablement, severity and options; unknown ids and options are user errors.

    ``live`` is forge data read before the run (``gates check --protection``), handed to checks.
    """
    by_id = _index(all_rules)
    for rule_id in (*config.rules, *select, *ignore):
        if rule_id not in by_id:
            raise GatesError(f"unknown rule id '{rule_id}'", "`gates rules` lists the rule ids")
    chosen = _choose(by_id, config, set(select), set(ignore))
    enabled = frozenset(r.id for r in chosen)
    return Plan(root, config, tuple(_activate(r, config, root, git, enabled, live)
                                    for r in chosen), needed_by(enabled))


def _index(rules: Iterable[Rule]) -> dict[str, Rule]:
    by_id: dict[str, Rule] = {}
    for rule in rules:
        for name in (rule.id, *rule.aliases):
            if name in by_id:
                raise GatesError(f"rule id '{name}' is defined twice ({rule.origin})",
                                 "rename the repo rule: built-in ids are reserved")
            by_id[name] = rule
    return by_id


def _choose(by_id: dict[str, Rule], config: Config, select: set[str], ignore: set[str]) -> list[Rule]:
    unique = {rule.id: rule for rule in by_id.values()}
    select_ids = {by_id[s].id for s in select}
    ignore_ids = {by_id[i].id for i in ignore}
    chosen = []
    for rule_id, rule in sorted(unique.items()):
        settings = config.rules.get(rule_id)
        enabled = settings.enabled is not False if settings else True
        if select_ids:
            enabled = rule_id in select_ids
        if enabled and rule_id not in ignore_ids:
            chosen.append(rule)
    return chosen


def _activate(rule: Rule, config: Config, root: Path, git: GitRepo | None,
              enabled: frozenset[str], live: Live | None = None) -> ActiveRule:
    from gates.checks.user_rules import pattern_check

    settings = config.rules.get(rule.id)
    options = dict(rule.options)
    if settings:
        unknown = sorted(set(settings.options) - set(rule.options))
        if unknown:
            known = ", ".join(sorted(rule.options)) or "none"
            raise GatesError(f"rule {rule.id}: unknown option(s) {', '.join(unknown)}",
                             f"options of {rule.id}: {known}")
        options.update(settings.options)
        if settings.severity:
            rule = dataclasses.replace(rule, severity=settings.severity)
    ctx = CheckContext(rule, options, config, root, git, enabled, live)
    check = {"check": lambda: _imported_on_call(rule.id), "pattern": lambda: pattern_check,
             "path": lambda: _path_check(rule)}[rule.kind]()
    # A built-in path rule with a registered check (forbidden-path) matches paths itself: its
    # globs come from the config as well as the rule file, each with its own reason.
    only = spec(rule.paths) if rule.paths and not (rule.kind == "path" and check) else None
    exclude = spec(settings.exclude) if settings and settings.exclude else None
    return ActiveRule(rule, ctx, check, only, exclude)


def _imported_on_call(rule_id: str) -> Callable[..., Iterable[Hit]]:
    """The check of ``rule_id``, imported when first called, not when the plan is made.

    A pre-commit run on three YAML files then never imports the code and secret checks it does
    not call (~0.1 s); a check module that fails to import is a crash of that rule (exit 3).
    """
    def check(subject: Any, ctx: CheckContext) -> Iterable[Hit]:
        from gates.checks import load_check

        hits: Iterable[Hit] = load_check(rule_id)(subject, ctx)
        return hits

    return check


def run(source: Source, plan: Plan, baseline: Baseline | None = None, jobs: int = 1) -> Result:
    """Scan every file of ``source`` with ``plan``; never raises for a check's failure.

    Findings whose fingerprint is in ``baseline`` are suppressed (kind "baseline"). ``jobs``
    > 1 scans the files of a large full run in that many worker processes (``parallel.py``);
    the result is the same as with one, in the same order.
    """
    started = time.perf_counter()
    # A staged or diff run's repo-scope rules read the whole tree (``source.view``), not this.
    keep = frozenset() if isinstance(source, PartialSource) else plan.repo_kinds
    state = _RunState(view=RepoView(plan.config.max_file_size, keep=keep), baseline=baseline)
    if not isinstance(source, PartialSource):
        state.view.fact_names = plan.facts
    if jobs > 1 and not isinstance(source, PartialSource):
        from gates.parallel import scan_files

        scan_files(source.files(), plan, state, jobs)
    else:
        for item in source.files():
            if isinstance(item, Note):
                state.notes.append(item)
                continue
            _scan_file(item, plan, state)
    _scan_repo_rules(source, plan, state)
    findings = tuple(sorted(state.findings, key=lambda f: f.sort_key))
    suppressed = tuple(sorted(state.suppressed, key=lambda f: f.sort_key))
    return Result(
        root=str(plan.root), rules=tuple(a.rule for a in plan.rules), findings=findings,
        suppressed=suppressed, notes=tuple(state.notes), files_scanned=state.files,
        duration_s=time.perf_counter() - started, tool_version=__version__,
        crashed=state.crashed,
    )


@dataclass
class _RunState:
    """What one run accumulates; local to ``run`` (no module-level state)."""

    view: RepoView
    findings: list[Finding] = dataclasses.field(default_factory=list)
    suppressed: list[Finding] = dataclasses.field(default_factory=list)
    notes: list[Note] = dataclasses.field(default_factory=list)
    skipped_rules: set[tuple[str, str]] = dataclasses.field(default_factory=set)
    files: int = 0
    crashed: bool = False
    baseline: Baseline | None = None


def _scan_file(item: SourceFile, plan: Plan, state: _RunState) -> None:
    hits: list[tuple[ActiveRule, Hit]] = [
        (active, hit) for active in plan.path_rules if active.wants(item.path)
        for hit in _path_hits(active, item.path, state)
    ]
    loaded = load_document(item, plan.config.max_file_size)
    if isinstance(loaded, Note):
        state.notes.append(loaded)
        state.view.add(item, None)
        _record(hits, item.path, None, state)
        return
    state.files += 1
    undecodable = decode_note(loaded)  # the bytes read as U+FFFD were not checked: say so
    if undecodable is not None:
        state.notes.append(undecodable)
    passed_over: list[str] = []
    for active in plan.for_kind(loaded.kind):
        if not active.wants(loaded.path):
            continue
        if active.ctx.options.get("scan_generated") is False and loaded.generated:
            passed_over.append(active.rule.id)
            continue
        hits.extend((active, hit) for hit in _call(active, loaded, state))
    if passed_over:
        state.notes.append(_generated_note(loaded, passed_over))
    facts = _facts(loaded, plan, state) if plan.facts else None
    state.view.add(item, loaded.kind, loaded, facts)  # after the checks: with what they parsed
    _record(hits, loaded.path, loaded, state)


def _facts(doc: Document, plan: Plan, state: _RunState) -> dict[str, Any] | None:
    """What the repo-scope rules need of ``doc`` (``facts.py``); a bug there is a crash of the
    rules that read it (exit 3, named), like a check's, never a missing fact that passes."""
    try:
        return compute(doc, plan.facts)
    except GatesError:
        raise
    except (Exception, SystemExit) as exc:
        state.crashed = True
        readers = ", ".join(sorted(rule for rule, names in RULE_FACTS.items()
                                   if plan.facts.intersection(names)))
        state.notes.append(Note("error", f"internal error reading this file for {readers}: "
                                f"{_where(exc)} (please report this bug)", doc.path, None))
        return None


def _generated_note(doc: Document, rule_ids: list[str]) -> Note:
    """Say which rules passed over a generated file (``generated.py``), and how to include it."""
    rules = " and ".join(rule_ids)
    return Note("skipped-file", f"{doc.generated} (generated: not read by {rules}; "
                f"their option scan_generated: true includes it)", doc.path)


def _path_check(rule: Rule) -> Callable[..., Iterable[Hit]] | None:
    """The ``check(path, ctx)`` of a built-in path rule, if it has one (else globs only)."""
    from gates.checks import CHECKS, load_check

    return load_check(rule.id) if rule.origin == "builtin" and rule.id in CHECKS else None


def _path_hits(active: ActiveRule, path: str, state: _RunState) -> list[Hit]:
    """Hits of a path rule on ``path``, decided before the file is read (binary files too)."""
    from gates.checks.user_rules import path_hit

    if active.check is None:
        return [path_hit(active.rule)]
    return _call(active, path, state, where=path)


def _scan_repo_rules(source: Source, plan: Plan, state: _RunState) -> None:
    """Every repo-scope rule; on a staged or diff run only those that read a changed file.

    Those see the whole tree being committed (read lazily), not just the changed files, and
    report what the change added: findings they also make on the tree before the change are
    dropped, like file-scope findings on lines the change did not add. Both views say which
    paths changed (``RepoView.changed``), so a rule looks only at what the change may affect;
    a changed config file can affect everything (``changed`` None).
    """
    if not isinstance(source, PartialSource):
        for active in plan.repo_rules:
            _scan_repo(active, state)
        state.view.release()
        return
    changes, config = source.changes(), config_relpath(plan.config.path, plan.root)
    due = [a for a in plan.repo_rules if reads_changed(a.rule, a.wants, changes, config)]
    if not due:
        return
    changed = None if config is not None and config in changes.contents \
        else frozenset(changes.contents)
    after = _RunState(view=source.view(plan.config.max_file_size), baseline=state.baseline)
    after.view.changed = changed
    for active in due:
        _scan_repo(active, after)
    if after.findings or after.suppressed:  # else there is nothing to compare: skip "before"
        before = _RunState(view=source.view(plan.config.max_file_size, before=True))
        before.view.changed = changed
        for active in due:
            _scan_repo(active, before)
        # A rule that crashed on the tree before the change crashed all the same (exit 3).
        state.notes += [n for n in before.notes if n.kind == "error" and n not in after.notes]
        state.crashed |= before.crashed
        old = {f.fingerprint for f in (*before.findings, *before.suppressed)}
        after.findings = [f for f in after.findings if f.fingerprint not in old]
        after.suppressed = [f for f in after.suppressed if f.fingerprint not in old]
    state.findings += after.findings
    state.suppressed += after.suppressed
    state.notes += after.notes
    state.crashed |= after.crashed


def _scan_repo(active: ActiveRule, state: _RunState) -> None:
    """Run a repo-scope check once; its hits name their own paths."""
    by_path: dict[str, list[tuple[ActiveRule, Hit]]] = {}
    for hit in _call(active, state.view, state, where=None):
        if hit.path is None:
            raise AssertionError(f"repo-scope rule {active.rule.id} returned a hit without a path")
        if active.wants(hit.path):
            by_path.setdefault(hit.path, []).append((active, hit))
    for path, hits in sorted(by_path.items()):
        _record(hits, path, state.view.document(path), state)


def _call(active: ActiveRule, subject: Any, state: _RunState,
          where: str | None = "") -> list[Hit]:
    """Run one check on a document (or the repo view); a Skip or crash becomes a Note."""
    assert active.check is not None
    rule_id = active.rule.id
    path = subject.path if where == "" else where
    try:
        return list(active.check(subject, active.ctx))
    except Skip as skip:
        if (rule_id, skip.reason) not in state.skipped_rules:
            state.skipped_rules.add((rule_id, skip.reason))
            state.notes.append(Note("skipped-rule", skip.reason, None, rule_id))
    except GatesError:
        raise
    except (Exception, SystemExit) as exc:  # a bug: exit 3, without the message; a check's
        state.crashed = True  # sys.exit(0) (or a library's) must not end the run as a pass
        state.notes.append(Note("error", f"internal error in rule {rule_id}: "
                                f"{_where(exc)} (please report this bug)", path, rule_id))
    return []


def _where(exc: BaseException) -> str:
    """Exception type and innermost frame: the message may quote file content (a secret)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    last = frames[-1]
    return f"{type(exc).__name__} at {Path(last.filename).name}:{last.lineno}"


def _record(hits: list[tuple[ActiveRule, Hit]], path: str, doc: Document | None,
            state: _RunState) -> None:
    if not hits:
        return
    covered = ignore_index(doc.lines) if doc is not None and "gates:" in doc.text else {}
    changed = doc.changed_lines if doc is not None else None
    seen: Counter[tuple[str, str]] = Counter()
    for active, hit in sorted(hits, key=lambda pair: (pair[1].line, pair[1].col)):
        # Fingerprint first: twins are numbered in file order, the same in a diff run as in a
        # full one, so a new twin of a baselined finding does not take over its fingerprint.
        finding = _finding(active.rule, hit, hit.path or path, seen)
        if changed is not None and hit.line not in changed:
            continue
        suppression = _suppression(active.rule, hit.line, covered) or (
            state.baseline.suppression(finding) if state.baseline is not None else None)
        if suppression:
            state.suppressed.append(dataclasses.replace(finding, suppression=suppression))
        else:
            state.findings.append(finding)


def _finding(rule: Rule, hit: Hit, path: str, seen: Counter[tuple[str, str]]) -> Finding:
    evidence = hit.evidence or hit.message
    if hit.secret is not None:
        evidence += "\0" + hashlib.sha256(hit.secret.encode("utf-8", "replace")).hexdigest()
    seen[(rule.id, evidence)] += 1
    digest = hashlib.sha256("\0".join(
        (rule.id, path, evidence, str(seen[(rule.id, evidence)]))).encode("utf-8", "replace"))
    severity = rule.severity
    if hit.severity is not None and hit.severity.rank < severity.rank:
        severity = hit.severity
    return Finding(
        rule_id=rule.id, severity=severity,
        location=Location(path, hit.line, hit.col, hit.end_line, hit.end_col),
        message=hit.message, fix=hit.fix or rule.fix, fingerprint=digest.hexdigest()[:32],
        fixes=hit.fixes,
    )


def _suppression(rule: Rule, line: int, covered: dict[int, Any]) -> Suppression | None:
    names = {rule.id, *rule.aliases}
    for found in covered.get(line, ()):
        if found.rule_ids & names:
            return Suppression("inline", found.reason)
    return None


def exit_code(result: Result, fail_on: Severity) -> int:
    """The exit-code contract: 3 a bug, 2 an untrustworthy run, 1 findings, 0 clean."""
    if result.crashed:
        return 3
    if result.errors:
        return 2
    if any(f.severity.rank >= fail_on.rank for f in result.findings):
        return 1
    return 0
