"""What a staged or diff run hands to repo-scope rules: the whole tree, read lazily.

A staged run scans a handful of files, but a repo-scope rule cross-references files that did not
change (the README of the app whose manifest did). Such a rule runs only when a file it reads
changed (``reads_changed``), and then sees the *whole* tree being committed (the index for
``--staged``, the head commit for ``--diff``) through ``TreeView``: a path, or a folder's paths,
are looked up when the rule asks for them (the apps that own a changed file), blobs are read and
decoded only when the rule asks for that path, and the whole tree is listed only for a rule that
iterates every path. A run whose changes no repo rule reads never opens the tree at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Mapping, MutableMapping, Protocol, runtime_checkable

from gates.documents import decode, detect_kind
from gates.model import Note, Rule
from gates.repo import RepoView
from gates.sources import SourceFile

# detect_kind looks at the text only for YAML top-level keys and a shebang; this text holds all
# of them, so a path whose kind is the same for it and for "" is decided by its name alone.
_KIND_PROBE = "#!/bin/sh\nservices:\napiVersion: v1\nkind: Probe\n"
UNKNOWN_SIZE = 0  # blob sizes cost a read each; load_document checks the size after reading


def kind_from_name(path: str) -> str | None:
    """The kind ``detect_kind`` gives ``path`` whatever its text, or None if the text decides."""
    kind = detect_kind(path, "")
    return kind if kind == detect_kind(path, _KIND_PROBE) else None


@runtime_checkable
class PartialSource(Protocol):
    """A source that yields only what changed (``--staged``, ``--diff``).

    ``changes()`` is valid once ``files()`` has been consumed; ``view()`` is the whole tree
    after the change (``before=True``: before it), for repo-scope rules.
    """

    def files(self) -> Iterator[SourceFile | Note]: ...

    def changes(self) -> ChangeSet: ...

    def view(self, max_file_size: int, before: bool = False) -> RepoView: ...


@dataclass
class ChangeSet:
    """Root-relative paths a change touched (added, modified, deleted, both sides of a rename).

    ``contents`` holds readers for a path's old and new blobs, so the kinds a deleted or
    retyped file had can be told without reading anything else.
    """

    contents: dict[str, list[Callable[[], bytes]]] = field(default_factory=dict)
    _kinds: dict[str, frozenset[str]] = field(default_factory=dict)

    def add(self, path: str, *readers: Callable[[], bytes]) -> None:
        self.contents.setdefault(path, []).extend(readers)

    @property
    def paths(self) -> list[str]:
        return sorted(self.contents)

    def kinds(self, path: str) -> frozenset[str]:
        """Every kind the path had before or after the change (binary content has none)."""
        if path not in self._kinds:
            named = kind_from_name(path)
            if named is not None:
                self._kinds[path] = frozenset({named})
            else:
                texts = (decode(read()) for read in self.contents.get(path, ()))
                self._kinds[path] = frozenset(detect_kind(path, t) for t in texts if t is not None)
        return self._kinds[path]


def reads_changed(rule: Rule, wants: Callable[[str], bool], changes: ChangeSet,
                  config_path: str | None) -> bool:
    """True when a repo-scope rule must run on a partial scan.

    What a rule reads is what its rule file declares: ``kinds`` (none = every kind) and
    ``paths`` (none = everywhere), minus the config's per-rule excludes; ``wants`` applies the
    last two. A change to the config file re-runs every repo rule: it can change what they find.
    """
    if config_path is not None and config_path in changes.contents:
        return True
    wanted = frozenset(rule.kinds)
    return any(wants(path) and (not wanted or wanted & changes.kinds(path))
               for path in changes.paths)


def config_relpath(config_file: Path | None, root: Path) -> str | None:
    """The config file's root-relative POSIX path, or None when there is none under the root."""
    if config_file is None:
        return None
    try:
        return Path(config_file).absolute().relative_to(root).as_posix()
    except ValueError:
        return None


Reader = Callable[[], bytes]


