"""`gates fix` mechanics: the fix model, planning (overlaps, duplicates), safe file writing,
each rule's fix, the CLI contract, and that a secret never shows in what `fix` prints."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from gates_testing import git, located, scan

from gates.api import check
from gates.cli import main
from gates.errors import GatesError
from gates.fix import FileText, plan, read_text, splice, target
from gates.model import Edit, Finding, Fix, Location, Result, Severity

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          env:
            - name: DB_PASSWORD
              value: "s3cr3t-Pr0d-pa55"   # committed by mistake
            - name: LOG_LEVEL
              value: info
"""
EXTERNAL_SECRET = """\
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: api-db
spec:
  secretStoreRef: {name: vault, kind: ClusterSecretStore}
  target: {name: api-db}
  data:
    - secretKey: DB_PASSWORD
      remoteRef: {key: api, property: db_password}
"""


def finding(path: str, *fixes: Fix, line: int = 1) -> Finding:
    return Finding("untagged-default", Severity.ERROR, Location(path, line, 1), "m", "f",
                   f"{path}{line}", fixes=fixes)


def result_of(*findings: Finding) -> Result:
    return Result("/x", (), findings, (), (), 1, 0.0, "0")


def fix(path: str, *edits: Edit, safety: str = "safe") -> Fix:
    return Fix("t", safety, edits, path)


# -- the model ----------------------------------------------------------------------------------

def test_fix_model_refuses_malformed_fixes() -> None:
    with pytest.raises(ValueError, match="safety"):
        Fix("t", "maybe", (Edit(0, 0, "x"),), "a")
    with pytest.raises(ValueError, match="no edits"):
        Fix("t", "safe", (), "a")
    with pytest.raises(ValueError, match="overlapping"):
        Fix("t", "safe", (Edit(0, 4, "x"), Edit(2, 6, "y")), "a")
    with pytest.raises(ValueError, match="start <= end"):
        Edit(5, 2, "x")


def test_splice_applies_back_to_front() -> None:
    assert splice("abcdef", [Edit(4, 6, "XY"), Edit(0, 1, ""), Edit(2, 2, "+")]) == "b+cdXY"


# -- planning -------------------------------------------------------------------------------

