"""Sources over git: ``StagedIndex`` (what ``git commit`` is about to record) and ``DiffRange``.

Both read blobs from git, never the work tree: a secret that was staged and then deleted from
the working copy is still in the commit, so it is still reported. Each changed file carries
``changed_lines``, the lines the change added, and the engine keeps only file-scope findings
on those lines. A file that is new at its path (added, renamed, copied, or changed from a
symlink) is in scope as a whole: every finding in it is new at that path, exactly as a
baseline, whose fingerprints include the path, would see it.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterator, NamedTuple

from gates.errors import GatesError
from gates.git import GitRepo
from gates.git_range import parse_range, resolve
from gates.ignore import DEFAULT_EXCLUDES, spec
from gates.model import Note
from gates.repo import RepoView
from gates.sources import Source, SourceFile, WorkTree
from gates.tree_view import UNKNOWN_SIZE, ChangeSet, Tree, TreeView, in_scopes

_GITLINK = 0o160000  # a submodule's commit pointer
_SYMLINK = 0o120000
_TREE = 0o040000
_WHOLE_FILE_STATUSES = "ACRT"  # new at this path: every line is in scope
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


class _Scope:
    """Which git paths (relative to the git top) a run covers, named relative to the root."""

    def __init__(self, git: GitRepo, scopes: list[str], excludes: tuple[str, ...]) -> None:
        self.prefix = git.prefix
        self.scopes = scopes
        self._excluded = _matcher(spec(list(DEFAULT_EXCLUDES) + list(excludes)))

    def rel(self, top_path: str) -> str | None:
        """The root-relative path, or None when it is outside the root, the PATHs or excluded."""
        if not top_path.startswith(self.prefix):
            return None
        rel = top_path[len(self.prefix):]
        if not in_scopes(rel, self.scopes) or self._excluded(rel):
            return None
        return rel


class _GitChanges:
    """What ``StagedIndex`` and ``DiffRange`` share: diff walking, the change set, the view."""

    def __init__(self, git: GitRepo, scope: _Scope) -> None:
        self.git = git
        self.scope = scope
        self._changes = ChangeSet()

    def changes(self) -> ChangeSet:
        return self._changes

    def _tree(self, before: bool) -> Tree | None:
        """The tree after the change (or ``before`` it); None for no tree (no commit yet)."""
        raise NotImplementedError

    def view(self, max_file_size: int, before: bool = False) -> RepoView:
        """Every regular file of the tree after (or before) the change, under the root, PATHs
        and excludes, looked up as rules ask for paths and folders (``TreeView.lazy``)."""
        tree = self._tree(before)
        if tree is None:
            return TreeView.of(max_file_size, {})
        return TreeView.lazy(max_file_size, tree)

    def _from_diff(self, diff: Any) -> Iterator[SourceFile | Note]:
        """The changes of a libgit2 diff (index against HEAD), with libgit2's patches."""
        from pygit2.enums import DeltaStatus

        for patch in diff:
            delta = patch.delta
            status = "U" if delta.status == DeltaStatus.CONFLICTED else delta.status_char()
            old = None if status == "A" else _Side.of(delta.old_file)
            new = None if status == "D" else _Side.of(delta.new_file)
            yield from self._change(status, old, new, partial(_added_lines, patch))

    def _change(self, status: str, old: _Side | None, new: _Side | None,
                added: Callable[[bytes], frozenset[int] | None]) -> Iterator[SourceFile | Note]:
        """One changed path: record it for repo-scope rules, yield what file rules read.

        ``status`` is git's letter (A added, D deleted, M modified, R renamed, T type changed,
        U unmerged); ``added(data)`` gives the added lines of a modified file's new content.
        """
        repo = self.git.repo
        old_rel = self.scope.rel(old.path) if old is not None else None
        if old is not None and old_rel is not None and status in "DMRT":
            self._changes.add(old_rel, *_readers(repo, old))
        new_rel = self.scope.rel(new.path) if new is not None else None
        if new is None or new_rel is None:
            return
        self._changes.add(new_rel, *_readers(repo, new))
        if status == "U":
            yield Note("error", "unmerged path (a conflict): resolve it before checking", new_rel)
        elif new.mode == _GITLINK:
            yield Note("skipped-file", "submodule (not scanned; check it in its own repo)",
                       new_rel)
        elif new.mode == _SYMLINK:
            yield Note("skipped-file", "symlink (not followed)", new_rel)
        elif status in _WHOLE_FILE_STATUSES:
            yield SourceFile(new_rel, UNKNOWN_SIZE, _blob_reader(repo, new.id))
        else:
            data = repo[new.id].data
            yield SourceFile(new_rel, len(data), lambda: data, added(data))


