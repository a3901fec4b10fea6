"""The YAML layer never raises, never hangs and never prints, whatever the file holds.

``test_yaml_fast.py`` checks that libyaml's fast path agrees with ruamel; this file checks the
loader itself on what fuzzing found crashed or stalled it: scalars ruamel resolves to a type it
then cannot build (``2020-13-45``, a 5,000-digit integer), explicit tags on the wrong value
(``!!bool x``, ``!!set x``), collections used as keys, 20,000 unclosed brackets, and ruamel's
warnings, which quote the file's lines (a secret among them) on stderr.
"""

from __future__ import annotations

import time
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gates.parse.yaml import check, load_documents, scalar_spans, walk

# Tokens that found crashes: typed scalars, explicit tags, directives, odd line breaks.
TYPED = st.lists(st.sampled_from([
    "a", "k", ": ", ":", " ", "\n", "  ", "- ", "[", "]", "{", "}", ",", "? ", "&x ", "*x", "<<: *x\n",
    "!!str ", "!!int ", "!!float ", "!!bool ", "!!null ", "!!timestamp ", "!!binary ", "!!set ",
    "!!omap ", "!!pairs ", "!!seq ", "!!map ", "!t ", "%YAML 1.1\n", "%TAG !e! tag:e,2000:\n",
    "---\n", "...\n", "|", ">", "'", '"', "#", "\t", "\r\n", "\x85", "\u2028", "\ufeff",
    "2020-13-45", "2020-02-30", "2001-12-14t21:59:43.10-05:00", "0x1F", "0o7", "0b101", "1_000",
    "012", "09", "1:20", "1:2:3.5", ".inf", ".nan", "1e400", "~", "null", "yes", "é", "\\",
    "9" * 4400, "0x" + "f" * 4000, "%YAML 1.3\n",
]), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(TYPED)
def test_loading_never_raises_warns_or_loops(text: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning that got out would be printed: a leak
        result = load_documents(text)
        verdict = check(text)
        spans, _ = scalar_spans(text)
    if result.error is not None:
        assert result.error.line >= 1 and result.error.col >= 1 and result.error.message
        assert result.documents == ()
    for document in result.documents:
        assert sum(1 for _ in walk(document)) < 10_000  # aliases are visited once
    assert verdict is None or verdict.error == result.error
    assert all(0 <= start <= end <= len(text) for start, end in spans)


@pytest.mark.parametrize(("text", "value"), [
    ("a: 2020-13-45\n", "2020-13-45"),  # resolves to a date; no such day
    ("a: 2020-02-30\n", "2020-02-30"),
    ("a: " + "9" * 5000 + "\n", "9" * 5000),  # an int beyond Python's 4,300-digit limit
    ("a: 0x" + "f" * 5000 + "\n", "0x" + "f" * 5000),
    ("a: !!int x1\n", "x1"),
    ("a: !!float 1:20x\n", "1:20x"),
], ids=["impossible-date", "leap-day", "5000-digits", "5000-hex-digits", "bad-int", "bad-float"])
def test_scalars_that_cannot_be_built_stay_strings(text: str, value: str) -> None:
    """What Go's YAML readers (compose, kubectl) do; ruamel raised ValueError out of every check
    (or built a hex integer that every later ``str()`` of it raised on)."""
    result = load_documents(text)
    assert result.error is None and result.documents[0]["a"] == value
    assert str(result.documents[0])


@pytest.mark.parametrize(("text", "message"), [
    ("a: !!bool maybe\n", "explicit tag"),
    ("a: !!set x\n", "explicit tag"),
    ("? [a, [b]]\n: 1\n", "used as a key"),
    ("? {a: {b: c}}\n: 1\n", "used as a key"),
    ("? - -\n", "used as a key"),
    ("%YAML 1.3\n---\na: 1\n", "unsupported %YAML version"),  # ruamel asserted
], ids=["bool", "set", "list-key", "map-key", "nested-key", "yaml-1.3"])
def test_what_cannot_be_represented_is_an_error_of_the_file(text: str, message: str) -> None:
    result = load_documents(text)
    assert result.error is not None and message in result.error.message
    assert check(text) == result
    scalar_spans(text)  # no exception either


@pytest.mark.parametrize("text", [
    "a: " + "[" * 20_000 + "]" * 20_000 + "\n",
    "a: " + "[" * 20_000 + "\n",  # never closed
    "{" * 20_000 + "\n",
    "a: \x85" + "[" * 20_000 + "\n",  # NEL: a line break to libyaml, which then stops early
    "%YAML 1.3\n---\n" + "[" * 20_000 + "\n",
], ids=["closed", "unclosed", "maps", "after-a-nel", "yaml-1.3"])
def test_deep_flow_nesting_is_refused_in_linear_time(text: str) -> None:
    """ruamel's scanner is quadratic in the depth of ``[[[``: 20,000 brackets took minutes."""
    started = time.perf_counter()
    result = load_documents(text)
    verdict = check(text)
    spans, error = scalar_spans(text)
    assert time.perf_counter() - started < 5
    assert result.error is not None and "too deep" in result.error.message
    assert verdict is not None and verdict.error == result.error
    assert error is not None or spans  # refused, or read by libyaml (which has no such cost)


def test_ruamel_warnings_are_never_printed(capfd: pytest.CaptureFixture[str]) -> None:
    """A reused anchor makes ruamel warn with the lines around it: here, a password."""
    text = "db:\n  password: &pw hunter2-secret\n  again: &pw other\n"
    assert load_documents(text).error is None
    captured = capfd.readouterr()
    assert "hunter2" not in captured.out + captured.err
