"""The real pre-commit runs this repo's hook: a staged violation fails, a clean change passes.

``pre-commit try-repo`` builds the hook's virtualenv by pip-installing this repo, which needs
the package registry for gates' dependencies: that is the one network use in the suite (marked
``network``; deselect with ``-m "not network"``). A registry that cannot be reached skips the
test and says so; any other failure fails it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gates_testing import GIT, git

pytest.importorskip("pre_commit", reason="install the test extra: pip install -e '.[test]'")

ROOT = Path(__file__).resolve().parents[1]
OFFLINE_SIGNS = ("Failed to establish a new connection", "Temporary failure in name resolution",
                 "No matching distribution found", "Could not find a version that satisfies",
                 "Network is unreachable", "ProxyError", "Max retries exceeded")


def snapshot(dest: Path) -> Path:
    """This checkout as it is now (tracked and new files, not ignored ones), committed.

    try-repo on the live tree would commit a shadow copy on every call (a new revision, so a
    new virtualenv each time) and could catch another edit half-written.
    """
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, check=True, capture_output=True).stdout
    for rel in filter(None, listed.decode("utf-8", "surrogateescape").split("\0")):
        source = ROOT / rel
        if source.is_file() and not source.is_symlink():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "snapshot")
    return dest


def try_repo(project: Path, hooks_repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1",
           "GIT_CONFIG_COUNT": "2", "GIT_CONFIG_KEY_0": "user.name",
           "GIT_CONFIG_VALUE_0": "gates-tests", "GIT_CONFIG_KEY_1": "user.email",
           "GIT_CONFIG_VALUE_1": "tests@gates.invalid"}
    done = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hooks_repo), "gates",
                           "--color", "never"], cwd=project, env=env, capture_output=True,
                          text=True, timeout=900)
    log = home / "pre-commit.log"
    output = done.stdout + done.stderr + (log.read_text("utf-8", "replace") if log.is_file() else "")
    if done.returncode not in (0, 1) or "An unexpected error" in output:
        if any(sign in output for sign in OFFLINE_SIGNS):
            pytest.skip("pre-commit could not build the hook's environment: the package registry "
                        "is unreachable (pip install of gates' dependencies failed)")
        pytest.fail(f"pre-commit failed to run the hook:\n{output[-4000:]}")
    return done


@pytest.mark.network
def test_pre_commit_hook_fails_a_staged_violation_and_passes_a_clean_change(tmp_path: Path) -> None:
    hooks_repo = snapshot(tmp_path / "gates-src")
    project = tmp_path / "project"
    project.mkdir()
    (project / "README.md").write_text("project\n", encoding="utf-8")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "start")
    (project / "compose.yml").write_text(
        "services:\n  db:\n    environment:\n      DB_PASSWORD: ${DB_PASSWORD:-hunter2}\n",
        encoding="utf-8")
    git(project, "add", "compose.yml")
    failed = try_repo(project, hooks_repo, tmp_path / "home")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "compose.yml:4:" in failed.stdout and "secret-default" in failed.stdout
    assert "hunter2" not in failed.stdout  # the value is never printed

    (project / "compose.yml").write_text(
        "services:\n  db:\n    environment:\n      DB_PASSWORD: ${DB_PASSWORD:?required}\n",
        encoding="utf-8")
    git(project, "add", "compose.yml")
    passed = try_repo(project, hooks_repo, tmp_path / "home")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
    assert subprocess.run([*GIT, "diff", "--cached", "--quiet"], cwd=project).returncode == 1
