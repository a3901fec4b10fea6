"""Issue #8's "must show": `gates fix` turns the fixable findings of the core and ESO fixture
repos green and leaves only what needs a human; fixed YAML differs from the original only
inside the fixed spans (comments, anchors, flow style, block scalars, CRLF, BOM); and
`gates fix --diff` on the bundled example prints a clean unified diff and writes nothing.
"""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

import pytest
from gates_testing import FIXTURES, git, located, materialise, scan

from gates.api import check
from gates.cli import main
from gates.fix import plan, read_text, write
from gates.parse.yaml import load_documents

EXAMPLE = FIXTURES / "repos" / "example"
ESO = FIXTURES / "repos" / "eso-monorepo"

# What needs a human in the example: a tracked local .env must be `git rm --cached` and its
# secrets rotated (the fix adds the ignore line, the rest is git history); a .env under deploy/
# must go away, and its committed password be rotated and moved to the secret store.
EXAMPLE_LEFT = [
    ("dotenv-not-ignored", ".env", 1, 1),
    ("dotenv-in-deploy-path", "deploy/.env", 1, 1),
    ("secret-literal", "deploy/.env", 1, 13),
]
# What needs a human in the ESO monorepo: each key's purpose in the scaffolded README section
# (the fix writes TODO), a startup schema in legacy's code, the Vault path of notify's Twilio
# token, payments' AppRole ExternalSecret, and reports' hvac client in app code.
ESO_LEFT = [
    ("bootstrap-readme", "services/legacy/README.md", 5, 1),
    ("bootstrap-schema", "services/legacy/README.md", 5, 1),
    ("bootstrap-secret-ref", "services/notify/k8s/deployment.yaml", 20, 19),
    ("bootstrap-direct-vault", "services/payments/deploy/deployment.yaml", 1, 1),
    ("direct-vault-client", "services/reports/reports/export.py", 5, 1),
]


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.parts}


def fix_then_check(repo: Path, capsys) -> list[tuple[str, str, int, int]]:
    assert main(["fix", str(repo), "--unsafe-fixes", "--no-color"]) == 1
    fix_err = capsys.readouterr().err
    assert "gates: fixed" in fix_err
    assert main(["check", str(repo), "--no-color"]) == 1
    capsys.readouterr()
    result = scan(repo)
    assert not result.errors and not result.crashed
    assert not [f for f in result.findings if f.fixes], "a finding that is still fixable remains"
    return located(result)


def test_example_fix_leaves_only_what_needs_a_human(tmp_path: Path, capsys) -> None:
    repo = materialise(EXAMPLE, tmp_path / "example")
    assert fix_then_check(repo, capsys) == EXAMPLE_LEFT
    compose = (repo / "deploy" / "docker-compose.yml").read_text()
    assert "${DB_PASSWORD:?DB_PASSWORD is required}" in compose
    assert "${UPSTREAM_URL:?UPSTREAM_URL is required}" in compose  # the nested default went too
    assert "${PORT:-3000}  # safe-default: dev port" in compose  # a tagged default stays
    assert (repo / ".gitignore").read_text() == "/.env\n"
    assert git(repo, "check-ignore", "--no-index", ".env").strip() == ".env"


def test_eso_fix_leaves_only_what_needs_a_human(tmp_path: Path, capsys) -> None:
    repo = materialise(ESO, tmp_path / "eso")
    left = fix_then_check(repo, capsys)
    assert left == ESO_LEFT
    scaffold = repo / "services" / "legacy" / "k8s" / "externalsecret.yaml"
    manifest = load_documents(scaffold.read_text()).documents[0]
    assert manifest["spec"]["target"]["name"] == "legacy-secrets"
    assert [d["secretKey"] for d in manifest["spec"]["data"]] == ["DB_PASSWORD"]
    readme = (repo / "services" / "legacy" / "README.md").read_text()
    assert "## Secrets architecture" in readme and "| `DB_PASSWORD` | TODO |" in readme
    reports = (repo / "infra" / "vault" / "policies" / "reports.hcl").read_text()
    assert 'path "secret/data/reports" {\n  capabilities = ["read"]\n}' in reports


@pytest.mark.parametrize("tree", [EXAMPLE, ESO], ids=["example", "eso-monorepo"])
def test_fix_is_idempotent(tree: Path, tmp_path: Path, capsys) -> None:
    repo = materialise(tree, tmp_path / "repo")
    main(["fix", str(repo), "--unsafe-fixes"])
    once = tree_digest(repo)
    capsys.readouterr()
    main(["fix", str(repo), "--unsafe-fixes"])
    assert "gates: nothing to fix" in capsys.readouterr().err
    assert tree_digest(repo) == once


# -- (b) the round trip ----------------------------------------------------------------------

COMPOSE = """\
# top comment: kept byte for byte
x-env: &shared-env          # an anchor
  LOG_LEVEL: ${LOG_LEVEL-info}   # trailing comment
  REGION: 'eu-west-1'

services:
  api:
    image: "registry.example.com/api:${IMAGE_TAG:-latest}"
    environment:
      <<: *shared-env
      DB_PASSWORD: ${DB_PASSWORD:-changeme}
      PORT: ${PORT:-3000}  # safe-default: dev port
    labels: {team: core, url: "${PUBLIC_URL:-http://localhost}", tier: web}
    command:
      - sh
      - -c
      - |
        # a block scalar: only the default inside changes
        exec server --cache "${CACHE_DIR:-/tmp/cache}" \\
          --timeout 30
    healthcheck: >-
      folded ${HEALTH_PATH:-/healthz}
      text
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api  # the api
spec:
  template:
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.0.0
          env:
            - name: LOG_LEVEL
              value: debug  # not a secret: stays
            - name: DB_PASSWORD
              value: "Zq8#rTl2-vKp9wXe"  # a literal secret
            - {name: API_TOKEN, value: 'tok-9f8e7d6c5b4a3f2e'}
            - name: SIGNING_KEY
              value: |
                mQ3vT8pL2xZ9kR7w
            - name: REGION
              value: eu-west-1
"""


