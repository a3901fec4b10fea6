"""The CI gate rules: required checks that no job produces, that can be skipped, and failures
that gate, publish, promote, deploy or release jobs swallow.

All three are static: they read ``.gates/protection.yml`` and the workflow files of the same
project folder (``.github/workflows``, ``.gitea/workflows``), never the forge.
- ``required-check-unproduced``: a declared required check that no workflow job reports
  (naming rules in ``workflow_names.py``), at the declaring line.
- ``required-check-skippable``: a workflow producing a required check whose ``pull_request``
  trigger has ``paths`` / ``paths-ignore`` or a branch filter that excludes the protected branch
  (the check then stays pending forever), or a job-level ``if:`` that can skip the producing
  job (a skipped job reports success without running); at the filter or the ``if:``.
- ``swallowed-failure``: in jobs that gate (produce a required check, or are needed by one) or
  whose workflow name, file name, job id or job name says gate / publish / promote / deploy /
  release (rule option ``keywords``): ``continue-on-error: true``, ``|| true``, ``set +e``
  without ``set -e`` later, ``curl`` without ``--fail``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Callable, Iterator

from gates.checks.shell_scan import ShellHit, runs_shell, scan
from gates.checks.workflow_names import GITEA_EVENTS, Producer, producers
from gates.context import CheckContext
from gates.errors import Skip
from gates.forge import GITHUB_ACTIONS_APP_ID
from gates.model import Hit
from gates.parse.workflows import Job, Workflow, parse
from gates.protection.declared import Declaration, find_in_view
from gates.repo import RepoView

PR_TRIGGERS = ("pull_request", "pull_request_target")
# ``if:`` values that never skip a job by themselves (``success()`` is the default).
NEVER_SKIPS = frozenset({"always()", "!cancelled()", "success()", "true",
                         "success()||failure()", "always()&&!cancelled()"})
_SHELL_FIX = {
    "or-true": "Let the command fail. If one failure is acceptable, test for exactly that case "
               "(`cmd || [ $? -eq 3 ]`) and say why in a comment.",
    "set-e-off": "Put `set -e` back right after the commands that may fail, or check their exit "
                 "codes explicitly.",
    "curl-no-fail": "Use `curl --fail-with-body` (or `-f`) so an HTTP error fails the step.",
}
_CONTINUE_FIX = ("Remove continue-on-error from jobs that gate, publish or deploy; move optional "
                 "work to a separate job that no required check depends on.")


@dataclass(frozen=True)
class _Project:
    """A folder with workflows, and its declaration when it has one."""

    folder: str
    declaration: Declaration | None
    workflows: tuple[Workflow, ...]
    provider: str | None

    def producers(self, view: RepoView) -> list[Producer]:
        return producers(self.workflows, self.provider, _resolver(view, self.folder))


def required_check_unproduced(view: RepoView, ctx: CheckContext) -> Iterator[Hit]:
    """A declared required check that no workflow job reports."""
    external = [str(p) for p in ctx.options.get("external", ())]
    for project in _declared_projects(view, ctx):
        declared = project.declaration
        assert declared is not None
        found = project.producers(view)
        where = " or ".join(declared.workflow_folders())
        for branch in declared.branches:
            for check in branch.checks or ():
                if check.app_id not in (None, GITHUB_ACTIONS_APP_ID):
                    continue  # reported by another app, not by a workflow
                if any(fnmatchcase(check.context, p) for p in external):
                    continue
                if not any(p.produces(check.context) for p in found):
                    yield Hit(check.line, check.col,
                              f"required check '{check.context}' (branch {branch.name}) is "
                              f"reported by no job in {where}{_near(check.context, found)}: "
                              "nothing can satisfy it, so every pull request waits for it "
                              "forever", evidence=f"{branch.name}:{check.context}",
                              path=declared.path)


def _near(context: str, found: list[Producer]) -> str:
    """Gitea appends the event: say so when that is the only difference."""
    for event in GITEA_EVENTS:
        candidate = f"{context} ({event})"
        if any(p.produces(candidate) for p in found):
            return f" (Gitea reports it as '{candidate}')"
    return ""


def required_check_skippable(view: RepoView, ctx: CheckContext) -> Iterator[Hit]:
    """Filters and conditions that can leave a required check pending or skipped."""
    seen: set[tuple[str, int, int]] = set()
    for project in _declared_projects(view, ctx):
        declared = project.declaration
        assert declared is not None
        found = project.producers(view)
        for branch in declared.branches:
            contexts = [c.context for c in branch.checks or ()]
            for flow, jobs, names in _producing(found, contexts):
                for hit in _skippable(flow, jobs, names, branch.name):
                    key = (hit.path or "", hit.line, hit.col)
                    if key not in seen:
                        seen.add(key)
                        yield hit


def swallowed_failure(view: RepoView, ctx: CheckContext) -> Iterator[Hit]:
    """Failures swallowed in jobs that gate, publish, promote, deploy or release."""
    words = [str(w).lower() for w in ctx.options.get("keywords", ())]
    keyword = re.compile(r"(?<![a-z])(" + "|".join(map(re.escape, words)) + ")") if words else None
    for project in _all_projects(view, ctx):
        required = _required_jobs(project, view)
        for flow in project.workflows:
            for job in flow.jobs:
                reason = required.get((flow.path, job.id)) or _keyword_reason(flow, job, keyword)
                if reason:
                    yield from _swallowed(flow, job, reason)


# --- projects -------------------------------------------------------------------------------

def _declared_projects(view: RepoView, ctx: CheckContext) -> list[_Project]:
    return [p for p in _all_projects(view, ctx) if p.declaration is not None]


def _all_projects(view: RepoView, ctx: CheckContext) -> list[_Project]:
    """Every folder with a declaration or workflows; a declaration without workflows in the
    scan while its workflow folders exist on disk means the scan left them out: skip."""
    from gates.checks.protection import load_declaration

    declared = {d.folder: d for d in (load_declaration(view, p) for p in find_in_view(view))}
    flows: dict[str, list[Workflow]] = {}
    for doc in view.documents("workflow"):
        flow = parse(doc)
        if flow is not None:
            flows.setdefault(flow.folder, []).append(flow)
    projects = []
    for folder in sorted(set(declared) | set(flows)):
        decl = declared.get(folder)
        if decl is not None and folder not in flows and _workflows_on_disk(ctx, decl):
            raise Skip("the workflow folders are not among the scanned files; "
                       "check the whole repository")
        provider = decl.provider if decl is not None else None
        if provider is None and folder == "":
            provider = _remote_provider(ctx)
        projects.append(_Project(folder, decl, tuple(flows.get(folder, ())), provider))
    return projects


def _workflows_on_disk(ctx: CheckContext, declared: Declaration) -> bool:
    return any((ctx.root / folder).is_dir() for folder in declared.workflow_folders())


def _remote_provider(ctx: CheckContext) -> str | None:
    from gates.forge.target import parse_remote, provider_from_host, remote_url

    url = remote_url(ctx.git)
    return provider_from_host(parse_remote(url)[0]) if url else None


def _resolver(view: RepoView, folder: str) -> Callable[[str], Workflow | None]:
    """Find a local reusable workflow (``uses: ./.github/workflows/x.yml``) in the view."""
    def resolve(uses: str) -> Workflow | None:
        path = uses[2:].split("@")[0]
        doc = view.document(f"{folder}/{path}" if folder else path)
        return parse(doc) if doc is not None else None

    return resolve


# --- required-check-skippable ----------------------------------------------------------------

def _producing(found: list[Producer], contexts: list[str]
               ) -> Iterator[tuple[Workflow, list[Job], list[str]]]:
    """(workflow, its jobs that produce required checks, those checks), per workflow."""
    by_flow: dict[str, tuple[Workflow, dict[str, Job], dict[str, None]]] = {}
    for context in contexts:
        for producer in found:
            if producer.produces(context):
                flow, jobs, names = by_flow.setdefault(
                    producer.workflow.path, (producer.workflow, {}, {}))
                jobs[producer.job.id] = producer.job
                names[context] = None
    for flow, jobs, names in by_flow.values():
        yield flow, list(jobs.values()), list(names)


def _skippable(flow: Workflow, jobs: list[Job], names: list[str], branch: str) -> Iterator[Hit]:
    checks = ", ".join(f"'{n}'" for n in names)
    for trigger in flow.triggers:
        if trigger.event not in PR_TRIGGERS:
            continue
        for filt in trigger.filters:
            if filt.key == "paths":
                why = (f"`paths:` on {trigger.event} skips the workflow when a pull request "
                       "changes no file under those paths")
            elif filt.key == "paths-ignore":
                why = (f"`paths-ignore:` on {trigger.event} skips the workflow when a pull "
                       "request changes only ignored files")
            elif _excludes(filt.key, filt.values, branch):
                why = (f"`{filt.key}:` on {trigger.event} leaves out pull requests to "
                       f"{branch}")
            else:
                continue
            yield Hit(filt.line, filt.col,
                      f"{why}, so required check {checks} stays pending forever and blocks "
                      "the merge", evidence=f"{trigger.event}:{filt.key}:{branch}",
                      path=flow.path,
                      fix="Drop the filter, or keep the workflow running and skip the work "
                          "inside a step (or decide which files matter in a first job)")
    for job in jobs:
        yield from _condition_hits(flow, job, checks)


def _condition_hits(flow: Workflow, job: Job, checks: str) -> Iterator[Hit]:
    """The job's own ``if:``, or the ``if:`` of a job it needs (a skipped need skips it)."""
    chain = [job] + ([] if _runs_despite_needs(job.condition) else _needed(flow, job))
    for source in chain:
        if source.condition_at is None or not _can_skip(source.condition):
            continue
        via = "" if source is job else f" (job {job.display} needs job {source.display})"
        yield Hit(source.condition_at.line, source.condition_at.col,
                  f"`if: {_short(source.condition)}` can skip job {source.display}{via}; a "
                  f"skipped job reports required check {checks} as passed without running it",
                  evidence=f"if:{source.id}:{job.id}", path=flow.path,
                  fix="Run the job always and make its steps decide, or require a job that "
                      "cannot be skipped")


