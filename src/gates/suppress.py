"""Inline ignore comments: ``# gates: ignore[rule-id, other-id] reason``.

The comment applies to its own line and the line below (so it can sit above the finding).
Any comment leader works (``#``, ``//``, ``--``, ``;``, ``<!--``, ``/*``) because ignores live in
YAML, env files, shell and source code alike. An ignore without a reason suppresses nothing and
is reported by the ``ignore-without-reason`` rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

_IGNORE = re.compile(
    r"(?:#|//|--|;|<!--|/\*)\s*gates:\s*ignore\[(?P<ids>[^\]]*)\](?P<reason>.*?)\s*(?:-->|\*/)?\s*$"
)


@dataclass(frozen=True)
class Ignore:
    line: int
    col: int
    rule_ids: frozenset[str]
    reason: str


def ignores(lines: list[str]) -> Iterator[Ignore]:
    """Every ignore comment in a document, in line order."""
    for number, line in enumerate(lines, start=1):
        if "gates:" not in line:
            continue
        match = _IGNORE.search(line)
        if match:
            ids = frozenset(i.strip() for i in match.group("ids").split(",") if i.strip())
            yield Ignore(number, match.start() + 1, ids, match.group("reason").strip(" \t:-—"))


def ignore_index(lines: list[str]) -> dict[int, list[Ignore]]:
    """Line number -> the ignores (with a reason) that cover it."""
    covered: dict[int, list[Ignore]] = {}
    for found in ignores(lines):
        if found.reason:
            for line in (found.line, found.line + 1):
                covered.setdefault(line, []).append(found)
    return covered
