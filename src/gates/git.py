"""What gates needs to know from git: the repo top, which files are tracked, what is ignored.

pygit2 is imported only here and only when a run needs it. Paths in and out are POSIX strings
relative to the *scan root*; this module converts to and from the git top internally.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from gates.errors import GatesError


def find_git_top(start: Path) -> Path | None:
    """The work tree top of the git repo containing ``start``, or None outside a repo."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


@dataclass
class GitRepo:
    """A git work tree, opened lazily. ``root`` is the scan root inside ``top``."""

    top: Path
    root: Path
    _repo: Any = field(default=None, repr=False)

    @property
    def repo(self) -> Any:
        if self._repo is None:
            import pygit2
            from pygit2.enums import RepositoryOpenFlag

            try:
                # NO_SEARCH: ``top`` is where we saw ``.git``. Without it libgit2 walks up from
                # an empty or broken ``.git`` and silently opens an enclosing repository, whose
                # index then does not match the paths under ``top``.
                self._repo = pygit2.Repository(str(self.top), flags=RepositoryOpenFlag.NO_SEARCH)
            except pygit2.GitError as exc:
                raise GatesError(
                    f"{self.top} looks like a git repo but git cannot open it: {exc}",
                    "repair the repository (git fsck) or scan a copy without .git",
                ) from None
        return self._repo

    @cached_property
    def prefix(self) -> str:
        """The scan root relative to the git top, as 'a/b/' (empty at the top)."""
        rel = os.path.relpath(self.root, self.top).replace(os.sep, "/")
        return "" if rel == "." else rel + "/"

    @cached_property
    def tracked(self) -> frozenset[str]:
        """Root-relative paths of every file in the index under the scan root."""
        import pygit2

        try:
            index = self.repo.index
        except pygit2.GitError as exc:
            raise GatesError(f"cannot read the git index: {exc}", "repair it with `git reset`") from None
        prefix, cut = self.prefix, len(self.prefix)
        return frozenset(e.path[cut:] for e in index if e.path.startswith(prefix))

    def is_tracked(self, path: str) -> bool:
        return path in self.tracked

    def is_ignored(self, path: str) -> bool:
        """Exact git semantics (all .gitignore files, info/exclude, core.excludesFile).

        pygit2 encodes ``str`` paths as strict UTF-8, so a name that is not UTF-8 on disk (it
        arrives here with surrogate escapes) cannot be asked about; for those, answer from the
        .gitignore files and info/exclude like the walker does, instead of crashing the check.
        """
        full = self.prefix + path
        try:
            full.encode("utf-8")
        except UnicodeEncodeError:
            from gates.ignore import IgnoreMatcher

            return IgnoreMatcher(self.top, self.root).is_ignored(path, is_dir=False)
        return bool(self.repo.path_is_ignored(full))
