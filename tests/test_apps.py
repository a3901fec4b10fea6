"""App discovery and the secrets mode of each app (config, README, default)."""

from __future__ import annotations

from gates.apps import App, deploy_objects, discover
from gates.config import AppDecl, Config
from gates.documents import detect_kind
from gates.repo import RepoView
from gates.sources import SourceFile

DEPLOY = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n"


def view_of(files: dict[str, str]) -> RepoView:
    view = RepoView(1 << 20)
    for path, text in files.items():
        data = text.encode()
        view.add(SourceFile(path, len(data), lambda data=data: data), detect_kind(path, text))
    return view


def apps_of(files: dict[str, str], *decls: AppDecl) -> dict[str, App]:
    return {app.path: app for app in discover(view_of(files), Config(apps=decls))}


def test_apps_are_folders_with_deploy_or_k8s_and_own_their_files() -> None:
    apps = apps_of({
        "svc/a/deploy/d.yaml": DEPLOY, "svc/a/src/main.py": "",
        "svc/a/deploy/k8s/nested.yaml": DEPLOY,  # a k8s/ inside deploy/ is not a new app
        "svc/b/k8s/d.yaml": DEPLOY, "svc/b/sub/c/deploy/d.yaml": DEPLOY,
        "tests/fixtures/deploy/x.yaml": DEPLOY,  # test data is not an app
        "infra/k8s/cluster-issuer.yaml": DEPLOY,  # nor is cluster-wide infrastructure
        "svc/c/deploy/compose.yml": "services: {}\n",  # compose only: not deployed by ESO
        "tools/run.py": "",
    })
    assert sorted(apps) == ["", "svc/a", "svc/b", "svc/b/sub/c"]
    assert apps[""].implicit
    assert apps["svc/a"].files == ("svc/a/deploy/d.yaml", "svc/a/deploy/k8s/nested.yaml",
                                   "svc/a/src/main.py")
    assert apps["svc/a"].deploy_files == ("svc/a/deploy/d.yaml", "svc/a/deploy/k8s/nested.yaml")
    assert "svc/b/sub/c/deploy/d.yaml" not in apps["svc/b"].files
    assert set(apps[""].files) == {"tests/fixtures/deploy/x.yaml", "tools/run.py",
                                   "infra/k8s/cluster-issuer.yaml", "svc/c/deploy/compose.yml"}


def test_root_with_deploy_is_a_real_app() -> None:
    apps = apps_of({"deploy/d.yaml": DEPLOY, "main.go": ""})
    assert list(apps) == [""] and not apps[""].implicit and apps[""].label == "(repo root)"


def test_mode_comes_from_config_then_readme_then_default() -> None:
    readme = "# x\n## Secrets architecture\nDirect-Vault.\n"
    apps = apps_of({
        "a/deploy/d.yaml": DEPLOY, "a/README.md": readme,
        "b/deploy/d.yaml": DEPLOY, "b/Readme.md": readme,
        "c/deploy/d.yaml": DEPLOY,
        "declared/main.py": "",
    }, AppDecl("a", "eso"), AppDecl("./declared/", "direct-vault"))
    modes = {path: (app.mode, app.mode_source) for path, app in apps.items()}
    assert modes["a"] == ("eso", "config")
    assert modes["b"] == ("direct-vault", "readme")
    assert modes["c"] == ("eso", "default")
    assert modes["declared"] == ("direct-vault", "config")
    assert apps["b"].readme == "b/Readme.md"


def test_anchors_prefer_the_section_heading() -> None:
    apps = apps_of({"a/deploy/d.yaml": DEPLOY, "a/README.md": "# a\n\n## Secrets architecture\n",
                    "b/k8s/x.yaml": DEPLOY})
    assert apps["a"].anchor() == ("a/README.md", 3)
    assert apps["a"].anchor(prefer_deploy=True) == ("a/deploy/d.yaml", 1)
    assert apps["b"].anchor() == ("b/k8s/x.yaml", 1)


def test_deploy_objects_read_external_secrets_and_uses() -> None:
    es = ("apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: a\n"
          "spec:\n  target: {name: a-secret}\n  data:\n    - secretKey: K\n")
    deployment = ("kind: Deployment\napiVersion: apps/v1\nmetadata: {name: a}\nspec:\n"
                  "  template:\n    spec:\n      containers:\n        - name: c\n"
                  "          env:\n            - name: K\n              valueFrom:\n"
                  "                secretKeyRef: {name: a-secret, key: K}\n")
    view = view_of({"a/deploy/es.yaml": es, "a/deploy/dep.yaml": deployment,
                    "a/deploy/broken.yaml": "{{ if }}kind: ExternalSecret\n  x: [\n"})
    app = next(a for a in discover(view, Config()) if a.path == "a")
    objects = deploy_objects(view, app)
    assert [(s.name, s.target, sorted(s.keys), s.line) for s in objects.external_secrets] == [
        ("a", "a-secret", ["K"], 2)]
    assert [(u.kind, u.secret, u.key, u.line) for u in objects.uses] == [
        ("key-ref", "a-secret", "K", 12)]
    assert objects.unreadable == ("a/deploy/broken.yaml",) and objects.unknown_producers
