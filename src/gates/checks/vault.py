"""``direct-vault-client`` and ``vault-policy-kv2-path``: talking to Vault, and granting it.

Apps are ESO-default: External Secrets Operator syncs Vault into a k8s Secret and the app reads
env. A Vault client in app code is allowed only for a documented dynamic-secrets need
(Direct-Vault with a README justification). KV v2 policies are checked file by file: a glob
``secret/data/<p>/*`` does not grant ``secret/data/<p>`` itself, a classic silent denial.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any, Iterator

from gates.apps import DIRECT_VAULT, App, discover
from gates.checks.vault_clients import ClientUse, language
from gates.context import CheckContext
from gates.documents import Document
from gates.fixers.vault import stanza
from gates.ignore import spec
from gates.model import Hit
from gates.repo import RepoView

if TYPE_CHECKING:  # the HCL reader (~5 ms to import) only when a policy file is checked
    from gates.parse.hcl import PathRule, Policy

_KV2 = re.compile(r"^(?P<mount>[^/*+]+)/data/(?P<rest>[^*+].*)$")


def direct_vault_client(view: RepoView, ctx: CheckContext) -> Iterator[Hit]:
    """A Vault client in the source of an app that is not justified Direct-Vault."""
    excluded = exclude_spec(ctx)
    for app in discover(view, ctx.config):
        if app.justified:
            continue
        for path in app.files:
            if language(path, view.kind(path)) is None or excluded.match_file(path):
                continue
            uses = view.fact(path, "vault-client-uses") or ()
            yield from (_client_hit(app, path, use) for use in uses)


def exclude_spec(ctx: CheckContext) -> Any:
    """The rule's ``exclude_paths`` option as a gitignore-style matcher (a string is one glob)."""
    value = ctx.options["exclude_paths"]
    return spec([value] if isinstance(value, str) else [str(v) for v in value or ()])


def _client_hit(app: App, path: str, use: ClientUse) -> Hit:
    if app.mode == DIRECT_VAULT:
        message = (f"app {app.label} is Direct-Vault but its README gives no justification, "
                   f"so calling Vault directly ({use.client}) is not allowed")
        fix = (f"Explain the dynamic-secrets need under \"Secrets architecture\" in "
               f"{_readme(app)} (a `Justification:` paragraph), or move to ESO and read env")
    else:
        message = (f"app {app.label} gets its secrets through ESO ({_why_eso(app)}) but calls "
                   f"Vault directly ({use.client}): app code must not read Vault")
        fix = ("Read the value from the environment (ExternalSecret → Secret → secretKeyRef) "
               "and drop the client; if the app needs dynamic secrets, document Direct-Vault "
               f"with its justification under \"Secrets architecture\" in {_readme(app)}")
    return Hit(use.line, use.col, message, evidence=f"{app.path}:{use.client}", path=path,
               fix=fix)


def _why_eso(app: App) -> str:
    return {"config": "declared in .gates.yml", "readme": "per its README"}.get(
        app.mode_source, "the default: no Direct-Vault declaration")


def _readme(app: App) -> str:
    return app.readme or (f"{app.path}/README.md" if app.path else "README.md")


def vault_policy_kv2_path(doc: Document, ctx: CheckContext) -> Iterator[Hit]:
    """KV v2 grants on ``<mount>/data/<p>/*`` without ``<mount>/data/<p>``, and the reverse."""
    if "path" not in doc.text:
        return
    from gates.parse.hcl import policies, shell_policies

    if doc.kind == "shell":
        found = [p for text, line in shell_policies(doc.lines) for p in policies(text, line)]
    else:
        found = policies(doc.text)
    for policy in found:
        for hit, rule, missing in _kv2_gaps(policy, bool(ctx.options["exact_needs_glob"])):
            fix = stanza(doc, rule.line, missing, _granted(rule))
            yield dataclasses.replace(hit, fixes=(fix,)) if fix is not None else hit


def _kv2_gaps(policy: Policy, exact_needs_glob: bool) -> Iterator[tuple[Hit, PathRule, str]]:
    for rule in policy.rules:
        if not any(c != "deny" for c in rule.capabilities) or not _KV2.match(rule.path):
            continue
        if rule.path.endswith(("/*", "/+")):
            base = rule.path[:-2]
            if not any(_matches(other.path, base) for other in policy.rules):
                yield _gap(rule, base, "a KV v2 glob only matches paths below it, so the "
                           f"secret at `{base}` itself is denied"), rule, base
        elif exact_needs_glob and "*" not in rule.path and "+" not in rule.path:
            probe = rule.path + "/\x00"
            if not any(_matches(other.path, probe) for other in policy.rules):
                yield _gap(rule, rule.path + "/*", "the secrets nested below it are denied"), \
                    rule, rule.path + "/*"


def _granted(rule: PathRule) -> tuple[str, ...]:
    return tuple(c for c in rule.capabilities if c != "deny")


def _gap(rule: PathRule, missing: str, why: str) -> Hit:
    caps = ", ".join(f'"{c}"' for c in _granted(rule))
    return Hit(rule.line, rule.col, f"the policy grants `{rule.path}` but not `{missing}`: {why}",
               end_line=rule.line, end_col=rule.col + len(rule.path),
               evidence=f"{rule.path}->{missing}",
               fix=f'Add path "{missing}" {{ capabilities = [{caps}] }} next to it')


def _matches(pattern: str, path: str) -> bool:
    """Vault's policy path matching: ``+`` is one segment, a trailing ``*`` is any suffix."""
    return bool(_pattern(pattern).fullmatch(path))


def _pattern(pattern: str) -> re.Pattern[str]:
    glob = pattern.endswith("*")
    body = re.escape(pattern[:-1] if glob else pattern).replace(r"\+", "[^/]+")
    return re.compile(body + (".*" if glob else ""), re.S)
