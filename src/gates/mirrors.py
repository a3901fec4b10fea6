"""Mirror groups from ``.gates.yml``: which pairs of files must hold the same bytes.

A group is a list of folders (ending in ``/``) or of files; the first entry is the source, the
others are copies. ``*``, ``?`` and ``[...]`` match within one path segment, against what is on
disk: ``templates/*/scripts/verify-pin.sh`` means "in every folder under templates/", so a new
template without the script is a missing copy, not silently no copy at all. Folder pairs compare
their file sets both ways. Kept apart from the check so that ``gates fix`` can reuse the pairs.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Mapping

from gates.errors import GatesError
from gates.git import GitRepo
from gates.ignore import DEFAULT_EXCLUDES, IgnoreMatcher, spec
from gates.sources import SourceFile, WorkTree

_WILDCARDS = frozenset("*?[")


@dataclass(frozen=True)
class MirrorPair:
    """Two root-relative paths that must be byte-identical; ``source`` is the declared one.

    ``folders`` is the (source, copy) folder pair the files were found in, or None for a file
    group. Either file may be missing on disk.
    """

    group: int
    source: str
    copy: str
    folders: tuple[str, str] | None = None


@dataclass
class DiskTree:
    """The files under the scan root as the walker sees them (gitignore-aware, no symlinks).

    Mirror pairs reach beyond the files of a partial run (pre-commit passes only staged files),
    so twins are looked up here; ``known`` holds the files the run itself read, used first.
    """

    root: Path
    excludes: tuple[str, ...]
    git: GitRepo | None
    known: Mapping[str, SourceFile] = field(default_factory=dict)
    _listed: dict[str, dict[str, SourceFile]] = field(default_factory=dict)

    def file(self, path: str) -> SourceFile | None:
        """The regular file at ``path``, or None (absent, a symlink, a folder)."""
        if path in self.known:
            return self.known[path]
        full = self.root / path
        if any((self.root / p).is_symlink() for p in _parents(path)):
            return None
        try:
            info = full.lstat()
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        return SourceFile(path, info.st_size, lambda: full.read_bytes())

    def files_under(self, folder: str) -> dict[str, SourceFile]:
        """Files below ``folder`` by path relative to it, as ``gates check FOLDER`` would read."""
        if folder not in self._listed:
            full = self.root / folder
            found: dict[str, SourceFile] = {}
            if full.is_dir() and not full.is_symlink():
                tree = WorkTree(self.root, [full], self.excludes, self.git)
                for item in tree.files():
                    if isinstance(item, SourceFile):
                        found[item.path[len(folder) + 1:]] = self.known.get(item.path, item)
            self._listed[folder] = found
        return self._listed[folder]

    def children(self, folder: str, want_dirs: bool) -> list[str]:
        """Names in ``folder`` (not excluded, ignored or hidden), folders or files only."""
        full = self.root / folder if folder else self.root
        try:
            with os.scandir(full) as listing:
                entries = sorted((e.name, e.is_dir(follow_symlinks=False),
                                  e.is_file(follow_symlinks=False)) for e in listing)
        except OSError:
            return []
        skip = _skipper(self.root, self.git, self.excludes)
        names = []
        for name, is_dir, is_file in entries:
            rel = f"{folder}/{name}" if folder else name
            if (is_dir if want_dirs else is_file) and not skip(rel, is_dir):
                names.append(name)
        return names


def _skipper(root: Path, git: GitRepo | None, excludes: tuple[str, ...]) -> Any:
    excluded = spec(list(DEFAULT_EXCLUDES) + list(excludes))
    ignored = IgnoreMatcher(git.top if git else root, root)

    def skip(rel: str, is_dir: bool) -> bool:
        probe = rel + "/" if is_dir else rel
        return bool(excluded.match_file(probe)) or ignored.is_ignored(rel, is_dir)

    return skip


def _parents(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def expand_group(index: int, group: tuple[str, ...], tree: DiskTree,
                 where: str) -> list[MirrorPair]:
    """Every pair that group ``index`` of the config declares (``where`` names the config)."""
    label = f"{where}: mirror group {index + 1} ({', '.join(group)})"
    folders = [entry.endswith("/") for entry in group]
    if any(folders) != all(folders):
        raise GatesError(f"{label} mixes folders (ending in /) and files",
                         "put folders and files in separate mirror groups")
    entries = [_clean(entry, label) for entry in group]
    sources = _expand(entries[0], tree, all(folders))
    if len(sources) != 1:
        raise GatesError(f"{label}: the source matches {len(sources)} paths",
                         "the first entry of a mirror group is the source: name exactly one path")
    source = sources[0]
    copies = [c for entry in entries[1:] for c in _expand(entry, tree, all(folders)) if c != source]
    if all(folders):
        return [pair for copy in copies for pair in _folder_pairs(index, source, copy, tree)]
    return [MirrorPair(index, source, copy) for copy in copies]


def _clean(entry: str, label: str) -> str:
    parts = entry.strip("/").split("/")
    if entry.startswith("/") or ".." in parts or "" in parts or "." in parts:
        raise GatesError(f"{label}: {entry!r} is not a path inside the repo",
                         "write paths relative to the folder of .gates.yml, without .. or //")
    return "/".join(parts)


def _expand(pattern: str, tree: DiskTree, folder: bool) -> list[str]:
    """Paths a pattern names: wildcard segments match what exists, literal ones are kept."""
    found = [""]
    segments = pattern.split("/")
    for depth, segment in enumerate(segments):
        last = depth == len(segments) - 1
        if not _WILDCARDS & set(segment):
            found = [f"{base}/{segment}" if base else segment for base in found]
            continue
        matched = []
        for base in found:
            for name in tree.children(base, want_dirs=folder or not last):
                hidden = name.startswith(".") and not segment.startswith(".")
                if fnmatchcase(name, segment) and not hidden:
                    matched.append(f"{base}/{name}" if base else name)
        found = matched
    return found


def _folder_pairs(index: int, source: str, copy: str, tree: DiskTree) -> list[MirrorPair]:
    names = sorted(set(tree.files_under(source)) | set(tree.files_under(copy)))
    return [MirrorPair(index, f"{source}/{name}", f"{copy}/{name}", (source, copy))
            for name in names]
