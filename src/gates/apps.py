"""The apps of a repo and how each gets its secrets: the model the ESO / Vault rules share.

An app is a folder that holds a ``deploy/`` or ``k8s/`` folder with Kubernetes manifests in it
(the repo root included), or one declared under ``apps:`` in .gates.yml. Its secrets mode is the
declared one, else what its README's "Secrets architecture" section says, else ESO (the default
architecture). Every file belongs to the deepest app that contains it. Code outside every app
belongs to an *implicit* root app: the Vault-client rule still applies there (ESO is the default
for all code), but the bootstrap checklist does not, because nothing there is deployed from this
repo.

Built from the ``RepoView`` (no module-level cache), once per view for all the rules that ask
(``RepoView.derived``): on a full run one pass over the paths plus each app's README and deploy
manifests; on a staged or diff run only the apps the change may affect, so the cost follows the
change. A deploy manifest's YAML trees are built only when its text names a kind the ESO rules
read; each file's objects are read once per view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from gates.config import Config
from gates.documents import Document
from gates.eso import (
    ExternalSecret,
    SecretUse,
    compose_env_files,
    external_secrets,
    may_hold_objects,
    mentions_external_secret,
    secret_uses,
)
from gates.parse.markdown import SecretsSection, secrets_section
from gates.parse.templated import readable, without_actions
from gates.repo import RepoView

MARKERS = ("deploy", "k8s")
MARKER_SET = frozenset(MARKERS)
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


def discover(view: RepoView, config: Config, implicit: bool = True) -> list[App]:
    """Every app of the run, sorted by path; each scanned file is owned by exactly one.

    On a staged or diff run (``view.changed`` holds the changed paths) only the apps the change
    may affect: the app owning each changed path and, where a change may have made or unmade an
    app folder, the app above it, which loses or regains that folder's files. Their content is
    the same as on a full run; the others are not looked at, so the cost follows the change.
    ``implicit=False`` leaves out the implicit root app (nothing the bootstrap checklist applies
    to), which on a partial run spares listing the owner of every file outside the apps.
    Computed once per view, whichever rule asks first.
    """
    declared = {_norm(d.path): d.secrets for d in config.apps}
    layout = view.derived(("app-layout", tuple(sorted(declared.items()))),
                          lambda: _Layout(view, declared))
    return view.derived(("apps", layout.key, implicit), lambda: layout.apps(implicit))


class _Layout:
    """Which folders are apps and which files each owns, decided per folder on demand.

    A full run decides every folder in one pass over the paths; a partial run asks about the
    folders above the changed paths only, each by a look at the ``deploy/`` and ``k8s/`` paths
    right below it (the view's paths are sorted: a bisection finds them).
    """

    def __init__(self, view: RepoView, declared: dict[str, str | None]) -> None:
        self.view = view
        self.declared = declared
        self.key = tuple(sorted(declared.items()))
        self._is_root: dict[str, bool] = {}
        self._found: set[str] | None = None  # every discovered app folder, once listed
        self._owned: dict[str, list[str]] | None = None  # every path's owner, once listed

    def apps(self, implicit: bool) -> list[App]:
        if self.view.changed is None:
            roots = set(self._all_owned())
        else:
            roots = self._affected(self.view.changed)
        apps = []
        for root in sorted(roots):
            is_implicit = root == "" and not self.is_root("")
            if is_implicit and not implicit:
                continue
            apps.append(_app(self.view, root, self._files(root), self.declared.get(root),
                             is_implicit))
        return apps

    def is_root(self, folder: str) -> bool:
        """True when ``folder`` is an app: declared, or it has a manifest that makes it one."""
        if folder in self.declared:
            return True
        if self._found is not None:
            return folder in self._found
        if folder not in self._is_root:
            self._is_root[folder] = self._makes_app(folder, frozenset())
        return self._is_root[folder]

    def owner(self, path: str) -> str:
        """The deepest app folder strictly above ``path`` ("" is always one)."""
        folder = path
        while True:
            cut = folder.rfind("/")
            if cut < 0:
                return ""
            folder = folder[:cut]
            if self.is_root(folder):
                return folder

    def _makes_app(self, folder: str, ignoring: frozenset[str]) -> bool:
        """A Kubernetes manifest (not in ``ignoring``) under ``folder``/deploy/ or /k8s/ whose
        first marker folder is that one (see ``_candidate``)."""
        parts = folder.split("/") if folder else []
        if MARKER_SET.intersection(parts) or NOT_APP_PARTS.intersection(parts):
            return False
        prefix = f"{folder}/" if folder else ""
        return any(path not in ignoring and _is_manifest(self.view, path)
                   for marker in MARKERS for path in self.view.paths_under(f"{prefix}{marker}/"))

    def _affected(self, changed: frozenset[str]) -> set[str]:
        """The apps a change to ``changed`` may affect (see ``discover``)."""
        roots = set()
        for path in changed:
            roots.add(self.owner(path))
            made = _candidate(path)
            # The app folder this path may make: unless a manifest the change did not touch
            # makes it an app on both sides of the change, the app above may own its files on
            # one side and not on the other.
            if made is not None and made not in self.declared \
                    and not self._makes_app(made, changed):
                roots.add(self.owner(made))
        return roots

    def _files(self, root: str) -> list[str]:
        """The paths ``root`` owns, in order: below it and not in a deeper app."""
        if self._owned is not None or root == "":
            return self._all_owned().get(root, [])
        return [path for path in self.view.paths_under(f"{root}/") if self.owner(path) == root]

    def _all_owned(self) -> dict[str, list[str]]:
        """Every app (and the implicit root) with its paths: one pass over the whole view."""
        if self._owned is None:
            found: set[str] = set()
            for path in self.view.paths():
                made = _candidate(path)
                if made is not None and made not in found and _is_manifest(self.view, path):
                    found.add(made)
            self._found = found
            owned: dict[str, list[str]] = {root: [] for root in found | set(self.declared)}
            owned.setdefault("", [])
            for path in self.view.paths():
                owned[self.owner(path)].append(path)
            self._owned = owned
        return self._owned


def _candidate(path: str) -> str | None:
    """The app folder a manifest at ``path`` would make: the folder above its first ``deploy``
    or ``k8s`` folder, unless that lies in test data, docs or shared infrastructure."""
    parts = path.split("/")[:-1]
    for index, part in enumerate(parts):
        if part in MARKER_SET:
            return None if NOT_APP_PARTS.intersection(parts[:index]) else "/".join(parts[:index])
    return None


def _is_manifest(view: RepoView, path: str) -> bool:
    """True for a file that makes its app: a Kubernetes manifest or chart / kustomization.

    ESO is a Kubernetes operator: a deploy folder with only compose files or scripts is not
    deployed through it, so it does not make an app (declare one to include it).
    """
    name = path[path.rfind("/") + 1:].lower()
    return name in K8S_NAMES or view.kind(path) in K8S_KINDS


def _norm(path: str) -> str:
    return "" if path in (".", "./") else path.strip("/").removeprefix("./")


def _app(view: RepoView, root: str, files: list[str], declared: str | None,
         implicit: bool) -> App:
    prefix = f"{root}/" if root else ""
    readme = next((p for p in files if p[:max(p.rfind("/"), 0)] == root
                   and p[p.rfind("/") + 1:].lower() in README_NAMES), None)
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
        found = view.fact(path, "deploy-objects")  # taken by the file scan (facts.py)
        if found is None:
            continue
        if found.unreadable:
            unreadable.append(path)
            unknown = unknown or found.mentions_external_secret
        secrets.extend(found.external_secrets)
        uses.extend(found.uses)
    return DeployObjects(tuple(secrets), tuple(uses), tuple(unreadable), unknown)


@dataclass(frozen=True)
class _FileObjects:
    """What one deploy file holds (``DeployObjects`` of an app is the sum over its files)."""

    external_secrets: tuple[ExternalSecret, ...] = ()
    uses: tuple[SecretUse, ...] = ()
    unreadable: bool = False
    mentions_external_secret: bool = False


def objects_in(document: Document) -> _FileObjects | None:
    """The objects of one manifest (None: none, or not a manifest kind); a fact of the file
    scan (``facts.py``), so each manifest is parsed once per run, in the worker that reads it.

    The YAML trees are built only for a file whose text names a kind the ESO rules read (or
    ``env_file``); any other file is only checked to read whole, cheaply, so a folder of
    ConfigMaps costs no round-trip parse. The trees are the document's own (``Document.templated``),
    shared with the file checks.
    """
    if document.kind not in MANIFEST_KINDS:
        return None
    if not may_hold_objects(document.text) and readable(document):
        return None
    loaded = document.templated
    compose = document.kind == "compose"
    found = _FileObjects(
        tuple(es for obj in loaded.documents for es in external_secrets(obj, document.path)),
        tuple(use for obj in loaded.documents for use in _uses(obj, document.path, compose)),
        loaded.unreadable > 0,
        loaded.unreadable > 0 and mentions_external_secret(without_actions(document.text)))
    return found if found != _FileObjects() else None


def _uses(obj: object, path: str, compose: bool) -> Iterator[SecretUse]:
    return compose_env_files(obj, path) if compose else secret_uses(obj, path)
