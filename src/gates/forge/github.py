"""Read a GitHub branch's protection: classic protection plus the active ruleset rules.

Two sources per branch (merged by ``gates.forge.merge``):
- ``classic``: ``GET /repos/{o}/{r}/branches/{b}/protection`` (and ``…/required_status_checks``
  when the answer lacks ``strict`` / ``checks``). 404 "Branch not protected" means classic
  protection adds nothing: the source is *absent*, which is data, not a failure. 401, 403 and
  other 404s (GitHub answers "Not Found" to a token that may not see the setting) are unknown:
  reading needs Administration: read, which the default Actions token does not have.
- ``rulesets``: ``GET /repos/{o}/{r}/rules/branches/{b}`` (paginated), every *active* rule that
  applies to the branch, whatever level it is configured at; Metadata: read is enough.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping
from urllib.parse import quote

from gates.forge import BranchState, RequiredCheck, Rules, Source
from gates.forge.http import ForgeHttpError, HttpClient, Response

API_VERSION = "2022-11-28"
NOT_PROTECTED = "Branch not protected"
CLASSIC_PERMISSION = ("Administration: read (fine-grained token or GitHub App; a classic token "
                      "needs the repo scope and admin access; the default Actions GITHUB_TOKEN "
                      "cannot read classic protection, rulesets it can)")
RULESETS_PERMISSION = "Metadata: read"


def headers(token: str | None) -> dict[str, str]:
    """Request headers for the GitHub REST API (the token only as a Bearer header)."""
    from gates import __version__

    out = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION,
           "User-Agent": f"gates/{__version__}"}
    if token:
        out["Authorization"] = f"Bearer {token}"
    return out


def read_branch(client: HttpClient, repo: str, branch: str) -> BranchState:
    """Both sources for ``branch`` of ``repo`` ("owner/name")."""
    base = f"/repos/{_path(repo)}"
    return BranchState(branch, (_classic(client, base, branch), _rulesets(client, base, branch)))


def _classic(client: HttpClient, base: str, branch: str) -> Source:
    url = f"{base}/branches/{quote(branch, safe='')}/protection"
    try:
        response = client.get(url)
        if response.status == 404 and response.message == NOT_PROTECTED:
            return Source("classic", "absent", _unprotected(), 404, NOT_PROTECTED,
                          CLASSIC_PERMISSION)
        if response.status != 200 or not isinstance(response.body, dict):
            return _unknown("classic", response, CLASSIC_PERMISSION)
        data = response.body
        checks = data.get("required_status_checks")
        if isinstance(checks, dict) and not {"strict", "checks"} <= set(checks):
            detail = client.get(f"{url}/required_status_checks")
            if detail.status != 200 or not isinstance(detail.body, dict):
                return _unknown("classic", detail, CLASSIC_PERMISSION)
            checks = detail.body
    except ForgeHttpError as exc:
        return Source("classic", "unknown", detail=str(exc), permission=CLASSIC_PERMISSION)
    return Source("classic", "read", _classic_rules(data, checks), 200, "", CLASSIC_PERMISSION)


def _classic_rules(data: Mapping[str, Any], checks: Any) -> Rules:
    reviews = data.get("required_pull_request_reviews")
    reviews = reviews if isinstance(reviews, dict) else {}
    return Rules(
        checks=_classic_checks(checks) if isinstance(checks, dict) else (),
        strict=bool(checks.get("strict")) if isinstance(checks, dict) else False,
        required_approvals=int(reviews.get("required_approving_review_count") or 0),
        dismiss_stale_reviews=bool(reviews.get("dismiss_stale_reviews")),
        require_code_owner_reviews=bool(reviews.get("require_code_owner_reviews")),
        enforce_admins=_enabled(data, "enforce_admins"),
        require_linear_history=_enabled(data, "required_linear_history"),
        require_signed_commits=_enabled(data, "required_signatures"),
        allow_force_pushes=_enabled(data, "allow_force_pushes"),
        allow_deletions=_enabled(data, "allow_deletions"),
    )


def _classic_checks(data: Mapping[str, Any]) -> tuple[RequiredCheck, ...]:
    """``checks`` with their app ids; ``contexts`` (deprecated) adds any not listed there."""
    found = [RequiredCheck(str(c["context"]), _app(c.get("app_id")))
             for c in data.get("checks") or () if isinstance(c, dict) and c.get("context")]
    named = {c.context for c in found}
    found += [RequiredCheck(str(c)) for c in data.get("contexts") or () if c not in named]
    return tuple(dict.fromkeys(found))


def _enabled(data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key)
    return bool(value.get("enabled")) if isinstance(value, dict) else False


def _app(value: Any) -> int | None:
    """GitHub writes "any app" as null or -1."""
    return value if isinstance(value, int) and value > 0 else None


def _unprotected() -> Rules:
    """What a branch without classic protection allows, as far as classic protection goes."""
    return Rules(checks=(), strict=False, required_approvals=0, dismiss_stale_reviews=False,
                 require_code_owner_reviews=False, enforce_admins=False,
                 require_linear_history=False, require_signed_commits=False,
                 allow_force_pushes=True, allow_deletions=True)


def _rulesets(client: HttpClient, base: str, branch: str) -> Source:
    try:
        rules, response = client.get_pages(
            f"{base}/rules/branches/{quote(branch, safe='')}?per_page=100")
    except ForgeHttpError as exc:
        return Source("rulesets", "unknown", detail=str(exc), permission=RULESETS_PERMISSION)
    if response.status != 200:
        return _unknown("rulesets", response, RULESETS_PERMISSION)
    return Source("rulesets", "read", ruleset_rules(r for r in rules if isinstance(r, dict)),
                  200, "", RULESETS_PERMISSION)


def ruleset_rules(rules: Iterable[Mapping[str, Any]]) -> Rules:
    """Fold the rules of every active ruleset into one ``Rules``; most restrictive wins.

    Rulesets cannot express "enforce admins" (bypass lists are not part of this answer), so
    that stays None. A rule type that is absent means the rulesets do not restrict it.
    """
    checks: list[RequiredCheck] = []
    strict = dismiss = owners = False
    approvals = 0
    types = set()
    for rule in rules:
        kind = rule.get("type")
        types.add(kind)
        params = rule.get("parameters") if isinstance(rule.get("parameters"), dict) else {}
        assert isinstance(params, dict)
        if kind == "required_status_checks":
            strict |= bool(params.get("strict_required_status_checks_policy"))
            checks += [RequiredCheck(str(c["context"]), _app(c.get("integration_id")))
                       for c in params.get("required_status_checks") or ()
                       if isinstance(c, dict) and c.get("context")]
        elif kind == "pull_request":
            approvals = max(approvals, int(params.get("required_approving_review_count") or 0))
            dismiss |= bool(params.get("dismiss_stale_reviews_on_push"))
            owners |= bool(params.get("require_code_owner_review"))
    return Rules(
        checks=tuple(dict.fromkeys(checks)), strict=strict, required_approvals=approvals,
        dismiss_stale_reviews=dismiss, require_code_owner_reviews=owners,
        require_linear_history="required_linear_history" in types,
        require_signed_commits="required_signatures" in types,
        allow_force_pushes="non_fast_forward" not in types,
        allow_deletions="deletion" not in types,
    )


def _unknown(name: str, response: Response, permission: str) -> Source:
    why = "rate limited" if response.rate_limited else response.message or "no explanation"
    status = f"HTTP {response.status}" if response.status else "incomplete answer"
    return Source(name, "unknown", Rules(), response.status or None, f"{status}: {why}",
                  permission)


def _path(repo: str) -> str:
    owner, _, name = repo.partition("/")
    return f"{quote(owner, safe='')}/{quote(name, safe='')}"
