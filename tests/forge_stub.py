"""A loopback HTTP server that answers like the GitHub and Gitea REST APIs, for forge tests.

Routes are canned replies written from the public REST docs (response shapes, the 404
"Branch not protected" and 403 "Resource not accessible by integration" bodies, rate-limit
headers, ``Link`` pagination). Every request is recorded with its headers so tests can assert
what was sent. ``ThreadingHTTPServer`` on 127.0.0.1, port 0: no fixed port, nothing external.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

GITHUB_DOCS = "https://docs.github.com/rest/branches/branch-protection#get-branch-protection"
NOT_PROTECTED = {"message": "Branch not protected", "documentation_url": GITHUB_DOCS,
                 "status": "404"}
NOT_FOUND = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest",
             "status": "404"}
INTEGRATION_403 = {"message": "Resource not accessible by integration",
                   "documentation_url": GITHUB_DOCS, "status": "403"}
RATE_LIMITED = {"message": "API rate limit exceeded for installation ID 1.",
                "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
                "status": "403"}
GITEA_ADMIN_403 = {"message": "user should be an owner or a collaborator with admin write of a "
                              "repository", "url": "http://127.0.0.1/api/swagger"}


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class ForgeStub:
    """``add(path, status, body)`` routes; a list of replies is served in order (the last
    one repeats). Unrouted paths get GitHub's 404 "Not Found"."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[Seen] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # http.server's name for the GET handler
                stub.requests.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
                reply = stub._reply(self.path)
                data = json.dumps(reply.body).encode() if reply.body is not None else b""
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in reply.headers.items():
                    self.send_header(name, value.replace("{base}", stub.url))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return  # keep test output clean

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def start(self) -> ForgeStub:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add(self, path: str, status: int, body: Any, headers: dict[str, str] | None = None,
            ) -> None:
        self.routes.setdefault(path, []).append(Reply(status, body, headers or {}))

    def _reply(self, path: str) -> Reply:
        replies = self.routes.get(path) or self.routes.get(path.split("?")[0])
        if not replies:
            return Reply(404, NOT_FOUND)
        return replies.pop(0) if len(replies) > 1 else replies[0]

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]


# --- GitHub shapes (from the REST docs' examples) ----------------------------------------------

def github_classic(repo: str, branch: str, *, checks: list[tuple[str, int | None]] | None,
                   strict: bool = True, approvals: int | None = 1, dismiss: bool = False,
                   code_owners: bool = False, admins: bool = False, force: bool = False,
                   deletions: bool = False, linear: bool = False, signed: bool = False,
                   with_checks_key: bool = True) -> dict[str, Any]:
    base = f"https://api.github.com/repos/{repo}/branches/{branch}/protection"
    body: dict[str, Any] = {"url": base}
    if checks is not None:
        rsc: dict[str, Any] = {"url": f"{base}/required_status_checks",
                               "contexts": [c for c, _ in checks],
                               "contexts_url": f"{base}/required_status_checks/contexts"}
        if with_checks_key:
            rsc["strict"] = strict
            rsc["checks"] = [{"context": c, "app_id": a} for c, a in checks]
        body["required_status_checks"] = rsc
    if approvals is not None:
        body["required_pull_request_reviews"] = {
            "url": f"{base}/required_pull_request_reviews", "dismiss_stale_reviews": dismiss,
            "require_code_owner_reviews": code_owners,
            "required_approving_review_count": approvals, "require_last_push_approval": False}
    body.update({
        "required_signatures": {"url": f"{base}/required_signatures", "enabled": signed},
        "enforce_admins": {"url": f"{base}/enforce_admins", "enabled": admins},
        "required_linear_history": {"enabled": linear},
        "allow_force_pushes": {"enabled": force},
        "allow_deletions": {"enabled": deletions},
        "block_creations": {"enabled": False},
        "required_conversation_resolution": {"enabled": False},
        "lock_branch": {"enabled": False},
        "allow_fork_syncing": {"enabled": False},
    })
    return body


def github_status_checks(repo: str, branch: str, checks: list[tuple[str, int | None]],
                         strict: bool) -> dict[str, Any]:
    base = f"https://api.github.com/repos/{repo}/branches/{branch}/protection"
    return {"url": f"{base}/required_status_checks", "strict": strict,
            "contexts": [c for c, _ in checks],
            "contexts_url": f"{base}/required_status_checks/contexts",
            "checks": [{"context": c, "app_id": a} for c, a in checks]}


def ruleset_rule(kind: str, parameters: dict[str, Any] | None = None,
                 ruleset_id: int = 42) -> dict[str, Any]:
    rule: dict[str, Any] = {"type": kind, "ruleset_source_type": "Repository",
                            "ruleset_source": "octo/app", "ruleset_id": ruleset_id}
    if parameters is not None:
        rule["parameters"] = parameters
    return rule


def status_checks_rule(checks: list[tuple[str, int | None]], strict: bool) -> dict[str, Any]:
    items = [{"context": c, **({"integration_id": a} if a else {})} for c, a in checks]
    return ruleset_rule("required_status_checks", {
        "strict_required_status_checks_policy": strict, "do_not_enforce_on_create": False,
        "required_status_checks": items})


def pull_request_rule(approvals: int, dismiss: bool = False, code_owners: bool = False
                      ) -> dict[str, Any]:
    return ruleset_rule("pull_request", {
        "required_approving_review_count": approvals, "dismiss_stale_reviews_on_push": dismiss,
        "require_code_owner_review": code_owners, "require_last_push_approval": False,
        "required_review_thread_resolution": False})


# --- Gitea shapes (modules/structs/repo_branch.go) -----------------------------------------------

def gitea_branch(name: str, rule: str, contexts: list[str], approvals: int = 0) -> dict[str, Any]:
    return {"name": name, "commit": {"id": "0" * 40, "message": "x"}, "protected": bool(rule),
            "required_approvals": approvals, "enable_status_check": bool(contexts),
            "status_check_contexts": contexts, "user_can_push": False, "user_can_merge": True,
            "effective_branch_protection_name": rule}


def gitea_protection(rule: str, contexts: list[str], approvals: int = 0,
                     outdated: bool = False, force: bool | None = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "branch_name": rule, "rule_name": rule, "priority": 1, "enable_push": False,
        "enable_push_whitelist": False, "push_whitelist_usernames": [],
        "push_whitelist_teams": [], "push_whitelist_deploy_keys": False,
        "enable_merge_whitelist": False, "merge_whitelist_usernames": [],
        "merge_whitelist_teams": [], "enable_status_check": bool(contexts),
        "status_check_contexts": contexts, "required_approvals": approvals,
        "enable_approvals_whitelist": False, "approvals_whitelist_username": [],
        "approvals_whitelist_teams": [], "block_on_rejected_reviews": False,
        "block_on_official_review_requests": False, "block_on_outdated_branch": outdated,
        "dismiss_stale_approvals": False, "ignore_stale_approvals": False,
        "require_signed_commits": False, "protected_file_patterns": "",
        "unprotected_file_patterns": "", "block_admin_merge_override": False,
        "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z"}
    if force is not None:
        body.update({"enable_force_push": force, "enable_force_push_allowlist": False,
                     "force_push_allowlist_usernames": [], "force_push_allowlist_teams": [],
                     "force_push_allowlist_deploy_keys": False})
    return body