class Tree(Protocol):
    """The regular files of a tree (git index or commit) as a lazy ``TreeView`` asks for them.

    Paths are root-relative and already filtered by the run's scope (root, PATHs, excludes).
    """

    def lookup(self, path: str) -> Reader | None:
        """A reader for the file at ``path``, or None when there is none."""

    def under(self, prefix: str) -> list[tuple[str, Reader]]:
        """Every file whose path starts with ``prefix`` (a folder ending in "/"), sorted."""

    def everything(self) -> dict[str, Reader]:
        """Every file."""


class LazyFiles(MutableMapping[str, tuple[SourceFile, "str | None"]]):
    """``RepoView.files`` of a tree, filled as paths are asked for.

    Looking a path up or listing a folder reads only index entries (a few microseconds each);
    iterating, or taking the length, lists the whole tree once (10,000 entries: 65-80 ms through
    pygit2, which a pre-commit run cannot afford twice).
    """

    def __init__(self, tree: Tree) -> None:
        self._tree = tree
        self._known: dict[str, tuple[SourceFile, str | None]] = {}
        self._absent: set[str] = set()
        self.complete = False  # every path of the tree is in ``_known``

    def __getitem__(self, path: str) -> tuple[SourceFile, str | None]:
        if path in self._known:
            return self._known[path]
        if self.complete or path in self._absent:
            raise KeyError(path)
        read = self._tree.lookup(path)
        if read is None:
            self._absent.add(path)
            raise KeyError(path)
        return self._remember(path, read)

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, str):
            return False
        try:
            self[path]
        except KeyError:
            return False
        return True

    def __setitem__(self, path: str, entry: tuple[SourceFile, str | None]) -> None:
        self._known[path] = entry

    def __delitem__(self, path: str) -> None:
        del self._known[path]

    def __iter__(self) -> Iterator[str]:
        self._list()
        return iter(self._known)

    def __len__(self) -> int:
        self._list()
        return len(self._known)

    def under(self, prefix: str) -> list[str]:
        """Sorted paths below ``prefix`` (a folder ending in "/"), without listing the rest."""
        return [path if path in self._known else self._remember(path, read)[0].path
                for path, read in self._tree.under(prefix)]

    def _remember(self, path: str, read: Reader) -> tuple[SourceFile, str | None]:
        entry: tuple[SourceFile, str | None] = (SourceFile(path, UNKNOWN_SIZE, read), None)
        self._known[path] = entry
        return entry

    def _list(self) -> None:
        if not self.complete:
            for path, read in self._tree.everything().items():
                if path not in self._known:
                    self._remember(path, read)
            self.complete = True


@dataclass
class TreeView(RepoView):
    """A ``RepoView`` of a whole tree whose files are read only when a check asks.

    ``files`` is a ``LazyFiles``: a rule that asks for a path or a folder (the apps a change
    touched) reads only the index entries there; one that iterates every path lists the tree
    once. ``kind`` is answered from the name when the name decides it, so a check filtering on
    kinds reads only the files it may look at; for a binary file whose name gives a kind,
    ``document`` is still None.
    """

    _kinds: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def of(cls, max_file_size: int, entries: Mapping[str, Callable[[], bytes]]) -> TreeView:
        view = cls(max_file_size)
        for path, read in entries.items():
            view.files[path] = (SourceFile(path, UNKNOWN_SIZE, read), None)
        return view

    @classmethod
    def lazy(cls, max_file_size: int, tree: Tree) -> TreeView:
        return cls(max_file_size, files=LazyFiles(tree))

    def paths_under(self, prefix: str) -> Iterator[str]:
        files = self.files
        if isinstance(files, LazyFiles) and not files.complete and prefix:
            return iter(files.under(prefix))
        return super().paths_under(prefix)

    def kind(self, path: str) -> str | None:
        if path not in self.files:
            return None
        if path not in self._kinds:
            named = kind_from_name(path)
            if named is None:
                doc = self.document(path)
                named = doc.kind if doc is not None else None
            self._kinds[path] = named
        return self._kinds[path]


def in_scopes(path: str, scopes: list[str]) -> bool:
    """True when ``path`` is one of ``scopes`` or below one ("" is the whole root)."""
    return any(not s or path == s or path.startswith(s + "/") for s in scopes)