def test_overlapping_fix_waits_duplicates_merge_insertions_stack(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("0123456789\n")
    outer = finding("a.yml", fix("a.yml", Edit(0, 8, "OUTER")), line=1)
    inner = finding("a.yml", fix("a.yml", Edit(2, 4, "in")), line=2)
    twin = finding("a.yml", fix("a.yml", Edit(0, 8, "OUTER")), line=3)
    first_line = finding("a.yml", fix("a.yml", Edit(11, 11, "x\n")), line=4)
    second_line = finding("a.yml", fix("a.yml", Edit(11, 11, "y\n")), line=5)
    planned = plan(result_of(outer, inner, twin, first_line, second_line), tmp_path)
    assert [c.after for c in planned.changes] == ["OUTER89\nx\ny\n"]
    assert planned.deferred == (inner,)
    assert set(planned.fixed) == {outer, twin, first_line, second_line}


def test_unsafe_fixes_are_withheld_unless_asked(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("abc\n")
    risky = finding("a.yml", fix("a.yml", Edit(0, 1, "A"), safety="unsafe"))
    assert plan(result_of(risky), tmp_path).withheld == (risky,)
    assert [c.after for c in plan(result_of(risky), tmp_path, unsafe=True).changes] == ["Abc\n"]


def test_stale_offsets_are_not_applied(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("short\n")
    stale = finding("a.yml", fix("a.yml", Edit(40, 44, "x")))
    planned = plan(result_of(stale), tmp_path)
    assert planned.changes == () and planned.deferred == (stale,)


# -- reading and writing ----------------------------------------------------------------------

def test_files_that_do_not_round_trip_are_refused(tmp_path: Path) -> None:
    (tmp_path / "latin1.env").write_bytes(b"A=caf\xe9\n")
    (tmp_path / "blob.yml").write_bytes(b"a: 1\0\n")
    (tmp_path / "real.yml").write_text("a: 1\n")
    (tmp_path / "link.yml").symlink_to(tmp_path / "real.yml")
    for name, reason in (("latin1.env", "not valid UTF-8"), ("blob.yml", "binary"),
                         ("link.yml", "symlink"), ("../x.yml", "not a path inside")):
        with pytest.raises(GatesError, match=reason):
            read_text(tmp_path, name)
    refused = plan(result_of(finding("latin1.env", fix("latin1.env", Edit(0, 1, "B")))),
                   tmp_path).refused
    assert [path for path, _ in refused] == ["latin1.env"]
    assert (tmp_path / "latin1.env").read_bytes() == b"A=caf\xe9\n"


def test_missing_file_reads_empty_and_target_stays_in_root(tmp_path: Path) -> None:
    assert read_text(tmp_path, "new/file.yml") == FileText("", exists=False)
    with pytest.raises(GatesError):
        target(tmp_path, "/etc/passwd")


def test_write_keeps_mode_and_leaves_no_temporary(make_repo) -> None:
    repo = make_repo({"deploy/docker-compose.yml": "services:\n  a:\n    image: x:${T:-1}\n",
                      "run.sh": "#!/bin/sh\n"})
    script = repo / "deploy" / "docker-compose.yml"
    os.chmod(script, 0o640)
    assert main(["fix", str(repo), "--unsafe-fixes"]) == 0
    assert stat.S_IMODE(script.stat().st_mode) == 0o640
    assert script.read_text() == "services:\n  a:\n    image: x:${T:?T is required}\n"
    assert not [p for p in (repo / "deploy").iterdir() if "gates-fix" in p.name]


# -- each rule's fix ----------------------------------------------------------------------------

def test_gitignore_fix_appends_in_the_files_line_ends_and_is_idempotent(make_repo) -> None:
    repo = make_repo({"README.md": "x\n"})
    (repo / ".gitignore").write_bytes(b"node_modules/\r\n*.log")  # CRLF, no final line break
    (repo / ".env").write_text("A=1\n")
    (repo / "web" / "sub dir").mkdir(parents=True)
    (repo / "web" / "sub dir" / ".env.local").write_text("B=2\n")
    assert main(["fix", str(repo)]) == 0
    assert (repo / ".gitignore").read_bytes() == \
        b"node_modules/\r\n*.log\r\n/.env\r\n/web/sub dir/.env.local\r\n"
    assert located(scan(repo, select=("dotenv-not-ignored",))) == []
    assert git(repo, "status", "--porcelain", "--untracked-files=all").split() == \
        ["??", ".gitignore"]  # the .env files are ignored now


def test_vault_fix_adds_the_twin_stanza_in_hcl_terraform_and_heredocs(make_repo) -> None:
    repo = make_repo({
        "policies/app.hcl": '# app\npath "secret/data/app/*" {\n  capabilities = ["read", '
                            '"list"] # {braces} in a comment\n}\n',
        "policies/doc.tf": 'data "vault_policy_document" "app" {\n  rule {\n    path         '
                           '= "secret/data/web"\n    capabilities = ["read"]\n  }\n}\n',
        "policies/apply.sh": "#!/bin/sh\nvault policy write app - <<EOF\n  path "
                             '"kv/data/jobs/*" {\n    capabilities = ["read"]\n  }\nEOF\n',
    })
    assert main(["fix", str(repo)]) == 0
    assert (repo / "policies/app.hcl").read_text().endswith(
        '}\npath "secret/data/app" {\n  capabilities = ["read", "list"]\n}\n')
    assert '  rule {\n    path         = "secret/data/web/*"\n    capabilities = ["read"]\n' \
           '  }\n  rule {\n    path         = "secret/data/web"' in (repo / "policies/doc.tf") \
        .read_text()
    assert '  }\n  path "kv/data/jobs" {\n    capabilities = ["read"]\n  }\nEOF\n' in \
        (repo / "policies/apply.sh").read_text()
    assert located(scan(repo, select=("vault-policy-kv2-path",))) == []


def test_secret_literal_fix_uses_the_apps_external_secret_and_never_shows_the_value(
        make_repo, capsys) -> None:
    repo = make_repo({"deploy/deployment.yaml": DEPLOYMENT,
                      "deploy/externalsecret.yaml": EXTERNAL_SECRET})
    assert main(["check", str(repo), "--select", "secret-literal"]) == 1
    assert "(unsafe fix available: --unsafe-fixes)" in capsys.readouterr().out
    assert main(["fix", str(repo), "--diff", "--unsafe-fixes", "--select", "secret-literal"]) == 1
    diff = capsys.readouterr()
    assert "s3cr3t" not in diff.out + diff.err
    assert "-<redacted: 64 chars>\n" in diff.out
    assert "+                  name: api-db\n" in diff.out
    assert main(["fix", str(repo), "--unsafe-fixes", "--select", "secret-literal"]) == 0
    out = capsys.readouterr()
    assert "s3cr3t" not in out.out + out.err
    text = (repo / "deploy" / "deployment.yaml").read_text()
    assert "s3cr3t" not in text
    assert ("            - name: DB_PASSWORD\n              valueFrom:\n                "
            "secretKeyRef:\n                  name: api-db\n                  key: DB_PASSWORD"
            "   # committed by mistake\n            - name: LOG_LEVEL\n              value: info"
            ) in text
    result, _ = check([repo], select=("secret-literal", "bootstrap-secret-ref"))
    assert located(result) == []


def test_external_secret_and_readme_scaffolds_meet(make_repo) -> None:
    deployment = DEPLOYMENT.replace('value: "s3cr3t-Pr0d-pa55"   # committed by mistake',
                                    "valueFrom: {secretKeyRef: {name: api-env, key: DB_URL}}")
    repo = make_repo({"services/api/k8s/deployment.yaml": deployment,
                      "services/api/README.md": "# api\n\nServes the API.\n"})
    rules = ("bootstrap-external-secret", "bootstrap-readme", "bootstrap-secret-ref")
    assert main(["fix", str(repo), "--select", ",".join(rules)]) == 1  # both are unsafe
    assert main(["fix", str(repo), "--unsafe-fixes", "--select", ",".join(rules)]) == 1
    scaffold = (repo / "services/api/k8s/externalsecret.yaml").read_text()
    assert "  name: api-env\n" in scaffold and "    - secretKey: DB_URL\n" in scaffold
    assert "        key: api  # TODO: the Vault path (no README names one)\n" in scaffold
    readme = (repo / "services/api/README.md").read_text()
    assert readme.startswith("# api\n\nServes the API.\n\n## Secrets architecture\n")
    assert "`secret/data/api` (TODO: confirm the path)" in readme
    assert "| `DB_URL` | TODO |" in readme
    left = scan(repo, select=rules).findings
    assert [(f.rule_id, f.message.split(" lacks ")[-1]) for f in left] == [
        ("bootstrap-readme", "the purpose of its keys (DB_URL)")]


def test_external_secret_scaffold_copies_the_store_of_the_runs_apps(make_repo) -> None:
    store = EXTERNAL_SECRET.replace("{name: vault, kind: ClusterSecretStore}",
                                    "{name: team-vault, kind: SecretStore}")
    repo = make_repo({"services/web/k8s/deployment.yaml": DEPLOYMENT,
                      "services/web/k8s/externalsecret.yaml": store})
    (repo / "services/api/k8s").mkdir(parents=True)
    (repo / "services/api/k8s/deployment.yaml").write_text(DEPLOYMENT)
    git(repo, "add", "services/api")
    rule = ("bootstrap-external-secret",)
    [found] = scan(repo, select=rule).findings
    scaffold = found.fixes[0].edits[0].replacement
    assert found.location.path == "services/api/k8s/deployment.yaml"
    assert "apiVersion: external-secrets.io/v1beta1\n" in scaffold
    assert "  secretStoreRef:\n    name: team-vault\n    kind: SecretStore\n" in scaffold
    # A staged run evaluates only the apps the change touches: no other app's manifest is read
    # for a scaffold's store name (a one-file change in a large repo stays cheap).
    [staged] = check([repo], staged=True, select=rule)[0].findings
    assert staged.fingerprint == found.fingerprint
    assert "  secretStoreRef:\n    name: vault\n    kind: ClusterSecretStore\n" in \
        staged.fixes[0].edits[0].replacement


# -- the CLI ------------------------------------------------------------------------------------

def test_fix_exit_codes_and_summary(make_repo, capsys) -> None:
    repo = make_repo({"deploy/docker-compose.yml": "services:\n  a:\n    environment:\n"
                      "      DB_PASSWORD: ${DB_PASSWORD:-x}\n      LOG: ${LOG:-info}\n"})
    assert main(["fix", str(repo), "--no-color"]) == 1  # LOG's fix is unsafe: it remains
    out = capsys.readouterr()
    assert "gates: fixed 1 finding in 1 file; --unsafe-fixes would fix 1 more" in out.err
    assert "(unsafe fix available: --unsafe-fixes)" in out.out
    assert main(["fix", str(repo), "--unsafe-fixes"]) == 0
    assert main(["fix", str(repo), "--diff"]) == 0
    assert "gates: nothing to fix" in capsys.readouterr().err
    assert main(["fix", str(repo), "--select", "no-such-rule"]) == 2
    assert main(["fix", str(tmp_missing := repo / "nope")]) == 2 and not tmp_missing.exists()
