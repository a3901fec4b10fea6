"""``RepoView``: what a repo-scope check reads — every scanned file, by path or kind.

Repo-scope checks cross-reference files (an app's README, its manifests, its ExternalSecrets;
two mirrored folders). The engine fills the index while it scans files one by one, then hands
the view to each repo-scope check once. Documents of the kinds repo-scope rules read (``keep``)
that the file scan parsed are handed over with their parse (up to ``MAX_KEPT``), so a manifest
is parsed once per run; other documents are re-read on demand rather than kept, and ``release``
drops everything once the repo-scope rules ran, so a large scan does not hold every file.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Callable, Hashable, Iterator, MutableMapping, TypeVar

from gates.documents import Document, load_document
from gates.sources import SourceFile

_T = TypeVar("_T")
# Parsed documents kept for the repo-scope rules, at most: a round-trip YAML tree weighs 20-70
# times its text, so an unbounded hand-over would hold every manifest of a large repo at once.
# Past the bound, documents are read and parsed again if a rule asks (the same results).
MAX_KEPT = 1000


@dataclass
class RepoView:
    """Files of this run by root-relative path. ``kind`` is None for files not decoded.

    ``changed`` is None on a full run. On a staged or diff run it holds the paths the change
    touched (added, modified, deleted, both sides of a rename): a repo-scope rule then looks only
    at what the change may affect (the apps that own a changed path, the mirror pairs with a
    changed member); the engine keeps only what the change added.
    """

    max_file_size: int
    files: MutableMapping[str, tuple[SourceFile, str | None]] = field(default_factory=dict)
    changed: frozenset[str] | None = None
    keep: frozenset[str] = frozenset()  # kinds whose documents ``add`` keeps
    # Facts (``facts.py``) the file scan took of every file it decoded, and their names: a
    # fact named here is never computed again; any other is computed from the document.
    fact_names: frozenset[str] = frozenset()
    _facts: dict[str, dict[str, Any]] = field(default_factory=dict)
    _cache: dict[str, Document | None] = field(default_factory=dict)
    _derived: dict[Hashable, Any] = field(default_factory=dict)
    _sorted: list[str] = field(default_factory=list)
    _kind_index: dict[str | None, list[str]] = field(default_factory=dict)
    _kind_index_size: int = -1

    def add(self, source: SourceFile, kind: str | None, doc: Document | None = None,
            facts: dict[str, Any] | None = None) -> None:
        """Index a scanned file; its document is kept when a repo-scope rule reads its kind and
        it holds a parse (re-reading any other costs less than keeping every file's text), up to
        ``MAX_KEPT`` documents. ``facts``: what the scan found of ``fact_names`` (None: none)."""
        self.files[source.path] = (source, kind)
        if facts:
            self._facts[source.path] = facts
        if doc is not None and kind in self.keep and doc.holds_parse \
                and len(self._cache) < MAX_KEPT:
            self._cache[source.path] = doc

    def paths(self) -> list[str]:
        """Every path, sorted (computed once: several rules and app discovery ask)."""
        if len(self._sorted) != len(self.files):
            self._sorted = sorted(self.files)
        return self._sorted

    def paths_under(self, prefix: str) -> Iterator[str]:
        """Paths that start with ``prefix`` (a folder ending in "/"), in order, by bisection."""
        paths = self.paths()
        for index in range(bisect_left(paths, prefix), len(paths)):
            if not paths[index].startswith(prefix):
                return
            yield paths[index]

    def kind(self, path: str) -> str | None:
        entry = self.files.get(path)
        return entry[1] if entry else None

    def document(self, path: str) -> Document | None:
        """The decoded document, or None when the file is absent, binary or oversized.

        Kept for the next rule that asks while fewer than ``MAX_KEPT`` are kept: a rule that
        reads every source file of every app (``bootstrap-schema``) must not hold a whole
        monorepo's text at once.
        """
        if path in self._cache:
            return self._cache[path]
        entry = self.files.get(path)
        loaded = load_document(entry[0], self.max_file_size) if entry else None
        doc = loaded if isinstance(loaded, Document) else None
        if len(self._cache) < MAX_KEPT:
            self._cache[path] = doc
        return doc

    def fact(self, path: str, name: str) -> Any:
        """Fact ``name`` of the file at ``path`` (falsy: none, or the file cannot be decoded)."""
        if name in self.fact_names and path in self.files:
            return self._facts.get(path, {}).get(name)
        return self.derived(("fact", name, path), lambda: self._compute_fact(path, name))

    def _compute_fact(self, path: str, name: str) -> Any:
        from gates.facts import FACTS

        doc = self.document(path)
        return FACTS[name](doc) if doc is not None else None

    def read_bytes(self, path: str) -> bytes | None:
        entry = self.files.get(path)
        return entry[0].read() if entry else None

    def documents(self, *kinds: str, under: str = "") -> Iterator[Document]:
        """Documents of ``kinds`` (all kinds when none given) below folder ``under``."""
        prefix = under.rstrip("/") + "/" if under else ""
        paths = self.paths_under(prefix) if prefix or not kinds else self._of_kinds(kinds)
        for path in paths:
            kind = self.kind(path)
            if kind is None or (kinds and kind not in kinds):
                continue
            doc = self.document(path)
            if doc is not None:
                yield doc

    def _of_kinds(self, kinds: tuple[str, ...]) -> list[str]:
        """Sorted paths of ``kinds``, from an index of every path by kind built on first use
        (a check that asks for one kind per app would otherwise walk every path each time)."""
        paths = self.paths()
        if self._kind_index_size != len(paths):
            index: dict[str | None, list[str]] = {}
            for path in paths:
                index.setdefault(self.kind(path), []).append(path)
            self._kind_index, self._kind_index_size = index, len(paths)
        if len(kinds) == 1:
            return self._kind_index.get(kinds[0], [])
        return sorted(p for kind in set(kinds) for p in self._kind_index.get(kind, []))

    def derived(self, key: Hashable, compute: Callable[[], _T]) -> _T:
        """``compute()``, once per view: what several rules derive alike (the apps, an app's
        deploy objects). Kept with the view, so nothing outlives the run."""
        if key not in self._derived:
            self._derived[key] = compute()
        value: _T = self._derived[key]
        return value

    def release(self) -> None:
        """Drop kept documents and derived data (the repo-scope rules have run)."""
        self._cache.clear()
        self._derived.clear()
        self._facts.clear()
        self._kind_index, self._kind_index_size = {}, -1

    def folders_with(self, name: str) -> list[str]:
        """Folders (root-relative, "" for the root) that directly contain a folder ``name``."""
        found = set()
        for path in self.files:
            parts = PurePosixPath(path).parts[:-1]
            for i, part in enumerate(parts):
                if part == name:
                    found.add("/".join(parts[:i]))
        return sorted(found)
