"""Bounded YAML reading for user files, with positions kept.

ruamel.yaml in round-trip mode keeps line/column on every mapping and sequence. Aliases are
shared references, never expanded copies, so an alias bomb costs nothing to load; code that
walks the tree must use ``walk`` (which visits each node once). Deep nesting that would exhaust
the parser's recursion becomes a parse error, not a crash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator


@dataclass(frozen=True)
class YamlError:
    """Where and why a YAML file did not parse (1-based line and column)."""

    line: int
    col: int
    message: str


@dataclass(frozen=True)
class YamlResult:
    documents: tuple[Any, ...]
    error: YamlError | None = None


def load_documents(text: str) -> YamlResult:
    """Every document of a multi-document stream, or the first error."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="rt", pure=True)
    try:
        return YamlResult(tuple(yaml.load_all(text)))
    except YAMLError as exc:
        return YamlResult((), _error_from(exc))
    except RecursionError:
        return YamlResult((), YamlError(1, 1, "nesting is too deep to parse"))


def scalar_spans(text: str) -> tuple[list[tuple[int, int]], YamlError | None]:
    """Character spans (start, end) of every scalar in the stream, as written in the source.

    Uses the event stream, not the composed tree, so block scalars and quoted strings keep their
    exact place. On a syntax error the spans read so far come back with the error.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import ScalarEvent

    spans: list[tuple[int, int]] = []
    try:
        for event in YAML(typ="rt", pure=True).parse(text):
            if isinstance(event, ScalarEvent) and event.start_mark is not None:
                spans.append((event.start_mark.index, event.end_mark.index))
    except YAMLError as exc:
        return spans, _error_from(exc)
    except RecursionError:
        return spans, YamlError(1, 1, "nesting is too deep to parse")
    return spans, None


def walk(node: Any) -> Iterator[Any]:
    """Every mapping, sequence and scalar under ``node``, each object once (aliases are shared)."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (dict, list)):
            if id(current) in seen:
                continue
            seen.add(id(current))
            children = current.values() if isinstance(current, dict) else current
            stack.extend(reversed(list(children)))
        yield current


_VALUE_ECHO = re.compile(r' with value ".*?" \(original value: ".*?"\)', re.S)


def _error_from(exc: Exception) -> YamlError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or "invalid YAML"
    context = getattr(exc, "context", None)
    message = f"{context}: {problem}" if context and context != problem else str(problem)
    message = _VALUE_ECHO.sub("", message)  # ruamel quotes values; a value may be a secret
    if mark is None:
        return YamlError(1, 1, message)
    opened = getattr(exc, "context_mark", None)
    if opened is not None and (opened.line, opened.column) != (mark.line, mark.column):
        message += f" (the construct started at line {opened.line + 1}, column {opened.column + 1})"
    return YamlError(mark.line + 1, mark.column + 1, message)
