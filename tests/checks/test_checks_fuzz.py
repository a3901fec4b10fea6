"""Every check survives any well-formed YAML: generated trees of every shape, in every YAML kind.

A check reads what it expects (``services`` a mapping, ``env`` a list of name/value pairs); a
file may hold anything there (a list, a number, a float overflow, ``null``, an alias). A check
that raises on such a file fails the whole run with exit 3, so each one must take whatever YAML
allows. Repo-scope checks get whole generated apps (manifests, workflows, a README, policies).
Fuzzing this way found ``kind: []`` crashing the ESO rules (an unhashable dict lookup).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gates.config import Config
from gates.documents import Document, detect_kind
from gates.engine import Plan, make_plan
from gates.errors import GatesError
from gates.repo import RepoView
from gates.rules import builtin_rules
from gates.sources import SourceFile

KEYS = ["services", "api", "image", "environment", "env_file", "path", "apiVersion", "kind",
        "metadata", "name", "spec", "template", "containers", "initContainers", "env", "value",
        "valueFrom", "secretKeyRef", "key", "envFrom", "secretRef", "target", "data",
        "secretKey", "remoteRef", "property", "dataFrom", "stringData", "password",
        "DB_PASSWORD", "on", "push", "pull_request", "paths", "branches", "jobs", "build",
        "runs-on", "if", "continue-on-error", "steps", "run", "uses", "with", "strategy",
        "matrix", "needs", "command", "args", "secrets", "token", "api_key", "A", "1", "true"]
SCALARS = st.sampled_from([
    "x", "", "Secret", "Deployment", "ExternalSecret", "v1", "apps/v1",
    "external-secrets.io/v1beta1", "${A:-1}", "${DB_PASSWORD:-x}", "${A:?e}", ".env",
    "deploy/.env", "curl http://x || true", "set +e\ncurl x", "docker login -p x",
    "aGVsbG8=", "secret/data/app", "ci / test", "*", "always()", "${{ secrets.X }}",
    "A=${A:-1}", "DB_PASSWORD=x",
]) | st.integers(-3, 3) | st.none() | st.booleans() | st.floats()
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
                      max_leaves=25)
DOCUMENTS = st.lists(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=5) | VALUES,
                     min_size=1, max_size=2)
KIND_PATHS = {"compose": "deploy/compose.yml", "k8s": "k8s/app.yaml",
              "helm-values": "charts/app/values.yaml", "workflow": ".github/workflows/ci.yml",
              "yaml": "config/app.yaml", "helm-template": "charts/app/templates/d.yaml"}
APP_PATHS = ["apps/api/deploy/compose.yml", "apps/api/k8s/deployment.yaml",
             "apps/api/k8s/externalsecret.yaml", ".github/workflows/ci.yml",
             ".gitea/workflows/deploy.yml", "apps/api/charts/api/values.yaml",
             "apps/api/charts/api/templates/d.yaml", "apps/api/config/app.yaml"]
README = st.lists(st.sampled_from([
    "# api", "## Secrets architecture", "Mode: ESO", "Mode: Direct-Vault",
    "| Vault path | Key | Purpose |", "|---|---|---|", "| `secret/data/api` | `DB_PASSWORD` | db |",
    "- `API_TOKEN`: token", "Justification: dynamic database credentials with short leases",
    "```", "<!--", "-->", "secret/data/x/*", ""]), max_size=12).map("\n".join)
SOURCES = st.sampled_from(["import hvac\nclient = hvac.Client()\n", "import os\n", "",
                           "from pydantic_settings import BaseSettings\n"])
POLICIES = st.sampled_from(['path "secret/data/api/*" { capabilities = ["read"] }\n', "",
                            'path "secret/data/api" {\n', 'path "kv/data/x" {capabilities=[1]}'])


def _plan() -> Plan:
    return make_plan(builtin_rules(), Config(), Path(tempfile.mkdtemp(prefix="gates-fuzz-")), None)


PLAN = _plan()


def _dump(documents: list[Any], flow: bool) -> str:
    return yaml.safe_dump_all(documents, default_flow_style=flow, sort_keys=False)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(sorted(KIND_PATHS)), DOCUMENTS, st.booleans())
def test_file_checks_take_any_yaml(kind: str, documents: list[Any], flow: bool) -> None:
    text = _dump(documents, flow)
    for active in PLAN.for_kind(kind):
        assert active.check is not None
        for hit in active.check(Document(KIND_PATHS[kind], text, kind), active.ctx):
            assert hit.line >= 1 and hit.col >= 1


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.dictionaries(st.sampled_from(APP_PATHS), st.tuples(DOCUMENTS, st.booleans()),
                       max_size=6), README, SOURCES, POLICIES)
def test_repo_checks_take_any_app(files: dict[str, tuple[list[Any], bool]], readme: str,
                                  source: str, policy: str) -> None:
    texts = {path: _dump(documents, flow) for path, (documents, flow) in files.items()}
    texts.update({"apps/api/README.md": readme, "apps/api/src/app.py": source,
                  "apps/api/vault/policy.hcl": policy})
    view = RepoView(2 << 20)
    for path, text in texts.items():
        data = text.encode("utf-8")
        view.add(SourceFile(path, len(data), lambda data=data: data), detect_kind(path, text))
    for active in PLAN.repo_rules:
        assert active.check is not None
        try:
            hits = list(active.check(view, active.ctx))
        except GatesError:  # a declaration file (.gates/protection.yml) the user must fix
            continue
        assert all(hit.path in texts for hit in hits)


def test_a_kind_that_is_a_list_is_not_a_crash() -> None:
    """``kind: []`` reached ``obj.get("kind") in POD_SPEC_PATHS``: unhashable, exit 3."""
    view = RepoView(2 << 20)
    for path, text in {"apps/api/deploy/compose.yml": "{}\n",  # (hypothesis' shrunk example)
                       "apps/api/k8s/deployment.yaml": "kind: []\napiVersion: null\n--- Deployment\n"}.items():
        data = text.encode("utf-8")
        view.add(SourceFile(path, len(data), lambda data=data: data), detect_kind(path, text))
    for active in PLAN.repo_rules:
        if active.rule.id.startswith("bootstrap-"):
            assert active.check is not None
            list(active.check(view, active.ctx))
