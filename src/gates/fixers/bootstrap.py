"""``bootstrap-external-secret`` and ``bootstrap-readme``: scaffold what an app is missing.

Both start from what the app's manifests already say: the keys its workloads read (secret
references and secret-named literal ``value:``s) and the Secret they name, and the Vault path its
README gives. The ExternalSecret is a new file generated with ruamel.yaml (valid YAML, quoting
handled) in the app's existing deploy folder; the README section is appended to the README (or
starts a new one). Both are unsafe: a human must confirm the Vault path, the store and each
key's purpose, and the TODOs say where. The Vault path the two write is the same, so a README
and a manifest written in one run agree.
"""

from __future__ import annotations

import io
from pathlib import PurePosixPath
from typing import Any, Iterable

from gates.apps import DIRECT_VAULT, App, DeployObjects
from gates.documents import Document
from gates.fixers.secret_ref import target_name
from gates.fixers.text import append
from gates.model import UNSAFE, Edit, Fix
from gates.parse.templated import is_templated
from gates.repo import RepoView

DEFAULT_API = "external-secrets.io/v1"
SCAFFOLD_NAME = "externalsecret.yaml"  # the name the rule's fix hint and docs use


def required_keys(objects: DeployObjects, target: str) -> list[str]:
    """Keys the workloads read from ``target`` and secret-named literals, in first-seen order."""
    keys: dict[str, None] = {}
    for use in objects.uses:
        if use.kind == "key-ref" and use.secret == target and use.key and \
                not is_templated(use.key):
            keys.setdefault(use.key)
        elif use.kind == "literal" and use.variable:
            keys.setdefault(use.variable)
    return list(keys)


def vault_path(app: App) -> tuple[str, bool]:
    """(the app's Vault path, whether the README gives it): its README's first, else a guess."""
    if app.section is not None and app.section.paths:
        return app.section.paths[0].path.rstrip("/"), True
    return f"secret/data/{PurePosixPath(app.path).name or 'app'}", False


def remote_key(path: str) -> str:
    """The ``remoteRef.key`` ESO's Vault provider takes for a KV v2 path: no mount, no ``data/``."""
    mount, _, rest = path.partition("/")
    if rest.startswith("data/"):
        return rest[len("data/"):]
    return rest or mount


def external_secret(view: RepoView, app: App, objects: DeployObjects, folder: str,
                    style: tuple[str, dict[str, str]]) -> Fix | None:
    """A new ``<folder>/externalsecret.yaml`` producing the Secret the app's workloads read."""
    path = f"{folder}/{SCAFFOLD_NAME}"
    if path in view.files:
        return None
    target = target_name(app.path, objects.uses)
    api, store = style
    vault, known = vault_path(app)
    text = _render_external_secret(api, store, target, required_keys(objects, target),
                                   remote_key(vault), known, app.label)
    return Fix(f"Create {path}: an ExternalSecret producing Secret {target}", UNSAFE,
               (Edit(0, 0, text),), path)


def house_style(apps_objects: Iterable[DeployObjects]) -> tuple[str, dict[str, str]]:
    """apiVersion and ``secretStoreRef`` of the first ExternalSecret (by path) of these apps that
    names its store, else defaults.

    The apps are those the run evaluates: every app on a full run, the apps a change touches on
    a staged or diff run. Looking further (every manifest of the repo) made a one-file diff in a
    50,000-file repo read 10,000 manifests for a scaffold's store name; the scaffold is an unsafe
    fix whose comment asks a human to check the store either way.
    """
    styles = sorted((es.path, es.line, es.style) for objects in apps_objects
                    for es in objects.external_secrets if es.style is not None)
    for _, _, (api, name, kind) in styles[:1]:
        return api or DEFAULT_API, {"name": name, "kind": kind}
    return DEFAULT_API, {"name": "vault", "kind": "ClusterSecretStore"}


def _render_external_secret(api: str, store: dict[str, str], target: str, keys: list[str],
                            remote: str, known: bool, label: str) -> str:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def mapping(**items: Any) -> CommentedMap:
        node = CommentedMap()
        node.update(items)
        return node

    data = CommentedSeq()
    for key in keys:
        ref = mapping(key=remote, property=key.lower())
        if not known:
            ref.yaml_add_eol_comment("TODO: the Vault path (no README names one)", "key")
        data.append(mapping(secretKey=key, remoteRef=ref))
    spec = mapping(refreshInterval="1h", secretStoreRef=mapping(**store),
                   target=mapping(name=target), data=data)
    if not keys:
        spec.yaml_add_eol_comment("TODO: one entry per key the app reads", "data")
    doc = mapping(apiVersion=api, kind="ExternalSecret", metadata=mapping(name=target), spec=spec)
    yaml = YAML(typ="rt", pure=True)
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(doc, out)
    return (f"# Scaffolded by `gates fix` for app {label}: syncs the keys its manifests read from\n"
            "# Vault. Check the store, the Vault path and each property before you apply it.\n"
            + out.getvalue())


def readme_section(app: App, objects: DeployObjects, readme: Document | None) -> Fix:
    """Append a "Secrets architecture" skeleton (or write a README holding one)."""
    path = app.readme or (f"{app.path}/README.md" if app.path else "README.md")
    target = target_name(app.path, objects.uses)
    keys = required_keys(objects, target)
    vault, known = vault_path(app)
    block = _render_section(app, keys, vault, known, target)
    if readme is None:
        text = f"# {PurePosixPath(app.path).name or 'app'}\n\n" + block
        return Fix(f"Create {path} with a Secrets architecture section", UNSAFE,
                   (Edit(0, 0, text),), path)
    at, insertion = append(readme.text, "\n" + block)
    return Fix(f"Append a Secrets architecture section to {path}", UNSAFE,
               (Edit(at, at, insertion),), path)


def _render_section(app: App, keys: list[str], vault: str, known: bool, target: str) -> str:
    confirm = "" if known else " (TODO: confirm the path)"
    if app.mode == DIRECT_VAULT:
        mode = (f"Mode: Direct-Vault. The app reads `{vault}`{confirm} from Vault itself, with "
                "AppRole credentials synced by a separate ExternalSecret.\n\n"
                "Justification: TODO (the dynamic-secrets need that rules out ESO)\n")
    else:
        mode = (f"Mode: ESO bridge. External Secrets Operator syncs `{vault}`{confirm} from "
                f"Vault into the Secret `{target}`; the workloads read it through "
                "`secretKeyRef`.\n")
    rows = "".join(f"| `{key}` | TODO |\n" for key in keys) or \
        "| TODO | TODO: one row per required key |\n"
    return (f"## Secrets architecture\n\n{mode}\n| Key | Purpose |\n|---|---|\n{rows}")
