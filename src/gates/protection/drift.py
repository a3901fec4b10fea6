"""Compare a declared branch with what the forge enforces: one ``Drift`` per difference.

Semantics (DESIGN.md "Branch protection: declared vs live"):
- required checks, ``at_least`` (default): every declared check is required live; ``exact``:
  and nothing else is. On Gitea live contexts are glob patterns: a declared check is present
  when a pattern matches it.
- a declared ``app_id`` with only unbound live checks (any app may report them) is weaker than
  declared: drift. A live binding where none is declared is stronger: never drift.
- ``required_approvals`` is a minimum; every flag is compared as written.
- a declared setting the forge does not express (Gitea has no linear-history rule) is drift:
  the declaration cannot be shown to hold.

``Drift.weaker`` says the live side protects less than declared, so a source that could not
be read (which can only add restrictions) might make up for it; the caller decides what an
unknown source means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from gates.forge import PERMISSIVE_FLAGS, RequiredCheck, Rules
from gates.protection.declared import DeclaredBranch, DeclaredCheck, DeclaredSetting

_TITLES = {"github": "GitHub", "gitea": "Gitea"}
# How each flag reads in a message, for (True, False).
_PHRASES = {
    "strict": ("requires branches to be up to date before merging",
               "does not require branches to be up to date before merging"),
    "dismiss_stale_reviews": ("dismisses stale approvals on new pushes",
                              "keeps stale approvals after new pushes"),
    "require_code_owner_reviews": ("requires code owner reviews",
                                   "does not require code owner reviews"),
    "enforce_admins": ("applies its protection to admins", "lets admins bypass its protection"),
    "require_linear_history": ("requires a linear history", "does not require a linear history"),
    "require_signed_commits": ("requires signed commits", "does not require signed commits"),
    "allow_force_pushes": ("allows force pushes", "blocks force pushes"),
    "allow_deletions": ("allows the branch to be deleted", "blocks deleting the branch"),
}


@dataclass(frozen=True)
class Drift:
    """One difference, located at the declaring line. ``evidence`` is line-independent."""

    line: int
    col: int
    message: str
    evidence: str
    weaker: bool


def compare(branch: DeclaredBranch, live: Rules, provider: str) -> list[Drift]:
    """Every difference between ``branch`` and ``live`` (the merged readable sources)."""
    drifts = _check_drifts(branch, live)
    drifts += [d for s in branch.settings for d in _setting_drift(branch.name, s, live, provider)]
    return drifts


def _check_drifts(branch: DeclaredBranch, live: Rules) -> list[Drift]:
    if branch.checks is None:
        return []
    found = live.checks or ()
    drifts = [d for c in branch.checks
              for d in _one_check(branch.name, c, found, live.patterns)]
    if branch.mode == "exact":
        for extra in found:
            if not any(_matches(extra.context, c.context, live.patterns) for c in branch.checks):
                kind = "pattern" if live.patterns else "check"
                drifts.append(Drift(
                    branch.mode_line, branch.mode_col,
                    f"branch {branch.name} requires {kind} '{extra.context}', which the "
                    "declaration does not list (mode: exact)",
                    f"extra-check:{extra.context}", weaker=False))
    return drifts


def _one_check(branch: str, check: DeclaredCheck, found: tuple[RequiredCheck, ...],
               patterns: bool) -> list[Drift]:
    matches = [c for c in found if _matches(c.context, check.context, patterns)]
    if not matches:
        return [Drift(check.line, check.col,
                      f"branch {branch} does not require check '{check.context}'",
                      f"missing-check:{check.context}", weaker=True)]
    if check.app_id is None or any(m.app_id == check.app_id for m in matches):
        return []
    bound = sorted({m.app_id for m in matches if m.app_id is not None})
    if not bound:
        message = (f"branch {branch} accepts check '{check.context}' from any app "
                   f"(declared app {check.app_id})")
    else:
        message = (f"branch {branch} requires check '{check.context}' from app "
                   f"{', '.join(map(str, bound))} (declared app {check.app_id})")
    return [Drift(check.line, check.col, message, f"check-app:{check.context}:{check.app_id}",
                  weaker=True)]


def _setting_drift(branch: str, setting: DeclaredSetting, live: Rules,
                   provider: str) -> list[Drift]:
    value = getattr(live, setting.name)
    where = (setting.line, setting.col)
    if value is None:
        return [Drift(*where, f"branch {branch}: {_TITLES.get(provider, provider)} does not "
                      f"report {setting.name}, so "
                      f"'{setting.name}: {_yaml(setting.value)}' cannot be verified",
                      f"unsupported:{setting.name}", weaker=True)]
    if setting.name == "required_approvals":
        if value >= setting.value:
            return []
        return [Drift(*where, f"branch {branch} requires {value} approval"
                      f"{'' if value == 1 else 's'} (declared at least {setting.value})",
                      "required_approvals", weaker=True)]
    if bool(value) == setting.value:
        return []
    protective_value = setting.name not in PERMISSIVE_FLAGS
    return [Drift(*where, f"branch {branch} {_PHRASES[setting.name][0 if value else 1]} "
                  f"(declared {setting.name}: {_yaml(setting.value)})",
                  setting.name, weaker=setting.value == protective_value)]


def _yaml(value: bool | int) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _matches(live: str, declared: str, patterns: bool) -> bool:
    if live == declared:
        return True
    return patterns and bool(glob_regex(live).fullmatch(declared))


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A Gitea status-check glob as a regex: ``*`` / ``**`` any text, ``?`` one character,
    ``[...]`` a class, ``{a,b}`` alternatives (Gitea compiles them without separators)."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            while i + 1 < len(pattern) and pattern[i + 1] == "*":
                i += 1
            out.append(".*")
        elif ch == "?":
            out.append(".")
        elif ch == "[" and "]" in pattern[i + 2:]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1:end]
            body = "^" + body[1:] if body.startswith("!") else body
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end
        elif ch == "{" and "}" in pattern[i:]:
            end = pattern.index("}", i)
            out.append("(?:" + "|".join(re.escape(a) for a in pattern[i + 1:end].split(",")) + ")")
            i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("".join(out), re.S)
