"""``--staged`` and ``--diff``: what a change adds, read from git, and the errors around them.

Every repo here is a real temporary git repo. Scans use only file-scope rules that are stable
(untagged-default, secret-default, dotenv-not-ignored) unless a test is about repo-scope rules,
which use a stand-in rule registered just for the test.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from gates_testing import GIT, git, located
from gates import checks
from gates.api import check
from gates.cli import main
from gates.config import Config
from gates.engine import make_plan, run
from gates.git import GitRepo
from gates.git_range import parse_range
from gates.git_sources import StagedIndex, _Scope, open_source
from gates.model import Docs, Hit, Rule, Severity
from gates.tree_view import kind_from_name

RULES = ("untagged-default", "secret-default", "dotenv-not-ignored")
OLD = "services:\n  api:\n    image: api:${TAG:-old}\n"
NEW = OLD + "    environment:\n      LEVEL: ${LEVEL:-info}\n"
SECRET = "services:\n  db:\n    environment:\n      DB_PASSWORD: ${DB_PASSWORD:-hunter2}\n"


def write(repo: Path, rel: str, text: str) -> None:
    (repo / rel).parent.mkdir(parents=True, exist_ok=True)
    (repo / rel).write_text(text, encoding="utf-8")


def commit(repo: Path, message: str = "change") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty git repo (no commit yet)."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q")
    return path


def scan(repo: Path, **kwargs: object) -> list[tuple[str, str, int, int]]:
    result, _ = check([repo], select=RULES, **kwargs)  # type: ignore[arg-type]
    assert not result.errors and not result.crashed, result.notes
    return located(result)


# -- must show -----------------------------------------------------------------------------------

def test_diff_head_1_reports_only_the_new_violation(repo: Path, capsys) -> None:
    write(repo, "compose.yml", OLD)
    commit(repo, "old violation")
    write(repo, "compose.yml", NEW)
    commit(repo, "new violation")
    assert [r[2] for r in scan(repo)] == [3, 5]  # a full scan sees both
    assert scan(repo, diff="HEAD~1") == [("untagged-default", "compose.yml", 5, 14)]
    code = main(["check", str(repo), "--diff", "HEAD~1", "--select", ",".join(RULES)])
    out = capsys.readouterr().out
    assert code == 1 and "compose.yml:5:14" in out and "compose.yml:3:" not in out


def test_staged_then_removed_secret_is_reported(repo: Path) -> None:
    write(repo, "README.md", "hello\n")
    commit(repo, "first")
    write(repo, "deploy/db.yml", SECRET)
    git(repo, "add", "deploy/db.yml")
    (repo / "deploy" / "db.yml").unlink()  # gone from the work tree, still in the index
    assert scan(repo, staged=True) == [("secret-default", "deploy/db.yml", 4, 20)]
    assert scan(repo) == []  # the work tree no longer has it


# -- staged ----------------------------------------------------------------------------------------

def test_staged_counts_added_lines_only_and_ignores_unstaged_edits(repo: Path) -> None:
    write(repo, "compose.yml", OLD)
    commit(repo)
    write(repo, "compose.yml", NEW)
    git(repo, "add", "compose.yml")
    write(repo, "compose.yml", NEW + "      MORE: ${MORE:-x}\n")  # not staged
    assert scan(repo, staged=True) == [("untagged-default", "compose.yml", 5, 14)]


def test_staged_in_a_repo_without_commits_checks_every_staged_file(repo: Path) -> None:
    write(repo, "compose.yml", OLD)
    write(repo, ".env", "TOKEN=abc\n")
    git(repo, "add", "-A")
    assert [(r[0], r[1]) for r in scan(repo, staged=True)] == [
        ("dotenv-not-ignored", ".env"), ("untagged-default", "compose.yml")]


def test_staged_with_nothing_staged_is_clean(repo: Path) -> None:
    write(repo, "compose.yml", OLD)
    commit(repo)
    result, _ = check([repo], staged=True)
    assert result.findings == () and result.files_scanned == 0 and not result.errors


def test_staged_paths_limit_the_scan(repo: Path) -> None:
    commit(repo)
    write(repo, "a/compose.yml", OLD)
    write(repo, "b/compose.yml", OLD)
    git(repo, "add", "-A")
    result, _ = check([repo / "b"], select=RULES, staged=True)
    assert [f.location.path for f in result.findings] == ["b/compose.yml"]


def test_staged_honours_config_excludes(repo: Path) -> None:
    write(repo, ".gates.yml", "exclude: [generated/]\n")
    commit(repo)
    write(repo, "generated/compose.yml", OLD)
    write(repo, "node_modules/x/compose.yml", OLD)
    write(repo, "compose.yml", OLD)
    git(repo, "add", "-A")
    assert [r[1] for r in scan(repo, staged=True)] == ["compose.yml"]


def test_rename_deletion_binary_and_symlink(repo: Path) -> None:
    write(repo, "old/compose.yml", OLD)
    write(repo, "gone.yml", OLD)
    (repo / "blob.bin").write_bytes(b"\0\1\2")
    commit(repo)
    (repo / "new").mkdir()
    git(repo, "mv", "old/compose.yml", "new/compose.yml")  # new at this path: whole file
    git(repo, "rm", "-q", "gone.yml")
    (repo / "blob.bin").write_bytes(b"\0\1\2\3")
    (repo / "link.yml").symlink_to("new/compose.yml")
    git(repo, "add", "-A")
    result, _ = check([repo], select=RULES, staged=True)
    assert located(result) == [("untagged-default", "new/compose.yml", 3, 16)]
    skipped = {(n.path, n.message) for n in result.notes}
    assert ("link.yml", "symlink (not followed)") in skipped
    assert ("blob.bin", "binary (contains NUL bytes)") in skipped
    assert not result.errors


def test_diff_handles_renames_deletions_binaries_links_and_type_changes(repo: Path) -> None:
    write(repo, "old/compose.yml", OLD)
    write(repo, "gone.yml", OLD)
    write(repo, "tool.sh", "echo ${A:-1}\n")
    write(repo, "was-file", "x\n")
    (repo / "blob.bin").write_bytes(b"\0\1\2")
    commit(repo)
    (repo / "new").mkdir()
    git(repo, "mv", "old/compose.yml", "new/compose.yml")
    git(repo, "rm", "-q", "gone.yml", "was-file")
    write(repo, "was-file/compose.yml", OLD)  # a file became a folder
    (repo / "tool.sh").chmod(0o755)  # mode only: nothing added
    (repo / "blob.bin").write_bytes(b"\0\1\2\3")
    (repo / "link.yml").symlink_to("new/compose.yml")
    commit(repo)
    result, _ = check([repo], select=RULES, diff="HEAD~1")
    assert located(result) == [("untagged-default", "new/compose.yml", 3, 16),
                               ("untagged-default", "was-file/compose.yml", 3, 16)]
    skipped = {(n.path, n.message) for n in result.notes}
    assert ("link.yml", "symlink (not followed)") in skipped
    assert ("blob.bin", "binary (contains NUL bytes)") in skipped
    assert not result.errors


def test_a_conflicted_path_is_an_error_not_a_crash(repo: Path, capsys) -> None:
    write(repo, "f.yml", "a\n")
    commit(repo)
    git(repo, "checkout", "-q", "-b", "other")
    write(repo, "f.yml", "b\n")
    commit(repo)
    git(repo, "checkout", "-q", "main")
    write(repo, "f.yml", "c\n")
    commit(repo)
    subprocess.run([*GIT, "merge", "-q", "other"], cwd=repo, capture_output=True)
    code, out = run_cli(capsys, "check", str(repo), "--staged")
    assert code == 2 and "could not be read" in out


def test_submodule_is_skipped_with_a_note(repo: Path, tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    git(sub, "init", "-q")
    write(sub, "compose.yml", OLD)
    commit(sub)
    commit(repo)
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "vendored")
    result, _ = check([repo], select=RULES, staged=True)
    assert result.findings == () and not result.errors
    assert ("vendored", "skipped-file") in {(n.path, n.kind) for n in result.notes}
    commit(repo)
    result, _ = check([repo], select=RULES, diff="HEAD~1")
    assert result.findings == () and not result.errors
    assert ("vendored", "skipped-file") in {(n.path, n.kind) for n in result.notes}


def test_lone_cr_or_utf16_files_are_checked_whole(repo: Path) -> None:
    write(repo, "a/compose.yml", "services:\n  api:\n    image: x\n")
    (repo / "b").mkdir()
    (repo / "b" / "compose.yml").write_bytes(b"\xff\xfe" + OLD.encode("utf-16-le"))
    commit(repo)
    (repo / "a" / "compose.yml").write_bytes(b"services:\r  api:\r    image: api:${TAG:-x}\r")
    (repo / "b" / "compose.yml").write_bytes(b"\xff\xfe" + NEW.encode("utf-16-le"))
    git(repo, "add", "-A")
    assert [(r[1], r[2]) for r in scan(repo, staged=True)] == [
        ("a/compose.yml", 3), ("b/compose.yml", 3), ("b/compose.yml", 5)]


# -- diff ranges -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("spec", "expected"), [
    ("main", ("main", "HEAD", True)), ("a...b", ("a", "b", True)), ("a..b", ("a", "b", False)),
    ("v1.2..v1.3", ("v1.2", "v1.3", False)), ("a...", ("a", "HEAD", True)),
    ("..b", ("HEAD", "b", False)), ("HEAD~1", ("HEAD~1", "HEAD", True)),
])
def test_parse_range(spec: str, expected: tuple[str, str, bool]) -> None:
    parsed = parse_range(spec)
    assert (parsed.base, parsed.head, parsed.merge_base) == expected


def test_three_dots_use_the_merge_base_two_dots_the_plain_range(repo: Path) -> None:
    write(repo, "compose.yml", OLD)
    commit(repo, "base")
    git(repo, "branch", "-M", "main")
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo, "other.yml", "services:\n  web:\n    image: web:${WEB:-1}\n")
    commit(repo, "feature adds a violation")
    git(repo, "checkout", "-q", "main")
    write(repo, "compose.yml", "services:\n  api:\n    image: api:1\n")
    commit(repo, "main fixes the old one")
    git(repo, "checkout", "-q", "feature")
    pr = [r[1] for r in scan(repo, diff="main...feature")]
    assert pr == ["other.yml"]  # what the branch adds, like a pull request
    plain = sorted(r[1] for r in scan(repo, diff="main..feature"))
    assert plain == ["compose.yml", "other.yml"]  # tree against tree: main's fix looks undone
    assert [r[1] for r in scan(repo, diff="main")] == ["other.yml"]  # main = main...HEAD


def test_diff_reads_the_head_commit_not_the_work_tree(repo: Path) -> None:
    write(repo, "compose.yml", OLD)
    commit(repo)
    write(repo, "compose.yml", NEW)
    commit(repo)
    write(repo, "compose.yml", "broken")  # uncommitted
    assert [r[2] for r in scan(repo, diff="HEAD~1")] == [5]


def run_cli(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_unknown_revision_exits_2(repo: Path, capsys) -> None:
    commit(repo)
    code, out = run_cli(capsys, "check", str(repo), "--diff", "no-such-branch")
    assert code == 2 and "unknown revision 'no-such-branch'" in out and "Traceback" not in out


def test_no_common_history_exits_2_and_suggests_two_dots(repo: Path, capsys) -> None:
    commit(repo)
    git(repo, "checkout", "-q", "--orphan", "other")
    commit(repo, "unrelated")
    code, out = run_cli(capsys, "check", str(repo), "--diff", "main...other")
    assert code == 2 and "no common history" in out and "main..other" in out


def test_shallow_clone_without_the_base_names_fetch_depth_0(repo: Path, tmp_path: Path,
                                                           capsys) -> None:
    for n in range(3):
        write(repo, "compose.yml", OLD + f"# {n}\n")
        commit(repo, f"c{n}")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", repo.as_uri(), str(clone)],
                   check=True, capture_output=True)
    code, out = run_cli(capsys, "check", str(clone), "--diff", "HEAD~1")
    assert code == 2 and "shallow" in out and "fetch-depth: 0" in out
    # a base that exists but whose history with HEAD is cut off: no merge base
    git(clone, "fetch", "-q", "--depth", "1", "origin", f"{_sha(repo, 'HEAD~2')}:refs/base")
    code, out = run_cli(capsys, "check", str(clone), "--diff", "refs/base...HEAD")
    assert code == 2 and "merge base" in out and "fetch-depth: 0" in out


def _sha(repo: Path, rev: str) -> str:
    return git(repo, "rev-parse", rev).strip()


def test_staged_outside_a_git_repo_exits_2(tmp_path: Path, capsys) -> None:
    write(tmp_path, "compose.yml", OLD)
    code, out = run_cli(capsys, "check", str(tmp_path), "--staged")
    assert code == 2 and "not inside a git repository" in out and "drop --staged" in out


def test_staged_and_diff_together_exit_2(repo: Path, capsys) -> None:
    commit(repo)
    code, out = run_cli(capsys, "check", str(repo), "--staged", "--diff", "HEAD")
    assert code == 2 and "cannot be combined" in out


def test_a_tree_object_is_not_a_commit(repo: Path, capsys) -> None:
    write(repo, "compose.yml", OLD)
    commit(repo)
    code, out = run_cli(capsys, "check", str(repo), "--diff", "HEAD^{tree}")
    assert code == 2 and "is not a commit" in out


# -- repo-scope rules on partial runs --------------------------------------------------------------

CALLS: list[list[str]] = []


def readme_check(view, ctx) -> Iterator[Hit]:
    """Stand-in repo rule: every README.md that lacks the word 'secrets' is a finding."""
    CALLS.append(view.paths())
    for path in view.paths():
        if path.endswith("README.md"):
            doc = view.document(path)
            if doc is not None and "secrets" not in doc.text:
                yield Hit(1, 1, "README lacks a secrets section", evidence="readme", path=path)


def stand_in(kinds: tuple[str, ...] = (), paths: tuple[str, ...] = ()) -> Rule:
    docs = Docs("what it does here", "why it matters here", "x", "y", ("z",))
    return Rule(id="readme-stand-in", title="stand-in", severity=Severity.ERROR, scope="repo",
                kind="check", fix="fix it", docs=docs, kinds=kinds, paths=paths)


@pytest.fixture
def repo_rule(monkeypatch) -> Iterator[None]:
    monkeypatch.setitem(checks.CHECKS, "readme-stand-in", "test_git_sources:readme_check")
    CALLS.clear()
    yield
    CALLS.clear()


def run_staged(repo: Path, rule: Rule, config: Config | None = None):
    gitrepo = GitRepo(repo, repo)
    plan = make_plan([rule], config or Config(), repo, gitrepo)
    return run(StagedIndex(gitrepo, _Scope(gitrepo, [""], ())), plan)


def test_repo_rule_runs_only_when_a_file_it_reads_changed(repo: Path, repo_rule) -> None:
    write(repo, "app/README.md", "no section\n")
    write(repo, "app/main.py", "print(1)\n")
    commit(repo)
    write(repo, "app/main.py", "print(2)\n")
    git(repo, "add", "-A")
    assert run_staged(repo, stand_in(kinds=("markdown",))).findings == ()
    assert CALLS == []  # nothing it reads changed: not run, the tree never listed
    result = run_staged(repo, stand_in())  # declares nothing: reads everything
    assert CALLS and result.findings == ()  # ran, but the README's finding is not new


def test_repo_rule_sees_the_whole_staged_tree_and_reports_what_is_new(repo: Path,
                                                                      repo_rule) -> None:
    write(repo, "a/README.md", "no section\n")
    write(repo, "b/README.md", "secrets: vault\n")
    commit(repo)
    write(repo, "b/README.md", "section removed\n")
    git(repo, "add", "-A")
    (repo / "a" / "README.md").unlink()  # the index still has it: the view reads the index
    result = run_staged(repo, stand_in(kinds=("markdown",)))
    assert CALLS == [["a/README.md", "b/README.md"]] * 2  # the whole tree after, and before
    assert located(result) == [("readme-stand-in", "b/README.md", 1, 1)]  # a's is old


def test_repo_rule_paths_and_deletions_trigger(repo: Path, repo_rule) -> None:
    write(repo, "docs/README.md", "secrets\n")
    write(repo, "other/README.md", "secrets\n")
    commit(repo)
    git(repo, "rm", "-q", "other/README.md")
    run_staged(repo, stand_in(paths=("docs/**",)))
    assert CALLS == []  # the deleted file is outside the rule's paths
    run_staged(repo, stand_in(kinds=("markdown",)))
    assert CALLS == [["docs/README.md"]]  # a deletion of a file it reads: it runs (after only,
    # since it found nothing there is nothing to compare with the tree before)


def test_a_config_change_reruns_repo_rules(repo: Path, repo_rule) -> None:
    write(repo, "README.md", "secrets\n")
    commit(repo)
    write(repo, ".gates.yml", "fail_on: error\n")
    git(repo, "add", "-A")
    run_staged(repo, stand_in(kinds=("markdown",)), Config(path=repo / ".gates.yml"))
    assert CALLS


def test_kind_from_name_reads_nothing_it_need_not() -> None:
    assert kind_from_name("src/app.py") == "python"
    assert kind_from_name("deploy/.env") == "env-file"
    assert kind_from_name("docker-compose.yml") == "compose"
    assert kind_from_name("k8s/deployment.yaml") is None  # apiVersion + kind decide
    assert kind_from_name("scripts/run") is None  # a shebang decides


def test_open_source_rejects_paths_outside_the_root(repo: Path, tmp_path: Path) -> None:
    from gates.errors import GatesError

    commit(repo)
    with pytest.raises(GatesError, match="outside the project root"):
        open_source(repo, GitRepo(repo, repo), [tmp_path], (), staged=True)
