"""Where a run is rooted: the folder whose config governs the paths the user passed.

The root is the nearest folder, from the first path upwards and not above the git top, that
holds ``.gates.yml`` (or a pyproject.toml with ``[tool.gates]``); else the git top; else the
first path itself. Finding paths, fingerprints and SARIF URIs are relative to it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gates.config import Config, find_config, load_config
from gates.errors import GatesError
from gates.git import GitRepo, find_git_top


@dataclass(frozen=True)
class Project:
    root: Path
    config: Config
    git: GitRepo | None


def open_project(paths: list[Path], config_file: Path | None) -> Project:
    """Resolve the root, load and validate the config, open git lazily."""
    missing = [str(p) for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        raise GatesError(f"no such file or folder: {', '.join(missing)}", "check the PATH arguments")
    # Lexically normalised: ``Path.absolute()`` keeps ``..``, and ``x/..``'s ``.parents``
    # would then walk *down* into ``x`` looking for the git top and the config.
    first = Path(os.path.abspath(paths[0]))
    start = first if first.is_dir() else first.parent
    git_top = find_git_top(start)
    root = _config_root(start, git_top)
    config_path = config_file if config_file is not None else find_config(root) if root else None
    root = root or git_top or start
    git = GitRepo(git_top, root) if git_top else None
    return Project(root, load_config(config_path), git)


def _config_root(start: Path, git_top: Path | None) -> Path | None:
    """Search upwards to the git top; outside git only ``start`` itself counts, so a stray
    ``~/.gates.yml`` can never take over (and re-root) the scan of an unrelated folder."""
    folders = (start, *start.parents) if git_top is not None else (start,)
    for folder in folders:
        if find_config(folder) is not None:
            return folder
        if folder == git_top:
            return None
    return None