def _needed(flow: Workflow, job: Job) -> list[Job]:
    found: dict[str, Job] = {}
    stack = list(job.needs)
    while stack:
        name = stack.pop()
        needed = flow.job(name)
        if needed is None or name in found:
            continue
        found[name] = needed
        if not _runs_despite_needs(needed.condition):
            stack.extend(needed.needs)
    return list(found.values())


def _normal(condition: str | None) -> str:
    text = (condition or "").strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    return re.sub(r"\s+", "", text)


def _can_skip(condition: str | None) -> bool:
    return condition is not None and _normal(condition) not in NEVER_SKIPS


def _runs_despite_needs(condition: str | None) -> bool:
    text = _normal(condition)
    return "always()" in text or "cancelled()" in text or "failure()" in text


def _short(condition: str | None) -> str:
    text = " ".join((condition or "").split())
    return text if len(text) <= 60 else text[:57] + "..."


def _excludes(key: str, patterns: tuple[str, ...], branch: str) -> bool:
    """True when a ``branches`` / ``branches-ignore`` filter drops pull requests to ``branch``."""
    if key == "branches-ignore":
        return any(_branch_glob(p).fullmatch(branch) for p in patterns)
    included = False
    for pattern in patterns:
        if pattern.startswith("!"):
            if _branch_glob(pattern[1:]).fullmatch(branch):
                included = False
        elif _branch_glob(pattern).fullmatch(branch):
            included = True
    return not included