class _IndexTree:
    """The regular files of a git index (the staged one, or a commit's tree read into one).

    Not symlinks, submodules or conflicted paths (no single blob: ``files()`` reports those as
    errors), only paths the run's scope keeps. Entries are sorted by path bytes, so a folder's
    entries are found by bisection; an index sorted case-insensitively (``core.ignorecase``) is
    listed whole instead.
    """

    def __init__(self, repo: Any, index: Any, scope: _Scope) -> None:
        self.repo = repo
        self.index = index
        self.scope = scope
        self.conflicted = _conflicted(index)
        self.sorted_by_path = not _ignores_case(repo)
        self._everything: dict[str, Callable[[], bytes]] | None = None

    def lookup(self, path: str) -> Callable[[], bytes] | None:
        top = self.scope.prefix + path
        if self.scope.rel(top) != path or top in self.conflicted:
            return None
        try:
            entry = self.index[top]
        except KeyError:
            return None
        return None if entry.mode in (_GITLINK, _SYMLINK) else _blob_reader(self.repo, entry.id)

    def under(self, prefix: str) -> list[tuple[str, Callable[[], bytes]]]:
        if not self.sorted_by_path:
            return sorted((p, r) for p, r in self.everything().items() if p.startswith(prefix))
        top = self.scope.prefix + prefix
        found = []
        for position in range(bisect_left(self.index, top, key=_entry_path), len(self.index)):
            entry = self.index[position]
            if not entry.path.startswith(top):
                break
            rel = self._kept(entry)
            if rel is not None:
                found.append((rel, _blob_reader(self.repo, entry.id)))
        return found

    def everything(self) -> dict[str, Callable[[], bytes]]:
        if self._everything is None:
            entries = {}
            for entry in self.index:
                rel = self._kept(entry)
                if rel is not None:
                    entries[rel] = _blob_reader(self.repo, entry.id)
            self._everything = entries
        return self._everything

    def _kept(self, entry: Any) -> str | None:
        rel = self.scope.rel(entry.path)
        if rel is None or entry.mode in (_GITLINK, _SYMLINK) or entry.path in self.conflicted:
            return None
        return rel


class _CommitTree:
    """The regular files of a commit's tree, found by path or folder without flattening it.

    A path is looked up through its folders' trees; a folder's files by flattening that subtree
    alone (libgit2, in C). Only a rule that iterates every path flattens the whole tree (50,000
    files: ~50 ms), once.
    """

    def __init__(self, repo: Any, tree: Any, scope: _Scope) -> None:
        self.repo = repo
        self.tree = tree
        self.scope = scope
        self._everything: dict[str, Callable[[], bytes]] | None = None

    def lookup(self, path: str) -> Callable[[], bytes] | None:
        top = self.scope.prefix + path
        if self.scope.rel(top) != path:
            return None
        try:
            entry = self.tree[top]
        except KeyError:
            return None
        if entry.filemode in (_GITLINK, _SYMLINK, _TREE):
            return None
        return _blob_reader(self.repo, entry.id)

    def under(self, prefix: str) -> list[tuple[str, Callable[[], bytes]]]:
        top = self.scope.prefix + prefix
        if top == "":
            return sorted(self.everything().items())
        try:
            folder = self.tree[top.rstrip("/")]
        except KeyError:
            return []
        if folder.filemode != _TREE:
            return []
        return sorted(self._files(_tree_as_index(folder), top))

    def everything(self) -> dict[str, Callable[[], bytes]]:
        if self._everything is None:
            self._everything = dict(self._files(_tree_as_index(self.tree), ""))
        return self._everything

    def _files(self, index: Any, top: str) -> Iterator[tuple[str, Callable[[], bytes]]]:
        """(root-relative path, reader) of the regular files of ``index``, found at ``top``."""
        for entry in index:
            rel = self.scope.rel(top + entry.path)
            if rel is not None and entry.mode not in (_GITLINK, _SYMLINK):
                yield rel, _blob_reader(self.repo, entry.id)


def _entry_path(entry: Any) -> str:
    path: str = entry.path
    return path


def _ignores_case(repo: Any) -> bool:
    """True when the repo's index sorts paths case-insensitively (``core.ignorecase``)."""
    try:
        return bool(repo.config.get_bool("core.ignorecase"))
    except (KeyError, ValueError):
        return False


