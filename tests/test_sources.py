"""``WorkTree``: which files a run sees, which it skips out loud, and which it never touches.

Every test builds a small tree under ``tmp_path`` (a real git repo where git matters) and asserts
the exact set of scanned paths and notes, so a regression in ignore handling shows as a diff.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from gates.errors import GatesError
from gates.git import GitRepo, find_git_top
from gates.model import Note
from gates.sources import SourceFile, WorkTree

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main",
       "-c", "protocol.file.allow=always"]


def git(repo: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=repo, check=True, capture_output=True, timeout=30)


def write(root: Path, rel: str, text: str = "x=1\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def init_repo(root: Path) -> GitRepo:
    git(root, "init", "-q")
    return GitRepo(root, root)


def scan(root: Path, paths: list[Path] | None = None, excludes: tuple[str, ...] = (),
         repo: GitRepo | None = None) -> tuple[list[str], list[Note]]:
    """Scanned paths (in the order yielded) and notes of one WorkTree run."""
    tree = WorkTree(root, paths if paths is not None else [root], excludes, repo)
    files: list[str] = []
    notes: list[Note] = []
    for item in tree.files():
        if isinstance(item, SourceFile):
            files.append(item.path)
        else:
            notes.append(item)
    return files, notes


def note_paths(notes: list[Note], kind: str) -> set[str | None]:
    return {n.path for n in notes if n.kind == kind}


# --- ignore files ------------------------------------------------------------------------------


def test_gitignore_at_root_and_nested_with_negation(tmp_path):
    repo = init_repo(tmp_path)
    write(tmp_path, ".gitignore", "*.log\nsecret/\n")
    write(tmp_path, "app.log")
    write(tmp_path, "keep.yml")
    write(tmp_path, "secret/a.yml")
    write(tmp_path, "svc/.gitignore", "!important.log\n*.tmp\n")
    write(tmp_path, "svc/important.log")
    write(tmp_path, "svc/other.log")
    write(tmp_path, "svc/x.tmp")
    write(tmp_path, "svc/deep/y.tmp")
    write(tmp_path, "svc/deep/z.yml")
    files, notes = scan(tmp_path, repo=repo)
    assert sorted(files) == [".gitignore", "keep.yml", "svc/.gitignore", "svc/deep/z.yml",
                             "svc/important.log"]
    assert notes == []


def test_gitignore_anchored_and_directory_patterns(tmp_path):
    repo = init_repo(tmp_path)
    write(tmp_path, ".gitignore", "/top.yml\nout/\n")
    write(tmp_path, "top.yml")
    write(tmp_path, "sub/top.yml")
    write(tmp_path, "out/a.yml")
    write(tmp_path, "sub/out/b.yml")
    write(tmp_path, "out.yml")
    files, _ = scan(tmp_path, repo=repo)
    assert sorted(files) == [".gitignore", "out.yml", "sub/top.yml"]


def test_git_info_exclude_is_honoured(tmp_path):
    repo = init_repo(tmp_path)
    (tmp_path / ".git" / "info").mkdir(exist_ok=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("local-only.yml\n")
    write(tmp_path, "local-only.yml")
    write(tmp_path, "shared.yml")
    files, _ = scan(tmp_path, repo=repo)
    assert files == ["shared.yml"]


def test_gitignore_negation_overrides_info_exclude(tmp_path):
    """info/exclude has the lowest precedence: a .gitignore line can re-include."""
    repo = init_repo(tmp_path)
    (tmp_path / ".git" / "info").mkdir(exist_ok=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("*.yml\n")
    write(tmp_path, ".gitignore", "!wanted.yml\n")
    write(tmp_path, "wanted.yml")
    write(tmp_path, "unwanted.yml")
    files, _ = scan(tmp_path, repo=repo)
    assert sorted(files) == [".gitignore", "wanted.yml"]


def test_config_excludes(tmp_path):
    write(tmp_path, "deploy/a.yml")
    write(tmp_path, "deploy/generated/b.yml")
    write(tmp_path, "docs/c.md")
    files, _ = scan(tmp_path, excludes=("deploy/generated/", "*.md"))
    assert files == ["deploy/a.yml"]


@pytest.mark.parametrize("folder", ["node_modules", ".venv", "vendor", "dist", "build", ".git",
                                    "__pycache__", "sub/node_modules"])
def test_default_excludes(tmp_path, folder):
    write(tmp_path, f"{folder}/pkg/compose.yml")
    write(tmp_path, "compose.yml")
    files, notes = scan(tmp_path)
    assert files == ["compose.yml"]
    vendored = folder.rsplit("/", 1)[-1] in ("node_modules", ".venv", "vendor", "dist", "build")
    expected = [("skipped-file", f"{folder}/")] if vendored else []
    assert [(n.kind, n.path) for n in notes] == expected


def test_default_excludes_match_folders_not_similar_names(tmp_path):
    write(tmp_path, "build.yml")
    write(tmp_path, "distribution/a.yml")
    write(tmp_path, "my-vendor/b.yml")
    files, _ = scan(tmp_path)
    assert sorted(files) == ["build.yml", "distribution/a.yml", "my-vendor/b.yml"]


def test_tracked_file_matched_by_gitignore_is_still_scanned(tmp_path):
    repo = init_repo(tmp_path)
    write(tmp_path, "deploy/.env", "A=${X:-1}\n")
    write(tmp_path, "deploy/untracked.log")
    git(tmp_path, "add", "deploy/.env")
    write(tmp_path, ".gitignore", ".env\n*.log\n")
    files, notes = scan(tmp_path, repo=repo)
    assert sorted(files) == [".gitignore", "deploy/.env"]
    assert notes == []


def test_tracked_file_under_a_config_exclude_is_not_scanned(tmp_path):
    repo = init_repo(tmp_path)
    write(tmp_path, "gen/a.yml")
    git(tmp_path, "add", "gen/a.yml")
    files, _ = scan(tmp_path, excludes=("gen/",), repo=repo)
    assert files == []


def test_tracked_but_ignored_respects_the_requested_paths(tmp_path):
    repo = init_repo(tmp_path)
    write(tmp_path, ".gitignore", "*.env\n")
    write(tmp_path, "a/x.env")
    write(tmp_path, "b/y.env")
    git(tmp_path, "add", "-f", "a/x.env", "b/y.env")
    files, _ = scan(tmp_path, [tmp_path / "a"], repo=repo)
    assert files == ["a/x.env"]


def test_deleted_tracked_file_is_not_reported(tmp_path):
    repo = init_repo(tmp_path)
    write(tmp_path, "gone.yml")
    git(tmp_path, "add", "gone.yml")
    (tmp_path / "gone.yml").unlink()
    files, notes = scan(tmp_path, repo=repo)
    assert files == [] and notes == []


def test_submodule_is_not_a_skipped_file_and_its_git_file_is_not_scanned(tmp_path):
    """A gitlink in the index is a folder on disk, not a file that could not be read."""
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    git(upstream, "init", "-q")
    write(upstream, "lib.yml")
    git(upstream, "add", ".")
    git(upstream, "commit", "-qm", "x")
    main = tmp_path / "main"
    main.mkdir()
    repo = init_repo(main)
    git(main, "submodule", "add", "-q", str(upstream), "mod")
    files, notes = scan(main, repo=repo)
    assert sorted(files) == [".gitmodules", "mod/lib.yml"]
    assert notes == []


def test_outside_git_repo_honours_gitignore(tmp_path):
    write(tmp_path, ".gitignore", "ignored/\n*.bak\n!keep.bak\n")
    write(tmp_path, "ignored/a.yml")
    write(tmp_path, "x.bak")
    write(tmp_path, "keep.bak")
    write(tmp_path, "sub/.gitignore", "local.yml\n")
    write(tmp_path, "sub/local.yml")
    write(tmp_path, "sub/other.yml")
    assert find_git_top(tmp_path) is None or find_git_top(tmp_path) != tmp_path
    files, notes = scan(tmp_path)
    assert sorted(files) == [".gitignore", "keep.bak", "sub/.gitignore", "sub/other.yml"]
    assert notes == []


def test_scan_root_below_git_top_reads_gitignore_above_it(tmp_path):
    init_repo(tmp_path)
    write(tmp_path, ".gitignore", "*.secret\n")
    root = tmp_path / "svc"
    write(root, "a.secret")
    write(root, "b.yml")
    files, _ = scan(root, repo=GitRepo(tmp_path, root))
    assert files == ["b.yml"]


# --- explicit paths ----------------------------------------------------------------------------


def test_explicit_file_paths(tmp_path):
    write(tmp_path, "a.yml")
    write(tmp_path, "sub/b.yml")
    write(tmp_path, "sub/c.yml")
    files, _ = scan(tmp_path, [tmp_path / "sub" / "b.yml", tmp_path / "a.yml"])
    assert files == ["sub/b.yml", "a.yml"]


def test_explicit_paths_are_scanned_once(tmp_path):
    write(tmp_path, "sub/b.yml")
    files, _ = scan(tmp_path, [tmp_path / "sub", tmp_path / "sub" / "b.yml", tmp_path])
    assert files == ["sub/b.yml"]


def test_explicit_gitignored_file_is_scanned(tmp_path):
    """The user named it: an ignore rule must not hide it (pre-commit passes such files)."""
    write(tmp_path, ".gitignore", "*.env\n")
    write(tmp_path, "local.env")
    files, _ = scan(tmp_path, [tmp_path / "local.env"])
    assert files == ["local.env"]


def test_explicit_file_under_an_exclude_is_skipped_with_a_note(tmp_path):
    write(tmp_path, "node_modules/pkg/compose.yml")
    write(tmp_path, "gen/a.yml")
    files, notes = scan(tmp_path, [tmp_path / "node_modules" / "pkg" / "compose.yml",
                                   tmp_path / "gen" / "a.yml"], excludes=("gen/",))
    assert files == []
    assert note_paths(notes, "skipped-file") == {"node_modules/pkg/compose.yml", "gen/a.yml"}
    assert all("exclude" in n.message for n in notes)


def test_path_outside_root_is_a_user_error(tmp_path):
    root = tmp_path / "repo"
    other = tmp_path / "other"
    write(root, "a.yml")
    write(other, "b.yml")
    with pytest.raises(GatesError) as info:
        scan(root, [other / "b.yml"])
    assert "outside the project root" in str(info.value)
    assert info.value.hint


def test_dotdot_paths_are_normalised_not_reported_with_dots(tmp_path):
    """``root/sub/../a.yml`` is ``a.yml``; ``root/../x`` is outside though it starts with root."""
    write(tmp_path, "repo/a.yml")
    write(tmp_path, "elsewhere.yml")
    root = tmp_path / "repo"
    files, _ = scan(root, [root / "sub" / ".." / "a.yml"])
    assert files == ["a.yml"]
    with pytest.raises(GatesError):
        scan(root, [root / ".." / "elsewhere.yml"])


# --- special files -----------------------------------------------------------------------------


@pytest.fixture
def special_tree(tmp_path):
    root = tmp_path / "repo"
    outside = tmp_path / "outside"
    write(outside, "o.env", "A=${X:-1}\n")
    write(root, "real.env", "A=${X:-1}\n")
    (root / "link.env").symlink_to("real.env")
    (root / "out.env").symlink_to(outside / "o.env")
    (root / "outdir").symlink_to(outside, target_is_directory=True)
    (root / "loop1").symlink_to("loop2")
    (root / "loop2").symlink_to("loop1")
    (root / "broken").symlink_to("does-not-exist")
    (root / "d").mkdir()
    (root / "d" / "up").symlink_to("..", target_is_directory=True)
    os.mkfifo(root / "fifo")
    return root


def test_symlinks_and_fifos_are_skipped_with_notes_never_followed(special_tree):
    files, notes = scan(special_tree)
    assert files == ["real.env"]
    symlinks = {n.path for n in notes if "symlink" in n.message}
    assert symlinks == {"link.env", "out.env", "outdir", "loop1", "loop2", "broken", "d/up"}
    assert {n.path for n in notes if "regular" in n.message} == {"fifo"}
    assert {n.kind for n in notes} == {"skipped-file"}


def test_explicit_symlinks_and_fifo_are_skipped_not_followed(special_tree):
    names = ["link.env", "out.env", "outdir", "loop1", "broken", "fifo"]
    files, notes = scan(special_tree, [special_tree / n for n in names])
    assert files == []
    assert note_paths(notes, "skipped-file") == set(names)


def test_explicit_path_through_a_symlinked_folder_is_not_followed(special_tree):
    """``outdir/o.env`` is lexically inside the root but really lives outside the repo."""
    files, notes = scan(special_tree, [special_tree / "outdir" / "o.env"])
    assert files == []
    assert [(n.kind, n.path) for n in notes] == [("skipped-file", "outdir/o.env")]
    assert "symlink" in notes[0].message


def test_fifo_is_never_opened(special_tree, monkeypatch):
    """Opening a FIFO would block forever; the walker must decide from lstat alone."""
    opened: list[str] = []
    real_open = open

    def spy(path, *args, **kwargs):
        opened.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy)
    scan(special_tree)
    assert not any(p.endswith("fifo") for p in opened)


# --- unreadable things -------------------------------------------------------------------------


def test_unreadable_folder_is_an_error_note(tmp_path, monkeypatch):
    write(tmp_path, "ok/a.yml")
    write(tmp_path, "locked/b.yml")
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files, notes = scan(tmp_path)
    assert files == ["ok/a.yml"]
    assert [(n.kind, n.path) for n in notes] == [("error", "locked")]
    assert "Permission denied" in notes[0].message


def test_unreadable_root_is_an_error_note(tmp_path, monkeypatch):
    def scandir(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "scandir", scandir)
    files, notes = scan(tmp_path)
    assert files == []
    assert [(n.kind, n.path) for n in notes] == [("error", ".")]


def test_stat_failure_is_an_error_note(tmp_path, monkeypatch):
    write(tmp_path, "a.yml")
    target = tmp_path / "b.yml"
    write(tmp_path, "b.yml")
    real_lstat = Path.lstat

    def lstat(self):
        if self == target:
            raise PermissionError(13, "Permission denied", str(self))
        return real_lstat(self)

    monkeypatch.setattr(Path, "lstat", lstat)
    files, notes = scan(tmp_path)
    assert files == ["a.yml"]
    assert [(n.kind, n.path) for n in notes] == [("error", "b.yml")]


def test_deep_tree_does_not_exhaust_the_stack(tmp_path):
    """Folder depth is data, not code: the walk must not recurse once per level."""
    import inspect
    import sys

    folder = tmp_path
    for _ in range(300):
        folder = folder / "d"
    folder.mkdir(parents=True)
    write(folder, "x.env")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 150)
    try:
        files, notes = scan(tmp_path)
    finally:
        sys.setrecursionlimit(limit)
    assert files == ["d/" * 300 + "x.env"] and notes == []


def test_reader_reads_bytes_lazily(tmp_path):
    write(tmp_path, "a.yml", "k: v\n")
    items = list(WorkTree(tmp_path, [tmp_path], (), None).files())
    assert len(items) == 1 and isinstance(items[0], SourceFile)
    (tmp_path / "a.yml").write_text("k: changed\n")
    assert items[0].read() == b"k: changed\n"
    assert items[0].size == 5 and items[0].changed_lines is None


# --- names and order ---------------------------------------------------------------------------


def test_odd_file_names(tmp_path):
    repo = init_repo(tmp_path)
    write(tmp_path, "new\nline.yml")
    write(tmp_path, "ünïcödé/日本.yml")
    write(tmp_path, "sp ace.yml")
    latin1 = os.fsdecode(b"caf\xe9.yml")
    write(tmp_path, latin1)
    git(tmp_path, "add", "-A")
    files, notes = scan(tmp_path, repo=repo)
    expected = ["new\nline.yml", "ünïcödé/日本.yml", "sp ace.yml", latin1]
    assert sorted(files) == sorted(expected)
    assert notes == []


def test_non_utf8_name_can_be_asked_about_ignores(tmp_path):
    """pygit2 takes str paths as UTF-8; a Latin-1 file name must not crash a check."""
    repo = init_repo(tmp_path)
    write(tmp_path, ".gitignore", "*.env\n")
    assert repo.is_ignored(os.fsdecode(b"caf\xe9.env")) is True
    assert repo.is_ignored(os.fsdecode(b"caf\xe9.yml")) is False


def test_order_is_deterministic_and_sorted_by_name(tmp_path):
    for name in ["b.yml", "a.yml", "c/z.yml", "c/a.yml", "B.yml", "a/b.yml"]:
        write(tmp_path, name)
    first, _ = scan(tmp_path)
    second, _ = scan(tmp_path)
    assert first == second
    assert first == ["B.yml", "a/b.yml", "a.yml", "b.yml", "c/a.yml", "c/z.yml"]


# --- git repo detection ------------------------------------------------------------------------


def test_git_repo_lists_tracked_files_relative_to_the_scan_root(tmp_path):
    init_repo(tmp_path)
    write(tmp_path, "top.yml")
    write(tmp_path, "svc/a.yml")
    git(tmp_path, "add", "-A")
    repo = GitRepo(tmp_path, tmp_path / "svc")
    assert repo.prefix == "svc/"
    assert repo.tracked == frozenset({"a.yml"})
    assert repo.is_tracked("a.yml") and not repo.is_tracked("top.yml")


def test_corrupt_git_file_is_a_user_error(tmp_path):
    (tmp_path / ".git").write_text("this is not a gitdir line\n")
    repo = GitRepo(tmp_path, tmp_path)
    with pytest.raises(GatesError) as info:
        _ = repo.tracked
    assert str(tmp_path) in str(info.value)
    assert info.value.hint


def test_empty_git_folder_does_not_open_the_parent_repo(tmp_path):
    """An empty ``.git/`` must not make libgit2 search upwards and open another repository."""
    init_repo(tmp_path)
    write(tmp_path, "outer.yml")
    git(tmp_path, "add", "-A")
    inner = tmp_path / "inner"
    (inner / ".git").mkdir(parents=True)
    assert find_git_top(inner) == inner
    with pytest.raises(GatesError) as info:
        _ = GitRepo(inner, inner).tracked
    assert "git cannot open it" in str(info.value)
