"""Tests for the compose-spec interpolation parser: an exact unit table plus properties."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gates.parse.interpolation import Expr, InterpolationError, parse, walk

Row = tuple[str, "str | None", str, int, int]

NESTED = "${UPSTREAM_URL:-${FALLBACK_URL:-http://x}}"
LONG_SECRET = "".join(f"s{i:02d}" for i in range(30))  # no repeats: any 20 chars are unique

# text -> (every expression via walk as (name, op, arg, start, end), errors as (start, substring))
CASES: list[tuple[str, list[Row], list[tuple[int, str]]]] = [
    ("$VAR", [("VAR", None, "", 0, 4)], []),
    ("${VAR}", [("VAR", None, "", 0, 6)], []),
    ("${VAR:-d}", [("VAR", ":-", "d", 0, 9)], []),
    ("${VAR-d}", [("VAR", "-", "d", 0, 8)], []),
    ("${VAR:?e}", [("VAR", ":?", "e", 0, 9)], []),
    ("${VAR?e}", [("VAR", "?", "e", 0, 8)], []),
    ("${VAR:+r}", [("VAR", ":+", "r", 0, 9)], []),
    ("${VAR+r}", [("VAR", "+", "r", 0, 8)], []),
    ("${VAR:-}", [("VAR", ":-", "", 0, 8)], []),
    ("${_v1}", [("_v1", None, "", 0, 6)], []),
    ("$$", [], []),
    ("$$VAR", [], []),
    ("$${X:-d}", [], []),
    ("$$${X:-d}", [("X", ":-", "d", 2, 9)], []),
    ("$$$$${X}", [("X", None, "", 4, 8)], []),
    ("${X:?a:-b}", [("X", ":?", "a:-b", 0, 10)], []),
    ("${X-:-d}", [("X", "-", ":-d", 0, 8)], []),
    (
        NESTED,
        [
            ("UPSTREAM_URL", ":-", "${FALLBACK_URL:-http://x}", 0, 42),
            ("FALLBACK_URL", ":-", "http://x", 16, 41),
        ],
        [],
    ),
    (
        "${A:-${B:-${C}}}",
        [("A", ":-", "${B:-${C}}", 0, 16), ("B", ":-", "${C}", 5, 15), ("C", None, "", 10, 14)],
        [],
    ),
    ("${A:-$B}", [("A", ":-", "$B", 0, 8), ("B", None, "", 5, 7)], []),
    ("${A:-$${B}}", [("A", ":-", "$${B", 0, 10)], []),  # "$$" does not open: first "}" closes
    ("${A:-x}y}", [("A", ":-", "x", 0, 7)], []),  # no quoting in compose: a "}" closes
    ("${A:-'x}'}", [("A", ":-", "'x", 0, 8)], []),
    ("${A:-{x}", [("A", ":-", "{x", 0, 8)], []),  # a bare "{" does not open
    ("${A:-$}", [("A", ":-", "$", 0, 7)], []),
    ("${A:=x}", [], [(0, "unsupported operator ':='")]),
    ("${A=x}", [], [(0, "unsupported operator '='")]),
    ("${A:1}", [], [(0, "unsupported operator ':1'")]),
    ("${A%%x}", [], [(0, "unsupported operator '%%'")]),
    ("${#X}", [], [(0, "length")]),
    ("${X/a/b}", [], [(0, "substitution")]),
    ("${}", [], [(0, "empty expression")]),
    ("${1X}", [], [(0, "invalid variable name")]),
    ("${#}", [], [(0, "invalid variable name")]),
    ("${X }", [], [(0, "unexpected ' '")]),
    ("${X.y}", [], [(0, "unexpected '.'")]),
    ("${A:-x", [], [(0, "unterminated ${A:-…")]),
    ("${", [], [(0, "unterminated")]),
    ("a ${A:-x $B ${C}", [], [(2, "unterminated")]),  # scanning stops at an unclosed "${"
    ("${A:=x} $B", [("B", None, "", 8, 10)], [(0, "':='")]),  # continues after a closed error
    ("${A:-${B:=1}} $C", [("A", ":-", "${B:=1}", 0, 13), ("C", None, "", 14, 16)], [(5, "':='")]),
    ("${A:-${1}}", [("A", ":-", "${1}", 0, 10)], [(5, "invalid variable name")]),
    (
        "url=${HOST:-localhost}:${PORT:-80}/$PATH_X ${TOKEN:?set TOKEN}",
        [
            ("HOST", ":-", "localhost", 4, 22),
            ("PORT", ":-", "80", 23, 34),
            ("PATH_X", None, "", 35, 42),
            ("TOKEN", ":?", "set TOKEN", 43, 62),
        ],
        [],
    ),
    ("héllo wörld ${X}", [("X", None, "", 12, 16)], []),  # offsets are str indices
    ("🚀 $Y", [("Y", None, "", 2, 4)], []),
    ("$", [], []),
    ("cost $", [], []),
    ("$ 5", [], []),
    ("price: $5", [], []),
    ("$-x $}", [], []),
    ("$é", [], []),
    ("}", [], []),
    ("$A$B", [("A", None, "", 0, 2), ("B", None, "", 2, 4)], []),
    ("$A-b", [("A", None, "", 0, 2)], []),
    ("no dollars here", [], []),
]


@pytest.mark.parametrize(("text", "expected", "expected_errors"), CASES)
def test_table(text: str, expected: list[Row], expected_errors: list[tuple[int, str]]) -> None:
    exprs, errors = parse(text)
    assert [(e.name, e.op, e.arg, e.start, e.end) for e in walk(exprs)] == expected
    assert [e.start for e in errors] == [start for start, _ in expected_errors]
    for error, (_, fragment) in zip(errors, expected_errors):
        assert fragment in error.message


def test_nested_default_structure() -> None:
    (outer,), errors = parse(NESTED)
    assert errors == ()
    assert outer.braced and outer.is_default
    (inner,) = outer.children
    assert (inner.name, inner.op, inner.arg, inner.children) == (
        "FALLBACK_URL",
        ":-",
        "http://x",
        (),
    )
    assert NESTED[inner.start : inner.end] == "${FALLBACK_URL:-http://x}"


@pytest.mark.parametrize(
    ("text", "is_default"),
    [("${X:-d}", True), ("${X-d}", True), ("${X:?a:-b}", False), ("${X:+d}", False), ("$X", False)],
)
def test_is_default(text: str, is_default: bool) -> None:
    (expr,), _ = parse(text)
    assert expr.is_default is is_default


def test_unbraced_and_braced_flags() -> None:
    exprs, _ = parse("$A ${B}")
    assert [(e.braced, e.children) for e in exprs] == [(False, ()), (True, ())]


def test_error_spans() -> None:
    text = "x ${A:=x} ${B:-y"
    _, errors = parse(text)
    assert [(e.start, e.end) for e in errors] == [(2, 9), (10, len(text))]


def test_error_message_says_how_to_fix() -> None:
    _, (error,) = parse("${A:=x}")
    assert error.message == (
        "unsupported operator ':=' in ${A:=…}; compose supports :- - :? ? :+ +"
    )


@pytest.mark.parametrize(
    "text",
    [
        "${A:=" + LONG_SECRET + "}",
        "${A/" + LONG_SECRET + "}",
        "${A " + LONG_SECRET + "}",
        "${1" + LONG_SECRET + "}",
        "${A:-" + LONG_SECRET,
        "${A:=x\n" + LONG_SECRET + "}",
    ],
)
def test_error_message_does_not_echo_long_arguments(text: str) -> None:
    _, (error,) = parse(text)
    assert len(error.message) <= 120
    assert text[:40] not in error.message  # at most 39 characters of the expression, then "…"
    assert "…" in error.message
    assert LONG_SECRET[-20:] not in error.message
    assert "\n" not in error.message


def test_walk_orders_by_start_offset() -> None:
    exprs, _ = parse("${A:-${B:-$C} ${D}} $E")
    assert [e.name for e in walk(exprs)] == ["A", "B", "C", "D", "E"]


def test_deep_nesting_does_not_hit_recursion_limit() -> None:
    depth = 3000
    text = "${A:-" * depth + "x" + "}" * depth
    exprs, errors = parse(text)
    assert errors == ()
    assert len(exprs) == 1
    nested = list(walk(exprs))
    assert len(nested) == depth
    assert nested[-1].arg == "x"
    assert [e.start for e in nested] == [5 * i for i in range(depth)]


def test_deep_unterminated_nesting_reports_one_error() -> None:
    text = "${A:-" * 3000
    exprs, errors = parse(text)
    assert exprs == ()
    assert [(e.start, e.end) for e in errors] == [(0, len(text))]
    assert isinstance(errors[0], InterpolationError)


# --- properties ---------------------------------------------------------------------------

BIASED = st.text(alphabet=st.sampled_from(list("${}:-?+_Aa1/ #=%é\n")), max_size=60)
ANY_TEXT = st.one_of(
    BIASED, st.text(max_size=60), st.lists(BIASED | st.text(), max_size=8).map("".join)
)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_parse_never_raises_and_sorts_by_offset(text: str) -> None:
    exprs, errors = parse(text)
    starts = [e.start for e in walk(exprs)]
    assert starts == sorted(starts)
    assert [e.start for e in errors] == sorted(e.start for e in errors)
    assert all(isinstance(e, Expr) for e in exprs)


def _spelled(expr: Expr) -> str:
    if not expr.braced:
        return "$" + expr.name
    return "${" + expr.name + (expr.op or "") + expr.arg + "}"


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_every_expression_round_trips(text: str) -> None:
    exprs, _ = parse(text)
    for expr in walk(exprs):
        assert text[expr.start : expr.end] == _spelled(expr)
        if expr.op is None:
            assert expr.arg == "" and expr.children == ()


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_children_lie_strictly_inside_their_parent(text: str) -> None:
    exprs, _ = parse(text)
    for parent in walk(exprs):
        arg_start = parent.end - 1 - len(parent.arg)
        for child in parent.children:
            assert parent.start < child.start < child.end < parent.end
            assert arg_start <= child.start and child.end <= parent.end - 1


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_errors_point_at_a_dollar(text: str) -> None:
    _, errors = parse(text)
    for error in errors:
        assert 0 <= error.start < error.end <= len(text)
        assert text[error.start] == "$"
        assert 0 < len(error.message) <= 120


# Generated well-formed input: a tree of nodes rendered to text, with the offsets it must parse to.


@dataclass(frozen=True)
class Node:
    name: str
    op: str | None  # None: "${NAME}" when braced, "$NAME" otherwise
    braced: bool
    parts: tuple[str | Node, ...] = ()  # the argument: literal text and nested nodes


Shape = tuple[str, "str | None", str, int, int, bool, tuple["Shape", ...]]

NAMES = st.from_regex(r"[_A-Za-z][_A-Za-z0-9]{0,5}", fullmatch=True)
OPS = st.sampled_from([":-", "-", ":?", "?", ":+", "+"])
# Literal pieces never contain a lone "$" or a "}" (those would change the structure).
LITERAL = st.lists(
    st.sampled_from(
        ["a", " ", ":", "-", "?", "+", "/", "=", "#", "{", "$$", "$ ", "$5", "é", "\n"]
    ),
    max_size=4,
).map("".join)
LEAVES = st.one_of(
    NAMES.map(lambda n: Node(n, None, braced=False)),
    NAMES.map(lambda n: Node(n, None, braced=True)),
)


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    parts = st.lists(st.one_of(LITERAL, children), max_size=4).map(tuple)
    return st.builds(lambda n, o, p: Node(n, o, True, p), NAMES, OPS, parts)


NODES = st.recursive(LEAVES, _extend, max_leaves=12)
DOCUMENTS = st.lists(st.one_of(LITERAL, NODES), max_size=6)


def _render(parts: tuple[str | Node, ...] | list[str | Node], at: int) -> tuple[str, list[Shape]]:
    """Render parts starting at offset ``at``: the text and the shapes it must parse to."""
    out: list[str] = []
    shapes: list[Shape] = []
    for part in parts:
        offset = at + sum(map(len, out))
        if isinstance(part, str):
            out.append(part)
        elif not part.braced:
            out.append("$" + part.name + " ")  # the space stops the name
            shapes.append((part.name, None, "", offset, offset + 1 + len(part.name), False, ()))
        else:
            head = "${" + part.name + (part.op or "")
            arg, children = _render(part.parts, offset + len(head))
            text = head + arg + "}"
            out.append(text)
            shape = (part.name, part.op, arg, offset, offset + len(text), True, tuple(children))
            shapes.append(shape)
    return "".join(out), shapes


def _shape(expr: Expr) -> Shape:
    children = tuple(_shape(c) for c in expr.children)
    return (expr.name, expr.op, expr.arg, expr.start, expr.end, expr.braced, children)


@settings(max_examples=300, deadline=None)
@given(DOCUMENTS)
def test_generated_expressions_parse_back_to_the_same_structure(parts: list[str | Node]) -> None:
    text, expected = _render(parts, 0)
    exprs, errors = parse(text)
    assert errors == ()
    assert [_shape(e) for e in exprs] == expected


@pytest.mark.parametrize(
    "text", ["${DB_PASSWORD:=hunter2-secret}", "${TOKEN/hunter2-secret/x}", "${TOKEN:-hunter2-secret"]
)
def test_error_message_never_echoes_the_argument(text: str) -> None:
    """A bad expression's argument is usually a default value, which may be a secret."""
    _, (error,) = parse(text)
    assert "hunter2" not in error.message
