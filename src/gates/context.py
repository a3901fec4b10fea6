"""What a check may read besides its document: options, config, the repo. Read-only."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Mapping

from gates.config import Config
from gates.git import GitRepo
from gates.model import Rule

if TYPE_CHECKING:
    from gates.forge import Live


@dataclass(frozen=True)
class CheckContext:
    """Passed to every check call; the same object for every document of one rule."""

    rule: Rule
    options: Mapping[str, Any]
    config: Config
    root: Path
    git: GitRepo | None
    enabled: frozenset[str]
    live: Live | None = None  # forge data read before the run (``gates check --protection``)

    def in_deploy_path(self, path: str) -> bool:
        """True when a folder of ``path`` is a configured deploy path (name or glob)."""
        return in_deploy_path(path, self.config.deploy_paths)


def in_deploy_path(path: str, deploy_paths: tuple[str, ...]) -> bool:
    folders = PurePosixPath(path).parts[:-1]
    for entry in deploy_paths:
        if "/" in entry or "*" in entry:
            parent = PurePosixPath(path).parent
            if any(p.match(entry) or p.as_posix() == entry for p in (parent, *parent.parents)):
                return True
        elif entry in folders:
            return True
    return False
