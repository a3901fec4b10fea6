"""Find ``${...}`` expressions where deployment tooling interpolates them, with their comments.

Compose files, k8s manifests and Helm values are read through the YAML event stream, so only
scalars count (a ``${X:-d}`` in a YAML comment is not config) and block scalars keep exact
columns. Env files are read line by line (single-quoted values are literal). Helm templates, and
YAML that does not parse, fall back to a line scan that stops at a ``#`` comment. Syntax errors
in expressions are reported only for compose and env files, where compose itself would reject
them; elsewhere ``${#X}`` is usually a shell script embedded in a manifest.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from gates.parse import dotenv
from gates.parse.interpolation import Expr, parse, walk

if TYPE_CHECKING:
    from gates.documents import Document

_TAG = re.compile(r"#\s*safe-default:(?P<reason>.*)$")
_COMMENT = re.compile(r"(?:^|(?<=[ \t]))#")
STRICT_KINDS = ("compose", "env-file")


@dataclass(frozen=True)
class LocatedExpr:
    """An expression with 1-based positions and its same-line ``# safe-default:`` tag.

    ``tag`` is None when the line has no tag, else the reason text (possibly empty).
    """

    expr: Expr
    line: int
    col: int
    end_line: int
    end_col: int
    tag: str | None


@dataclass(frozen=True)
class LocatedError:
    line: int
    col: int
    end_line: int
    end_col: int
    message: str


@dataclass(frozen=True)
class InterpolationScan:
    exprs: tuple[LocatedExpr, ...] = ()
    errors: tuple[LocatedError, ...] = ()


def scan(doc: Document) -> InterpolationScan:
    """All expressions (nested ones included) in ``doc``, in file order."""
    if "$" not in doc.text:
        return InterpolationScan()
    if doc.kind == "env-file":
        regions, comments = _env_regions(doc.text)
    elif doc.kind in ("compose", "k8s", "helm-values"):
        regions, comments = _yaml_regions(doc.text)
    else:
        regions, comments = _line_regions(doc.text)
    exprs: list[LocatedExpr] = []
    errors: list[LocatedError] = []
    for start, end in regions:
        found, bad = parse(doc.text[start:end])
        exprs.extend(_locate(doc, expr, start, comments) for expr in walk(found))
        if doc.kind in STRICT_KINDS:
            errors.extend(_locate_error(doc, err.start + start, err.end + start, err.message)
                          for err in bad)
    return InterpolationScan(tuple(exprs), tuple(errors))


def _yaml_regions(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    """Scalar spans, and comment starts: a ``#`` outside every scalar, after a blank."""
    from gates.parse.yaml import scalar_spans

    spans, error = scalar_spans(text)
    if error is not None:
        return _line_regions(text)
    starts = [s for s, _ in spans]
    comments = []
    for match in _COMMENT.finditer(text):
        at = match.start()
        i = bisect.bisect_right(starts, at) - 1
        if i < 0 or at >= spans[i][1]:
            comments.append(at)
    return spans, comments


def _env_regions(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    regions, comments = [], []
    for entry in dotenv.entries(text):
        if entry.interpolated:
            regions.append((entry.value_start, entry.value_end))
        if entry.comment_start is not None:
            comments.append(entry.comment_start)
    return regions, comments


def _line_regions(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    """Each line up to its comment; used for templates and YAML that does not parse."""
    regions, comments = [], []
    offset = 0
    for line in text.splitlines(keepends=True):
        match = _COMMENT.search(line)
        end = match.start() if match else len(line.rstrip("\r\n"))
        regions.append((offset, offset + end))
        if match:
            comments.append(offset + match.start())
        offset += len(line)
    return regions, comments


def _locate(doc: Document, expr: Expr, base: int, comments: list[int]) -> LocatedExpr:
    line, col = doc.position(base + expr.start)
    end_line, end_col = doc.position(base + expr.end)
    return LocatedExpr(_shift(expr, base), line, col, end_line, end_col,
                       _tag_on_line(doc, line, comments))


def _shift(expr: Expr, base: int) -> Expr:
    """The same expression with offsets into the whole file (children are not needed)."""
    return Expr(expr.name, expr.op, expr.arg, expr.start + base, expr.end + base, expr.braced)


def _tag_on_line(doc: Document, line: int, comments: list[int]) -> str | None:
    """The reason of a ``# safe-default:`` comment that starts on ``line``, if any."""
    line_text = doc.lines[line - 1] if line - 1 < len(doc.lines) else ""
    line_start = doc.line_start(line)
    i = bisect.bisect_left(comments, line_start)
    for at in comments[i:]:
        if at >= line_start + len(line_text):
            break
        match = _TAG.match(line_text[at - line_start:])
        if match:
            return match.group("reason").strip()
    return None


def _locate_error(doc: Document, start: int, end: int, message: str) -> LocatedError:
    line, col = doc.position(start)
    end_line, end_col = doc.position(end)
    return LocatedError(line, col, end_line, end_col, message)


def iter_defaults(doc: Document) -> Iterator[LocatedExpr]:
    """Only the expressions that carry a default (``:-`` or ``-``)."""
    return (located for located in doc.interpolations.exprs if located.expr.is_default)
