"""``dotenv-not-ignored``: add the file to the project root's ``.gitignore``."""

from __future__ import annotations

from pathlib import Path

from gates.documents import decode
from gates.fixers.text import append
from gates.model import SAFE, Edit, Fix


def ignore(root: Path, path: str) -> Fix | None:
    """A fix that appends ``/<path>`` (anchored: this file, not every file of that name).

    None when the line is already there: then something else (a later ``!`` rule, a nested
    .gitignore) un-ignores it, and a human has to look. The root ``.gitignore`` is read here,
    not in ``gates.fix``, so the offsets match the file as it is; a missing or unreadable one
    is created (an unreadable one is then refused by ``gates fix``, never overwritten).
    """
    entry = "/" + _escaped(path)
    target = root / ".gitignore"
    try:
        data = target.read_bytes() if target.is_file() and not target.is_symlink() else b""
    except OSError:
        return None
    text = decode(data) or ""
    if any(line.strip() == entry for line in text.splitlines()):
        return None
    at, block = append(text, entry + "\n")
    return Fix(f"Add {entry} to .gitignore", SAFE, (Edit(at, at, block),), ".gitignore")


def _escaped(path: str) -> str:
    """``path`` as a literal gitignore pattern: glob characters and a trailing space escaped."""
    literal = "".join("\\" + ch if ch in "*?[\\" else ch for ch in path)
    return literal[:-1] + "\\ " if literal.endswith(" ") else literal
