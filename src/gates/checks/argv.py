"""``secret-in-argv``: a secret passed as a command-line argument.

Arguments are world-readable (``ps``, ``/proc/<pid>/cmdline``) and CI runners echo commands
into logs. Reads the places where commands are written: shell scripts, Dockerfile ``RUN`` /
``CMD`` / ``ENTRYPOINT``, Makefile recipes, and ``run:`` steps of workflows and composite
actions, where the YAML is parsed and each command is located on its own line inside the block
scalar. Markdown and other docs are never read. Which argument is a secret is decided per
program (``checks/argv_tools.py``): ``-p`` is a port for ``ssh``, a password for ``sshpass``.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from typing import Any, Iterator

from gates.checks.argv_tools import PROGRAM_NAMES, ArgvSecret, find_secrets
from gates.context import CheckContext
from gates.documents import Document
from gates.model import Hit
from gates.parse.shell import Logical, Word, commands, logical_lines

Piece = tuple[int, int, str]  # (1-based line, 1-based column, text) of one physical line

_PROGRAMS = PROGRAM_NAMES  # cheap prefilter: a text naming none of the programs cannot fire


def secret_in_argv(doc: Document, ctx: CheckContext) -> Iterator[Hit]:
    """A known program given a password, token or key as an argument."""
    if not _PROGRAMS.search(doc.text):
        return
    for words in _commands(doc):
        for found in find_secrets(words):
            yield _hit(found)


def _commands(doc: Document) -> Iterator[list[Word]]:
    """The simple commands written in ``doc``, as located words."""
    if doc.kind == "shell":
        lines = logical_lines([(n, 1, line) for n, line in enumerate(doc.lines, start=1)])
    elif doc.kind == "makefile":
        lines = logical_lines(list(_recipe_lines(doc.lines)))
    elif doc.kind == "dockerfile":
        yield from _dockerfile_commands(doc.lines)
        return
    elif doc.kind == "workflow" or _is_action(doc):
        lines = list(_run_steps(doc))
    else:
        return
    for logical in lines:
        if _PROGRAMS.search(logical.text):
            yield from commands(logical)


def _hit(found: ArgvSecret) -> Hit:
    literal = not re.search(r"[$`]|\{\{", found.value)
    what = found.tool.what
    safe = found.tool.safe.replace("{program}", found.program)
    reference = "" if literal else found.value
    return Hit(found.word.line, found.word.col,
               f"`{found.spelled}` puts the {what} on the command line, where process lists "
               f"and CI logs show it; use {safe}",
               evidence=f"{found.spelled}\0{reference}",
               fix=f"Pass the {what} through {safe}, never as an argument",
               secret=found.value if literal else None)


def _recipe_lines(lines: list[str]) -> Iterator[Piece]:
    """Tab-indented recipe lines and the lines they continue."""
    continued = False
    for number, line in enumerate(lines, start=1):
        if line.startswith("\t"):
            yield number, 2, line[1:]
        elif continued:
            yield number, 1, line
        continued = (line.startswith("\t") or continued) and line.endswith("\\")


_INSTRUCTION = re.compile(r"^\s*(RUN|CMD|ENTRYPOINT)\s+", re.I)
_HEREDOC = re.compile(r"<<-?\s*[\"']?(\w+)[\"']?")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _dockerfile_commands(lines: list[str]) -> Iterator[list[Word]]:
    """Commands of ``RUN`` / ``CMD`` / ``ENTRYPOINT``: shell, exec (JSON) and heredoc forms.

    Comment lines inside a continued instruction are dropped, as Docker does.
    """
    pieces: list[Piece] = []
    heredoc = ""
    for number, line in enumerate(lines, start=1):
        if heredoc:
            heredoc = "" if line.strip() == heredoc else heredoc
            if heredoc:
                for logical in logical_lines([(number, 1, line)]):
                    yield from commands(logical)
            continue
        if pieces and line.lstrip().startswith("#"):
            continue
        if pieces or _INSTRUCTION.match(line):
            pieces.append((number, 1, line))
            if not line.endswith("\\"):
                yield from _instruction(pieces)
                marker = _HEREDOC.search(" ".join(p[2] for p in pieces))
                heredoc = marker.group(1) if marker else ""
                pieces = []
    if pieces:
        yield from _instruction(pieces)


def _instruction(pieces: list[Piece]) -> Iterator[list[Word]]:
    for logical in logical_lines(pieces):
        head = _INSTRUCTION.match(logical.text)
        if head is None:
            continue
        if logical.text[head.end():].lstrip().startswith("["):
            yield _exec_form(logical, head.end())
        else:
            # ``RUN --mount=type=secret,id=x --network=none cmd``: the flags are Docker's.
            flags = re.match(r"(?:--[\w-]+=\S*\s+)*", logical.text[head.end():])
            yield from commands(logical.tail(head.end() + (flags.end() if flags else 0)))


def _exec_form(logical: Logical, start: int) -> list[Word]:
    """``["mysql", "-psecret"]``: each JSON string is one word, located where it is written."""
    words = []
    for match in _JSON_STRING.finditer(logical.text, start):
        try:
            text = json.loads(match.group(0))
        except json.JSONDecodeError:
            continue
        words.append(Word(match.group(0), str(text), *logical.where(match.start())))
    return words


def _is_action(doc: Document) -> bool:
    return doc.kind == "yaml" and PurePosixPath(doc.path).name in ("action.yml", "action.yaml")


def _run_steps(doc: Document) -> Iterator[Logical]:
    """Each ``run:`` scalar: workflow ``jobs.*.steps`` and composite action ``runs.steps``."""
    if doc.yaml.error is not None or "run" not in doc.text:
        return
    from gates.parse.yaml import scalar_spans

    spans = dict(scalar_spans(doc.text)[0])
    for data in doc.yaml.documents:
        for step in _steps(data):
            line, col = step.lc.value("run")
            start = doc.line_start(line + 1) + col
            if start in spans and isinstance(step["run"], str):
                yield from _scalar_lines(doc, start, spans[start])


def _steps(data: Any) -> Iterator[Any]:
    if not isinstance(data, dict):
        return
    jobs = data.get("jobs")
    runs = data.get("runs")
    groups = list(jobs.values()) if isinstance(jobs, dict) else []
    if isinstance(runs, dict):
        groups.append(runs)
    for group in groups:
        steps = group.get("steps") if isinstance(group, dict) else None
        for step in steps if isinstance(steps, list) else ():
            if isinstance(step, dict) and "run" in step and hasattr(step, "lc"):
                yield step


def _scalar_lines(doc: Document, start: int, end: int) -> list[Logical]:
    """The shell lines of one YAML scalar, located in the file.

    A literal block (``|``) keeps its lines; folded (``>``), plain and quoted scalars turn line
    breaks into spaces, so their lines are folded into one command as YAML does.
    """
    text = doc.text[start:end]
    literal = text.startswith("|")
    if text[:1] in "|>":
        first_break = text.find("\n")
        start = start + first_break + 1 if first_break >= 0 else end
    elif text[:1] in "\"'":
        start, end = start + 1, max(end - 1, start + 1)
    pieces: list[Piece] = []
    offset = start
    while offset < end:
        stop = doc.text.find("\n", offset, end)
        stop = end if stop < 0 else stop
        line, col = doc.position(offset)
        pieces.append((line, col, doc.text[offset:stop].rstrip("\r")))
        offset = stop + 1
    return logical_lines(pieces, fold=not literal)