class _Side(NamedTuple):
    """One side of a change: its path from the git top, blob id and file mode."""

    path: str
    id: Any
    mode: int

    @classmethod
    def of(cls, diff_file: Any) -> _Side:
        return cls(diff_file.path, diff_file.id, diff_file.mode)


class StagedIndex(_GitChanges):
    """The staged changes: the index against HEAD (every entry when there is no commit yet)."""

    def files(self) -> Iterator[SourceFile | Note]:
        import pygit2

        repo = self.git.repo
        index = _read_index(repo)
        if repo.head_is_unborn:
            yield from self._first_commit(index)
            return
        try:
            head = repo.head.peel(pygit2.Tree)
        except pygit2.GitError as exc:  # a broken HEAD or missing objects: a corrupt repo
            raise GatesError(f"cannot read the commit HEAD points at: {exc}",
                             "repair the repository (`git fsck`) or clone it again") from None
        diff = index.diff_to_tree(head, context_lines=0)
        yield from self._from_diff(diff)

    def _first_commit(self, index: Any) -> Iterator[SourceFile | Note]:
        repo = self.git.repo
        for entry in index:
            rel = self.scope.rel(entry.path)
            if rel is None:
                continue
            self._changes.add(rel, _blob_reader(repo, entry.id))
            if entry.mode in (_GITLINK, _SYMLINK):
                kind = "submodule" if entry.mode == _GITLINK else "symlink"
                yield Note("skipped-file", f"{kind} (not scanned)", rel)
            else:
                yield SourceFile(rel, UNKNOWN_SIZE, _blob_reader(repo, entry.id))

    def _tree(self, before: bool) -> Tree | None:
        repo = self.git.repo
        if not before:
            return _IndexTree(repo, _read_index(repo), self.scope)
        return None if repo.head_is_unborn else _CommitTree(repo, repo.head.peel().tree,
                                                             self.scope)


class DiffRange(_GitChanges):
    """The changes of ``--diff BASE[...HEAD]``, read from the head commit.

    The revisions are resolved when the source is built, so a typo or a shallow clone fails the
    run (exit 2) before anything is scanned.
    """

    def __init__(self, git: GitRepo, scope: _Scope, range_spec: str) -> None:
        super().__init__(git, scope)
        self.range = parse_range(range_spec)
        self._old, self._new = resolve(git.repo, self.range)

    def files(self) -> Iterator[SourceFile | Note]:
        repo = self.git.repo
        for status, old, new in _tree_changes(repo, self._old.tree, self._new.tree, ""):
            yield from self._change(status, old, new, partial(_added_since, repo, old))

    def _tree(self, before: bool) -> Tree | None:
        return _CommitTree(self.git.repo, (self._old if before else self._new).tree, self.scope)


def open_source(root: Path, git: GitRepo | None, paths: list[Path], excludes: tuple[str, ...],
                *, staged: bool = False, diff: str | None = None) -> Source:
    """The source for ``gates check [--staged | --diff REV] [PATH]...`` (PATHs default: cwd)."""
    targets = [p.absolute() for p in paths] or [Path.cwd()]
    if not staged and diff is None:
        return WorkTree(root, targets, excludes, git)
    if staged and diff is not None:
        raise GatesError("--staged and --diff cannot be combined",
                         "--staged checks what you are about to commit, --diff a range of commits")
    flag = "--staged" if staged else "--diff"
    if git is None:
        raise GatesError(f"{flag} reads git, but {root} is not inside a git repository",
                         f"run it inside a git work tree, or drop {flag} to check the files on "
                         "disk")
    scope = _Scope(git, [_relative(root, t) for t in targets], excludes)
    return StagedIndex(git, scope) if staged else DiffRange(git, scope, diff or "")


def _matcher(compiled: Any) -> Callable[[str], bool]:
    """``compiled.match_file`` as one regex when no pattern is negated.

    A repo view lists every path of the tree; pathspec's per-pattern loop costs ~15 us a path
    (0.3 s for 20,000), one alternation of the same regexes about a tenth of that.
    """
    def slow(path: str) -> bool:
        return bool(compiled.match_file(path))

    patterns = getattr(compiled, "patterns", None)
    if not patterns or any(p.include is False for p in patterns):
        return slow
    parts = [_NAMED_GROUP.sub("(?:", p.regex.pattern) for p in patterns
             if p.include is not None and p.regex is not None]
    try:
        regex = re.compile("|".join(f"(?:{part})" for part in parts))
    except re.error:  # pathspec compiled something we cannot merge: stay exact
        return slow
    return lambda path: regex.match(path) is not None


