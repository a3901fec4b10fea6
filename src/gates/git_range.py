"""Turn ``--diff`` arguments into two commits, the way ``git diff`` reads them.

``A...B`` compares B with the merge base of A and B (what a pull request shows), ``A..B``
compares the two commits directly, and ``A`` alone means ``A...HEAD``. Every way this can fail
is the user's input (a typo, a branch that was not fetched, a shallow CI clone), so each one is
a ``GatesError`` (exit 2) that says what to do, never a libgit2 message alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gates.errors import GatesError

SHALLOW_HINT = ("fetch the history the diff needs: with actions/checkout set `fetch-depth: 0`, "
                "elsewhere run `git fetch --unshallow` (or fetch the base branch)")


@dataclass(frozen=True)
class RevRange:
    """A parsed ``--diff`` argument: compare ``head`` with ``base`` (or with their merge base)."""

    base: str
    head: str
    merge_base: bool

    @property
    def text(self) -> str:
        return f"{self.base}{'...' if self.merge_base else '..'}{self.head}"


def parse_range(spec: str) -> RevRange:
    """``A...B``, ``A..B`` or ``A`` (= ``A...HEAD``); an empty side means ``HEAD`` as in git."""
    spec = spec.strip()
    if not spec or spec in ("..", "..."):
        raise GatesError("--diff needs a revision", "e.g. --diff origin/main or --diff HEAD~1")
    for separator, merge_base in (("...", True), ("..", False)):
        if separator in spec:
            base, head = spec.split(separator, 1)
            return RevRange(base or "HEAD", head or "HEAD", merge_base)
    return RevRange(spec, "HEAD", True)


def resolve(repo: Any, rev_range: RevRange) -> tuple[Any, Any]:
    """(old commit, new commit) of the range; the old one is the merge base for ``A...B``."""
    base = _commit(repo, rev_range.base)
    head = _commit(repo, rev_range.head)
    if not rev_range.merge_base:
        return base, head
    found = repo.merge_base(base.id, head.id)
    if found is None:
        if repo.is_shallow:
            raise GatesError(f"this clone is shallow and does not contain the merge base of "
                             f"'{rev_range.base}' and '{rev_range.head}'", SHALLOW_HINT)
        raise GatesError(f"'{rev_range.base}' and '{rev_range.head}' have no common history",
                         f"compare the two trees directly with --diff "
                         f"{rev_range.base}..{rev_range.head}")
    return repo[found], head


def _commit(repo: Any, rev: str) -> Any:
    import pygit2

    try:
        found = repo.revparse_single(rev)
    except (KeyError, ValueError, pygit2.GitError):
        if repo.is_shallow:
            raise GatesError(f"unknown revision '{rev}': this clone is shallow, so it may not "
                             "have been fetched", SHALLOW_HINT) from None
        raise GatesError(f"unknown revision '{rev}'",
                         "name a branch, tag or commit that exists in this clone "
                         "(`git fetch origin <branch>` first for a remote branch)") from None
    try:
        return found.peel(pygit2.Commit)
    except (ValueError, TypeError, pygit2.GitError):
        raise GatesError(f"'{rev}' is not a commit", "--diff compares commits: name a branch, "
                         "tag or commit") from None
