"""When a file last changed, from git: which of two drifted copies someone edited last.

Modification times say nothing after a clone or a CI checkout (every file is "now"), so the
order comes from git: an uncommitted change (staged, modified or untracked) is newest, then the
commit time of the newest commit reachable from HEAD that changed the file against its first
parent. Outside git, modification times are all there is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from gates.git import GitRepo

# Bounded: a file untouched for this many commits is "old"; older ones tie with each other.
MAX_COMMITS = 5000

Age = tuple[int, float]  # (2 uncommitted | 1 committed | 0 unknown, seconds): larger is newer


def change_times(git: GitRepo | None, root: Path, paths: Iterable[str]) -> dict[str, Age]:
    """The age of each root-relative path; compare with ``>`` (ties mean "cannot tell")."""
    wanted = sorted(set(paths))
    if git is None:
        return {p: (1, _mtime(root / p)) for p in wanted}
    repo = git.repo
    ages: dict[str, Age] = {}
    pending: dict[str, str] = {}
    for path in wanted:
        if _uncommitted(repo, git.prefix + path):
            ages[path] = (2, _mtime(root / path))
        else:
            pending[path] = git.prefix + path
    ages.update(_last_commits(repo, pending))
    return {p: ages.get(p, (0, 0.0)) for p in wanted}


def _uncommitted(repo: Any, git_path: str) -> bool:
    import pygit2

    try:
        return bool(repo.status_file(git_path))
    except (KeyError, pygit2.GitError, UnicodeError):
        return False  # not in the index nor the work tree: nothing newer to say


def _last_commits(repo: Any, pending: dict[str, str]) -> dict[str, Age]:
    """Walk history from HEAD until every path's last change is found (or the bound)."""
    from pygit2.enums import SortMode

    found: dict[str, Age] = {}
    if not pending or repo.head_is_unborn:
        return found
    left = dict(pending)
    for count, commit in enumerate(repo.walk(repo.head.target, SortMode.TIME)):
        if count >= MAX_COMMITS or not left:
            break
        parent = commit.parents[0].tree if commit.parents else None
        for path, git_path in list(left.items()):
            if _entry(commit.tree, git_path) != _entry(parent, git_path):
                found[path] = (1, float(commit.commit_time))
                del left[path]
    return found


def _entry(tree: Any, git_path: str) -> Any:
    if tree is None:
        return None
    try:
        return tree[git_path].id
    except (KeyError, ValueError):
        return None


def _mtime(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except OSError:
        return 0.0
