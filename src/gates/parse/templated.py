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
from typing import TYPE_CHECKING, Any

from gates.parse.yaml import YamlError, YamlResult, check, load_documents

if TYPE_CHECKING:
    from gates.documents import Document

TEMPLATED = "\u27e8tpl\u27e9"  # a marker no real name contains
_ACTION = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_MARKERS = ("{{", "{%", "{#")
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
    """``text`` with template actions neutralised; line breaks (and so line numbers) kept."""
    out: list[str] = []
    last = 0
    for match in _ACTION.finditer(text):
        out.append(text[last:match.start()])
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end < 0 else line_end
        alone = not text[line_start:match.start()].strip() and \
            not _after_actions(text[match.end():line_end])
        out.append(_blank(match.group(0)) if alone else _placeholder(match.group(0)))
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def _after_actions(rest: str) -> str:
    """What remains of a line's tail once further template actions are removed."""
    return _ACTION.sub("", rest).strip()


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
    return _ACTION.sub("", text)


def is_templated(value: object) -> bool:
    """True for a name that a template fills in (it cannot be resolved without rendering)."""
    return isinstance(value, str) and (TEMPLATED in value or has_template(value)
                                       or "$(" in value or "${" in value)
