"""libyaml decides what it can exactly as ruamel would: ``check`` and ``scalar_spans``.

``parse-error`` validates every compose file and manifest, and ``untagged-default`` locates every
scalar of those with a ``$``; libyaml does both ~20x faster than ruamel's pure-Python parser.
Each case below is a place where the two parsers disagree (found by differential fuzzing): the
verdict, message, position and spans must stay ruamel's.
"""

from __future__ import annotations

import sys
import time
import warnings
from typing import Any, Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gates.documents import Document
from gates.parse.yaml import YamlResult, check, load_documents, scalar_spans

DISAGREEING = [
    "key:\tvalue\n",  # ruamel rejects a tab after a value; libyaml does not
    "a: b\t\nc: d\n",
    "a: 1\n\x85b: 2\n",  # NEL, LS, PS: line breaks in YAML 1.1, not in 1.2
    "a: b\u2028c: d\n",
    "a: 1\n\ufeff\nb: 2\n",  # a BOM inside the stream
    "|#c\n  x\n",  # a comment glued to a block scalar indicator
    "a: |\n \n   t\n",  # more indented follow-up line than the first of a block scalar
    "&r: [ *r ]\n",  # YAML 1.2 anchors may contain ':'
    "a\n...\n...\n",  # a document end marker twice
    '["a":1]\n',  # a JSON-like pair without a space in a flow sequence
    "|+\n\n---\nx #c\n",  # a top-level block scalar runs over a --- line for ruamel
    "a: 1\na: 2\n",  # duplicate keys: ruamel's error, ruamel's message
    "a: 1\n'a': 2\n",
    "1: a\n01: b\n",  # equal once resolved to integers
    "? a\n? a\n",
    "a: *x\n",  # undefined alias
    "a: &a 1\n---\nb: *a\n",  # anchors do not cross documents
    "<<: 1\n",  # a merge key needs a mapping
    "%YAML 1.1\n---\na: yes\n",
    "a: !Ref x\nb: !!str 1\n",
    "{? [a]: 1}\n",
    "services:\n  api:\n    image: [api\n    ports: 80\n",
    "a: b\n c: d\n",
]


def ruamel_spans(text: str) -> tuple[list[tuple[int, int]], object]:
    """``scalar_spans`` as ruamel alone computes it (the reference)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import ScalarEvent

    from gates.parse.yaml import _error_from

    spans = []
    try:
        for event in YAML(typ="rt", pure=True).parse(text):
            if isinstance(event, ScalarEvent) and event.start_mark is not None:
                spans.append((event.start_mark.index, event.end_mark.index))
    except YAMLError as exc:
        return spans, _error_from(exc)
    return spans, None


def outcome(function: Callable[[], Any]) -> Any:
    """What ``function()`` returns, or the type of what it raises (ruamel raises on a few
    inputs, ``? - -``: an unhashable key; the fast path must then raise alike)."""
    try:
        return function()
    except Exception as exc:  # noqa: BLE001 - the exception type is the outcome compared
        return type(exc)


def agrees(text: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ruamel warns about reused anchors
        expected = outcome(lambda: load_documents(text).error)
        checked = outcome(lambda: check(text))
        assert (checked.error if isinstance(checked, YamlResult) else checked) == expected, text
        assert outcome(lambda: scalar_spans(text)) == outcome(lambda: ruamel_spans(text)), text


@pytest.mark.parametrize("text", DISAGREEING)
def test_where_the_parsers_disagree_the_verdict_is_ruamels(text: str) -> None:
    agrees(text)


def test_valid_manifests_are_decided_without_ruamel() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  key: value\n"
    assert check(text) is None  # None: libyaml alone said valid (no tree was built)
    assert check("a: 1\na: 2\n") is not None  # ruamel decided: its full result comes back


YAMLISH = st.lists(st.sampled_from([
    "a", "b", "1", "01", "~", "true", "-", "- ", ": ", ":", "\n", "\n  ", "\n    ", " ", "'q'",
    '"d"', "&x ", "*x", "<<: *x", "[", "]", "{", "}", ",", "? ", "#c", " #c", "|", ">", "|-",
    "---\n", "...\n", "!t ", "2020-01-01", "é", "\t", "key: value\n", "- item\n", "a: &x {b: 1}\n",
    "\r\n", "%", "@", "\\",
]), max_size=14).map("".join)


@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_check_and_spans_agree_with_ruamel_on_yamlish_text(text: str) -> None:
    agrees(text)


def test_without_libyaml_ruamel_decides(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "yaml.cyaml", None)  # import fails: no C extension
    for text in ("a: 1\n", "a: 1\na: 2\n", "a: [1\n"):
        assert check(text) == load_documents(text)
        assert scalar_spans(text) == ruamel_spans(text)


def test_deep_nesting_and_alias_bombs_stay_bounded() -> None:
    started = time.perf_counter()
    deep = check("[" * 5000 + "]" * 5000)
    assert deep is not None and deep.error is not None and "too deep" in deep.error.message
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    assert check(bomb) is None  # aliases are never expanded
    assert time.perf_counter() - started < 10


def test_document_keeps_ruamels_result_when_ruamel_decided() -> None:
    doc = Document("k8s/a.yaml", "a: 1\na: 2\n", "k8s")
    assert doc.yaml_error is not None and doc.yaml_error.line == 2
    assert "yaml" in doc.__dict__  # the duplicate-key verdict came with ruamel's result: kept
    valid = Document("k8s/b.yaml", "a: 1\n", "k8s")
    assert valid.yaml_error is None and "yaml" not in valid.__dict__  # no tree was built
    assert valid.yaml.documents[0]["a"] == 1
