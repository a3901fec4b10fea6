"""Small text helpers every fix builder needs: line ends, indentation, YAML scalars."""

from __future__ import annotations

import json
import re

_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]*")
_LINE_END = re.compile(r"\r\n|\r|\n")


def newline_of(text: str) -> str:
    """The line end the file already uses (its first one), LF for a file without any."""
    match = _LINE_END.search(text)
    return match.group(0) if match else "\n"


def line_end(text: str, offset: int) -> int:
    """Offset just past the line break of the line holding ``offset`` (or the end of text)."""
    match = _LINE_END.search(text, offset)
    return match.end() if match else len(text)


def line_start(text: str, offset: int) -> int:
    """Offset of the first character of the line holding ``offset``."""
    cut = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset))
    return cut + 1


def append(text: str, block: str) -> tuple[int, str]:
    """(offset, insertion) that adds ``block`` (LF line ends) at the end of ``text``.

    The block takes the file's line ends; a last line without a line break gets one first, so
    the block never runs into it.
    """
    newline = newline_of(text)
    lead = newline if text and not text.endswith(("\n", "\r")) else ""
    return len(text), lead + block.replace("\n", newline)


def yaml_scalar(value: str) -> str:
    """``value`` as a YAML scalar: plain when that is unambiguous, else double-quoted JSON."""
    if _PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS and not value[0].isdigit():
        return value
    return json.dumps(value)


# Plain scalars YAML 1.1 / 1.2 would read as booleans or null.
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})
