"""Repo-scope rules on partial runs look only at what a change may affect; full runs share docs.

A staged run in a 10,000-file repo must not walk every app: the views say which paths changed
(``RepoView.changed``), app discovery returns only the apps that own them (and the app above a
folder the change may make or unmake an app), and the tree is listed folder by folder. A full
run hands repo-scope rules the documents the file scan already parsed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gates_testing import git, located
from gates import apps as apps_module
from gates.api import check
from gates.apps import discover
from gates.config import Config
from gates.documents import Document, detect_kind
from gates.git import GitRepo
from gates.git_sources import DiffRange, StagedIndex, _Scope
from gates.repo import RepoView
from gates.sources import SourceFile
from gates.tree_view import LazyFiles

DEPLOY = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n"
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
ESO_RULES = ("bootstrap-readme", "bootstrap-external-secret", "bootstrap-secret-ref",
             "bootstrap-schema", "bootstrap-direct-vault", "direct-vault-client")


def view_of(files: dict[str, str], changed: set[str] | None = None) -> RepoView:
    view = RepoView(1 << 20, changed=None if changed is None else frozenset(changed))
    for path, text in files.items():
        data = text.encode()
        view.add(SourceFile(path, len(data), lambda data=data: data), detect_kind(path, text))
    return view


TREE = {
    "svc/a/deploy/d.yaml": DEPLOY, "svc/a/src/main.py": "", "svc/a/README.md": "# a\n",
    "svc/b/k8s/d.yaml": DEPLOY, "svc/b/src/main.py": "",
    "svc/b/sub/c/deploy/d.yaml": DEPLOY, "svc/b/sub/c/app.py": "",
    "tools/run.py": "",
}


def test_a_partial_view_discovers_only_the_apps_that_own_a_change() -> None:
    full = {app.path: app for app in discover(view_of(TREE), Config())}
    partial = discover(view_of(TREE, {"svc/b/src/main.py", "svc/b/sub/c/app.py"}), Config())
    assert [app.path for app in partial] == ["svc/b", "svc/b/sub/c"]
    assert all(app == full[app.path] for app in partial)  # the same apps as a full run sees


def test_a_change_that_may_make_an_app_also_looks_at_the_app_above() -> None:
    tree = dict(TREE, **{"svc/b/new/deploy/d.yaml": DEPLOY, "svc/b/new/main.py": ""})
    changed = {"svc/b/new/deploy/d.yaml"}  # its only manifest: without it, svc/b owns new/
    assert [app.path for app in discover(view_of(tree, changed), Config())] == [
        "svc/b", "svc/b/new"]
    tree["svc/b/new/deploy/other.yaml"] = DEPLOY  # another, unchanged manifest keeps it an app
    assert [app.path for app in discover(view_of(tree, changed), Config())] == ["svc/b/new"]


def test_the_implicit_root_app_is_built_only_when_asked_for() -> None:
    view = view_of(TREE, {"tools/run.py"})
    assert [(a.path, a.implicit) for a in discover(view, Config())] == [("", True)]
    assert discover(view, Config(), implicit=False) == []


def test_a_full_run_hands_over_the_documents_it_parsed_and_drops_them_after() -> None:
    view = RepoView(1 << 20, keep=frozenset({"k8s"}))
    kept = Document("k/a.yaml", CONFIGMAP, "k8s")
    assert kept.yaml.error is None  # a file check parsed it
    unparsed = Document("k/b.yaml", CONFIGMAP, "k8s")
    other = Document("x.py", "", "python")
    for doc in (kept, unparsed, other):
        view.add(SourceFile(doc.path, 1, lambda doc=doc: doc.text.encode()), doc.kind, doc)
    assert view.document("k/a.yaml") is kept  # parsed once, shared with the repo rules
    assert view.document("k/b.yaml") is not unparsed  # nothing to save: read again if asked
    assert view.document("x.py") is not other  # not a kind a repo rule reads
    view.release()
    assert view.document("k/a.yaml") is not kept


def test_the_hand_over_is_bounded(monkeypatch) -> None:
    from gates import repo

    monkeypatch.setattr(repo, "MAX_KEPT", 1)
    view = RepoView(1 << 20, keep=frozenset({"k8s"}))
    docs = [Document(f"k/{n}.yaml", CONFIGMAP, "k8s") for n in "ab"]
    for doc in docs:
        assert doc.yaml.error is None
        view.add(SourceFile(doc.path, 1, lambda: CONFIGMAP.encode()), "k8s", doc)
    assert view.document("k/a.yaml") is docs[0]
    assert view.document("k/b.yaml") is not docs[1]  # past the bound: read again, same text
    assert view.document("k/b.yaml").text == docs[1].text


# -- through git ---------------------------------------------------------------------------------

def write(repo: Path, rel: str, text: str) -> None:
    (repo / rel).parent.mkdir(parents=True, exist_ok=True)
    (repo / rel).write_text(text, encoding="utf-8")


@pytest.fixture
def two_apps(tmp_path: Path) -> Path:
    """Two apps with no README and no ExternalSecret, committed."""
    repo = tmp_path / "repo"
    for app in ("a", "b"):
        write(repo, f"{app}/k8s/deploy.yaml", DEPLOY)
        write(repo, f"{app}/k8s/config.yaml", CONFIGMAP)
        write(repo, f"{app}/src/main.py", "print(1)\n")
    write(repo, "excluded/node_modules/x/k8s/d.yaml", DEPLOY)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    return repo


def test_the_staged_view_is_read_folder_by_folder(two_apps: Path) -> None:
    write(two_apps, "a/src/main.py", "print(2)\n")
    git(two_apps, "add", "-A")
    gitrepo = GitRepo(two_apps, two_apps)
    view = StagedIndex(gitrepo, _Scope(gitrepo, [""], ())).view(1 << 20)
    files = view.files
    assert isinstance(files, LazyFiles)
    assert list(view.paths_under("a/")) == ["a/k8s/config.yaml", "a/k8s/deploy.yaml",
                                            "a/src/main.py"]
    assert "b/src/main.py" in files and "b/nothing.py" not in files
    assert "excluded/node_modules/x/k8s/d.yaml" not in files  # default excludes apply
    assert not files.complete  # nothing listed the whole tree
    assert view.document("a/src/main.py").text == "print(2)\n"  # the index, not HEAD
    everything = view.paths()
    assert files.complete and everything == sorted(everything)
    assert everything == [f"{app}/{rel}" for app in "ab"
                          for rel in ("k8s/config.yaml", "k8s/deploy.yaml", "src/main.py")]


@pytest.mark.parametrize("source", ["staged-before", "diff-after", "diff-before"])
def test_commit_trees_are_read_folder_by_folder_below_a_scan_root(tmp_path: Path,
                                                                  source: str) -> None:
    top = tmp_path / "repo"
    write(top, "sub/a/k8s/d.yaml", DEPLOY)
    write(top, "sub/a/src/main.py", "print(1)\n")
    write(top, "sub/b/README.md", "# b\n")
    write(top, "other/x.py", "")
    (top / "sub" / "a" / "link.py").parent.mkdir(parents=True, exist_ok=True)
    (top / "sub" / "a" / "link.py").symlink_to("src/main.py")
    git(top, "init", "-q")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "base")
    write(top, "sub/a/src/main.py", "print(2)\n")
    git(top, "commit", "-q", "-am", "change")
    gitrepo = GitRepo(top, top / "sub")
    scope = _Scope(gitrepo, [""], ())
    if source == "staged-before":
        view = StagedIndex(gitrepo, scope).view(1 << 20, before=True)
    else:
        view = DiffRange(gitrepo, scope, "HEAD~1").view(1 << 20, before=source == "diff-before")
    assert list(view.paths_under("a/")) == ["a/k8s/d.yaml", "a/src/main.py"]  # no symlink
    assert list(view.paths_under("a/k8s/d.yaml/")) == [] and list(view.paths_under("c/")) == []
    assert "b/README.md" in view.files and "other/x.py" not in view.files
    assert "a/link.py" not in view.files and "a/k8s" not in view.files
    assert not view.files.complete  # type: ignore[attr-defined]
    old = source == "diff-before"  # the staged run's "before" is HEAD: the second commit
    assert view.document("a/src/main.py").text == ("print(1)\n" if old else "print(2)\n")
    assert view.paths() == ["a/k8s/d.yaml", "a/src/main.py", "b/README.md"]


def test_a_case_insensitive_index_is_listed_whole_not_bisected(two_apps: Path) -> None:
    git(two_apps, "config", "core.ignorecase", "true")  # libgit2 then sorts it ignoring case
    gitrepo = GitRepo(two_apps, two_apps)
    view = StagedIndex(gitrepo, _Scope(gitrepo, [""], ())).view(1 << 20)
    assert list(view.paths_under("b/")) == ["b/k8s/config.yaml", "b/k8s/deploy.yaml",
                                            "b/src/main.py"]


def test_a_staged_run_evaluates_only_the_app_it_touches(two_apps: Path, monkeypatch) -> None:
    built: list[str] = []
    real = apps_module._app

    def spy(view, root, *args):  # type: ignore[no-untyped-def]
        built.append(root)
        return real(view, root, *args)

    monkeypatch.setattr(apps_module, "_app", spy)
    write(two_apps, "a/k8s/config.yaml", CONFIGMAP + "data:\n  k: v\n")
    git(two_apps, "add", "-A")
    result, _ = check([two_apps], select=ESO_RULES, staged=True)
    assert not result.crashed and not result.errors
    assert set(built) == {"a"}  # b's apps were never built, on either side of the change
    assert located(result) == []  # a's findings are old: none is new


def test_a_staged_run_reports_what_a_new_app_lacks(two_apps: Path) -> None:
    write(two_apps, "c/k8s/deploy.yaml", DEPLOY)
    git(two_apps, "add", "-A")
    result, _ = check([two_apps], select=("bootstrap-readme", "bootstrap-external-secret"),
                      staged=True)
    assert [(f.rule_id, f.location.path) for f in result.findings] == [
        ("bootstrap-external-secret", "c/k8s/deploy.yaml"),
        ("bootstrap-readme", "c/k8s/deploy.yaml")]


def test_a_staged_run_compares_only_mirror_pairs_with_a_changed_member(tmp_path: Path,
                                                                       monkeypatch) -> None:
    from gates.checks import mirror_drift

    repo = tmp_path / "repo"
    write(repo, ".gates.yml", "mirrors:\n  - [a.md, b.md]\n  - [c.md, d.md]\n")
    for name, text in (("a.md", "one\n"), ("b.md", "drifted long ago\n"), ("c.md", "same\n"),
                       ("d.md", "same\n")):
        write(repo, name, text)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    drifted: list[list[str]] = []
    real = mirror_drift.change_times

    def spy(git_repo, root, paths):  # type: ignore[no-untyped-def]
        drifted.append(sorted(paths))
        return real(git_repo, root, paths)

    monkeypatch.setattr(mirror_drift, "change_times", spy)
    write(repo, "d.md", "changed\n")
    git(repo, "add", "-A")
    result, _ = check([repo], select=("mirror-drift",), staged=True)
    assert [f.location.path for f in result.findings] == ["d.md"]
    assert drifted == [["c.md", "d.md"]]  # a/b drift too, but the change did not touch them
