"""A JSON copy of the parsed built-in rule files, so a run does not re-parse YAML it parsed before.

Parsing the two dozen rule files with pure-Python ruamel.yaml costs ~0.1 s, a third of the
budget of a pre-commit run; the same data as JSON loads in well under a millisecond. The copy
is keyed on gates' version and every rule file's name, size and mtime, so an edited or
upgraded rule set is parsed again. It lives in the user cache folder (``GATES_CACHE_DIR``, else
``$XDG_CACHE_HOME/gates``, else ``~/.cache/gates``); when that is not writable, every run just
parses the YAML, as it would without a cache.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Callable

from gates import __version__


def cache_dir() -> Path:
    explicit = os.environ.get("GATES_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gates"


def load_rule_data(files: list[Path], parse: Callable[[Path], Any]) -> list[Any]:
    """``[parse(f) for f in files]``, from the JSON copy when it matches the files."""
    cache = cache_dir() / f"rules-{_key(files)}.json"
    cached = _read(cache)
    if cached is not None:
        return cached
    data = [parse(path) for path in files]
    _write(cache, data)
    return data


def _key(files: list[Path]) -> str:
    digest = hashlib.sha256(__version__.encode())
    for path in files:
        stat = path.stat()
        digest.update(f"\0{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:24]


def _read(cache: Path) -> list[Any] | None:
    """The cached list, or None when it is absent or unusable (then the YAML is parsed)."""
    try:
        data = json.loads(cache.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, list) else None


def _write(cache: Path, data: list[Any]) -> bool:
    """Store ``data`` atomically (a concurrent run reads the old file or the new, never half)."""
    temporary = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temporary, cache)
    except (OSError, TypeError, ValueError):  # read-only home, or data JSON cannot hold
        _discard(temporary)
        return False
    return True


def _discard(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        return  # nothing was written there, or it is not ours to clean
