"""``RepoView``: what a repo-scope check reads — every scanned file, by path or kind.

Repo-scope checks cross-reference files (an app's README, its manifests, its ExternalSecrets;
two mirrored folders). The engine fills the index while it scans files one by one, then hands
the view to each repo-scope check once. Documents are re-read on demand rather than kept, so a
large scan does not hold every file in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Iterator

from gates.documents import Document, load_document
from gates.sources import SourceFile


@dataclass
class RepoView:
    """Files of this run by root-relative path. ``kind`` is None for files not decoded."""

    max_file_size: int
    files: dict[str, tuple[SourceFile, str | None]] = field(default_factory=dict)
    _cache: dict[str, Document | None] = field(default_factory=dict)

    def add(self, source: SourceFile, kind: str | None) -> None:
        self.files[source.path] = (source, kind)

    def paths(self) -> list[str]:
        return sorted(self.files)

    def kind(self, path: str) -> str | None:
        entry = self.files.get(path)
        return entry[1] if entry else None

    def document(self, path: str) -> Document | None:
        """The decoded document, or None when the file is absent, binary or oversized."""
        if path not in self._cache:
            entry = self.files.get(path)
            loaded = load_document(entry[0], self.max_file_size) if entry else None
            self._cache[path] = loaded if isinstance(loaded, Document) else None
        return self._cache[path]

    def read_bytes(self, path: str) -> bytes | None:
        entry = self.files.get(path)
        return entry[0].read() if entry else None

    def documents(self, *kinds: str, under: str = "") -> Iterator[Document]:
        """Documents of ``kinds`` (all kinds when none given) below folder ``under``."""
        prefix = under.rstrip("/") + "/" if under else ""
        for path in self.paths():
            kind = self.kind(path)
            if kind is None or (kinds and kind not in kinds) or not path.startswith(prefix):
                continue
            doc = self.document(path)
            if doc is not None:
                yield doc

    def folders_with(self, name: str) -> list[str]:
        """Folders (root-relative, "" for the root) that directly contain a folder ``name``."""
        found = set()
        for path in self.files:
            parts = PurePosixPath(path).parts[:-1]
            for i, part in enumerate(parts):
                if part == name:
                    found.add("/".join(parts[:i]))
        return sorted(found)
