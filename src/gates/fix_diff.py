"""``gates fix --diff``: the planned changes as a unified diff, with secrets redacted.

The diff is what ``git diff`` would print for the files once fixed (``--- a/path`` /
``+++ b/path``, ``/dev/null`` for a new file, three lines of context, ``\\ No newline at end of
file``), so it can be read in review or applied with ``git apply``. One exception keeps the
promise that gates never prints a secret: an old line that overlaps a sensitive edit (a literal
secret, a secret's default) is shown as ``-<redacted: N chars>``, and such a hunk cannot be
applied by ``git apply``. Added lines never hold a secret (fixes only remove them).
"""

from __future__ import annotations

import difflib
import re
from typing import TextIO

from gates.fix import FileChange

CONTEXT = 3
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_NO_NEWLINE = "\\ No newline at end of file\n"


def render_diff(changes: tuple[FileChange, ...], out: TextIO) -> None:
    """Write every change, in path order."""
    out.writelines("".join(file_diff(change)) for change in sorted(changes, key=lambda c: c.path))


def file_diff(change: FileChange) -> list[str]:
    """The diff of one file as lines (each ending in a line break)."""
    old, new = _lines(change.before.text), _lines(change.after)
    if change.before.bom == b"\xef\xbb\xbf":  # shown as git shows it: part of the first line
        old, new = _with_bom(old), _with_bom(new)
    hidden = _sensitive_lines(change)
    header = [f"--- {'a/' + change.path if change.before.exists else '/dev/null'}\n",
              f"+++ b/{change.path}\n"]
    body: list[str] = []
    for group in difflib.SequenceMatcher(None, old, new, autojunk=False) \
            .get_grouped_opcodes(CONTEXT):
        body += _hunk(group, old, new, hidden)
    return header + body if body else []


def _hunk(group: list[tuple[str, int, int, int, int]], old: list[str], new: list[str],
          hidden: set[int]) -> list[str]:
    first, last = group[0], group[-1]
    lines = [f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"]
    for tag, i1, i2, j1, j2 in group:
        if tag == "equal":
            lines += [_shown(" ", old[i], i in hidden) for i in range(i1, i2)]
            continue
        lines += [_shown("-", old[i], i in hidden) for i in range(i1, i2)]
        lines += [_shown("+", new[j], False) for j in range(j1, j2)]
    return lines


def _shown(mark: str, line: str, redact: bool) -> str:
    if redact:
        body = line.rstrip("\r\n")
        return f"{mark}<redacted: {len(body)} chars>\n"
    if line.endswith(("\n", "\r")):
        return mark + line
    return mark + line + "\n" + _NO_NEWLINE


def _range(start: int, stop: int) -> str:
    """difflib's unified range: ``start`` 1-based, ``start,length`` unless length is 1."""
    length = stop - start
    beginning = start + 1 if length else start
    return f"{beginning}" if length == 1 else f"{beginning},{length}"


def _lines(text: str) -> list[str]:
    return _LINE.findall(text)


def _with_bom(lines: list[str]) -> list[str]:
    return ["\ufeff" + lines[0], *lines[1:]] if lines else ["\ufeff"]


def _sensitive_lines(change: FileChange) -> set[int]:
    """Indexes of old lines that share a character with a sensitive edit's span."""
    hidden: set[int] = set()
    starts, offset = [], 0
    for line in _lines(change.before.text):
        starts.append((offset, offset + len(line)))
        offset += len(line)
    for start, end in change.sensitive_spans:
        for index, (line_start, line_end) in enumerate(starts):
            if line_start < max(end, start + 1) and start < line_end:
                hidden.add(index)
    return hidden
