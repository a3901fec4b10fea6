"""Sources yield the files a run looks at. ``WorkTree`` walks folders on disk.

Each file comes as a ``SourceFile`` (a root-relative POSIX path plus a way to read its bytes);
what is not scanned comes as a ``Note`` so that reporters can say so. The staged-index and
git-diff sources plug in here with the same shape.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Iterator, Protocol

from gates.errors import GatesError
from gates.git import GitRepo
from gates.ignore import DEFAULT_EXCLUDES, VENDORED, IgnoreMatcher, spec
from gates.model import Note


@dataclass(frozen=True)
class SourceFile:
    """One file to scan. ``changed_lines`` None means the whole file is in scope."""

    path: str
    size: int
    read: Callable[[], bytes]
    changed_lines: frozenset[int] | None = None


class Source(Protocol):
    def files(self) -> Iterator[SourceFile | Note]: ...


class WorkTree:
    """Files under ``paths`` (folders or files inside ``root``), gitignore-aware.

    Never follows a symlink (a link's target is scanned where it lives, if it is in the repo);
    skips special files, config excludes and the default excludes; adds back files that git
    tracks even though a .gitignore matches them (they are committed, so they count).
    """

    def __init__(self, root: Path, paths: list[Path], excludes: tuple[str, ...],
                 git: GitRepo | None) -> None:
        self.root = normalise(root)
        self.paths = [normalise(p) for p in paths]
        self.git = git
        self._ignored = IgnoreMatcher(normalise(git.top) if git else self.root, self.root)
        self._excluded = spec(list(DEFAULT_EXCLUDES) + list(excludes))
        self._vendored = spec(list(VENDORED))

    def files(self) -> Iterator[SourceFile | Note]:
        seen: set[str] = set()
        for start in self.paths:
            rel = self._relative(start)
            if start.is_dir() and not start.is_symlink():
                yield from self._walk(start, rel, seen)
            else:
                yield from self._one(start, rel, seen, explicit=True)
        yield from self._tracked_but_ignored(seen)

    def _relative(self, path: Path) -> str:
        try:
            rel = normalise(path).relative_to(self.root).as_posix()
        except ValueError:
            raise GatesError(f"{path} is outside the project root {self.root}",
                             "run gates from inside the repository, or pass paths inside it") from None
        return "" if rel == "." else rel

    def _walk(self, folder: Path, rel: str, seen: set[str]) -> Iterator[SourceFile | Note]:
        """Depth first, each folder in name order, with an explicit stack of listings.

        Not recursive: a tree a thousand folders deep (legal, and easy to commit) would exhaust
        Python's recursion limit and crash the run.
        """
        stack = [self._children(folder, rel)]
        while stack:
            item = next(stack[-1], None)
            if item is None:
                stack.pop()
            elif isinstance(item, Note):
                yield item
            else:
                path, child, is_dir = item
                if is_dir:
                    stack.append(self._children(path, child))
                else:
                    yield from self._one(path, child, seen, explicit=False)

    def _children(self, folder: Path, rel: str) -> Iterator[tuple[Path, str, bool] | Note]:
        """The entries of one folder that are not excluded or ignored, sorted by name."""
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            yield Note("error", f"cannot list folder: {exc.strerror or exc}", rel or ".")
            return
        for entry in entries:
            child = f"{rel}/{entry.name}" if rel else entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError as exc:
                yield Note("error", f"cannot stat: {exc.strerror or exc}", child)
                continue
            if is_dir and self._vendored.match_file(child + "/"):
                yield Note("skipped-file", "vendored or build folder (default exclude)", child + "/")
            elif not self._skip(child, is_dir):
                yield Path(entry.path), child, is_dir

    def _skip(self, rel: str, is_dir: bool) -> bool:
        probe = rel + "/" if is_dir else rel
        return bool(self._excluded.match_file(probe)) or self._ignored.is_ignored(rel, is_dir)

    def _one(self, path: Path, rel: str, seen: set[str], explicit: bool) -> Iterator[SourceFile | Note]:
        if rel in seen:
            return
        seen.add(rel)
        if explicit and self._excluded.match_file(rel):
            # Named by the user (pre-commit passes every staged file): say why it is not read.
            yield Note("skipped-file", "excluded (default or config exclude)", rel)
            return
        if explicit and self._through_symlink(rel):
            yield Note("skipped-file", "symlink (not followed): a folder on the path is a symlink",
                       rel)
            return
        try:
            info = path.lstat()
        except OSError as exc:
            yield Note("error", f"cannot stat: {exc.strerror or exc}", rel)
            return
        if stat.S_ISLNK(info.st_mode):
            yield Note("skipped-file", "symlink (not followed)", rel)
        elif not stat.S_ISREG(info.st_mode):
            yield Note("skipped-file", "not a regular file", rel)
        else:
            yield SourceFile(rel, info.st_size, _reader(path))

    def _through_symlink(self, rel: str) -> bool:
        """True when a folder between the root and ``rel`` is a symlink.

        The walker never enters a symlinked folder; an explicit path through one
        (``link-to-elsewhere/app.env``) must not read what the link points at either.
        """
        folder = self.root
        for part in rel.split("/")[:-1]:
            folder = folder / part
            if folder.is_symlink():
                return True
        return False

    def _tracked_but_ignored(self, seen: set[str]) -> Iterator[SourceFile | Note]:
        """Committed files under an ignore rule are still committed: scan them too."""
        if self.git is None:
            return
        scopes = {self._relative(p) for p in self.paths}
        for rel in sorted(self.git.tracked - seen):
            if not _in_scope(rel, scopes) or self._excluded.match_file(rel) \
                    or self._through_symlink(rel):
                continue
            path = self.root / rel
            # A submodule is a gitlink in the index and a folder on disk: the walker already
            # decided about its contents, so it is neither a file nor a skip.
            if path.is_dir() and not path.is_symlink():
                continue
            if path.exists() or path.is_symlink():
                yield from self._one(path, rel, seen, explicit=False)


def _in_scope(rel: str, scopes: set[str]) -> bool:
    """Is ``rel`` one of ``scopes`` or inside one ("" is the root)? Set lookups of its folders:
    pre-commit may pass thousands of paths in a repo that tracks a hundred thousand."""
    if "" in scopes or rel in scopes:
        return True
    folder = rel.rpartition("/")[0]
    while folder:
        if folder in scopes:
            return True
        folder = folder.rpartition("/")[0]
    return False


def normalise(path: Path) -> Path:
    """Absolute, with ``.`` and ``..`` resolved lexically (symlinks are not followed).

    ``Path.absolute()`` keeps ``..``: ``root/sub/../x`` would then be reported as a path with
    dots, and ``root/../x`` would pass ``relative_to(root)`` although it is outside the root.
    """
    return Path(os.path.abspath(path))


def _reader(path: Path) -> Callable[[], bytes]:
    """``read`` for a file on disk; a partial of a module function, so a ``SourceFile`` can be
    sent to a scan worker process (a closure cannot be pickled)."""
    return partial(_read_file, str(path))


def _read_file(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()
