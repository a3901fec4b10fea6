"""``forbidden-path`` and ``forbidden-env-key``: files and keys a repo must never commit.

Both are presets on top of user rules: the rule ships defaults (private keys, Terraform state,
kubeconfigs; registry tokens in ``.npmrc``), the config adds the repo's own entries
(``forbidden_paths``, ``forbidden_env_keys``), each with the reason every finding carries.
``forbidden-path`` is a ``kind: path`` rule, so it decides on the path before the file is read:
a binary keystore or a 50 MB ``terraform.tfstate`` is caught even though it is never decoded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any, Iterator

from gates.config import KeyBan, PathBan
from gates.context import CheckContext
from gates.documents import Document
from gates.errors import GatesError
from gates.ignore import spec
from gates.model import Hit

# The reason for each glob that rules/forbidden-path.yaml ships in ``paths:`` (a test keeps the
# two in step). A repo switches one off with ``options: {disable: ["*.pem"]}``, all of them with
# ``options: {defaults: false}``.
_PRIVATE_KEY = "a private key or keystore: whoever can read the repo can act as its owner"
_SSH_KEY = "an SSH private key: whoever can read the repo can log in as its owner"
_TFSTATE = "Terraform state stores every resource attribute, secrets included, in plain text"
_KUBECONFIG = "a kubeconfig carries cluster credentials (tokens, client keys)"
SHIPPED_PATH_REASONS: dict[str, str] = {
    "*.pem": "PEM files hold private keys (or certificates bundled with them)",
    "*.key": _PRIVATE_KEY, "*.p12": _PRIVATE_KEY, "*.pfx": _PRIVATE_KEY, "*.jks": _PRIVATE_KEY,
    "*.keystore": _PRIVATE_KEY, "*.ppk": _PRIVATE_KEY,
    "id_rsa": _SSH_KEY, "id_dsa": _SSH_KEY, "id_ecdsa": _SSH_KEY, "id_ed25519": _SSH_KEY,
    "id_ecdsa_sk": _SSH_KEY, "id_ed25519_sk": _SSH_KEY,
    "*.tfstate": _TFSTATE, "*.tfstate.backup": _TFSTATE,
    "kubeconfig": _KUBECONFIG, "*.kubeconfig": _KUBECONFIG, "kubeconfig.yaml": _KUBECONFIG,
    "kubeconfig.yml": _KUBECONFIG, "**/.kube/config": _KUBECONFIG,
}

# Registry credentials written out in client config files. ``${VAR}`` references are the
# documented safe form (npm, pip and Docker read them from the environment), so only literals
# count. Switched off like path defaults: ``options: {defaults: false}`` or ``disable: [name]``.
SHIPPED_KEY_BANS: dict[str, KeyBan] = {
    "npmrc-token": KeyBan(
        "*_authToken", "a registry token in .npmrc publishes as whoever owns it; write "
        "_authToken=${NPM_TOKEN} and set the variable in CI", files=(".npmrc",),
        only_literal=True),
    "npmrc-password": KeyBan(
        "*_password", "a registry password in .npmrc (base64 is not encryption); reference "
        "an environment variable instead", files=(".npmrc",), only_literal=True),
    "npmrc-auth": KeyBan(
        "*_auth", "basic-auth credentials in .npmrc (base64 is not encryption); reference an "
        "environment variable instead", files=(".npmrc",), only_literal=True),
    "pypirc-password": KeyBan(
        "password", "a package index password in .pypirc; use TWINE_PASSWORD or trusted "
        "publishing", files=(".pypirc",), only_literal=True),
    "docker-config-auth": KeyBan(
        "auth", "a registry login in a Docker config.json (base64 of user:password); use a "
        "credential helper", files=("**/.docker/config.json", ".dockercfg"), only_literal=True),
}


@dataclass(frozen=True)
class _PathMatcher:
    """One compiled glob with the reason its findings carry."""

    glob: str
    reason: str
    matcher: Any  # a pathspec


@lru_cache(maxsize=16)
def _path_matchers(bans: tuple[PathBan, ...]) -> tuple[_PathMatcher, ...]:
    """Compiled once per distinct ban list (the check is called once per file)."""
    return tuple(_PathMatcher(b.glob, b.reason, spec([b.glob])) for b in bans)


_BANS: dict[int, tuple[CheckContext, tuple[PathBan, ...]]] = {}


def _bans_of(ctx: CheckContext) -> tuple[PathBan, ...]:
    """``path_bans(ctx)``, worked out once per run's context (the check runs on every file)."""
    kept = _BANS.get(id(ctx))
    if kept is None or kept[0] is not ctx:
        _BANS.clear()  # one context per run: never grows
        kept = _BANS[id(ctx)] = (ctx, path_bans(ctx))
    return kept[1]


