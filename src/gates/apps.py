"""The apps of a repo and how each gets its secrets: the model the ESO / Vault rules share.

An app is a folder that holds a ``deploy/`` or ``k8s/`` folder with Kubernetes manifests in it
(the repo root included), or one declared under ``apps:`` in .gates.yml. Its secrets mode is the declared one, else what its
README's "Secrets architecture" section says, else ESO (the default architecture). Every file
belongs to the deepest app that contains it. Code outside every app belongs to an *implicit*
root app: the Vault-client rule still applies there (ESO is the default for all code), but the
bootstrap checklist does not, because nothing there is deployed from this repo.

Built from the ``RepoView`` inside each check call (no module-level cache); reading it costs one
pass over the paths plus each app's README and deploy manifests.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterator

from gates.config import Config
from gates.eso import (
    ExternalSecret,
    SecretUse,
    compose_env_files,
    external_secrets,
    mentions_external_secret,
    secret_uses,
)
from gates.parse.markdown import SecretsSection, secrets_section
from gates.parse.templated import load, without_actions
from gates.repo import RepoView

MARKERS = ("deploy", "k8s")
README_NAMES = ("readme.md", "readme.markdown", "readme")
# Folders whose deploy/ or k8s/ is test data, samples or cluster-wide infrastructure rather than
# an app's own deployment (declare one under apps: to include it).
NOT_APP_PARTS = frozenset({"test", "tests", "testdata", "fixtures", "__tests__", "examples",
                           "docs", "infra", "charts", "helm", "node_modules", "vendor"})
MANIFEST_KINDS = ("k8s", "helm-template", "yaml", "compose")
K8S_KINDS = ("k8s", "helm-template")
K8S_NAMES = ("chart.yaml", "kustomization.yaml", "kustomization.yml")
ESO, DIRECT_VAULT = "eso", "direct-vault"


@dataclass(frozen=True)
class App:
    """One app. ``path`` is root-relative ("" for the root); ``files`` are the paths it owns."""

    path: str
    mode: str  # "eso" | "direct-vault"
    mode_source: str  # "config" | "readme" | "default"
    implicit: bool
    readme: str | None
    section: SecretsSection | None
    files: tuple[str, ...]
    deploy_files: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.path or "(repo root)"

    @property
    def justified(self) -> bool:
        """Direct-Vault with a README justification: the only case a Vault client is allowed."""
        return self.mode == DIRECT_VAULT and self.section is not None \
            and self.section.justification is not None

    def readme_anchor(self) -> tuple[str, int] | None:
        """The README, at the section heading when there is one."""
        if self.readme is None:
            return None
        return self.readme, self.section.line if self.section else 1

    def deploy_anchor(self) -> tuple[str, int] | None:
        return (self.deploy_files[0], 1) if self.deploy_files else None

    def anchor(self, prefer_deploy: bool = False) -> tuple[str, int] | None:
        """Where a finding about a missing item goes: README or deploy folder, else any file."""
        order = (self.deploy_anchor(), self.readme_anchor()) if prefer_deploy else \
            (self.readme_anchor(), self.deploy_anchor())
        for choice in order:
            if choice is not None:
                return choice
        return (self.files[0], 1) if self.files else None


@dataclass(frozen=True)
class DeployObjects:
    """What an app's deploy folders hold, as far as it could be read.

    ``unreadable`` lists files with a document that could not be read even with template
    actions neutralised; ``unknown_producers`` is true when such a file looks like it holds an
    ExternalSecret, so "no ExternalSecret produces X" cannot be concluded.
    """

    external_secrets: tuple[ExternalSecret, ...]
    uses: tuple[SecretUse, ...]
    unreadable: tuple[str, ...]
    unknown_producers: bool

    def producers(self, secret: str) -> list[ExternalSecret]:
        return [es for es in self.external_secrets if es.target == secret]


def discover(view: RepoView, config: Config) -> list[App]:
    """Every app of the run, sorted by path; each scanned file is owned by exactly one."""
    declared = {_norm(d.path): d.secrets for d in config.apps}
    found = {folder for folder in (_app_folder(view, p) for p in view.paths())
             if folder is not None}
    roots = sorted(found | set(declared))
    owned: dict[str, list[str]] = {root: [] for root in roots}
    implicit = "" not in owned
    if implicit:
        owned[""] = []
    root_set = frozenset(owned)
    for path in view.paths():
        owned[_owner(path, root_set)].append(path)
    return [_app(view, root, files, declared.get(root), implicit and root == "")
            for root, files in sorted(owned.items())]


def _app_folder(view: RepoView, path: str) -> str | None:
    """The app a Kubernetes manifest under ``<app>/deploy/`` or ``<app>/k8s/`` makes, if any.

    ESO is a Kubernetes operator: a deploy folder with only compose files or scripts is not
    deployed through it, so it does not make an app (declare one to include it).
    """
    name = PurePosixPath(path).name.lower()
    if view.kind(path) not in K8S_KINDS and name not in K8S_NAMES:
        return None
    parts = PurePosixPath(path).parts[:-1]
    marker = next((i for i, part in enumerate(parts) if part in MARKERS), None)
    if marker is None or NOT_APP_PARTS.intersection(parts[:marker]):
        return None
    return "/".join(parts[:marker])


def _norm(path: str) -> str:
    return "" if path in (".", "./") else path.strip("/").removeprefix("./")


def _owner(path: str, root_set: frozenset[str]) -> str:
    """The deepest app folder above ``path`` ("" is always one)."""
    parent = PurePosixPath(path).parent
    for folder in (parent, *parent.parents):
        key = "" if str(folder) == "." else folder.as_posix()
        if key in root_set:
            return key
    return ""


def _app(view: RepoView, root: str, files: list[str], declared: str | None,
         implicit: bool) -> App:
    prefix = f"{root}/" if root else ""
    readme = next((p for p in files if PurePosixPath(p).parent.as_posix() == (root or ".")
                   and PurePosixPath(p).name.lower() in README_NAMES), None)
    document = view.document(readme) if readme else None
    section = secrets_section(document.text) if document is not None else None
    if declared:
        mode, source = declared, "config"
    elif section is not None and section.mode:
        mode, source = section.mode, "readme"
    else:
        mode, source = ESO, "default"
    deploy = tuple(p for p in files if not implicit and
                   p[len(prefix):].split("/", 1)[0] in MARKERS and "/" in p[len(prefix):])
    return App(root, mode, source, implicit, readme, section, tuple(files), deploy)


def deploy_objects(view: RepoView, app: App) -> DeployObjects:
    """ExternalSecrets and secret uses in the app's deploy folders."""
    secrets: list[ExternalSecret] = []
    uses: list[SecretUse] = []
    unreadable: list[str] = []
    unknown = False
    for path in app.deploy_files:
        if view.kind(path) not in MANIFEST_KINDS:
            continue
        document = view.document(path)
        if document is None:
            continue
        loaded = load(document.text)
        if loaded.unreadable:
            unreadable.append(path)
            unknown = unknown or mentions_external_secret(without_actions(document.text))
        for obj in loaded.documents:
            secrets.extend(external_secrets(obj, path))
            uses.extend(_uses(obj, path, view.kind(path) == "compose"))
    return DeployObjects(tuple(secrets), tuple(uses), tuple(unreadable), unknown)


def _uses(obj: object, path: str, compose: bool) -> Iterator[SecretUse]:
    return compose_env_files(obj, path) if compose else secret_uses(obj, path)