def _relative(root: Path, path: Path) -> str:
    try:
        rel = Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        raise GatesError(f"{path} is outside the project root {root}",
                         "run gates from inside the repository, or pass paths inside it") from None
    return "" if rel == "." else rel


def _conflicted(index: Any) -> frozenset[str]:
    """Paths with unmerged entries (a merge in progress), which have no stage-0 blob."""
    conflicts = index.conflicts if index is not None else None
    if conflicts is None:
        return frozenset()
    return frozenset(e.path for stages in conflicts for e in stages if e is not None)


def _tree_as_index(tree: Any) -> Any:
    """An in-memory index of ``tree``: libgit2 flattens it in C, much faster than a walk."""
    import pygit2

    index = pygit2.Index()
    index.read_tree(tree)
    return index


def _read_index(repo: Any) -> Any:
    import pygit2

    try:
        return repo.index
    except pygit2.GitError as exc:
        raise GatesError(f"cannot read the git index: {exc}", "repair it with `git reset`") from None


def _added_lines(patch: Any, data: bytes) -> frozenset[int] | None:
    """Line numbers the patch adds, or None (whole file) when git's lines are not ours.

    git counts lines by LF only; documents also break on a lone CR, so a file that has one would
    number its lines differently. Text that git calls binary (UTF-16 with a BOM) has no hunks
    at all. Both are checked as a whole rather than missing what they add.
    """
    if patch.delta.is_binary or data.count(b"\r") != data.count(b"\r\n"):
        return None
    return frozenset(line.new_lineno for hunk in patch.hunks for line in hunk.lines
                     if line.origin == "+")


def _tree_changes(repo: Any, old: Any, new: Any,
                  prefix: str) -> Iterator[tuple[str, _Side | None, _Side | None]]:
    """(status, old side, new side) of every path that differs between two trees.

    Subtrees with the same id are skipped unread, so the cost follows the change, not the
    repo: libgit2's tree diff reads every tree and the index (for .gitattributes), 0.1 s in a
    50,000-file repo. No rename detection: a renamed file is a deletion and an addition, and
    both are handled as such (an added file is checked whole, as a rename is).
    """
    olds: dict[str, Any] = {e.name: e for e in old} if old is not None else {}
    news: dict[str, Any] = {e.name: e for e in new} if new is not None else {}
    for name in sorted(olds.keys() | news.keys()):
        was, now = olds.get(name), news.get(name)
        if was is not None and now is not None and was.id == now.id \
                and was.filemode == now.filemode:
            continue
        path = prefix + name
        was_tree, now_tree = _is_tree(was), _is_tree(now)
        if was_tree or now_tree:
            yield from _tree_changes(repo, _subtree(repo, was), _subtree(repo, now), path + "/")
        old_side = _Side(path, was.id, was.filemode) if was is not None and not was_tree else None
        new_side = _Side(path, now.id, now.filemode) if now is not None and not now_tree else None
        if old_side and new_side:
            same_type = _kind_of_mode(old_side.mode) == _kind_of_mode(new_side.mode)
            yield ("M" if same_type else "T"), old_side, new_side
        elif old_side or new_side:
            yield ("D" if old_side else "A"), old_side, new_side


def _is_tree(entry: Any) -> bool:
    return entry is not None and entry.filemode == _TREE


def _subtree(repo: Any, entry: Any) -> Any:
    return repo[entry.id] if _is_tree(entry) else None


def _kind_of_mode(mode: int) -> int:
    """File, symlink or submodule: regular and executable files are the same kind."""
    return mode & 0o170000


def _added_since(repo: Any, old: _Side | None, data: bytes) -> frozenset[int] | None:
    """Lines ``data`` adds to the old blob, diffed as buffers (no attribute or index lookups)."""
    import pygit2

    before = repo[old.id].data if old is not None else b""
    return _added_lines(pygit2.Patch.create_from(before, data, context_lines=0), data)


def _readers(repo: Any, side: _Side) -> tuple[Callable[[], bytes], ...]:
    """A reader for one side of a change; none for submodules, symlinks and absent sides."""
    if side.mode in (0, _GITLINK, _SYMLINK):
        return ()
    return (_blob_reader(repo, side.id),)


def _blob_reader(repo: Any, oid: Any) -> Callable[[], bytes]:
    def read() -> bytes:
        data: bytes = repo[oid].data
        return data

    return read