def _branch_glob(pattern: str) -> re.Pattern[str]:
    """GitHub's filter patterns: ``*`` no ``/``, ``**`` anything, ``?`` / ``+`` quantify the
    previous character, ``[...]`` a class."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 1
        elif ch == "*":
            out.append("[^/]*")
        elif ch in "?+" and out:
            out.append(ch)
        elif ch == "[" and "]" in pattern[i + 1:]:
            end = pattern.index("]", i + 1)
            out.append(pattern[i:end + 1])
            i = end
        else:
            out.append(re.escape(ch))
        i += 1
    try:
        return re.compile("".join(out))
    except re.error:
        return re.compile(re.escape(pattern))


# --- swallowed-failure -----------------------------------------------------------------------

def _required_jobs(project: _Project, view: RepoView) -> dict[tuple[str, str], str]:
    """(workflow path, job id) -> why the job gates: it reports a required check, or a job
    that does needs it."""
    declared = project.declaration
    if declared is None:
        return {}
    contexts = [c.context for b in declared.branches for c in b.checks or ()]
    gating: dict[tuple[str, str], str] = {}
    for flow, jobs, names in _producing(project.producers(view), contexts):
        for job in jobs:
            gating.setdefault((flow.path, job.id), f"it reports required check '{names[0]}'")
            for needed in _needed(flow, job):
                gating.setdefault((flow.path, needed.id),
                                  f"required job {job.display} needs it")
    return gating


def _keyword_reason(flow: Workflow, job: Job, keyword: re.Pattern[str] | None) -> str | None:
    if keyword is None:
        return None
    for label, text in (("job", job.id), ("job", job.name or ""), ("workflow", flow.name or ""),
                        ("workflow file", flow.file_name)):
        match = keyword.search(text.lower())
        if match:
            return f"the {label} name says {match.group(1)}"
    return None


def _swallowed(flow: Workflow, job: Job, reason: str) -> Iterator[Hit]:
    if job.continue_on_error is not None:
        yield Hit(job.continue_on_error.line, job.continue_on_error.col,
                  f"continue-on-error: true on job {job.display}: it passes even when it "
                  f"fails, and {reason}", evidence=f"{job.id}:job-continue-on-error",
                  path=flow.path, fix=_CONTINUE_FIX)
    for step in job.steps:
        if step.continue_on_error is not None:
            yield Hit(step.continue_on_error.line, step.continue_on_error.col,
                      f"continue-on-error: true on step {step.index + 1} of job {job.display}: "
                      f"its failure does not fail the job, and {reason}",
                      evidence=f"{job.id}:step-continue-on-error", path=flow.path,
                      fix=_CONTINUE_FIX)
        if runs_shell(step.shell or job.shell or flow.shell):
            for found in scan(step.run):
                yield _shell_hit(flow, job, found, reason)


def _shell_hit(flow: Workflow, job: Job, found: ShellHit, reason: str) -> Hit:
    what = {
        "or-true": f"`{found.text}` turns the failure of the command before it into success",
        "set-e-off": "`set +e` turns off exit-on-error for the rest of the script and nothing "
                     "turns it back on",
        "curl-no-fail": "curl without --fail exits 0 when the server answers 404 or 500",
    }[found.kind]
    return Hit(found.line, found.col, f"{what} in job {job.display}, and {reason}",
               evidence=f"{job.id}:{found.kind}:{found.text}", path=flow.path,
               fix=_SHELL_FIX[found.kind])
