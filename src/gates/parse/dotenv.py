"""Env-file lines (``KEY=value # comment``) as compose and docker read them, with offsets.

Only what the rules need: where the value is, whether it is interpolated (single-quoted values
are literal), and where a trailing comment starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

_ASSIGNMENT = re.compile(r"^[ \t]*(?:export[ \t]+)?(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*")


@dataclass(frozen=True)
class EnvEntry:
    """One ``KEY=value`` line. Offsets are absolute in the file text."""

    key: str
    key_start: int
    value_start: int
    value_end: int
    quote: str  # "", "'" or '"'
    comment_start: int | None

    @property
    def interpolated(self) -> bool:
        return self.quote != "'"


def entries(text: str) -> Iterator[EnvEntry]:
    """Every assignment line; comments and blank lines are passed over."""
    offset = 0
    for line in text.splitlines(keepends=True):
        entry = parse_line(line.rstrip("\r\n"), offset)
        if entry is not None:
            yield entry
        offset += len(line)


def parse_line(line: str, offset: int) -> EnvEntry | None:
    match = _ASSIGNMENT.match(line)
    if match is None:
        return None
    start = match.end()
    quote = line[start] if start < len(line) and line[start] in "'\"" else ""
    if quote:
        close = line.find(quote, start + 1)
        end = close + 1 if close != -1 else len(line)
        comment = _comment_after(line, end)
    else:
        comment = _comment_after(line, start, inline=True)
        end = comment if comment is not None else len(line)
        while end > start and line[end - 1] in " \t":
            end -= 1
    return EnvEntry(
        key=match.group("key"),
        key_start=offset + match.start("key"),
        value_start=offset + start,
        value_end=offset + end,
        quote=quote,
        comment_start=None if comment is None else offset + comment,
    )


def _comment_after(line: str, start: int, inline: bool = False) -> int | None:
    """A ``#`` that starts a comment: after the value and preceded by a blank (or line start)."""
    for match in re.finditer("#", line[start:]):
        at = start + match.start()
        if at == start and not inline:
            return at
        if at > 0 and line[at - 1] in " \t":
            return at
    return None
