"""Scanning the files of a large run in worker processes, with the result of a serial scan.

File-scope checks are pure functions of one file, and Python runs one thread at a time, so a
full scan of a monorepo uses one core unless the files are shared out. The parent walks the
tree and sends batches of ``SourceFile`` (a path and a way to read it, nothing read yet) to
``jobs`` forked workers; each worker runs the same ``_scan_file`` as a serial run and sends back
findings, notes and each file's kind. The parent takes the batches back in the order it sent
them, so findings (sorted at the end anyway), notes and the repo view come out exactly as a
serial run makes them. Repo-scope rules then run in the parent, as always.

A small run (fewer than ``MIN_FILES``) stays serial: forking costs more than it saves. Workers
are forked (they inherit the plan, the loaded rules and the compiled patterns); where ``fork``
is not available the run is serial. A worker that dies is an internal error (exit 3), never a
pass.
"""

from __future__ import annotations

import itertools
import os
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from gates.errors import GatesError
from gates.model import Finding, Note
from gates.repo import RepoView
from gates.sources import SourceFile

if TYPE_CHECKING:
    from gates.baseline import Baseline
    from gates.engine import Plan, _RunState

MIN_FILES = 400  # below this, a serial scan finishes before workers would have started
BATCH = 48  # files per task: large enough to amortise pickling, small enough to balance

_worker_plan: tuple[Plan, Baseline | None] | None = None  # set in the parent before forking


@dataclass
class _Batch:
    """What a worker sends back for one batch of files."""

    kinds: list[str | None]
    facts: list[dict[str, Any] | None]  # per file: what it found for the repo-scope rules
    findings: list[Finding]
    suppressed: list[Finding]
    notes: list[list[Note]]  # per file, so they interleave with the walk's notes as in a serial run
    files: int
    crashed: bool


def default_jobs() -> int:
    """The cores this process may use (a container's CPU set, not the host's), at most 8."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def scan_files(items: Iterable[SourceFile | Note], plan: Plan, state: _RunState,
               jobs: int) -> None:
    """Scan ``items`` into ``state``: in ``jobs`` workers when there are enough files."""
    from gates.engine import _scan_file

    import multiprocessing  # here, not at import: a pre-commit run never needs it

    walk = iter(items)
    head: list[SourceFile | Note] = list(itertools.islice(walk, MIN_FILES))
    if len(head) < MIN_FILES or "fork" not in multiprocessing.get_all_start_methods() \
            or threading.active_count() > 1:  # forking a threaded host (gates as a library)
        # can deadlock the child, and two threads' runs would share ``_worker_plan``
        for item in itertools.chain(head, walk):
            if isinstance(item, Note):
                state.notes.append(item)
            else:
                _scan_file(item, plan, state)
        return
    _scan_in_workers(itertools.chain(head, walk), plan, state, jobs)


def _scan_in_workers(items: Iterator[SourceFile | Note], plan: Plan, state: _RunState,
                     jobs: int) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _worker_plan
    _worker_plan = (plan, state.baseline)
    batches: list[list[SourceFile | Note]] = []
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))
    try:
        futures = []
        for batch in _batched(items):
            batches.append(batch)
            futures.append(pool.submit(_scan_batch, [i for i in batch
                                                      if isinstance(i, SourceFile)]))
        for batch, future in zip(batches, futures):
            _merge(batch, future.result(), state)
    except BrokenProcessPool:
        _failed(state, "a scan worker process died (out of memory or killed)")
    except GatesError:
        raise  # the user's input (a rule option, say): exit 2 with its message, as serially
    except Exception as exc:  # a batch that could not be sent or sent back: a bug in gates
        from gates.engine import _where

        _failed(state, f"a scan worker failed: {_where(exc)}")
    finally:  # on an error or Ctrl-C, batches not started are dropped, not waited for
        pool.shutdown(wait=True, cancel_futures=True)
        _worker_plan = None


def _failed(state: _RunState, what: str) -> None:
    state.crashed = True
    state.notes.append(Note("error", f"internal error: {what}; rerun with --jobs 1 "
                            "(please report this bug)", None, None))


def _batched(items: Iterator[SourceFile | Note]) -> Iterator[list[SourceFile | Note]]:
    while batch := list(itertools.islice(items, BATCH)):
        yield batch


def _scan_batch(files: list[SourceFile]) -> _Batch:
    """In a worker: the serial scan of ``files`` (the view is the worker's own, thrown away)."""
    from gates.engine import _RunState, _scan_file

    assert _worker_plan is not None, "scan worker started without a plan"
    plan, baseline = _worker_plan
    local = _RunState(view=RepoView(plan.config.max_file_size), baseline=baseline)
    notes: list[list[Note]] = []
    for item in files:
        before = len(local.notes)
        _scan_file(item, plan, local)
        notes.append(local.notes[before:])
    return _Batch([local.view.kind(item.path) for item in files],
                  [local.view._facts.get(item.path) for item in files], local.findings,
                  local.suppressed, notes, local.files, local.crashed)


def _merge(batch: list[SourceFile | Note], result: _Batch, state: _RunState) -> None:
    """Fold one batch into the run, in walk order, as the serial loop would have."""
    per_file = zip(result.kinds, result.facts, result.notes)
    for item in batch:
        if isinstance(item, Note):
            state.notes.append(item)
            continue
        kind, facts, notes = next(per_file)
        state.view.add(item, kind, facts=facts)
        for note in notes:
            if note.kind == "skipped-rule":  # said once per run, not once per batch
                said = (note.rule_id or "", note.message)
                if said in state.skipped_rules:
                    continue
                state.skipped_rules.add(said)
            state.notes.append(note)
    state.findings += result.findings
    state.suppressed += result.suppressed
    state.files += result.files
    state.crashed |= result.crashed
