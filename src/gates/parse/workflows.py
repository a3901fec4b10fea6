"""GitHub / Gitea Actions workflow files as plain data, with the lines things are written on.

Only what the CI gate rules need: triggers and their filters, jobs (name, ``if:``, matrix,
reusable-workflow ``uses:``, ``needs:``), steps (``continue-on-error`` and the raw source lines
of ``run:`` scripts, so a finding inside a script points at its own line and column). Reading
never fails: a file that is not a workflow mapping gives ``None`` (``parse-error`` reports YAML
errors); odd values are skipped rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gates.documents import Document

FILTER_KEYS = ("paths", "paths-ignore", "branches", "branches-ignore")
WORKFLOW_DIRS = (".github/workflows", ".gitea/workflows", ".forgejo/workflows")


@dataclass(frozen=True)
class Filter:
    """A trigger filter (``paths:`` …) with its patterns and the position of its key."""

    key: str
    values: tuple[str, ...]
    line: int
    col: int


@dataclass(frozen=True)
class Trigger:
    event: str
    line: int
    col: int
    filters: tuple[Filter, ...] = ()


@dataclass(frozen=True)
class ScriptLine:
    """One source line of a ``run:`` script: ``text[start:]`` is script, columns are the file's."""

    line: int
    text: str
    start: int


@dataclass(frozen=True)
class Position:
    line: int
    col: int


@dataclass(frozen=True)
class Step:
    index: int
    line: int
    col: int
    run: tuple[ScriptLine, ...]  # empty for ``uses:`` steps
    shell: str | None
    continue_on_error: Position | None  # set only for a literal true


@dataclass(frozen=True)
class Matrix:
    """Value combinations of ``strategy.matrix``; ``dynamic`` when they cannot be listed
    (an expression, ``include`` / ``exclude``, or non-scalar values)."""

    keys: tuple[str, ...]
    combos: tuple[tuple[str, ...], ...]
    dynamic: bool


