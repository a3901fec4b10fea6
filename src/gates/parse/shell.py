"""Shell command lines as located words: enough of sh to see which program gets which argument.

Not a shell parser. It joins continued lines into logical lines (keeping where each character
came from, so a finding points at the physical line and column), splits them into simple
commands at ``;`` ``|`` ``&`` ``&&`` ``||`` ``(`` ``)``, and those into words, honouring quotes,
backslashes, ``$(...)``, ``${...}``, GitHub's ``${{ ... }}`` and backticks. A ``$(...)`` body is
split too, so ``TOKEN=$(curl -u user:pass ...)`` is seen. Unbalanced quotes end the line.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    """One word: as written (``raw``), without quotes (``text``), and where it starts."""

    raw: str
    text: str
    line: int
    col: int


@dataclass
class Logical:
    """One logical line built from physical pieces; maps offsets back to (line, column)."""

    text: str = ""
    _starts: list[int] = field(default_factory=list)
    _origins: list[tuple[int, int]] = field(default_factory=list)

    def add(self, piece: str, line: int, col: int) -> None:
        """Append ``piece``, which starts at 1-based ``line``/``col`` of the file."""
        self._starts.append(len(self.text))
        self._origins.append((line, col))
        self.text += piece

    def where(self, offset: int) -> tuple[int, int]:
        index = max(bisect.bisect_right(self._starts, offset) - 1, 0)
        line, col = self._origins[index]
        return line, col + offset - self._starts[index]

    def tail(self, start: int) -> Logical:
        """The line from offset ``start`` on, still mapped to the file."""
        out = Logical()
        for index, piece_start in enumerate(self._starts):
            piece_end = self._starts[index + 1] if index + 1 < len(self._starts) else len(self.text)
            if piece_end > start:
                begin = max(start, piece_start)
                out.add(self.text[begin:piece_end], *self.where(begin))
        return out


def logical_lines(lines: list[tuple[int, int, str]], fold: bool = False) -> list[Logical]:
    """Join ``(line, col, text)`` pieces: a trailing backslash continues the line.

    ``fold`` joins every run of non-blank lines into one (YAML folded and plain scalars, where a
    line break is a space).
    """
    out: list[Logical] = []
    current: Logical | None = None
    for number, col, text in lines:
        if fold and not text.strip():
            current = None
            continue
        continued = text.endswith("\\") and not text.endswith("\\\\")
        piece = text[:-1] if continued else text
        if current is None:
            current = Logical()
            out.append(current)
        elif fold:
            current.add(" ", number, col)
        current.add(piece, number, col)
        if not continued and not fold:
            current = None
    return out


_SEPARATORS = frozenset(";|&()\n")
_PLAIN = re.compile(r"[^\s;|&()\\'\"$`]+")  # characters that mean themselves


def commands(logical: Logical) -> list[list[Word]]:
    """The simple commands of a logical line, each a list of located words."""
    found: list[list[Word]] = []
    _split(logical, 0, len(logical.text), found)
    return found


def _split(logical: Logical, start: int, end: int, found: list[list[Word]]) -> None:
    text = logical.text
    words: list[Word] = []
    i = start
    while i < end:
        char = text[i]
        if char in " \t\r":
            i += 1
        elif char in _SEPARATORS:
            if words:
                found.append(words)
            words = []
            i += 1
        elif char == "#":
            break  # a comment: '#' at the start of a word
        else:
            i = _word(logical, i, end, words, found)
    if words:
        found.append(words)


def _word(logical: Logical, start: int, end: int, words: list[Word],
          found: list[list[Word]]) -> int:
    """Read one word from ``start``; append it; return the offset after it."""
    text = logical.text
    out: list[str] = []
    i = start
    while i < end and text[i] not in " \t\r" and (
            text[i] not in _SEPARATORS or (text[i] == "&" and text[i - 1] in "<>")):
        char = text[i]
        plain = _PLAIN.match(text, i, end)
        if plain:
            out.append(plain.group())
            i = plain.end()
        elif char == "\\" and i + 1 < end:
            out.append(text[i + 1])
            i += 2
        elif char == "'":
            close = text.find("'", i + 1, end)
            close = end if close < 0 else close
            out.append(text[i + 1:close])
            i = close + 1
        elif char == '"':
            i = _double_quoted(logical, i + 1, end, out, found)
        elif char == "$" or char == "`":
            i = _expansion(logical, i, end, out, found)
        else:
            out.append(char)
            i += 1
    line, col = logical.where(start)
    words.append(Word(text[start:min(i, end)], "".join(out), line, col))
    return i


def _double_quoted(logical: Logical, i: int, end: int, out: list[str],
                   found: list[list[Word]]) -> int:
    text = logical.text
    while i < end and text[i] != '"':
        if text[i] == "\\" and i + 1 < end:
            out.append(text[i + 1] if text[i + 1] in '"\\$`' else text[i:i + 2])
            i += 2
        elif text[i] in "$`":
            i = _expansion(logical, i, end, out, found)
        else:
            out.append(text[i])
            i += 1
    return i + 1


def _expansion(logical: Logical, i: int, end: int, out: list[str],
               found: list[list[Word]]) -> int:
    """``$(...)``, ``${{ ... }}``, ``${...}``, backticks: kept as written; bodies are split."""
    text = logical.text
    if text.startswith("${{", i):
        close = text.find("}}", i + 3, end)
        stop = end if close < 0 else close + 2
    elif text.startswith("$(", i) and not text.startswith("$((", i):
        stop = _balanced(text, i + 2, end, "(", ")")
        _split(logical, i + 2, max(stop - 1, i + 2), found)
    elif text.startswith("${", i) or text.startswith("$((", i):
        opener, closer = ("{", "}") if text[i + 1] == "{" else ("(", ")")
        stop = _balanced(text, i + 2, end, opener, closer)
    elif text[i] == "`":
        close = text.find("`", i + 1, end)
        stop = end if close < 0 else close + 1
        _split(logical, i + 1, stop - 1, found)
    else:
        stop = i + 1
    out.append(text[i:stop])
    return stop


def _balanced(text: str, i: int, end: int, opener: str, closer: str) -> int:
    """Offset just after the ``closer`` that balances an already open ``opener``."""
    depth = 1
    quote = ""
    while i < end:
        char = text[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return end
