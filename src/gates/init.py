"""``gates init``: look at a repo once and write a commented ``.gates.yml`` for it.

What a new user would otherwise have to find out by reading the README: which folders are
deploy paths here, which apps the ESO / Vault rules will treat as apps and how each gets its
secrets (from its README, else the ESO default), which CI workflows exist and whether branch
protection is declared. Everything found is written down with a comment saying where it came
from, so the file is a review, not a guess; the result is validated against the config schema
before it is written, and an existing config is never overwritten without ``--force``.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from gates.apps import NOT_APP_PARTS, App, discover
from gates.config import (
    CONFIG_NAMES,
    DEFAULT_DEPLOY_PATHS,
    DEFAULT_MAX_FILE_SIZE,
    Config,
    find_config,
)
from gates.errors import GatesError
from gates.fixers.text import yaml_scalar
from gates.repo import RepoView

_DEPLOY_KINDS = ("k8s", "helm-values", "helm-template", "compose")
_DEPLOY_NAMES = ("chart.yaml", "kustomization.yaml", "kustomization.yml")
_MODE_SOURCES = {"readme": "its README says so", "config": "declared in the config replaced",
                 "default": "the default: its README has no Secrets architecture section yet"}


@dataclass(frozen=True)
class Survey:
    """What ``gates init`` found in the tree."""

    apps: tuple[App, ...]
    deploy_found: dict[str, int]  # deploy folder name -> deploy files under it
    extra_deploy: tuple[str, ...]  # folders holding deploy files that no default name covers
    workflows: tuple[str, ...]
    protection: str | None  # the declaration file, if any


def write_config(path: Path, force: bool) -> tuple[str, str]:
    """Write ``<path>/.gates.yml``; return (the file, a one-line summary of what was found)."""
    from gates.fix import FileChange, FileText, write

    root = Path(os.path.abspath(path))
    if not root.is_dir():
        raise GatesError(f"no such folder: {path}", "pass the repository folder")
    existing = find_config(root)
    if existing is not None and not force:
        raise GatesError(f"{existing} already configures gates here",
                         "pass --force to write .gates.yml anyway (it takes precedence over "
                         "[tool.gates] in pyproject.toml)")
    survey = survey_tree(root, _current(existing))
    text = render(survey)
    validate(text)
    before = FileText("", exists=(root / CONFIG_NAMES[0]).is_file())
    write(root, FileChange(CONFIG_NAMES[0], before, text, ()))
    return str(root / CONFIG_NAMES[0]), _found(survey)


def _current(existing: Path | None) -> Config:
    """The config being replaced (``--force``), so its declared apps survive; an unreadable
    one is being replaced anyway, so it counts as none."""
    from gates.config import load_config

    if existing is None:
        return Config()
    try:
        return load_config(existing)
    except GatesError:
        return Config()


def survey_tree(root: Path, config: Config | None = None) -> Survey:
    """Walk the tree like ``gates check`` does (gitignore-aware) and read what matters."""
    view = _view(root)
    apps = tuple(a for a in discover(view, config or Config()) if not a.implicit)
    found: Counter[str] = Counter()
    extra: dict[str, None] = {}
    for rel in view.paths():
        name = PurePosixPath(rel).name.lower()
        if view.kind(rel) not in _DEPLOY_KINDS and name not in _DEPLOY_NAMES:
            continue
        folders = PurePosixPath(rel).parts[:-1]
        named = [f for f in folders if f in DEFAULT_DEPLOY_PATHS]
        if named:
            found[named[0]] += 1
        elif folders and view.kind(rel) != "compose" and \
                not NOT_APP_PARTS.intersection(folders):
            extra.setdefault(folders[-1])  # manifests in a folder no default name covers
    from gates.protection.declared import find_on_disk

    declared = find_on_disk(root)
    return Survey(apps, dict(sorted(found.items())), tuple(extra),
                  tuple(p for p in view.paths() if view.kind(p) == "workflow"),
                  declared.relative_to(root).as_posix() if declared else None)


def _view(root: Path) -> RepoView:
    from gates.documents import Document, load_document
    from gates.git import GitRepo, find_git_top
    from gates.sources import SourceFile, WorkTree

    top = find_git_top(root)
    source = WorkTree(root, [root], (), GitRepo(top, root) if top else None)
    view = RepoView(DEFAULT_MAX_FILE_SIZE)
    for item in source.files():
        if isinstance(item, SourceFile):
            loaded = load_document(item, DEFAULT_MAX_FILE_SIZE)
            view.add(item, loaded.kind if isinstance(loaded, Document) else None)
    return view


def render(survey: Survey) -> str:
    """The commented config text (deterministic: no dates, sorted lists)."""
    parts = [_HEADER, _deploy_section(survey), _EXCLUDE, _apps_section(survey.apps),
             _workflows_section(survey), _RULES]
    return "\n".join(parts)


_HEADER = """\
# gates configuration, written by `gates init`. Reference: the README's "Configuration";
# `gates rules` lists the rule ids and `gates explain RULE` documents one.

