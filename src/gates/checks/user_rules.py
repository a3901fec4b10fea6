"""The two data-only rule kinds, shared by built-in and repo rules.

``kind: pattern`` searches each line for a regex (``unless`` a second regex also matches the
line); ``kind: path`` fires on any file whose path matches the rule's globs, before the file is
read, so a binary ``*.p12`` or a huge ``terraform.tfstate`` is still caught.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from gates.context import CheckContext
from gates.documents import Document
from gates.model import Hit, Rule


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def pattern_check(doc: Document, ctx: CheckContext) -> Iterator[Hit]:
    rule = ctx.rule
    assert rule.pattern is not None  # the rule schema requires it for kind: pattern
    regex, unless = _regex(rule.pattern), _regex(rule.unless) if rule.unless else None
    for number, line in enumerate(doc.lines, start=1):
        match = regex.search(line)
        if match and not (unless and unless.search(line)):
            yield Hit(number, match.start() + 1, rule.message or rule.title,
                      end_line=number, end_col=match.end() + 1, secret=match.group(0))


def path_hit(rule: Rule) -> Hit:
    """The finding of a ``kind: path`` rule: the file itself is the problem."""
    return Hit(1, 1, rule.message or rule.title, evidence="path")
