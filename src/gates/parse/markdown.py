"""Read an app README's "Secrets architecture" section: Vault paths, keys, mode, justification.

A pure function of the text, tolerant by construction (README prose is free-form): it never
raises, and what it cannot recognise is simply absent from the result, which the bootstrap rules
then report as missing. Fenced and indented code blocks and HTML comments are not prose: a
``vault kv get secret/x`` in a code sample names no path, and a heading inside a code block is no
heading. Inline code spans are prose (`` `secret/data/api` `` is how people write paths).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the same line breaks as Document.lines
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_ATX_CLOSE = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?P<text>.*)$")
_INDENTED = re.compile(r"^(?: {4,}|[ \t]*\t)")
_TITLE = re.compile(r"\bsecrets?[\s-]+architecture\b", re.I)
_TABLE_DELIM = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")

_MOUNTS = ("secret", "secrets", "kv", "kv-v2", "kv2", "database", "aws", "gcp", "azure", "pki",
           "pki_int", "transit", "ssh", "rabbitmq", "consul", "nomad", "totp")
_SEGMENT = r"[\w.{}<>*+:@$-]+"
_VAULT_PATH = re.compile(rf"(?<![\w./-])(?:{'|'.join(map(re.escape, _MOUNTS))})/{_SEGMENT}"
                         rf"(?:/{_SEGMENT})*/?")
_CODE_SPAN = re.compile(r"`([^`\s]+/[^`\s]+)`")
_KEY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_ENV_STYLE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")
_LIST_KEY = re.compile(
    r"^(?P<q>`|\*\*|__)?(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)(?P=q)?"
    r"(?:\s*(?:[:=—–]|\s-\s|\()\s*(?P<purpose>.*?)\)?)?\s*$")
_EMPTY_PURPOSE = {"", "-", "—", "–", "?", "tbd", "todo", "n/a", "..."}

_DIRECT = re.compile(r"\bdirect[\s_-]*vault\b", re.I)
_ESO = re.compile(r"\bESO\b|\bexternal[\s-]+secrets?\b", re.I)
_NEGATION = re.compile(r"\b(?:not|no|never|without|instead\s+of|rather\s+than)\b[^.;!?\n]{0,30}$",
                       re.I)
_MODE_LABEL = re.compile(r"^\W*(?:secrets?\s+)?mode\W{0,3}\s*[:|=]\s*(?P<rest>.+)$", re.I)
_JUSTIFY_LABEL = re.compile(
    r"(?:^|[^\w-])(?:justification|rationale|reason|why(?:\s+direct[\s_-]*vault)?)\W{0,3}?"
    r"(?:\s*[:—–]|\s+-)\s+(?P<rest>.*)$", re.I)
_JUSTIFY_HEADING = re.compile(r"\b(?:justification|rationale|reason|why)\b", re.I)
_DYNAMIC = re.compile(r"\bdynamic\b[^.]{0,60}\b(?:secrets?|credentials?|creds|leases?|"
                      r"certificates?|certs?|tokens?)\b|\blease[sd]?\b|\bshort[\s-]lived\b", re.I)
_MIN_JUSTIFICATION_WORDS = 4

_KEY_HEADERS = ("key", "name", "variable", "env", "secret", "field")
_PURPOSE_HEADERS = ("purpose", "description", "used for", "use", "what", "why", "meaning",
                    "notes")
_LABEL_WORDS = {"mode", "path", "paths", "vault", "keys", "key", "justification", "reason", "why",
                "rationale", "owner", "rotation", "architecture", "secrets", "note", "notes",
                "type", "eso", "todo"}


@dataclass(frozen=True)
class Heading:
    """A Markdown heading (ATX ``## x`` or setext ``x\\n---``) outside code blocks."""

    line: int
    level: int
    text: str


@dataclass(frozen=True)
class VaultPath:
    path: str
    line: int


@dataclass(frozen=True)
class SecretKey:
    """A required key; ``purpose`` is empty when the README names the key but not its use."""

    name: str
    purpose: str
    line: int


@dataclass(frozen=True)
class SecretsSection:
    """What the "Secrets architecture" section says. ``line`` is the heading's line.

    ``mode`` is "eso", "direct-vault" or None (not stated); ``justification`` is the text that
    explains a Direct-Vault need (None when absent or too short to explain anything).
    """

    line: int
    title: str
    paths: tuple[VaultPath, ...] = ()
    keys: tuple[SecretKey, ...] = ()
    mode: str | None = None
    mode_line: int | None = None
    justification: str | None = None
    justification_line: int | None = None

    @property
    def keys_with_purpose(self) -> tuple[SecretKey, ...]:
        return tuple(k for k in self.keys if k.purpose)


def split_lines(text: str) -> list[str]:
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def prose(lines: list[str]) -> list[str]:
    """``lines`` with code blocks and HTML comments blanked (so line numbers stay the same)."""
    out = list(lines)
    fence: tuple[str, int] | None = None
    prev_blank, prev_code, in_list, in_comment = True, False, False, False
    for i, line in enumerate(lines):
        if fence is not None:
            out[i] = ""
            if re.match(rf"^ {{0,3}}{re.escape(fence[0])}{{{fence[1]},}}[ \t]*$", line):
                fence = None
            continue
        opened = _FENCE.match(line)
        if opened and not (opened.group(2)[0] == "`" and "`" in opened.group(3)):
            fence, out[i] = (opened.group(2)[0], len(opened.group(2))), ""
            continue
        blank = not line.strip()
        if not blank and _INDENTED.match(line) and (prev_blank or prev_code) and not in_list:
            out[i], prev_code, prev_blank = "", True, False
            continue
        out[i], in_comment = _strip_comments(line, in_comment)
        if blank:
            prev_blank = True
            continue
        prev_code = False
        if _LIST_ITEM.match(line):
            in_list = True
        elif prev_blank and not line[:1].isspace():
            in_list = False
        prev_blank = False
    return out


def _strip_comments(line: str, in_comment: bool) -> tuple[str, bool]:
    """Remove ``<!-- ... -->`` text from one line; returns the rest and the open-comment state."""
    kept: list[str] = []
    pos = 0
    while pos <= len(line):
        if in_comment:
            end = line.find("-->", pos)
            if end < 0:
                return "".join(kept), True
            pos, in_comment = end + 3, False
        else:
            start = line.find("<!--", pos)
            if start < 0:
                kept.append(line[pos:])
                break
            kept.append(line[pos:start])
            pos, in_comment = start + 4, True
    return "".join(kept), in_comment


def headings(lines: list[str]) -> list[Heading]:
    """Headings of prose ``lines`` (already passed through ``prose``)."""
    found: list[Heading] = []
    for i, line in enumerate(lines):
        atx = _ATX.match(line)
        if atx:
            text = _ATX_CLOSE.sub("", atx.group(2) or "")
            found.append(Heading(i + 1, len(atx.group(1)), text.strip()))
            continue
        under = _SETEXT.match(lines[i + 1]) if i + 1 < len(lines) else None
        if under and line.strip() and not _LIST_ITEM.match(line) and not line.startswith("    ") \
                and not _ATX.match(line) and not _SETEXT.match(line):
            found.append(Heading(i + 1, 1 if under.group(1)[0] == "=" else 2, line.strip()))
    return found


def secrets_section(text: str) -> SecretsSection | None:
    """The first "Secrets architecture" section of a README (any level, any case), or None."""
    lines = prose(split_lines(text))
    marks = headings(lines)
    for index, heading in enumerate(marks):
        if _TITLE.search(_plain(heading.text)):
            end = next((h.line - 1 for h in marks[index + 1:] if h.level <= heading.level),
                       len(lines))
            skip = heading.line + (1 if _is_setext(lines, heading) else 0)
            body = [(n + 1, lines[n]) for n in range(skip, end)]
            inner = [h for h in marks[index + 1:] if heading.line < h.line <= end]
            return _read_section(heading, body, inner)
    return None


def _is_setext(lines: list[str], heading: Heading) -> bool:
    return heading.line < len(lines) and bool(_SETEXT.match(lines[heading.line])) \
        and not _ATX.match(lines[heading.line - 1])


def _plain(text: str) -> str:
    """Heading or cell text without emphasis and code markers."""
    text = re.sub(r"[*`~]+", "", text)
    return re.sub(r"(?<!\w)_+|_+(?!\w)", "", text).strip()  # _emphasis_, not SNAKE_CASE


def _read_section(heading: Heading, body: list[tuple[int, str]],
                  inner: list[Heading]) -> SecretsSection:
    mode, mode_line = _mode([(heading.line, heading.text), *body])
    justification, justification_line = _justification(body, inner)
    return SecretsSection(
        line=heading.line, title=heading.text, paths=_paths(body), keys=_keys(body),
        mode=mode, mode_line=mode_line, justification=justification,
        justification_line=justification_line,
    )


def _paths(body: list[tuple[int, str]]) -> tuple[VaultPath, ...]:
    found: dict[str, int] = {}
    for number, line in body:
        for match in _VAULT_PATH.finditer(line):
            found.setdefault(match.group(0).rstrip(".,;:)"), number)
        if re.search(r"\bvault\b|\bpath", line, re.I):
            for span in _CODE_SPAN.finditer(line):
                candidate = span.group(1).rstrip(".,;:")
                if not re.match(r"^(?:https?:|\.{0,2}/)", candidate) and "." not in \
                        candidate.rsplit("/", 1)[-1]:
                    found.setdefault(candidate, number)
    return tuple(VaultPath(path, line) for path, line in found.items())


def _keys(body: list[tuple[int, str]]) -> tuple[SecretKey, ...]:
    keys: dict[str, SecretKey] = {}
    for key in (*_table_keys(body), *_list_keys(body)):
        current = keys.get(key.name)
        if current is None or (key.purpose and not current.purpose):
            keys[key.name] = key
    return tuple(sorted(keys.values(), key=lambda k: k.line))


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner.removeprefix("|")
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [c.strip() for c in re.split(r"(?<!\\)\|", inner)]


def _table_keys(body: list[tuple[int, str]]) -> list[SecretKey]:
    keys: list[SecretKey] = []
    for i in range(len(body) - 1):
        header, delim = body[i][1], body[i + 1][1]
        if "|" not in header or not _TABLE_DELIM.match(delim) or "-" not in delim:
            continue
        names = [_plain(c).lower() for c in _cells(header)]
        key_col = _column(names, _KEY_HEADERS)
        purpose_col = _column(names, _PURPOSE_HEADERS)
        if key_col is None and purpose_col is None:
            continue
        key_col = 0 if key_col is None else key_col
        for number, row in body[i + 2:]:
            if "|" not in row:
                break
            keys.extend(_row_key(_cells(row), key_col, purpose_col, number))
    return keys


def _column(names: list[str], wanted: tuple[str, ...]) -> int | None:
    for want in wanted:
        for index, name in enumerate(names):
            if re.search(rf"\b{re.escape(want)}\b", name):
                return index
    return None


def _row_key(cells: list[str], key_col: int, purpose_col: int | None,
             number: int) -> list[SecretKey]:
    if key_col >= len(cells):
        return []
    name = _plain(cells[key_col])
    if not _KEY_NAME.match(name):
        return []
    purpose = _plain(cells[purpose_col]) if purpose_col is not None and \
        purpose_col < len(cells) else ""
    return [SecretKey(name, "" if purpose.lower() in _EMPTY_PURPOSE else purpose, number)]


def _list_keys(body: list[tuple[int, str]]) -> list[SecretKey]:
    keys: list[SecretKey] = []
    for number, line in body:
        item = _LIST_ITEM.match(line)
        if not item:
            continue
        match = _LIST_KEY.match(item.group("text").strip())
        if not match:
            continue
        name, quoted = match.group("key"), match.group("q")
        if name.lower() in _LABEL_WORDS or not (quoted == "`" or _ENV_STYLE.match(name)):
            continue
        purpose = (match.group("purpose") or "").strip()
        keys.append(SecretKey(name, "" if purpose.lower() in _EMPTY_PURPOSE else purpose, number))
    return keys


def classify_mode(text: str) -> str | None:
    """"direct-vault" when Direct-Vault is named (not negated), else "eso" when ESO is, else None.

    The first mention wins: a Direct-Vault README usually says its AppRole credentials come
    through ESO, after naming Direct-Vault; an ESO README may mention Direct-Vault later, or
    negated ("not Direct-Vault").
    """
    first: tuple[int, str] | None = None
    for match in _DIRECT.finditer(text):
        if not _NEGATION.search(text[:match.start()]):
            first = (match.start(), "direct-vault")
            break
    eso = _ESO.search(text)
    if eso and (first is None or eso.start() < first[0]) and \
            not _NEGATION.search(text[:eso.start()]):
        first = (eso.start(), "eso")
    return first[1] if first else None


def _mode(body: list[tuple[int, str]]) -> tuple[str | None, int | None]:
    for number, line in body:
        label = _MODE_LABEL.match(_plain(line.replace("|", " | ")).lstrip("|- "))
        if label:
            mode = classify_mode(label.group("rest"))
            if mode:
                return mode, number
    for number, line in body:
        mode = classify_mode(line)
        if mode:
            return mode, number
    return None, None


def _justification(body: list[tuple[int, str]],
                   inner: list[Heading]) -> tuple[str | None, int | None]:
    for heading in inner:
        if _JUSTIFY_HEADING.search(heading.text):
            text = _paragraph(body, heading.line + 1)
            if _long_enough(text):
                return text, heading.line
    for index, (number, line) in enumerate(body):
        label = _JUSTIFY_LABEL.search(_plain(_LIST_ITEM.sub(r"\g<text>", line)))
        if label:
            text = " ".join(filter(None, (label.group("rest").strip(),
                                          _paragraph(body, number + 1))))
            if _long_enough(text):
                return text, number
    for number, line in body:
        if _DYNAMIC.search(line) and _long_enough(line):
            return line.strip(), number
    return None, None


def _paragraph(body: list[tuple[int, str]], start: int) -> str:
    """The prose from line ``start`` up to the next blank line or heading."""
    parts: list[str] = []
    for number, line in body:
        if number < start:
            continue
        if not line.strip() and parts:
            break
        if _ATX.match(line):
            break
        if line.strip():
            parts.append(line.strip())
    return " ".join(parts)


def _long_enough(text: str) -> bool:
    return len(re.findall(r"\w+", text)) >= _MIN_JUSTIFICATION_WORDS
