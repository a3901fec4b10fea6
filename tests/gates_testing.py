"""Test helpers: fixture trees become real temporary git repos; scan and summarise results.

Fixture trees cannot hold a working ``.gitignore`` (it would change what *this* repo tracks),
so a file named ``dot-gitignore`` is renamed to ``.gitignore`` when the tree is materialised.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from gates.api import check
from gates.model import Result

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GIT = ["git", "-c", "user.name=gates-tests", "-c", "user.email=tests@gates.invalid",
       "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"]


def git(repo: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=repo, check=True, capture_output=True,
                          text=True).stdout


def materialise(tree: Path, dest: Path, *, git_repo: bool = True) -> Path:
    """Copy ``tree`` to ``dest``, rename dot-gitignore files, and commit it as a git repo."""
    shutil.copytree(tree, dest, symlinks=True)
    for placeholder in sorted(dest.rglob("dot-gitignore")):
        placeholder.rename(placeholder.with_name(".gitignore"))
    if git_repo:
        git(dest, "init", "-q")
        git(dest, "add", "-A")
        git(dest, "commit", "-q", "--allow-empty", "-m", "fixture")
    return dest


# The deployment-config rules of the core issue. Tests of engine mechanics select them so that
# later rules (secrets, ESO bootstrap, ...) that also read these little repos don't blur the asserts.
CORE_RULES = ("untagged-default", "secret-default", "dotenv-in-deploy-path", "dotenv-not-ignored",
              "parse-error", "ignore-without-reason")


def scan(root: Path, select: tuple[str, ...] = ()) -> Result:
    """Run gates on ``root`` as ``gates check ROOT --select ...`` would."""
    result, _ = check([root], select=select)
    return result


def located(result: Result) -> list[tuple[str, str, int, int]]:
    """Findings as (rule, path, line, col), the shape most assertions want."""
    return [(f.rule_id, f.location.path, f.location.line, f.location.col) for f in result.findings]