def path_bans(ctx: CheckContext) -> tuple[PathBan, ...]:
    """The repo's own bans first (their reasons win), then the enabled shipped globs."""
    shipped: tuple[PathBan, ...] = ()
    if ctx.options.get("defaults", True):
        off = _disabled(ctx, ctx.rule.paths)
        shipped = tuple(PathBan(g, SHIPPED_PATH_REASONS.get(g, ctx.rule.message or ctx.rule.title))
                        for g in ctx.rule.paths if g not in off)
    return ctx.config.forbidden_paths + shipped


def forbidden_path(path: str, ctx: CheckContext) -> Iterator[Hit]:
    """A committed file whose path matches a forbidden glob; one finding, the first match."""
    bans = _bans_of(ctx)
    globs = [b.glob for b in bans]
    if not any(g.startswith("!") for g in globs) and not spec(globs).match_file(path):
        return  # the common case, in one regex match (``ignore.FastSpec``); a "!" glob is
        # one ban's exception, not the whole list's: those lists take the slow road
    for ban in _path_matchers(bans):
        if ban.matcher.match_file(path):
            yield Hit(1, 1, f"this file matches `{ban.glob}`, which must never be committed: "
                      f"{ban.reason}",
                      evidence=f"glob:{ban.glob}",
                      fix=f"Remove it from git (`git rm --cached {path}`), add `{ban.glob}` to "
                      ".gitignore, and rotate any credential it held (it stays in history)")
            return


def key_bans(ctx: CheckContext) -> tuple[KeyBan, ...]:
    """The repo's own key bans, then the enabled shipped ones."""
    shipped: tuple[KeyBan, ...] = ()
    if ctx.options.get("defaults", True):
        off = _disabled(ctx, tuple(SHIPPED_KEY_BANS))
        shipped = tuple(ban for name, ban in SHIPPED_KEY_BANS.items() if name not in off)
    return ctx.config.forbidden_env_keys + shipped


def _disabled(ctx: CheckContext, shipped: tuple[str, ...]) -> set[str]:
    """``options.disable``; a name that is not shipped is a typo, not a silent no-op."""
    off = set(ctx.options.get("disable", ()))
    unknown = sorted(off - set(shipped))
    if unknown:
        raise GatesError(f"rule {ctx.rule.id}: options.disable names {', '.join(unknown)}, "
                         "which it does not ship", f"shipped: {', '.join(shipped)}")
    return off


@lru_cache(maxsize=16)
def _file_matchers(bans: tuple[KeyBan, ...]) -> tuple[Any, ...]:
    return tuple(spec(list(b.files)) if b.files else None for b in bans)


def _applies(ban: KeyBan, files: Any, doc: Document) -> bool:
    if files is not None and files.match_file(doc.path):
        return True
    if doc.kind in ban.kinds:
        return True
    return files is None and not ban.kinds and doc.kind == "env-file"


# ``KEY=value`` (env files, .npmrc, .properties, ``export KEY=``, compose ``- KEY=value``) and
# ``KEY: value`` (YAML, JSON, INI). The key may be quoted; ``//host/:_authToken`` is one key.
_ASSIGN = re.compile(r"""^\s*(?:-\s+)?(?:export\s+)?(?P<q>["']?)(?P<key>[^\s=:"'#;]"""
                     r"""(?:[^\s="'#;]|:(?=[^\s=]*=))*)(?P=q)\s*(?P<sep>[=:])(?P<value>.*)$""")
_REFERENCE = re.compile(r"""^(?:\$\{[^}]+\}|\$\w+|\{\{.*\}\}|<[^>]*>)$""")


def forbidden_env_key(doc: Document, ctx: CheckContext) -> Iterator[Hit]:
    """A banned key set in a file (or kind) it is banned from."""
    bans = key_bans(ctx)
    active = [b for b, files in zip(bans, _file_matchers(bans)) if _applies(b, files, doc)]
    if not active:
        return
    for number, line in enumerate(doc.lines, start=1):
        found = _ASSIGN.match(line)
        if not found:
            continue
        key = found.group("key")
        for ban in active:
            if fnmatchcase(key, ban.key) and _counts(ban, found.group("value")):
                yield Hit(number, found.start("key") + 1,
                          f"{key} must not be set in {PurePosixPath(doc.path).name}: {ban.reason}",
                          evidence=f"key:{key}",
                          fix=f"Remove {key} from {doc.path}, deliver it from a secret store at "
                          "run time, and rotate the value it held")
                break


def _counts(ban: KeyBan, raw: str) -> bool:
    """False for an ``only_literal`` ban whose value is empty or a reference."""
    if not ban.only_literal:
        return True
    value = _strip_value(raw)
    return bool(value) and not _REFERENCE.match(value)


def _strip_value(raw: str) -> str:
    """The value without a trailing comment, surrounding whitespace, quotes or a JSON comma."""
    value = raw.strip()
    if value[:1] not in ("'", '"'):
        value = re.split(r"\s+[#;]", value, maxsplit=1)[0]
    value = value.rstrip(",").strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in ("'", '"'):
        value = value[1:-1]
    return value.strip()
