"""pathspec's translation of gitignore-style pattern lists, kept on disk between runs.

Importing pathspec costs a pre-commit run ~30 ms on Python < 3.13 (it pulls in
``typing_extensions``, whose ``deprecated`` imports asyncio). What gates needs of it on every
run is the translation of a few pattern lists (rule path filters, excludes, bans) into regexes,
the same each run. This module keeps ``lines -> (negates, joined regex)`` in a JSON file in the
user cache folder (``rule_cache.cache_dir``), keyed on gates' and pathspec's versions; a list
not in it is translated by pathspec and added (written once, when the process exits). An
unwritable cache folder only means pathspec is imported, as it would be without a cache.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import json
import os
from pathlib import Path

from gates import __version__

_MAX_ENTRIES = 4096  # a repo's pattern lists number in the tens; a bound keeps the file small
_cache: dict[str, list[object]] | None = None
_dirty = False


def translate(lines: tuple[str, ...]) -> tuple[bool, str | None]:
    """(does a line negate, one regex matching what any pattern matches: None if none)."""
    global _dirty
    cache = _load()
    key = json.dumps(lines)  # not a join: ("a\nb",) and ("a", "b") are different lists
    hit = cache.get(key)
    if isinstance(hit, list) and len(hit) == 2 and isinstance(hit[0], bool) \
            and (hit[1] is None or isinstance(hit[1], str)):
        return hit[0], hit[1]
    found = _translate(lines)
    if len(cache) < _MAX_ENTRIES:
        cache[key] = list(found)
        if not _dirty:
            _dirty = True
            atexit.register(_save)
    return found


def _translate(lines: tuple[str, ...]) -> tuple[bool, str | None]:
    import pathspec

    active = [(p.include, p.regex.pattern) for p in
              pathspec.GitIgnoreSpec.from_lines(lines).patterns
              if p.include is not None and p.regex is not None]
    negates = any(not include for include, _ in active)
    if negates or not active:
        return negates, None
    # The directory-mark group is pathspec's, for its priorities; an alternation of several
    # would redefine it, and "does any match" does not need it.
    return False, "|".join("(?:" + regex.replace("(?P<ps_d>", "(?:") + ")" for _, regex in active)


def _file() -> Path | None:
    from gates.rule_cache import cache_dir

    found = importlib.util.find_spec("pathspec")
    if found is None or found.origin is None:
        return None
    try:
        stamp = os.stat(found.origin).st_mtime_ns  # a reinstalled pathspec is a new key
    except OSError:
        return None
    digest = hashlib.sha256(f"{__version__}\0{found.origin}\0{stamp}".encode()).hexdigest()
    return cache_dir() / f"globs-{digest[:24]}.json"


def _load() -> dict[str, list[object]]:
    global _cache
    if _cache is None:
        _cache = {}
        path = None if os.environ.get("GATES_NO_CACHE") else _file()
        try:
            data = json.loads(path.read_text("utf-8")) if path is not None else {}
        except (OSError, ValueError):
            data = {}
        if isinstance(data, dict):
            _cache = data
    return _cache


def _save() -> None:
    from gates.rule_cache import _discard

    path = _file()
    if path is None or _cache is None or os.environ.get("GATES_NO_CACHE"):
        return
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(_cache, sort_keys=True), encoding="utf-8")
        os.replace(temporary, path)  # a concurrent run reads the old file or the new
    except OSError:
        _discard(temporary)