# Lowest severity that fails `gates check` (exit 1): error | warning | note.
fail_on: warning
"""

_EXCLUDE = """\
# Paths never scanned (gitignore-style), on top of .gitignore and vendored folders:
# exclude:
#   - generated/
"""

_RULES = """\
# Per-rule settings: off | on | {severity, options, exclude}.
# rules:
#   bootstrap-schema:
#     severity: note
"""


def _deploy_section(survey: Survey) -> str:
    found = ", ".join(f"{name}/ ({count} file{'s' if count != 1 else ''})"
                      for name, count in survey.deploy_found.items()) or "none of the defaults"
    lines = ["# Production deploy paths: folder names (at any depth) or globs. A .env file there",
             "# is an error, and ${VAR:-default}s there are deployment config.",
             f"# Found here: {found}."]
    if survey.extra_deploy:
        lines.append("# Also holding manifests, so added: "
                     + ", ".join(f"{f}/" for f in survey.extra_deploy) + ".")
    lines.append("deploy_paths:")
    lines += [f"  - {yaml_scalar(p)}" for p in (*DEFAULT_DEPLOY_PATHS, *survey.extra_deploy)]
    return "\n".join(lines) + "\n"


def _apps_section(apps: tuple[App, ...]) -> str:
    lines = ["# Apps and how each gets its secrets. eso: External Secrets Operator syncs Vault",
             "# into a Secret the workloads read; direct-vault: the app reads Vault itself, which",
             "# its README must justify. Found from deploy/ and k8s/ folders holding manifests."]
    if not apps:
        lines += ["# None found (no <app>/deploy/ or <app>/k8s/ with Kubernetes manifests):",
                  "# apps:", "#   - path: services/api", "#     secrets: eso"]
        return "\n".join(lines) + "\n"
    lines.append("apps:")
    for app in apps:
        lines += [f"  - path: {yaml_scalar(app.path or '.')}",
                  f"    secrets: {app.mode}  # {_MODE_SOURCES.get(app.mode_source, '')}"]
    return "\n".join(lines) + "\n"


def _workflows_section(survey: Survey) -> str:
    if not survey.workflows:
        return "# No CI workflows found (.github/workflows, .gitea/workflows).\n"
    lines = ["# CI workflows:", *(f"#   {path}" for path in survey.workflows)]
    if survey.protection:
        lines.append(f"# {survey.protection} declares branch protection: `gates protection` "
                     "compares it with the forge.")
    else:
        lines += ["# Declare what branch protection must require in .gates/protection.yml;",
                  "# record what the forge enforces today with:",
                  "#   gates protection snapshot --declare"]
    return "\n".join(lines) + "\n"


def validate(text: str) -> None:
    """The text must load as a valid config (a failure here is a bug in ``render``)."""
    import tempfile

    from gates.config import load_config

    with tempfile.TemporaryDirectory(prefix="gates-init-") as folder:
        probe = Path(folder) / CONFIG_NAMES[0]
        probe.write_text(text, encoding="utf-8")
        load_config(probe)


def _found(survey: Survey) -> str:
    apps = len(survey.apps)
    return (f"{apps} app{'s' if apps != 1 else ''}, "
            f"{len(survey.deploy_found) + len(survey.extra_deploy)} deploy folder name(s), "
            f"{len(survey.workflows)} workflow(s)")
