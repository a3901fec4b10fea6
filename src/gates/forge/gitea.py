"""Read a Gitea (or Forgejo) branch's protection.

Two sources per branch:
- ``branch``: ``GET /repos/{o}/{r}/branches/{b}``, readable by anyone who can read the repo. It
  names the protection rule that applies (``effective_branch_protection_name``; empty when none)
  and repeats its status checks and required approvals.
- ``branch_protection``: ``GET /repos/{o}/{r}/branch_protections/{name}``, the full rule. Gitea
  answers it only to repository admins; a refusal makes the source unknown, not a pass.

``status_check_contexts`` are glob patterns (``ci / *``). Settings map as: ``block_on_outdated_branch``
→ strict, ``required_approvals``, ``dismiss_stale_approvals``, ``require_signed_commits``,
``enable_force_push`` (when present; older Gitea always blocks force pushes on a protected
branch) and ``block_admin_merge_override`` (when present) → enforce admins. A protected branch
cannot be deleted. Gitea has no linear-history or code-owner-review setting: those stay None.
"""

from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import quote

from gates.forge import BranchState, RequiredCheck, Rules, Source
from gates.forge.http import ForgeHttpError, HttpClient, Response

ADMIN_PERMISSION = "repository admin access (Gitea shows branch protection rules only to admins)"
READ_PERMISSION = "read access to the repository"


def headers(token: str | None) -> dict[str, str]:
    """Request headers for the Gitea API (the token only as ``Authorization: token``)."""
    from gates import __version__

    out = {"Accept": "application/json", "User-Agent": f"gates/{__version__}"}
    if token:
        out["Authorization"] = f"token {token}"
    return out


def read_branch(client: HttpClient, repo: str, branch: str) -> BranchState:
    base = f"/repos/{_path(repo)}"
    try:
        response = client.get(f"{base}/branches/{quote(branch, safe='')}")
    except ForgeHttpError as exc:
        return _both_unknown(branch, str(exc))
    if response.status != 200 or not isinstance(response.body, dict):
        return _both_unknown(branch, _why(response), response.status or None)
    data = response.body
    name = data.get("effective_branch_protection_name") or ""
    if not name and not data.get("protected"):
        return BranchState(branch, (Source("branch", "read", _branch_rules(data), 200),
                                    Source("branch_protection", "absent", _unprotected(), 200,
                                           "no protection rule applies", ADMIN_PERMISSION)))
    return BranchState(branch, (Source("branch", "read", _branch_rules(data), 200),
                                _protection(client, base, str(name))))


def _protection(client: HttpClient, base: str, name: str) -> Source:
    if not name:  # protected, but this Gitea does not name the rule (before 1.21)
        return Source("branch_protection", "unknown", detail="Gitea did not name the rule",
                      permission=ADMIN_PERMISSION)
    try:
        response = client.get(f"{base}/branch_protections/{quote(name, safe='')}")
    except ForgeHttpError as exc:
        return Source("branch_protection", "unknown", detail=str(exc), permission=ADMIN_PERMISSION)
    if response.status != 200 or not isinstance(response.body, dict):
        return Source("branch_protection", "unknown", Rules(), response.status or None,
                      _why(response), ADMIN_PERMISSION)
    return Source("branch_protection", "read", protection_rules(response.body), 200, "",
                  ADMIN_PERMISSION)


def protection_rules(data: Mapping[str, Any]) -> Rules:
    """A Gitea ``BranchProtection`` object as ``Rules``."""
    force = data.get("enable_force_push")
    admins = data.get("block_admin_merge_override")
    return Rules(
        checks=_checks(data), patterns=True,
        strict=bool(data.get("block_on_outdated_branch")),
        required_approvals=int(data.get("required_approvals") or 0),
        dismiss_stale_reviews=bool(data.get("dismiss_stale_approvals")),
        require_signed_commits=bool(data.get("require_signed_commits")),
        allow_force_pushes=bool(force) if force is not None else False,
        enforce_admins=bool(admins) if admins is not None else None,
        allow_deletions=False,
    )


def _branch_rules(data: Mapping[str, Any]) -> Rules:
    return Rules(checks=_checks(data), patterns=True,
                 required_approvals=int(data.get("required_approvals") or 0))


def _checks(data: Mapping[str, Any]) -> tuple[RequiredCheck, ...]:
    if not data.get("enable_status_check"):
        return ()
    return tuple(RequiredCheck(str(c)) for c in data.get("status_check_contexts") or () if c)


def _unprotected() -> Rules:
    return Rules(checks=(), patterns=True, strict=False, required_approvals=0,
                 dismiss_stale_reviews=False, require_signed_commits=False,
                 allow_force_pushes=True, allow_deletions=True, enforce_admins=False)


def _both_unknown(branch: str, detail: str, status: int | None = None) -> BranchState:
    return BranchState(branch, (
        Source("branch", "unknown", Rules(), status, detail, READ_PERMISSION),
        Source("branch_protection", "unknown", Rules(), status, detail, ADMIN_PERMISSION)))


def _why(response: Response) -> str:
    why = "rate limited" if response.rate_limited else response.message or "no explanation"
    return f"HTTP {response.status}: {why}" if response.status else why


def _path(repo: str) -> str:
    owner, _, name = repo.partition("/")
    return f"{quote(owner, safe='')}/{quote(name, safe='')}"
