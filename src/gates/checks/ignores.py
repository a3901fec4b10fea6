"""``ignore-without-reason``: an inline ignore must say why."""

from __future__ import annotations

from typing import Iterator

from gates.context import CheckContext
from gates.documents import Document
from gates.model import Hit
from gates.suppress import ignores


def ignore_without_reason(doc: Document, ctx: CheckContext) -> Iterator[Hit]:
    if "gates:" not in doc.text:
        return
    for found in ignores(doc.lines):
        if not found.reason:
            ids = ", ".join(sorted(found.rule_ids)) or "(no rule id)"
            yield Hit(found.line, found.col, f"`gates: ignore[{ids}]` has no reason, so it "
                      "suppresses nothing", evidence=ids)
