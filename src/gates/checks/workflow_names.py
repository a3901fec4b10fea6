"""Which status-check names a workflow job reports, on GitHub and on Gitea.

- GitHub: a job's check run is named by its ``name:`` (its id when there is none); a matrix job
  gets `` (value, value)`` appended unless its name already uses the matrix; a job that calls a
  reusable workflow reports ``<caller> / <called job>``.
- Gitea Actions: the commit status is ``<workflow name> / <job name> (<event>)``; the workflow
  name is its ``name:`` or the file name. Gitea reads ``.github/workflows`` only when the repo
  has no ``.gitea/workflows``.

Names are regexes: an expression (``${{ … }}``) or an unlistable matrix matches anything in its
place, so a check is never called unproduced because gates could not evaluate an expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

from gates.parse.workflows import Job, Workflow

EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.S)
# Events whose runs report checks on a pull request's head commit.
PR_EVENTS = frozenset({"push", "pull_request", "pull_request_target", "merge_group"})
GITEA_EVENTS = ("push", "pull_request", "pull_request_target")


@dataclass(frozen=True)
class Producer:
    """A job and a regex of a check name it reports."""

    workflow: Workflow
    job: Job
    pattern: re.Pattern[str]

    def produces(self, context: str) -> bool:
        return bool(self.pattern.fullmatch(context))


Resolve = Callable[[str], "Workflow | None"]


def producers(workflows: Iterable[Workflow], provider: str | None,
              resolve: Resolve) -> list[Producer]:
    """Every (job, name) the workflows report under ``provider`` (None: either forge)."""
    flows = list(workflows)
    has_gitea_dir = any(w.dir in (".gitea/workflows", ".forgejo/workflows") for w in flows)
    found: list[Producer] = []
    for flow in flows:
        events = {t.event for t in flow.triggers}
        if not events & PR_EVENTS:
            continue  # schedule, dispatch or workflow_call only: nothing on a pull request
        on_github = flow.dir == ".github/workflows" and provider in ("github", None)
        on_gitea = provider in ("gitea", None) and (
            flow.dir != ".github/workflows" or not has_gitea_dir)
        for job in flow.jobs:
            names: list[str] = []
            if on_github:
                names += github_names(job, flow, resolve)
            if on_gitea:
                names += gitea_names(job, flow, events)
            found += [Producer(flow, job, re.compile(n, re.S)) for n in dict.fromkeys(names)]
    return found


def github_names(job: Job, flow: Workflow, resolve: Resolve, depth: int = 0) -> list[str]:
    base = _name_regex(job.display)
    if job.matrix is not None and "matrix." not in (job.name or ""):
        bases = _matrix_names(base, job, sort=False)
    else:
        bases = [base]
    if job.uses is None:
        return bases
    called = resolve(job.uses) if job.uses.startswith("./") and depth < 3 else None
    if called is None:
        return [f"{b} / .*" for b in bases]
    inner = [n for j in called.jobs for n in github_names(j, called, resolve, depth + 1)]
    return [f"{b} / {n}" for b in bases for n in inner] or [f"{b} / .*" for b in bases]


def gitea_names(job: Job, flow: Workflow, events: set[str]) -> list[str]:
    workflow = _name_regex(flow.name or flow.file_name)
    base = _name_regex(job.display)
    jobs = _matrix_names(base, job, sort=True) if job.matrix is not None \
        and "matrix." not in (job.name or "") else [base]
    if job.uses is not None:
        jobs = [f"{j}.*" for j in jobs]
    return [f"{workflow} / {j} \\({re.escape(e)}\\)" for j in jobs
            for e in GITEA_EVENTS if e in events]


def _matrix_names(base: str, job: Job, sort: bool) -> list[str]:
    matrix = job.matrix
    assert matrix is not None
    names = []
    for combo in matrix.combos:
        values = [v for _, v in sorted(zip(matrix.keys, combo))] if sort else list(combo)
        names.append(f"{base} \\({re.escape(', '.join(values))}\\)")
    if matrix.dynamic or not names:
        names.append(f"{base} \\(.*\\)")
    return names


def _name_regex(name: str) -> str:
    """``name`` as a regex; each ``${{ … }}`` matches any text."""
    parts = EXPRESSION.split(name.strip())
    return ".*".join(re.escape(p) for p in parts)