@dataclass(frozen=True)
class Job:
    id: str
    name: str | None
    line: int
    col: int
    condition: str | None
    condition_at: Position | None
    continue_on_error: Position | None
    steps: tuple[Step, ...]
    needs: tuple[str, ...]
    uses: str | None
    matrix: Matrix | None
    shell: str | None

    @property
    def display(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Workflow:
    path: str
    name: str | None
    triggers: tuple[Trigger, ...]
    jobs: tuple[Job, ...]
    shell: str | None

    @property
    def file_name(self) -> str:
        return PurePosixPath(self.path).name

    @property
    def folder(self) -> str:
        """The project folder: the part of the path before ``.github/workflows``."""
        for marker in WORKFLOW_DIRS:
            index = ("/" + self.path).find("/" + marker + "/")
            if index >= 0:
                return self.path[:index].rstrip("/")
        return ""

    @property
    def dir(self) -> str:
        """``.github/workflows`` or ``.gitea/workflows`` (``.forgejo`` counts as Gitea)."""
        parent = PurePosixPath(self.path).parent
        return f"{parent.parent.name}/{parent.name}"

    def job(self, job_id: str) -> Job | None:
        return next((j for j in self.jobs if j.id == job_id), None)


def parse(doc: Document) -> Workflow | None:
    """The workflow in ``doc``, or None when it is not a workflow mapping."""
    result = doc.yaml
    if result.error is not None or len(result.documents) != 1:
        return None
    data = result.documents[0]
    if not isinstance(data, dict):
        return None
    jobs = data.get("jobs")
    job_list = tuple(_job(doc, jid, jobs[jid], jobs) for jid in jobs
                     if isinstance(jobs[jid], dict)) if isinstance(jobs, dict) else ()
    name = data.get("name")
    return Workflow(doc.path, str(name) if isinstance(name, str) else None,
                    _triggers(data), job_list, _default_shell(data))


def _triggers(data: Any) -> tuple[Trigger, ...]:
    key = "on" if "on" in data else True if True in data else None
    if key is None:
        return ()
    value = data[key]
    line, col = _key(data, key)
    if isinstance(value, str):
        return (Trigger(value, line, col),)
    if isinstance(value, list):
        return tuple(Trigger(str(v), *_item(value, i)) for i, v in enumerate(value)
                     if isinstance(v, str))
    if not isinstance(value, dict):
        return ()
    return tuple(Trigger(str(event), *_key(value, event), _filters(value[event]))
                 for event in value)


def _filters(body: Any) -> tuple[Filter, ...]:
    if not isinstance(body, dict):
        return ()
    found = []
    for key in FILTER_KEYS:
        if key in body:
            raw = body[key]
            values = raw if isinstance(raw, list) else [raw]
            found.append(Filter(key, tuple(str(v) for v in values if v is not None),
                                *_key(body, key)))
    return tuple(found)


def _job(doc: Document, job_id: Any, job: Any, jobs: Any) -> Job:
    line, col = _key(jobs, job_id)
    name = job.get("name")
    condition = job.get("if")
    steps = job.get("steps")
    needs = job.get("needs")
    strategy = job.get("strategy")
    return Job(
        id=str(job_id), name=str(name) if isinstance(name, (str, int, float)) else None,
        line=line, col=col,
        condition=str(condition) if condition is not None else None,
        condition_at=Position(*_key(job, "if")) if "if" in job else None,
        continue_on_error=_literal_true(job, "continue-on-error"),
        steps=tuple(_step(doc, steps, i) for i in range(len(steps)) if isinstance(steps[i], dict))
        if isinstance(steps, list) else (),
        needs=tuple(str(n) for n in needs) if isinstance(needs, list)
        else (str(needs),) if isinstance(needs, str) else (),
        uses=str(job["uses"]) if isinstance(job.get("uses"), str) else None,
        matrix=_matrix(strategy.get("matrix")) if isinstance(strategy, dict)
        and "matrix" in strategy else None,
        shell=_default_shell(job),
    )


def _step(doc: Document, steps: Any, index: int) -> Step:
    step = steps[index]
    line, col = _item(steps, index)
    shell = step.get("shell")
    script = _script(doc, step) if isinstance(step.get("run"), str) else ()
    return Step(index, line, col, script, str(shell) if isinstance(shell, str) else None,
                _literal_true(step, "continue-on-error"))


def _script(doc: Document, step: Any) -> tuple[ScriptLine, ...]:
    """The raw lines holding the ``run:`` value: block scalars line by line, else the value."""
    key_col = step.lc.key("run")[1]
    value_line, value_col = step.lc.value("run")
    lines = doc.lines
    if value_line >= len(lines):
        return ()
    first = lines[value_line]
    indicator = first[value_col:value_col + 1]
    if indicator == "*":  # an alias: the script is written elsewhere
        return ()
    out = [] if indicator in ("|", ">") else [ScriptLine(value_line + 1, first, value_col)]
    for number in range(value_line + 1, len(lines)):
        text = lines[number]
        indent = len(text) - len(text.lstrip(" "))
        if text.strip() and indent <= key_col:
            break
        out.append(ScriptLine(number + 1, text, min(indent, len(text))))
    return tuple(out)


def _matrix(value: Any) -> Matrix:
    if not isinstance(value, dict):
        return Matrix((), (), True)
    dynamic = "include" in value or "exclude" in value
    keys, lists = [], []
    for key, values in value.items():
        if key in ("include", "exclude"):
            continue
        if not isinstance(values, list) or not all(_scalar(v) for v in values):
            dynamic = True
            continue
        keys.append(str(key))
        lists.append([_text(v) for v in values])
    combos: list[tuple[str, ...]] = [()]
    for values in lists:
        combos = [c + (v,) for c in combos for v in values][:256]
    return Matrix(tuple(keys), tuple(combos) if keys else (), dynamic or not keys)


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) and "${{" not in str(value)


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _literal_true(mapping: Any, key: str) -> Position | None:
    value = mapping.get(key)
    if value is True or (isinstance(value, str) and value.strip().lower() == "true"):
        return Position(*_key(mapping, key))
    return None


def _default_shell(mapping: Any) -> str | None:
    defaults = mapping.get("defaults")
    run = defaults.get("run") if isinstance(defaults, dict) else None
    shell = run.get("shell") if isinstance(run, dict) else None
    return str(shell) if isinstance(shell, str) else None


def _key(mapping: Any, key: Any) -> tuple[int, int]:
    line, col = mapping.lc.key(key)
    return int(line) + 1, int(col) + 1


def _item(items: Any, index: int) -> tuple[int, int]:
    line, col = items.lc.item(index)
    return int(line) + 1, int(col) + 1
