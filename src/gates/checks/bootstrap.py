"""The secrets-bootstrap checklist, one rule per item, for every app of the repo.

Every app documents its secrets in its README, syncs them with an ExternalSecret, reads them
through ``secretKeyRef`` from a Secret that ExternalSecret produces, validates its required env
at startup, and, if it is Direct-Vault, justifies that and syncs its AppRole credentials with
a separate ExternalSecret. A missing item is reported once per app, at the file where the fix
goes (the README section, else the deploy folder), naming the app, the item and the fix.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from fnmatch import fnmatchcase
from typing import Iterator

from gates.apps import DIRECT_VAULT, App, DeployObjects, deploy_objects, discover
from gates.checks.dotenv import is_dotenv
from gates.checks.env_schemas import SUGGESTIONS, found_validator, language
from gates.checks.vault import exclude_spec
from gates.context import CheckContext
from gates.errors import GatesError
from gates.eso import ExternalSecret, SecretUse
from gates.fixers.bootstrap import external_secret, house_style, readme_section
from gates.fixers.secret_ref import for_use
from gates.model import Fix, Hit
from gates.parse.markdown import SecretsSection
from gates.parse.templated import is_templated
from gates.repo import RepoView

SECTION = '"Secrets architecture"'
_DOTENV_TEMPLATES = ["example", "sample", "template", "dist"]


def _apps(view: RepoView, ctx: CheckContext) -> Iterator[App]:
    """Apps the checklist applies to: deployed from this repo, with files in this run."""
    return (app for app in discover(view, ctx.config, implicit=False) if app.files)


def _at(anchor: tuple[str, int] | None, message: str, evidence: str, fix: str,
        fixes: tuple[Fix, ...] = ()) -> Iterator[Hit]:
    if anchor is not None:
        yield Hit(anchor[1], 1, message, evidence=evidence, path=anchor[0], fix=fix, fixes=fixes)


def _deploy_dir(app: App) -> str:
    """Where new manifests go: the app's existing deploy folder, else ``<app>/deploy``."""
    prefix = f"{app.path}/" if app.path else ""
    if app.deploy_files:
        return prefix + app.deploy_files[0][len(prefix):].split("/", 1)[0]
    return prefix + "deploy"


def _readme_name(app: App) -> str:
    return app.readme or (f"{app.path}/README.md" if app.path else "README.md")


# -- bootstrap-readme -------------------------------------------------------------------------

def bootstrap_readme(view: RepoView, ctx: CheckContext) -> Iterator[Hit]:
    """The README's "Secrets architecture" section: paths, keys with purpose, mode."""
    for app in _apps(view, ctx):
        fix = (f"Add a {SECTION} section to {_readme_name(app)} naming the Vault path(s), each "
               "required key with its purpose (a table or list), and the mode: ESO bridge or "
               "Direct-Vault")
        if app.readme is None:
            yield from _at(app.anchor(), f"app {app.label} has no README, so no {SECTION} "
                           "section documents its secrets", f"{app.path}:no-readme", fix,
                           (readme_section(app, deploy_objects(view, app), None),))
        elif app.section is None:
            yield from _at(app.anchor(), f"app {app.label}: {app.readme} has no {SECTION} "
                           "section", f"{app.path}:no-section", fix,
                           (readme_section(app, deploy_objects(view, app),
                                           view.document(app.readme)),))
        else:
            missing = _section_gaps(app.section)
            if missing:
                yield from _at(app.anchor(), f"app {app.label}: the {SECTION} section of "
                               f"{app.readme} lacks {'; '.join(missing)}",
                               f"{app.path}:incomplete", fix)


def _section_gaps(section: SecretsSection) -> list[str]:
    gaps = []
    if not section.paths:
        gaps.append("the Vault path(s) (secret/…, database/creds/…)")
    if not section.keys:
        gaps.append("the required keys and their purpose")
    elif not section.keys_with_purpose:
        names = ", ".join(k.name for k in section.keys[:5])
        gaps.append(f"the purpose of its keys ({names})")
    if section.mode is None:
        gaps.append("the mode (ESO bridge or Direct-Vault)")
    return gaps


# -- bootstrap-external-secret ----------------------------------------------------------------

