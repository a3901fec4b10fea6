"""Read YAML that is really a template (Helm ``{{ }}``, Jinja ``{% %}``) as far as it can be read.

Deploy folders hold Helm charts and Jinja/Ansible-rendered manifests. Their text is not YAML
until rendered, but the structure the ESO rules need (``kind``, names, ``env`` entries) is plain.
``load`` blanks template actions that fill a whole line (``{{- if ... }}``, ``{% raw %}``) and
replaces inline ones with a placeholder scalar of the same length, keeping every line number;
then each ``---`` document is parsed on its own, so one unreadable document does not hide the
others. Names that came from a template contain ``TEMPLATED`` and are unknowable by design.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from gates.parse.yaml import YamlError, YamlResult, check, load_documents

if TYPE_CHECKING:
    from gates.documents import Document

TEMPLATED = "\u27e8tpl\u27e9"  # a marker no real name contains
_CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}  # template action openers and their closers
_MARKERS = tuple(_CLOSERS)
_SEPARATOR = re.compile(r"^---[ \t]*(?:#.*)?$", re.M)


@dataclass(frozen=True)
class TemplatedYaml:
    """The YAML documents that could be read; ``unreadable`` counts those that could not.

    ``error`` is why the first unreadable document could not be read (None when all could).
    """

    documents: tuple[Any, ...]
    unreadable: int = 0
    templated: bool = False
    error: YamlError | None = None


def has_template(text: str) -> bool:
    return any(marker in text for marker in _MARKERS)


def load(text: str) -> TemplatedYaml:
    """Every readable document of ``text``; never raises."""
    templated = has_template(text)
    source = detemplate(text) if templated else text
    return _read(source, load_documents(source), templated)


def read(doc: Document) -> TemplatedYaml:
    """``load(doc.text)``, reusing the document's own parse when it has no template markers.

    Use ``doc.templated``, which keeps the result: a manifest is then parsed once per run for
    the file checks and every repo-scope rule that reads it.
    """
    if has_template(doc.text):
        return load(doc.text)
    return _read(doc.text, doc.yaml, False)


def readable(doc: Document) -> bool:
    """True when ``doc.templated`` would read every document, decided cheaply (libyaml).

    For a caller that needs the trees only when there is something in them for it: a file that
    reads whole is not an "unreadable" one, and its trees need not be built to say so.
    """
    if not has_template(doc.text):
        return doc.yaml_error is None
    result = check(detemplate(doc.text))
    return result is None or result.error is None


def _read(source: str, whole: YamlResult, templated: bool) -> TemplatedYaml:
    """The documents of ``whole`` (``source`` parsed), else those of each ``---`` chunk."""
    if whole.error is None:
        return TemplatedYaml(tuple(d for d in whole.documents if d is not None), 0, templated)
    documents: list[Any] = []
    unreadable = 0
    first: YamlError | None = None
    for chunk in _chunks(source):
        parsed = load_documents(chunk)
        if parsed.error is not None:
            unreadable += 1
            first = first or parsed.error
        else:
            documents.extend(d for d in parsed.documents if d is not None)
    return TemplatedYaml(tuple(documents), unreadable, templated, first)


def detemplate(text: str) -> str:
    """``text`` with template actions neutralised; line breaks (and so line numbers) kept.

    An action alone on its line (only whitespace and other actions around it) is blanked; one
    inside a value becomes a placeholder scalar. Linear in the text: each line is looked at once,
    however many actions it holds or how many openers never close.
    """
    spans = list(_actions(text))
    out: list[str] = []
    last = 0
    for index, (start, end) in enumerate(spans):
        out.append(text[last:start])
        newline = text.rfind("\n", last, start)
        # The first action of a line, with nothing but blanks before it, and nothing but blanks
        # and whole actions after it to the end of the line.
        alone = (newline >= 0 or index == 0) and not text[newline + 1:start].strip() \
            and _rest_is_actions(text, spans, index)
        action = text[start:end]
        out.append(_blank(action) if alone else _placeholder(action))
        last = end
    out.append(text[last:])
    return "".join(out)


def _actions(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each ``{{ }}``, ``{% %}``, ``{# #}``, left to right, the first closer
    ending each (what ``re.finditer(r"\\{\\{.*?\\}\\}|...", re.S)`` finds, without its quadratic
    time on openers that never close: once an opener has no closer left, it has none later)."""
    nxt = {opener: text.find(opener) for opener in _CLOSERS}
    pos = 0
    while True:
        live = [(at, opener) for opener, at in nxt.items() if at >= 0]
        if not live:
            return
        start, opener = min(live)
        end = text.find(_CLOSERS[opener], start + 2)
        if end < 0:
            del nxt[opener]
            continue
        pos = end + 2
        yield start, pos
        for other, at in nxt.items():
            if 0 <= at < pos:
                nxt[other] = text.find(other, pos)


def _rest_is_actions(text: str, spans: list[tuple[int, int]], index: int) -> bool:
    """True when the line where action ``index`` ends holds only blanks and whole actions after
    it. (Indexing, not a slice of ``spans``: a copy per action would be quadratic again.)"""
    last = spans[index][1]
    line_end = text.find("\n", last)
    line_end = len(text) if line_end < 0 else line_end
    following = index + 1
    while following < len(spans) and spans[following][0] < line_end:
        start, end = spans[following]
        if end > line_end or text[last:start].strip():
            return False
        last, following = end, following + 1
    return not text[last:line_end].strip()


def _blank(action: str) -> str:
    return "".join("\n" if c == "\n" else " " for c in action)


def _placeholder(action: str) -> str:
    """A plain scalar that stands in for an inline action (multi-line ones keep their breaks)."""
    if "\n" in action:
        return _blank(action)
    return TEMPLATED + "_" * max(len(action) - len(TEMPLATED), 0)


def _chunks(text: str) -> list[str]:
    """The documents of a stream, each padded with blank lines to keep its line numbers."""
    chunks: list[str] = []
    start = 0
    for match in _SEPARATOR.finditer(text):
        chunks.append(text[start:match.start()])
        start = match.start()
    chunks.append(text[start:])
    padded = []
    offset = 0
    for chunk in chunks:
        padded.append("\n" * offset + chunk)
        offset += chunk.count("\n")
    return padded


def without_actions(text: str) -> str:
    """``text`` with every template action removed (for a textual look at unreadable files)."""
    kept: list[str] = []
    last = 0
    for start, end in _actions(text):
        kept.append(text[last:start])
        last = end
    kept.append(text[last:])
    return "".join(kept)


def is_templated(value: object) -> bool:
    """True for a name that a template fills in (it cannot be resolved without rendering)."""
    return isinstance(value, str) and (TEMPLATED in value or has_template(value)
                                       or "$(" in value or "${" in value)
