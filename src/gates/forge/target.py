"""Which forge to ask: provider, API base URL, repository and token, from options and git.

Defaults come from the git remote (``origin``, else the only remote): ``github.com`` is GitHub
with ``https://api.github.com``; another host with "github" in its name is GitHub Enterprise
(``https://HOST/api/v3``); a host with "gitea", "forgejo" or "codeberg" is Gitea
(``https://HOST/api/v1``). Anything else must be named with ``--provider`` / ``--api-url``.
Credentials embedded in a remote URL are dropped on parsing and never shown.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Mapping
from urllib.parse import urlsplit

from gates.errors import GatesError
from gates.forge import PROVIDERS, BranchState, Snapshot
from gates.forge.http import HttpClient, HttpSettings

if TYPE_CHECKING:
    from gates.git import GitRepo

TOKEN_ENV = {"github": "GITHUB_TOKEN", "gitea": "GITEA_TOKEN"}
_SCP = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>[^/].*)$")  # git@host:owner/name.git
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Target:
    """One repository on one forge. ``token_env`` names the variable the token came from."""

    provider: str
    api_url: str
    repo: str
    token_env: str


def resolve(provider: str | None, api_url: str | None, repo: str | None,
            token_env: str | None, remote: str | None) -> Target:
    """Fill what the user did not pass from the remote; a gap is a ``GatesError``."""
    host, remote_repo = parse_remote(remote) if remote else (None, None)
    provider = provider or _provider_from_url(api_url) or provider_from_host(host)
    if provider not in PROVIDERS:
        raise GatesError(
            "cannot tell which forge hosts this repository"
            + (f" (remote host {host})" if host else " (no git remote)"),
            "pass --provider github|gitea (and --api-url for a self-hosted forge)")
    api_url = (api_url or _default_api(provider, host) or "").rstrip("/")
    if not api_url:
        raise GatesError("no API URL for this forge", "pass --api-url https://HOST/api/v1")
    _check_scheme(api_url)
    repo = repo or remote_repo
    if not repo or not re.fullmatch(r"[^/\s]+/[^/\s]+", repo):
        raise GatesError(f"no repository to read{' (' + repo + ')' if repo else ''}",
                         "pass --repo OWNER/NAME")
    return Target(provider, api_url, repo, token_env or TOKEN_ENV[provider])


def parse_remote(url: str) -> tuple[str | None, str | None]:
    """(host, "owner/name") of a git remote URL in https, ssh, git or scp-like form."""
    url = url.strip()
    if "://" in url:
        parts = urlsplit(url)
        host, path = parts.hostname, parts.path
    else:
        scp = _SCP.match(url)
        if not scp:
            return None, None
        host, path = scp.group("host"), scp.group("path")
    path = path.strip("/")
    path = path.removesuffix(".git")
    segments = [s for s in path.split("/") if s]
    repo = "/".join(segments[-2:]) if len(segments) >= 2 else None
    return (host.lower() if host else None), repo


def remote_url(git: GitRepo | None) -> str | None:
    """The URL of ``origin`` (or of the first remote); None outside git or without remotes."""
    if git is None:
        return None
    import pygit2

    try:
        remotes = list(git.repo.remotes)
    except pygit2.GitError:
        return None
    chosen = next((r for r in remotes if r.name == "origin"), remotes[0] if remotes else None)
    return str(chosen.url) if chosen is not None and chosen.url else None


def _provider_from_url(api_url: str | None) -> str | None:
    if not api_url:
        return None
    parts = urlsplit(api_url)
    if parts.hostname == "api.github.com" or parts.path.rstrip("/").endswith("/api/v3"):
        return "github"
    if parts.path.rstrip("/").endswith("/api/v1"):
        return "gitea"
    return None


def provider_from_host(host: str | None) -> str | None:
    """The forge a remote host name suggests, or None when it does not say."""
    if not host:
        return None
    if "github" in host:
        return "github"
    if any(word in host for word in ("gitea", "forgejo", "codeberg")):
        return "gitea"
    return None


def _default_api(provider: str, host: str | None) -> str | None:
    if provider == "github":
        if host in (None, "github.com", "www.github.com"):
            return "https://api.github.com"
        return f"https://{host}/api/v3"
    return f"https://{host}/api/v1" if host else None


def _check_scheme(api_url: str) -> None:
    """A token goes over TLS, or to this machine (tests, a local tunnel), never plain HTTP."""
    parts = urlsplit(api_url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        return
    raise GatesError(f"refusing to send a token to {parts.scheme}://{parts.hostname}",
                     "use an https:// --api-url")


def token(target: Target, environ: Mapping[str, str] | None = None) -> str:
    """The token from the environment; its absence is a user error, its value never shown."""
    env = os.environ if environ is None else environ
    value = env.get(target.token_env, "").strip()
    if not value:
        raise GatesError(f"no token in ${target.token_env}",
                         f"export {target.token_env} (or pass --token-env NAME) with a token "
                         "that may read branch protection")
    return value


def read(target: Target, secret: str, branches: list[str], settings: HttpSettings | None = None,
         clock: Callable[[], str] | None = None) -> Snapshot:
    """Read every branch from the forge into a ``Snapshot`` (the only network access)."""
    from gates.forge import gitea, github

    module = github if target.provider == "github" else gitea
    client = HttpClient(target.api_url, module.headers(secret), settings)
    states: list[BranchState] = [module.read_branch(client, target.repo, b) for b in branches]
    taken = clock() if clock else _now()
    return Snapshot(target.provider, target.api_url, target.repo, tuple(states), taken)


def _now() -> str:
    import datetime

    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
