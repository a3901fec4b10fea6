"""Reading GitHub and Gitea protection from the loopback forge into plain data."""

from __future__ import annotations

from typing import Iterator

import pytest
from forge_stub import (
    GITEA_ADMIN_403,
    INTEGRATION_403,
    NOT_FOUND,
    NOT_PROTECTED,
    RATE_LIMITED,
    ForgeStub,
    gitea_branch,
    gitea_protection,
    github_classic,
    github_status_checks,
    pull_request_rule,
    ruleset_rule,
    status_checks_rule,
)

from gates.forge import RequiredCheck, Rules, gitea, github, merge
from gates.forge.http import HttpClient, HttpSettings

REPO = "octo/app"
CLASSIC = f"/repos/{REPO}/branches/main/protection"
RULES = f"/repos/{REPO}/rules/branches/main?per_page=100"
FAST = HttpSettings(timeout=2.0, attempts=2, backoff=0.001)


@pytest.fixture
def forge() -> Iterator[ForgeStub]:
    stub = ForgeStub().start()
    yield stub
    stub.stop()


def read_github(forge: ForgeStub, branch: str = "main"):
    api = HttpClient(forge.url, github.headers("ghs_readertoken"), FAST)
    return github.read_branch(api, REPO, branch)


def test_github_headers_follow_the_docs(forge) -> None:
    forge.add(CLASSIC, 404, NOT_PROTECTED)
    forge.add(RULES, 200, [])
    read_github(forge)
    sent = forge.requests[0].headers
    assert sent["authorization"] == "Bearer ghs_readertoken"
    assert sent["x-github-api-version"] == "2022-11-28"
    assert sent["accept"] == "application/vnd.github+json"


def test_classic_with_checks_keeps_app_bindings(forge) -> None:
    forge.add(CLASSIC, 200, github_classic(REPO, "main", checks=[("ci / test", 15368),
                                                                  ("lint", None)],
                                           approvals=2, admins=True, linear=True, signed=True))
    forge.add(RULES, 200, [])
    state = read_github(forge)
    classic = state.sources[0]
    assert (classic.name, classic.status) == ("classic", "read")
    assert classic.rules.checks == (RequiredCheck("ci / test", 15368), RequiredCheck("lint"))
    live = state.live
    assert (live.strict, live.required_approvals, live.enforce_admins, live.require_linear_history,
            live.require_signed_commits, live.allow_force_pushes) == (True, 2, True, True, True,
                                                                      False)


def test_classic_without_checks_reads_the_status_check_endpoint(forge) -> None:
    forge.add(CLASSIC, 200, github_classic(REPO, "main", checks=[("ci / test", None)],
                                           with_checks_key=False))
    forge.add(CLASSIC + "/required_status_checks", 200,
              github_status_checks(REPO, "main", [("ci / test", 15368)], strict=True))
    forge.add(RULES, 200, [])
    live = read_github(forge).live
    assert live.checks == (RequiredCheck("ci / test", 15368),) and live.strict is True
    assert CLASSIC + "/required_status_checks" in forge.paths()


def test_branch_not_protected_is_absent_not_unknown(forge) -> None:
    forge.add(CLASSIC, 404, NOT_PROTECTED)
    forge.add(RULES, 200, [])
    state = read_github(forge)
    assert [s.status for s in state.sources] == ["absent", "read"]
    assert state.unknown == ()
    assert (state.live.checks, state.live.allow_force_pushes, state.live.allow_deletions) == (
        (), True, True)


def test_other_404s_403s_and_rate_limits_are_unknown(forge) -> None:
    forge.add(CLASSIC, 404, NOT_FOUND)
    forge.add(RULES, 403, INTEGRATION_403)
    state = read_github(forge)
    assert [(s.status, s.http_status) for s in state.sources] == [("unknown", 404),
                                                                  ("unknown", 403)]
    assert "Administration: read" in state.sources[0].permission
    assert state.sources[1].permission == "Metadata: read"
    forge.routes.clear()
    forge.add(CLASSIC, 403, RATE_LIMITED, {"x-ratelimit-remaining": "0",
                                           "x-ratelimit-reset": "99999999999"})
    forge.add(RULES, 200, [])
    limited = read_github(forge).sources[0]
    assert limited.status == "unknown" and "rate limited" in limited.detail


def test_rulesets_merge_most_restrictive(forge) -> None:
    forge.add(CLASSIC, 200, github_classic(REPO, "main", checks=[("ci / test", None)],
                                           strict=False, approvals=1, force=True,
                                           deletions=True))
    forge.add(RULES, 200, [status_checks_rule([("ci / test", 15368), ("e2e", None)], True),
                           pull_request_rule(3, dismiss=True), ruleset_rule("deletion"),
                           ruleset_rule("required_signatures"),
                           ruleset_rule("creation")])
    live = read_github(forge).live
    assert set(live.checks or ()) == {RequiredCheck("ci / test"), RequiredCheck("ci / test", 15368),
                                      RequiredCheck("e2e")}
    assert (live.strict, live.required_approvals, live.dismiss_stale_reviews,
            live.allow_force_pushes, live.allow_deletions, live.require_signed_commits) == (
        True, 3, True, True, False, True)


def test_merge_keeps_unexpressed_settings_none() -> None:
    merged = merge([Rules(checks=(), required_approvals=1), Rules(required_approvals=2)])
    assert merged.required_approvals == 2 and merged.require_linear_history is None


def read_gitea(forge: ForgeStub):
    api = HttpClient(forge.url, gitea.headers("gitea-reader"), FAST)
    return gitea.read_branch(api, REPO, "main")


def test_gitea_reads_the_effective_rule(forge) -> None:
    forge.add(f"/repos/{REPO}/branches/main", 200, gitea_branch("main", "main", ["ci / *"], 1))
    forge.add(f"/repos/{REPO}/branch_protections/main", 200,
              gitea_protection("main", ["ci / *"], approvals=2, outdated=True, force=None))
    state = read_gitea(forge)
    live = state.live
    assert live.patterns and live.checks == (RequiredCheck("ci / *"),)
    assert (live.strict, live.required_approvals, live.allow_force_pushes,
            live.require_linear_history) == (True, 2, False, None)
    assert forge.requests[0].headers["authorization"] == "token gitea-reader"


def test_gitea_refusal_is_unknown_but_the_branch_still_counts(forge) -> None:
    forge.add(f"/repos/{REPO}/branches/main", 200, gitea_branch("main", "main", ["ci"], 1))
    forge.add(f"/repos/{REPO}/branch_protections/main", 403, GITEA_ADMIN_403)
    state = read_gitea(forge)
    assert [s.status for s in state.sources] == ["read", "unknown"]
    assert "admin" in state.unknown[0].detail and "admin" in state.unknown[0].permission
    assert state.live.checks == (RequiredCheck("ci"),) and state.live.required_approvals == 1


def test_gitea_unprotected_branch_is_absent(forge) -> None:
    forge.add(f"/repos/{REPO}/branches/main", 200, gitea_branch("main", "", []))
    state = read_gitea(forge)
    assert [s.status for s in state.sources] == ["read", "absent"]
    assert forge.paths() == [f"/repos/{REPO}/branches/main"]