def bootstrap_external_secret(view: RepoView, ctx: CheckContext) -> Iterator[Hit]:
    """No ExternalSecret manifest in the app's deploy/ or k8s/."""
    apps = list(_apps(view, ctx))
    for app in apps:
        if app.mode == DIRECT_VAULT and "bootstrap-direct-vault" in ctx.enabled:
            continue  # its one ExternalSecret is the AppRole one: bootstrap-direct-vault's item
        objects = deploy_objects(view, app)
        if objects.external_secrets or objects.unknown_producers:
            continue
        where = f"{_deploy_dir(app)}/" if app.deploy_files else "a deploy/ or k8s/ folder"
        yield from _at(app.anchor(prefer_deploy=True),
                       f"app {app.label} has no ExternalSecret manifest in {where}: nothing "
                       f"syncs its secrets from Vault{_unread(objects)}",
                       f"{app.path}:no-external-secret",
                       f"Add {_deploy_dir(app)}/externalsecret.yaml: an ExternalSecret whose "
                       "spec.data maps each required key to its Vault path and whose "
                       "spec.target.name is the Secret the workload reads",
                       _scaffold(view, app, objects, apps))


def _scaffold(view: RepoView, app: App, objects: DeployObjects,
              apps: list[App]) -> tuple[Fix, ...]:
    """The new-ExternalSecret fix, in the style of the ExternalSecrets of the run's apps."""
    style = view.derived(("bootstrap", "house-style"),
                         lambda: house_style(deploy_objects(view, other) for other in apps))
    fix = external_secret(view, app, objects, _deploy_dir(app), style)
    return (fix,) if fix is not None else ()


def _unread(objects: DeployObjects) -> str:
    if not objects.unreadable:
        return ""
    return f" ({len(objects.unreadable)} template file(s) there could not be read)"


# -- bootstrap-secret-ref ---------------------------------------------------------------------

def bootstrap_secret_ref(view: RepoView, ctx: CheckContext) -> Iterator[Hit]:
    """Secrets a workload takes must come from a Secret an ExternalSecret of the app produces."""
    value = ctx.options["allowed_secrets"]
    allowed = [value] if isinstance(value, str) else [str(p) for p in value or ()]
    for app in _apps(view, ctx):
        objects = deploy_objects(view, app)
        for use in objects.uses:
            hit = _use_problem(app, objects, use, allowed, ctx)
            if hit is not None:
                yield replace(hit, fixes=for_use(view, app.path, objects, use))


def _use_problem(app: App, objects: DeployObjects, use: SecretUse, allowed: list[str],
                 ctx: CheckContext) -> Hit | None:
    who = f"app {app.label}: " + (f"compose service {use.container}" if use.kind == "env-file"
                                  else f"{use.workload} container {use.container}")
    evidence = f"{app.path}:{use.kind}:{use.workload}:{use.container}:{use.variable}:{use.secret}"
    if use.kind == "literal":
        if "secret-literal" in ctx.enabled:
            return None  # reported by secret-literal, with the value redacted; one finding a line
        return _hit(use, f"{who} sets the secret {use.variable} with a literal value: instead "
                    "of valueFrom.secretKeyRef", evidence,
                    "Put the value in Vault, sync it with an ExternalSecret and read it with "
                    "valueFrom.secretKeyRef (then rotate it: it was committed)")
    if use.kind == "env-file":
        return _env_file_problem(use, who, evidence, ctx)
    name = use.secret
    if name is None or is_templated(name) or any(fnmatchcase(name, p) for p in allowed):
        return None
    producers = objects.producers(name)
    if not producers:
        if objects.unknown_producers:
            return None
        what = f"reads {use.variable} from" if use.kind == "key-ref" else "loads env from"
        return _hit(use, f"{who} {what} Secret {name}, but no ExternalSecret of the app "
                    f"produces {name}", evidence,
                    f"Sync {name} with an ExternalSecret in {_deploy_dir(app)}/ (spec.target.name:"
                    f" {name}), or point the reference at a Secret an ExternalSecret produces")
    key = use.key
    if use.kind != "key-ref" or key is None or is_templated(key) or \
            any(es.produces(key) for es in producers):
        return None
    return _hit(use, f"{who} reads key {key} of Secret {name}, but {_es_names(producers)} "
                "does not produce that key", evidence + f":{key}",
                f"Add a spec.data entry with secretKey: {key} (and its Vault remoteRef) to "
                f"{_es_names(producers)}, or read a key it produces")


def _env_file_problem(use: SecretUse, who: str, evidence: str, ctx: CheckContext) -> Hit | None:
    if use.secret is None or not is_dotenv(use.secret, _DOTENV_TEMPLATES):
        return None
    if "dotenv-in-deploy-path" in ctx.enabled and ctx.in_deploy_path(use.path):
        return None  # reported as dotenv-in-deploy-path
    return _hit(use, f"{who} loads secrets from {use.secret} with env_file:", evidence,
                "Deliver secrets through an ExternalSecret and secretKeyRef, not a .env file")


