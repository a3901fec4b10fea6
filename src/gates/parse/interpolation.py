"""Compose-spec variable interpolation: every ``$VAR`` and ``${...}`` with exact offsets.

Checks must point at the exact characters of a default such as ``${DB_PASSWORD:-hunter2}``
and must not mistake ``$${X:-d}`` (an escaped ``$``) or ``${X:?a:-b}`` (a required variable
whose message happens to contain ``:-``) for a default. A regex cannot get nesting and
escapes right, so this is a small scanner that follows the compose-spec rules.

It never raises: a malformed expression becomes an ``InterpolationError`` so one bad line
cannot hide findings in the rest of the file. It runs in linear time in the input: braces
are paired in one pass up front, so an argument is never rescanned to find where it ends,
and nesting uses an explicit stack, so deeply nested input cannot hit the recursion limit.
(The ``arg`` strings themselves repeat nested text; that is the price of keeping them raw.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

# Two-character operators first: ``${X:-d}`` must not be read as ``:`` followed by ``-d``.
_OPERATORS: tuple[str, ...] = (":?", ":-", ":+", "?", "-", "+")
_SUPPORTED = ":- - :? ? :+ +"
_NAME = re.compile(r"[_A-Za-z][_A-Za-z0-9]*")
# The tokens that matter for pairing braces; ``$$`` is listed so that it is consumed whole.
_BRACE_TOKEN = re.compile(r"\$[${]|\}")


@dataclass(frozen=True)
class Expr:
    """One `$VAR` or `${...}` expression. Offsets are absolute into the parsed text."""

    name: str
    op: str | None  # None for $VAR and ${VAR}; else one of ":-", "-", ":?", "?", ":+", "+"
    arg: str  # the raw argument text after the operator ("" when op is None)
    start: int  # offset of the "$"
    end: int  # offset just past the closing "}" (or past the name for $VAR)
    braced: bool
    children: tuple[Expr, ...] = ()  # expressions inside arg, absolute offsets

    @property
    def is_default(self) -> bool:
        """True for ``:-`` and ``-``: the operators that write a fallback value into the file."""
        return self.op in (":-", "-")


@dataclass(frozen=True)
class InterpolationError:
    """A ``$`` expression compose would reject; ``message`` says what is wrong and how to fix it.

    The message quotes at most the first 40 characters of the expression, so a long default
    (possibly a secret) is never echoed whole.
    """

    start: int  # offset of the "$" that starts the bad expression
    end: int  # offset past the bad part (at least start+1)
    message: str


@dataclass(frozen=True)
class _Header:
    """A braced expression with an operator whose argument has not been scanned yet."""

    name: str
    op: str
    start: int
    close: int  # offset of the closing "}"
    arg_start: int


@dataclass
class _Frame:
    """A region being scanned: the whole text, or the argument of one braced expression.

    Mutable on purpose: ``pos`` advances and ``found`` fills while the region is scanned; the
    owning ``Expr`` is built (frozen, children included) only once its region is finished.
    """

    end: int
    pos: int
    owner: _Header | None
    found: list[Expr] = field(default_factory=list)


def parse(text: str) -> tuple[tuple[Expr, ...], tuple[InterpolationError, ...]]:
    """Top-level expressions and errors, in order of offset."""
    if "$" not in text:
        return (), ()
    closes = _pair_braces(text) if "${" in text else {}
    errors: list[InterpolationError] = []
    root = _Frame(end=len(text), pos=0, owner=None)
    stack = [root]
    while stack:
        frame = stack[-1]
        at = text.find("$", frame.pos, frame.end)
        if at >= 0:
            _step(text, at, frame, closes, stack, errors)
            continue
        stack.pop()
        if frame.owner is not None:
            stack[-1].found.append(_finish(text, frame.owner, frame.found))
    return tuple(root.found), tuple(errors)


def walk(exprs: Iterable[Expr]) -> Iterator[Expr]:
    """Every expression including nested children, ordered by start offset.

    Pre-order traversal: a parent starts before its children and siblings are already in
    offset order, so for ``parse`` output this is start order. Iterative, like ``parse``.
    """
    pending = list(exprs)
    pending.reverse()
    while pending:
        expr = pending.pop()
        yield expr
        pending.extend(reversed(expr.children))


def _pair_braces(text: str) -> dict[int, int]:
    """Map the offset of each ``${`` to the offset of its closing ``}``, in one pass.

    Same tokenisation as the scanner: ``$$`` is consumed whole (an escape never opens), a
    ``}`` with nothing open is plain text, and an unclosed ``${`` is simply absent.
    """
    closes: dict[int, int] = {}
    opened: list[int] = []
    for token in _BRACE_TOKEN.finditer(text):
        at = token.start()
        if text[at] == "}":
            if opened:
                closes[opened.pop()] = at
        elif text[at + 1] == "{":
            opened.append(at)
    return closes


def _step(
    text: str,
    at: int,
    frame: _Frame,
    closes: dict[int, int],
    stack: list[_Frame],
    errors: list[InterpolationError],
) -> None:
    """Handle the ``$`` at ``at``: escape, ``$NAME``, ``${...}``, or a literal ``$``."""
    after = text[at + 1] if at + 1 < frame.end else ""
    if after == "$":
        frame.pos = at + 2
    elif after == "{":
        _step_braced(text, at, frame, closes, stack, errors)
    else:
        name = _NAME.match(text, at + 1, frame.end)
        if name is None:
            frame.pos = at + 1  # "$5", "$ ", "$" at the end: literal text, as in compose
        else:
            frame.found.append(Expr(name.group(), None, "", at, name.end(), False))
            frame.pos = name.end()


def _step_braced(
    text: str,
    at: int,
    frame: _Frame,
    closes: dict[int, int],
    stack: list[_Frame],
    errors: list[InterpolationError],
) -> None:
    """Handle ``${`` at ``at``; an argument to scan becomes a new frame on ``stack``."""
    close = closes.get(at)
    if close is None:
        snippet = _snippet(text, at, len(text))
        errors.append(
            InterpolationError(
                at,
                len(text),
                f"unterminated {snippet}: no matching '}}'; close it, or write $$ for a literal $",
            )
        )
        # Nothing after an unclosed "${" can be paired reliably, so scanning stops here. (Only
        # the top level can get here: everything inside a closed expression is closed too.)
        frame.pos = frame.end
        return
    frame.pos = close + 1
    braced = _read_braced(text, at, close)
    if isinstance(braced, InterpolationError):
        errors.append(braced)
    elif isinstance(braced, Expr):
        frame.found.append(braced)
    else:
        stack.append(_Frame(end=close, pos=braced.arg_start, owner=braced))


def _read_braced(text: str, at: int, close: int) -> Expr | _Header | InterpolationError:
    """Read name and operator of ``text[at:close + 1]``; the argument is left to the caller."""
    name = _NAME.match(text, at + 2, close)
    if name is None:
        return _bad_name(text, at, close)
    after = name.end()
    if after == close:
        return Expr(name.group(), None, "", at, close + 1, True)
    for op in _OPERATORS:
        if text.startswith(op, after, close):
            return _Header(name.group(), op, at, close, after + len(op))
    return _bad_operator(text, at, after, close)


def _finish(text: str, owner: _Header, children: list[Expr]) -> Expr:
    """Build the frozen ``Expr`` for a braced expression once its argument has been scanned."""
    arg = text[owner.arg_start : owner.close]
    return Expr(owner.name, owner.op, arg, owner.start, owner.close + 1, True, tuple(children))


_HEAD = re.compile(r"\$\{#?[_A-Za-z0-9]{0,36}(?:[:=#%^,/?+-]{1,2})?")


def _bad_name(text: str, at: int, close: int) -> InterpolationError:
    """Error for ``${}``, ``${#X}`` and names that do not start with a letter or ``_``."""
    snippet = _snippet(text, at, close + 1)
    if close == at + 2:
        message = "empty expression ${}; name a variable, e.g. ${NAME}, or write $$ for a literal $"
    elif text[at + 2] == "#" and _NAME.match(text, at + 3, close):
        message = f"length operator in {snippet} is not supported by compose; remove the '#'"
    else:
        message = f"invalid variable name in {snippet}; names match [_A-Za-z][_A-Za-z0-9]*"
    return InterpolationError(at, close + 1, message)


def _bad_operator(text: str, at: int, after: int, close: int) -> InterpolationError:
    """Error for a name followed by something compose does not support (``:=``, ``/``, ...)."""
    snippet = _snippet(text, at, close + 1)
    char = text[after]
    if char == "/":
        message = (
            f"substitution {snippet} is not supported by compose; set the final value directly"
        )
    elif char in ":=#%^,":
        # Shell operators: ":=", ":1" (substring), "#"/"##", "%"/"%%", "^"/"^^", ","/",,".
        two = after + 1 < close and (char == ":" or text[after + 1] == char)
        op = text[after : after + 2] if two else char
        message = f"unsupported operator {op!r} in {snippet}; compose supports {_SUPPORTED}"
    else:
        message = f"unexpected {char!r} after name in {snippet}; expected }} or one of {_SUPPORTED}"
    return InterpolationError(at, close + 1, message)


def _snippet(text: str, start: int, end: int) -> str:
    """The expression's head as written (``${NAME:=…}``): name and operator, never the argument.

    The argument of a bad expression is usually a default value, and a default may be a secret.
    """
    head = _HEAD.match(text, start, end)
    shown = head.group() if head else text[start:start + 2]
    rest = text[start + len(shown):end]
    if not rest or rest == "}":
        return shown + rest
    closed = text[end - 1:end] == "}"
    return shown + ("…}" if closed else "…")