def _variants(text: str) -> dict[str, bytes]:
    crlf = text.replace("\n", "\r\n")
    return {"lf": text.encode(), "crlf": crlf.encode(), "bom": codecs.BOM_UTF8 + text.encode(),
            "bom-crlf": codecs.BOM_UTF8 + crlf.encode(),
            "utf16-bom": codecs.BOM_UTF16_LE + text.encode("utf-16-le")}


@pytest.mark.parametrize("variant", list(_variants("")))
def test_round_trip_changes_only_the_fixed_spans(variant: str, make_repo) -> None:
    files = {"deploy/docker-compose.yml": _variants(COMPOSE)[variant],
             "deploy/deployment.yaml": _variants(DEPLOYMENT)[variant]}
    repo = make_repo({"README.md": "# app\n"})
    for rel, data in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_bytes(data)
    result, _ = check([repo], select=("untagged-default", "secret-default", "secret-literal"))
    planned = plan(result, repo, unsafe=True)
    assert sorted(c.path for c in planned.changes) == sorted(files)
    for change in planned.changes:
        before = (repo / change.path).read_bytes()
        write(repo, change)
        after = (repo / change.path).read_bytes()
        # Rebuild the expected bytes from the original ones, cutting at the byte offsets of
        # each span: everything outside the spans is the original, byte for byte.
        loaded = change.before
        expected, cursor = before[:len(loaded.bom)], len(loaded.bom)
        for edit in change.edits:
            start = len(loaded.bom) + len(loaded.text[:edit.start].encode(loaded.codec))
            end = len(loaded.bom) + len(loaded.text[:edit.end].encode(loaded.codec))
            newline = "\r\n" if "crlf" in variant else "\n"
            assert "\n" not in edit.replacement.replace(newline, "")  # the file's line ends
            expected += before[cursor:start] + edit.replacement.encode(loaded.codec)
            cursor = end
        assert after == expected + before[cursor:]
        assert after.startswith(loaded.bom)
        reread = read_text(repo, change.path)
        parsed = load_documents(reread.text)
        assert parsed.error is None, parsed.error
    compose = read_text(repo, "deploy/docker-compose.yml").text
    for kept in ("# top comment: kept byte for byte", "&shared-env", "<<: *shared-env",
                 "REGION: 'eu-west-1'", "${PORT:-3000}  # safe-default: dev port",
                 "tier: web}", "--timeout 30", "# trailing comment"):
        assert kept in compose
    deployment = read_text(repo, "deploy/deployment.yaml").text
    for gone in ("Zq8#rTl2-vKp9wXe", "tok-9f8e7d6c5b4a3f2e", "mQ3vT8pL2xZ9kR7w"):
        assert gone not in deployment
    secrets = load_documents(deployment).documents[0]["spec"]["template"]["spec"]
    env = {e["name"]: e for e in secrets["containers"][0]["env"]}
    assert env["DB_PASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": "app-secrets",
                                                               "key": "DB_PASSWORD"}
    assert env["API_TOKEN"]["valueFrom"]["secretKeyRef"]["key"] == "API_TOKEN"
    assert env["SIGNING_KEY"]["valueFrom"]["secretKeyRef"]["key"] == "SIGNING_KEY"
    assert env["LOG_LEVEL"]["value"] == "debug" and env["REGION"]["value"] == "eu-west-1"


# -- (c) the diff -------------------------------------------------------------------------------

def test_fix_diff_on_the_example_is_a_clean_diff_and_writes_nothing(tmp_path: Path, capsys,
                                                                    snapshot) -> None:
    repo = materialise(EXAMPLE, tmp_path / "example")
    before = tree_digest(repo)
    assert main(["fix", str(repo), "--diff", "--unsafe-fixes"]) == 1
    captured = capsys.readouterr()
    assert captured.out == snapshot
    assert tree_digest(repo) == before and git(repo, "status", "--porcelain") == ""
    assert "changeme" not in captured.out + captured.err  # the secret default is redacted
    assert "-<redacted: 43 chars>\n" in captured.out
    assert "(--diff: nothing written)" in captured.err


def test_fix_diff_applies_with_git_apply(tmp_path: Path, capsys) -> None:
    """Without a redacted line the diff is a real patch: `git apply` reproduces `gates fix`."""
    repo = materialise(EXAMPLE, tmp_path / "example")
    paths = [str(repo / "charts"), str(repo / "config")]  # no secret default in these
    main(["fix", *paths, "--diff", "--unsafe-fixes"])
    patch = tmp_path / "fix.patch"
    patch.write_text(capsys.readouterr().out)
    git(repo, "apply", str(patch))
    applied = tree_digest(repo)
    assert applied != tree_digest(materialise(EXAMPLE, tmp_path / "pristine"))
    git(repo, "checkout", "--", ".")
    main(["fix", *paths, "--unsafe-fixes"])
    assert tree_digest(repo) == applied