def _es_names(producers: list[ExternalSecret]) -> str:
    return ", ".join(f"ExternalSecret {es.name} ({es.path})" for es in producers)


def _hit(use: SecretUse, message: str, evidence: str, fix: str) -> Hit:
    return Hit(use.line, use.col, message, evidence=evidence, path=use.path, fix=fix)


# -- bootstrap-schema -------------------------------------------------------------------------

def bootstrap_schema(view: RepoView, ctx: CheckContext) -> Iterator[Hit]:
    """No startup validation of required env in the app's source."""
    excluded = exclude_spec(ctx)
    extra = _extra_patterns(ctx.options["extra_patterns"])
    for app in _apps(view, ctx):
        languages: Counter[str] = Counter()
        found = False
        deploy = set(app.deploy_files)
        for path in app.files:
            lang = language(path, view.kind(path))
            if lang is None or path in deploy or excluded.match_file(path):
                continue
            if view.kind(path) is None or ("env-schema" not in view.fact_names
                                           and view.document(path) is None):
                continue  # binary or oversized (a staged run's view knows kinds by name only)
            languages[lang] += 1
            if view.fact(path, "env-schema") or (extra and _extra_found(view, path, extra)):
                found = True
                break
        if found or not languages:
            continue  # no source here (a vendor image) or validated
        main = languages.most_common(1)[0][0]
        yield from _at(app.anchor(), f"app {app.label} has no startup validation of its required "
                       "env: no schema (zod, envalid, pydantic-settings, envconfig, "
                       "@ConfigurationProperties + @Validated, …) found in its source",
                       f"{app.path}:no-schema",
                       f"Validate required env once at startup with {SUGGESTIONS[main]}, so a "
                       "missing secret fails the rollout instead of the first request")


def _extra_found(view: RepoView, path: str, extra: list[re.Pattern[str]]) -> bool:
    doc = view.document(path)
    return doc is not None and found_validator(doc, extra) is not None


def _extra_patterns(patterns: object) -> list[re.Pattern[str]]:
    compiled = []
    for pattern in patterns if isinstance(patterns, list) else []:
        try:
            compiled.append(re.compile(str(pattern), re.M))
        except re.error as exc:
            raise GatesError(f"rule bootstrap-schema: option extra_patterns: {pattern!r} is not "
                             f"a valid regex ({exc})", "fix the pattern in .gates.yml") from None
    return compiled


# -- bootstrap-direct-vault -------------------------------------------------------------------

def bootstrap_direct_vault(view: RepoView, ctx: CheckContext) -> Iterator[Hit]:
    """Direct-Vault needs a README justification and an AppRole ExternalSecret."""
    for app in _apps(view, ctx):
        if app.mode != DIRECT_VAULT:
            continue
        if not app.justified:
            yield from _at(app.anchor(), f"app {app.label} is Direct-Vault ({_declared(app)}) "
                           f"but its README gives no justification for reading Vault directly",
                           f"{app.path}:no-justification",
                           f"Under {SECTION} in {_readme_name(app)}, add a `Justification:` "
                           "paragraph naming the dynamic-secrets need (e.g. per-request database "
                           "credentials with leases), or move the app to ESO")
        objects = deploy_objects(view, app)
        if not any(_syncs_approle(es) for es in objects.external_secrets) \
                and not objects.unknown_producers:
            yield from _at(app.anchor(prefer_deploy=True),
                           f"app {app.label} is Direct-Vault but no ExternalSecret of the app "
                           "syncs its AppRole credentials (VAULT_ROLE_ID, VAULT_SECRET_ID)"
                           f"{_unread(objects)}", f"{app.path}:no-approle-external-secret",
                           f"Add a separate ExternalSecret ({_deploy_dir(app)}/vault-approle."
                           "externalsecret.yaml) producing VAULT_ROLE_ID and VAULT_SECRET_ID, "
                           "and read them with secretKeyRef")


def _declared(app: App) -> str:
    return "declared in .gates.yml" if app.mode_source == "config" else "per its README"


def _syncs_approle(es: ExternalSecret) -> bool:
    keys = {re.sub(r"[^A-Z0-9]+", "_", k.upper()) for k in es.keys}
    if any(k.endswith("ROLE_ID") for k in keys) and any(k.endswith("SECRET_ID") for k in keys):
        return True
    return es.any_key and "approle" in f"{es.name} {es.target}".lower()
