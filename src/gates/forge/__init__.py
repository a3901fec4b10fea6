"""Live branch protection as plain data: what a forge (GitHub, Gitea) enforces on a branch.

The forge is read once, before any rule runs (``github.py``, ``gitea.py`` over ``http.py``),
into the frozen dataclasses below; rules compare against them and never touch the network.
A branch is read from one or more *sources* (GitHub: classic protection and rulesets; Gitea: the
branch and its protection rule). Each source is read, absent (it adds nothing, like GitHub's 404
"Branch not protected") or unknown (401 / 403 / other 404s / network): unknown is never a pass.
``merge`` combines the sources that could be read, most restrictive wins (DESIGN.md).

No rule logic lives here: what counts as drift is ``gates.protection.drift``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Iterable

# The GitHub App that GitHub Actions check runs come from, on github.com and in GHES.
GITHUB_ACTIONS_APP_ID = 15368
PROVIDERS = ("github", "gitea")
# Setting names shared by the declaration, the live data and the snapshot file.
FLAGS = ("strict", "dismiss_stale_reviews", "require_code_owner_reviews", "enforce_admins",
         "require_linear_history", "require_signed_commits", "allow_force_pushes",
         "allow_deletions")
# For these flags ``False`` is the protective value; for every other flag it is ``True``.
PERMISSIVE_FLAGS = ("allow_force_pushes", "allow_deletions")


@dataclass(frozen=True)
class RequiredCheck:
    """One required status check. ``app_id`` None: any producer may report it (GitHub only).

    On Gitea ``context`` is a glob pattern (``ci / *``); ``Rules.patterns`` says so.
    """

    context: str
    app_id: int | None = None


@dataclass(frozen=True)
class Rules:
    """What one source enforces, or the merge of all sources. ``None``: not expressed here.

    A field is None when the source cannot express the setting at all (rulesets have no
    "enforce admins"; Gitea has no linear-history rule), never when the value is merely off.
    """

    checks: tuple[RequiredCheck, ...] | None = None
    patterns: bool = False  # check contexts are glob patterns (Gitea)
    strict: bool | None = None
    required_approvals: int | None = None
    dismiss_stale_reviews: bool | None = None
    require_code_owner_reviews: bool | None = None
    enforce_admins: bool | None = None
    require_linear_history: bool | None = None
    require_signed_commits: bool | None = None
    allow_force_pushes: bool | None = None
    allow_deletions: bool | None = None


@dataclass(frozen=True)
class Source:
    """One place a forge keeps protection for a branch, and what reading it gave.

    ``status``: "read" (``rules`` holds what it enforces), "absent" (it protects nothing here;
    ``rules`` holds the permissive values it implies) or "unknown" (it could not be read;
    ``rules`` is empty). ``permission`` names what a token needs to read it; ``detail`` is why
    it is unknown (HTTP status and the forge's message, never a token).
    """

    name: str
    status: str
    rules: Rules = Rules()
    http_status: int | None = None
    detail: str = ""
    permission: str = ""

    @property
    def title(self) -> str:
        return SOURCE_TITLES.get(self.name, self.name)


SOURCE_TITLES = {
    "classic": "GitHub classic branch protection",
    "rulesets": "GitHub rulesets",
    "branch": "the Gitea branch",
    "branch_protection": "the Gitea branch protection rule",
}


@dataclass(frozen=True)
class BranchState:
    """Every source read for one branch."""

    branch: str
    sources: tuple[Source, ...]

    @property
    def unknown(self) -> tuple[Source, ...]:
        return tuple(s for s in self.sources if s.status == "unknown")

    @property
    def live(self) -> Rules:
        """What the readable sources enforce together (unknown sources left out)."""
        return merge(s.rules for s in self.sources if s.status != "unknown")


@dataclass(frozen=True)
class Snapshot:
    """Live protection of some branches of one repository, read at one moment."""

    provider: str
    api_url: str
    repo: str
    branches: tuple[BranchState, ...]
    taken_at: str = ""

    def branch(self, name: str) -> BranchState | None:
        return next((b for b in self.branches if b.branch == name), None)


@dataclass(frozen=True)
class Live:
    """What a run knows about the forge: the snapshot, where it came from, and whether the
    user accepts unknown sources (``--allow-unknown``). Passed to checks via ``CheckContext``."""

    snapshot: Snapshot
    origin: str  # "the GitHub API at <url>" or the snapshot file
    allow_unknown: bool = False


def merge(parts: Iterable[Rules]) -> Rules:
    """Most restrictive wins: checks are the union of (context, app) pairs, protective flags
    are OR-ed, approvals are the max, force pushes and deletions are blocked if any source
    blocks them. A setting no source expresses stays None."""
    rules = list(parts)
    values: dict[str, object] = {}
    checks = [r.checks for r in rules if r.checks is not None]
    values["checks"] = tuple(dict.fromkeys(c for group in checks for c in group)) \
        if checks else None
    values["patterns"] = any(r.patterns for r in rules)
    approvals = [r.required_approvals for r in rules if r.required_approvals is not None]
    values["required_approvals"] = max(approvals) if approvals else None
    for name in FLAGS:
        said = [getattr(r, name) for r in rules if getattr(r, name) is not None]
        if not said:
            values[name] = None
        elif name in PERMISSIVE_FLAGS:
            values[name] = all(said)
        else:
            values[name] = any(said)
    return Rules(**values)  # type: ignore[arg-type]


def rule_names() -> tuple[str, ...]:
    """Names of every ``Rules`` field, in declaration order (the snapshot file's keys)."""
    return tuple(f.name for f in fields(Rules))
