"""Find shell that swallows failures in a ``run:`` script, at its exact line and column.

Three patterns, each a reason a failing command lets the job pass:
- ``cmd || true`` (also ``|| :`` and ``|| exit 0``): the failure is replaced by success.
- ``set +e`` (``set +o errexit``) with no later ``set -e``: every later failure is ignored.
- ``curl`` without ``-f`` / ``--fail`` / ``--fail-with-body``: an HTTP 4xx/5xx exits 0.

Scripts are read line by line from their source (comments dropped, ``\\`` continuations
joined), which is enough for the one-liners CI scripts are made of; it is not a shell parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from gates.parse.workflows import ScriptLine

SHELLS = frozenset({"bash", "sh", "dash", "zsh", "ksh", "busybox"})
_OR_TRUE = re.compile(r"\|\|\s*(?:true|:|exit\s+0)(?=\s*(?:$|[;&|)}]))")
_SET_OFF = re.compile(r"(?:^|[;&|({]|\bthen|\bdo|\belse)\s*set\s+(?:\+[A-Za-z]*e[A-Za-z]*\b"
                      r"|\+o\s+errexit\b)")
_SET_ON = re.compile(r"(?:^|[;&|({]|\bthen|\bdo|\belse)\s*set\s+(?:-[A-Za-z]*e[A-Za-z]*\b"
                     r"|-o\s+errexit\b)")
_PREFIX = r"(?:(?:sudo|time|exec|command|nohup|env|if|then|do|else|elif|while|until|!)\s+)*"
_ASSIGN = r"(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*"
_CURL = re.compile(r"(?:^|[;&|({`]|\$\()\s*" + _PREFIX + _ASSIGN + r"(?P<cmd>(?:\S*/)?curl)(?=\s|$)")
_FAIL_FLAG = re.compile(r"(?:^|\s)(?:--fail(?:-with-body)?|-[A-Za-z0-9]*f[A-Za-z0-9]*)(?=\s|$|=)")


@dataclass(frozen=True)
class ShellHit:
    """``kind`` is "or-true", "set-e-off" or "curl-no-fail"; ``text`` is the matched code."""

    kind: str
    line: int
    col: int
    text: str


@dataclass(frozen=True)
class _Logical:
    """A command line with continuations joined; ``spans`` map offsets back to the file."""

    text: str
    spans: tuple[tuple[int, int, int], ...]  # (offset in text, file line, file column - 1)

    def where(self, offset: int) -> tuple[int, int]:
        line, col0, start = self.spans[0][1], self.spans[0][2], 0
        for begin, number, column in self.spans:
            if begin > offset:
                break
            start, line, col0 = begin, number, column
        return line, col0 + (offset - start) + 1


def scan(script: tuple[ScriptLine, ...]) -> Iterator[ShellHit]:
    """Every swallowed failure in one script, in source order."""
    commands = list(_logical_lines(script))
    for index, command in enumerate(commands):
        for match in _OR_TRUE.finditer(command.text):
            yield ShellHit("or-true", *command.where(match.start()), match.group(0))
        for match in _SET_OFF.finditer(command.text):
            if not _restored(commands[index:], command, match.end()):
                start = match.group(0).index("set")
                yield ShellHit("set-e-off", *command.where(match.start() + start), "set +e")
        for match in _CURL.finditer(command.text):
            rest = _command_rest(command.text, match.end("cmd"))
            if not _FAIL_FLAG.search(rest):
                yield ShellHit("curl-no-fail", *command.where(match.start("cmd")), "curl")


def _restored(commands: list[_Logical], current: _Logical, after: int) -> bool:
    if _SET_ON.search(current.text, after):
        return True
    return any(_SET_ON.search(c.text) for c in commands[1:])


def _command_rest(text: str, start: int) -> str:
    """The arguments of the command starting at ``start``: up to an unquoted separator."""
    quote = ""
    for index in range(start, len(text)):
        ch = text[index]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in ";&|)`":
            return text[start:index]
    return text[start:]


def _logical_lines(script: tuple[ScriptLine, ...]) -> Iterator[_Logical]:
    text, spans = "", []
    for item in script:
        code = _code(item.text, item.start)
        spans.append((len(text), item.line, item.start))
        if code.rstrip().endswith("\\"):
            text += code.rstrip()[:-1] + " "
            continue
        text += code
        if text.strip():
            yield _Logical(text, tuple(spans))
        text, spans = "", []
    if text.strip():
        yield _Logical(text, tuple(spans))


def _code(line: str, start: int) -> str:
    """``line[start:]`` without its comment (a ``#`` at a word start, outside quotes)."""
    quote = ""
    body = line[start:]
    for index, ch in enumerate(body):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (index == 0 or body[index - 1] in " \t;"):
            return body[:index]
    return body


def runs_shell(shell: str | None) -> bool:
    """True for the default shell (bash on Linux runners) and POSIX-like shells."""
    if shell is None:
        return True
    word = shell.split()[0] if shell.split() else ""
    return word.rsplit("/", 1)[-1] in SHELLS
