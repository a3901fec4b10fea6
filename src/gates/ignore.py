"""Fast gitignore matching for the walker, with pathspec.

Git's own matcher (pygit2 ``path_is_ignored``) is exact but costs a C call per path; the walker
asks about every file and folder, so it uses pathspec over the ``.gitignore`` files it meets,
pruning ignored folders early. Rules that care about one file ask git itself (``git.py``).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

# Never worth scanning: version control, dependencies, build output, virtualenvs, caches.
# ``.git`` without a slash: in a submodule or a linked worktree it is a file ("gitdir: ...").
DEFAULT_EXCLUDES = (
    ".git", ".hg/", ".svn/", "node_modules/", "vendor/", "dist/", "build/", ".venv/", "venv/",
    "__pycache__/", ".tox/", ".nox/", ".mypy_cache/", ".pytest_cache/", ".ruff_cache/",
)
# The part of the default excludes that holds code someone may wonder about: a visible note
# says these folders were skipped (version-control folders and caches are skipped silently).
VENDORED = ("node_modules/", "vendor/", "dist/", "build/", ".venv/", "venv/")


def spec(lines: list[str] | tuple[str, ...]) -> Any:
    """A compiled gitignore-style matcher; equal pattern lists share one (rules repeat globs)."""
    return _compiled(tuple(lines))


@lru_cache(maxsize=512)
def _compiled(lines: tuple[str, ...]) -> FastSpec:
    from gates import glob_cache

    return FastSpec(lines, glob_cache.translate(lines))


class FastSpec:
    """Gitignore-style matching with pathspec's semantics, in one regex when no line negates.

    Rule path filters, excludes and bans are asked about every file of a run; pathspec tries
    each pattern's regex in turn from Python. Without a ``!`` line "does any pattern match" is
    all there is to it, so the patterns' own regexes (as pathspec translates them) are joined
    into one alternation: one C call, and pathspec's answers (a hypothesis test compares them).
    The translation is cached on disk (``glob_cache``), so a pre-commit run need not import
    pathspec at all; ``check_file`` (include, exclude or no verdict, for nested .gitignore
    files) and negated lists use a pathspec ``GitIgnoreSpec``, built when first asked.
    """

    def __init__(self, lines: tuple[str, ...], translated: tuple[bool, str | None]) -> None:
        self.lines = lines
        self._negates, pattern = translated
        self._any = re.compile(pattern) if pattern is not None else None
        self._inner: Any = None

    @property
    def inner(self) -> Any:
        if self._inner is None:
            import pathspec

            self._inner = pathspec.GitIgnoreSpec.from_lines(self.lines)
        return self._inner

    def match_file(self, path: str) -> bool:
        if self._negates:
            return bool(self.inner.match_file(path))
        return self._any is not None and self._any.search(_normal(path)) is not None

    def check_file(self, path: str) -> Any:
        return self.inner.check_file(path)


def _normal(path: str) -> str:
    """What pathspec's ``normalize_file`` makes of a path: POSIX separators, relative."""
    if os.sep != "/":
        path = path.replace(os.sep, "/")
    if path.startswith("/"):
        return path[1:]
    return path[2:] if path.startswith("./") else path


class IgnoreMatcher:
    """Answers "is this root-relative path ignored?" from .gitignore files at and above it.

    ``top`` is the folder whose .gitignore files count (the git top, or the root outside git);
    ``root`` is the scan root inside it. ``.git/info/exclude`` is read too.
    """

    def __init__(self, top: Path, root: Path) -> None:
        self.top = top
        self.root = root
        self._specs: dict[Path, Any] = {}
        self._chains: dict[str, tuple[tuple[int, Any], ...]] = {}
        info_exclude = top / ".git" / "info" / "exclude"
        self._top_extra = spec(_lines(info_exclude)) if info_exclude.is_file() else None
        inside = root.relative_to(top).as_posix() if root != top else "."
        self._prefix = "" if inside == "." else inside + "/"

    def _spec_for(self, folder: Path) -> Any:
        if folder not in self._specs:
            gitignore = folder / ".gitignore"
            lines = _lines(gitignore) if gitignore.is_file() else []
            self._specs[folder] = spec(lines) if lines else None
        return self._specs[folder]

    def _chain(self, folder: str) -> tuple[tuple[int, Any], ...]:
        """(offset, spec) of every .gitignore from the top down to ``folder`` (top-relative,
        "" for the top): a path's part below a .gitignore's folder starts at ``offset``.
        Computed once per folder, so the walker pays one dict lookup per file."""
        chain = self._chains.get(folder)
        if chain is None:
            parent = folder.rpartition("/")[0] if folder else None
            chain = self._chain(parent) if parent is not None else ()
            here = self._spec_for(self.top / folder if folder else self.top)
            if here is not None:
                chain += ((len(folder) + 1 if folder else 0, here),)
            self._chains[folder] = chain
        return chain

    def is_ignored(self, rel: str, is_dir: bool) -> bool:
        """Deeper .gitignore files override shallower ones; the last matching line wins."""
        target = self._prefix + rel
        mark = "/" if is_dir else ""
        verdict: bool | None = None
        if self._top_extra is not None:
            verdict = _verdict(self._top_extra, target + mark, verdict)
        for offset, current in self._chain(target.rpartition("/")[0]):
            verdict = _verdict(current, target[offset:] + mark, verdict)
        return bool(verdict)


def _verdict(current: Any, relative: str, verdict: bool | None) -> bool | None:
    include = current.check_file(relative).include
    return verdict if include is None else include


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return []
