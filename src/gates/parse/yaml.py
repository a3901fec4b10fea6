"""Bounded YAML reading for user files, with positions kept.

ruamel.yaml in round-trip mode keeps line/column on every mapping and sequence. Aliases are
shared references, never expanded copies, so an alias bomb costs nothing to load; code that
walks the tree must use ``walk`` (which visits each node once). Deep nesting that would exhaust
the parser's recursion becomes a parse error, not a crash.

Building that tree costs ~1 ms for a ten-line manifest in pure Python. Where only "does it
parse?" is asked (``parse-error`` on every compose file and manifest), ``check`` asks libyaml
first (PyYAML's C parser, ~30x faster) and falls back to ruamel for every verdict libyaml could
give differently, so the answer, its message and its position are ruamel's.
"""

from __future__ import annotations

import functools
import re
import warnings
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any, Callable, Generator, Iterator


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
    """Every document of a multi-document stream, or the first error; never raises.

    A scalar ruamel cannot build as the type it resolves to stays a string (``_lenient``); what
    its constructors still raise on (``!!bool x``, ``!!set x``, a mapping used as a key) is an
    error of the file, not a crash of every check that reads it. ruamel's warnings (a reused
    anchor) quote the file's lines, which may hold a secret: they are never printed.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    if _too_deep(text):
        return YamlResult((), YamlError(1, 1, "nesting is too deep to parse"))
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _lenient()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return YamlResult(tuple(yaml.load_all(text)))
    except YAMLError as exc:
        return YamlResult((), _error_from(exc))
    except RecursionError:
        return YamlResult((), YamlError(1, 1, "nesting is too deep to parse"))
    except TypeError:  # ruamel hashes every key: a mapping or sequence cannot be one
        return YamlResult((), YamlError(1, 1, "a mapping or a sequence used as a key"))
    except (AttributeError, KeyError, ValueError, IndexError):
        return YamlResult((), YamlError(1, 1, "a value that does not fit its explicit tag"))
    except AssertionError:  # ruamel asserts what it supports: ``%YAML 1.3``
        return YamlResult((), YamlError(1, 1, _UNSUPPORTED))


_UNSUPPORTED = "a construct ruamel cannot read (an unsupported %YAML version)"


def _too_deep(text: str) -> bool:
    """True when collections nest deeper than ``MAX_FAST_DEPTH`` (libyaml counts them).

    ruamel's composer gives up past ~250 levels anyway ("nesting is too deep"), but its scanner
    takes time quadratic in the depth of ``[[[…`` to get there: 5,000 brackets cost 4 s, 20,000
    a minute. libyaml's event stream measures the depth in microseconds, stopping at the limit.
    Without libyaml, or where libyaml stops at an error first (a NEL is a line break to it, not
    to ruamel), the brackets are counted instead: an upper bound, as ``[`` in a plain scalar
    counts too, so such a file may read "too deep" where ruamel would have said something else.
    """
    if text.count("[") + text.count("{") <= MAX_FAST_DEPTH:
        return False
    depth = _libyaml_depth(text)
    return (_bracket_depth(text) if depth is None else depth) > MAX_FAST_DEPTH


def _libyaml_depth(text: str) -> int | None:
    """How deep libyaml's collections nest (it stops just past the limit); None: no verdict."""
    yaml = _libyaml()
    if yaml is None:
        return None
    depth = 0
    try:
        with closing(_libyaml_events(text, yaml)) as events:
            for event in events:
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
                    if depth > MAX_FAST_DEPTH:
                        return depth
                elif isinstance(event, yaml.CollectionEndEvent):
                    depth -= 1
    except (yaml.YAMLError, ValueError):
        return None
    return 0


_BRACKET = re.compile(r"[\[\]{}]")


def _bracket_depth(text: str) -> int:
    """The deepest run of unclosed ``[`` / ``{`` (stops just past the limit)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(text):
        depth = depth + 1 if match.group() in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
        if deepest > MAX_FAST_DEPTH:
            break
    return deepest


@functools.lru_cache(maxsize=None)
def _lenient() -> Any:
    """ruamel's round-trip constructor, except that a number or date it cannot build is a string.

    ``2020-13-45`` resolves to a date, a 5,000-digit number to an int Python refuses to convert
    (its 4,300-digit limit): ruamel raises ValueError, which crashed every check reading the
    file. Go's YAML readers, which compose and kubectl use, keep such scalars as strings.
    ``add_constructor`` on the subclass copies the table: ruamel's own class is not changed.
    """
    from ruamel.yaml.constructor import RoundTripConstructor

    class Lenient(RoundTripConstructor):
        pass

    for kind in ("int", "float", "timestamp"):
        tag = f"tag:yaml.org,2002:{kind}"
        Lenient.add_constructor(tag, _or_string(RoundTripConstructor.yaml_constructors[tag]))
    return Lenient


def _or_string(construct: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def lenient(constructor: Any, node: Any) -> Any:
        try:
            value = construct(constructor, node)
        except (ValueError, IndexError, OverflowError):
            return str(node.value)
        # ``0x`` + 5,000 digits builds, but then every str() of it raises (the digit limit).
        return str(node.value) if isinstance(value, int) and value.bit_length() > 14_000 \
            else value

    return lenient


# Deeper than this, libyaml's event stream slows down quadratically (100,000 brackets: 23 s)
# and ruamel's recursive composer gives up anyway: past it the verdict is ruamel's.
MAX_FAST_DEPTH = 500
# Plain scalars that YAML 1.1 or 1.2 may resolve to something other than a string. Two such keys
# in one mapping may be equal once constructed (``1`` and ``01``, ``~`` and ``null``).
_NOT_STR_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "y", "n", "null", ""})
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]")  # ruamel raises ValueError on 2020-13-45
# Text libyaml reads differently from ruamel (each found by differential fuzzing): tabs after a
# value (ruamel rejects them), NEL and the Unicode line / paragraph separators (YAML 1.1 line
# breaks, not 1.2 ones), a BOM inside the stream, a comment right after a block scalar indicator
# (``|#``) or a block scalar whose first line holds only spaces (ruamel reject both), an anchor
# or alias name followed by a character libyaml ends the name at and YAML 1.2 does not (``&a:``),
# a document end marker (``...`` twice in a row: ruamel rejects it), a quoted key glued to its
# value (``["a":1]``: ruamel rejects it in a flow sequence), a block scalar at the top level
# (ruamel reads a ``---`` or ``#`` line at column 0 into it).
_RUAMEL_ONLY = re.compile(r"[\t\x85\u2028\u2029\ufeff]|[|>][-+0-9]*#|[|>][^\n]*\n +[\r\n]"
                          r"|(?:^|[\s\[\]{},])[&*][\w-]*[^\w\s\[\]{},-]|^\.\.\.|[\"']:\S"
                          r"|^(?:---[ \t]+)?[|>]", re.M)


def check(text: str) -> YamlResult | None:
    """None when libyaml alone found ``text`` valid, else ``load_documents(text)`` (valid or not).

    libyaml's event stream decides the common case, a valid stream, without building a tree.
    Everything it could judge differently from ruamel's round-trip loader is handed to ruamel,
    whose result (tree or error) is returned so that the caller can keep it:
    any libyaml error (the message and position users see are ruamel's), the characters and
    sequences the two read differently (``_RUAMEL_ONLY``), tags and directives (ruamel constructs
    them), merge keys and complex keys, a key repeated in a mapping or two keys that may resolve
    to the same non-string value (ruamel's duplicate-key error), an undefined alias, a
    timestamp-like scalar (ruamel may raise on an impossible date) and nesting deeper than
    ``MAX_FAST_DEPTH``. Without libyaml (``yaml.__with_libyaml__`` False) ruamel decides alone.
    """
    if _RUAMEL_ONLY.search(text) or not _fast_valid(text):
        return load_documents(text)
    return None


@dataclass
class _Collection:
    """A mapping or sequence being read from the event stream."""

    mapping: bool
    expect_key: bool = True
    keys: set[str] = field(default_factory=set)
    not_str_keys: int = 0


def _fast_valid(text: str) -> bool:
    """True when libyaml reads ``text`` and nothing in it needs ruamel's judgement."""
    yaml = _libyaml()
    if yaml is None:  # PyYAML built without libyaml
        return False
    stack: list[_Collection] = []
    anchors: set[str] = set()
    try:
        with closing(_libyaml_events(text, yaml)) as events:
            return all(_fast_event(event, stack, anchors, yaml) for event in events)
    except (yaml.YAMLError, ValueError):  # ValueError: text that cannot be encoded as UTF-8
        return False


def _libyaml() -> Any:
    """PyYAML when it has libyaml's C parser, else None."""
    try:
        import yaml
        from yaml.cyaml import CParser  # noqa: F401  (the C extension is there)
    except ImportError:
        return None
    return yaml


def _libyaml_events(text: str, yaml: Any) -> Generator[Any, None, None]:
    """libyaml's events for ``text`` up to the stream's end, from the bare C parser (no
    constructor, no resolver); raises ``yaml.YAMLError`` or ``ValueError`` as it does."""
    parser = yaml.cyaml.CParser(text)
    try:
        while True:
            event = parser.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return
            yield event
    finally:
        parser.dispose()


def _fast_event(event: Any, stack: list[_Collection], anchors: set[str], yaml: Any) -> bool:
    """Track one event; False when the stream needs ruamel's judgement (see ``check``)."""
    if isinstance(event, yaml.DocumentStartEvent):
        anchors.clear()  # ruamel's composer forgets anchors at each document's end
        return not (event.version or event.tags)
    if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
        return True
    if isinstance(event, yaml.CollectionEndEvent):
        stack.pop()
        _value_done(stack)
        return True
    top = stack[-1] if stack else None
    at_key = top is not None and top.mapping and top.expect_key
    if isinstance(event, yaml.AliasEvent):
        if at_key or event.anchor not in anchors:
            return False
        _value_done(stack)
        return True
    if event.tag is not None:
        return False
    if event.anchor is not None:
        anchors.add(event.anchor)
    if isinstance(event, yaml.ScalarEvent):
        plain = not event.style  # libyaml: '' for plain (the pure parser: None)
        if plain and _TIMESTAMP.match(event.value):
            return False
        if top is not None and at_key:
            return _new_key(top, event.value, plain)
        _value_done(stack)
        return True
    if at_key or len(stack) >= MAX_FAST_DEPTH:  # a complex key, or deep nesting
        return False
    stack.append(_Collection(isinstance(event, yaml.MappingStartEvent)))
    return True


def _new_key(mapping: _Collection, value: str, plain: bool) -> bool:
    """Record a scalar key; False for a merge key or a possible duplicate."""
    if plain and (value.lower() in _NOT_STR_WORDS or value[0] in "0123456789+-.~=<"):
        if value == "<<" or mapping.not_str_keys:
            return False
        mapping.not_str_keys += 1
    elif value in mapping.keys:
        return False
    else:
        mapping.keys.add(value)
    mapping.expect_key = False
    return True


def _value_done(stack: list[_Collection]) -> None:
    """A value ended: the mapping on top of the stack (if one) now expects a key."""
    if stack and stack[-1].mapping:
        stack[-1].expect_key = True


def scalar_spans(text: str) -> tuple[list[tuple[int, int]], YamlError | None]:
    """Character spans (start, end) of every scalar in the stream, as written in the source.

    Uses the event stream, not the composed tree, so block scalars and quoted strings keep their
    exact place. On a syntax error the spans read so far come back with the error. libyaml reads
    the events when it can (the same spans, ~20x faster); an error, or text the two read
    differently (``_RUAMEL_ONLY``), is left to ruamel.
    """
    fast = None if _RUAMEL_ONLY.search(text) else _fast_spans(text)
    if fast is not None:
        return fast, None
    if _too_deep(text):
        return [], YamlError(1, 1, "nesting is too deep to parse")
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
    except AssertionError:
        return spans, YamlError(1, 1, _UNSUPPORTED)
    return spans, None


def _fast_spans(text: str) -> list[tuple[int, int]] | None:
    """``scalar_spans`` by libyaml, or None to leave it to ruamel.

    libyaml counts mark indexes in characters, like ruamel, for text without a BOM (excluded by
    ``_RUAMEL_ONLY``), and places every written scalar alike. Where they differ (found by
    differential fuzzing) the answer is ruamel's: an error, an omitted value (``key:`` and
    nothing; each parser places that empty scalar by its own token bookkeeping), a scalar with a
    tag or an anchor (whose start each takes from a different property).
    """
    yaml = _libyaml()
    if yaml is None:
        return None
    spans: list[tuple[int, int]] = []
    try:
        with closing(_libyaml_events(text, yaml)) as events:
            for event in events:
                if isinstance(event, yaml.ScalarEvent):
                    start, end = event.start_mark.index, event.end_mark.index
                    if start == end or event.tag is not None or event.anchor is not None:
                        return None
                    spans.append((start, end))
    except (yaml.YAMLError, ValueError):
        return None
    return spans


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
