"""The ESO / Vault "must show": a monorepo where every broken checklist item is found, exactly.

``fixtures/repos/eso-monorepo`` has seven apps and a folder of Vault policies:

- ``orders`` (Python), ``catalog`` (Java + a Helm chart) — compliant ESO apps;
- ``ledger`` (TypeScript, node-vault) — compliant Direct-Vault: justification and AppRole
  ExternalSecret;
- ``reports`` — an ESO app that imports hvac;
- ``notify`` — a secretKeyRef to a Secret no ExternalSecret produces;
- ``legacy`` — nothing done (no section, no ExternalSecret, no schema, a literal password);
- ``payments`` — Direct-Vault (declared in .gates.yml) without its AppRole ExternalSecret;
- ``infra/vault`` — policies with and without the exact KV v2 path (HCL, Terraform, shell).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gates_testing import FIXTURES, materialise, scan
from gates.model import Result

SCENARIO = FIXTURES / "repos" / "eso-monorepo"
RULES = ("direct-vault-client", "vault-policy-kv2-path", "bootstrap-readme",
         "bootstrap-external-secret", "bootstrap-secret-ref", "bootstrap-schema",
         "bootstrap-direct-vault", "parse-error")

EXPECTED = {
    ("vault-policy-kv2-path", "infra/vault/apply-policies.sh", 14),
    ("vault-policy-kv2-path", "infra/vault/policies/notify.hcl", 1),
    ("vault-policy-kv2-path", "infra/vault/policies/reports.hcl", 2),
    ("bootstrap-readme", "services/legacy/README.md", 1),
    ("bootstrap-schema", "services/legacy/README.md", 1),
    ("bootstrap-external-secret", "services/legacy/k8s/deployment.yaml", 1),
    ("bootstrap-secret-ref", "services/legacy/k8s/deployment.yaml", 13),
    ("bootstrap-secret-ref", "services/notify/k8s/deployment.yaml", 20),
    ("bootstrap-direct-vault", "services/payments/deploy/deployment.yaml", 1),
    ("direct-vault-client", "services/reports/reports/export.py", 5),
}
COMPLIANT = ("services/orders/", "services/catalog/", "services/ledger/")


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> Result:
    repo = materialise(SCENARIO, tmp_path_factory.mktemp("eso") / "repo")
    return scan(repo, select=RULES)


def test_exact_findings(result: Result) -> None:
    found = {(f.rule_id, f.location.path, f.location.line) for f in result.findings}
    assert found == EXPECTED
    assert len(result.findings) == len(EXPECTED)  # no duplicates hiding in the set
    assert not result.errors and not result.crashed and not result.notes


def test_compliant_apps_are_quiet(result: Result) -> None:
    for finding in result.findings:
        assert not finding.location.path.startswith(COMPLIANT), finding


def test_every_rule_is_exercised(result: Result) -> None:
    assert {f.rule_id for f in result.findings} == set(RULES) - {"parse-error"}


@pytest.mark.parametrize(("path", "app", "item", "fix"), [
    ("services/reports/reports/export.py", "services/reports", "hvac", "ExternalSecret"),
    ("services/notify/k8s/deployment.yaml", "services/notify", "notify-twilio",
     "spec.target.name: notify-twilio"),
    ("services/payments/deploy/deployment.yaml", "services/payments", "VAULT_ROLE_ID",
     "vault-approle.externalsecret.yaml"),
])
def test_messages_name_app_item_and_fix(result: Result, path: str, app: str, item: str,
                                        fix: str) -> None:
    finding = next(f for f in result.findings if f.location.path == path)
    assert f"app {app}" in finding.message and item in finding.message
    assert fix in finding.fix


def test_app_level_messages_name_the_missing_item(result: Result) -> None:
    by_rule = {f.rule_id: f for f in result.findings if "legacy" in f.location.path
               and f.location.line == 1}
    assert '"Secrets architecture"' in by_rule["bootstrap-readme"].message
    assert "ExternalSecret" in by_rule["bootstrap-external-secret"].message
    assert "services/legacy/k8s/externalsecret.yaml" in by_rule["bootstrap-external-secret"].fix
    assert "startup validation" in by_rule["bootstrap-schema"].message
    assert "dry-schema" in by_rule["bootstrap-schema"].fix  # legacy is a Ruby app


def test_policy_messages_name_the_missing_path(result: Result) -> None:
    messages = {f.location.path: f.message for f in result.findings
                if f.rule_id == "vault-policy-kv2-path"}
    assert "not `secret/data/reports`" in messages["infra/vault/policies/reports.hcl"]
    assert "not `secret/data/notify/smtp/*`" in messages["infra/vault/policies/notify.hcl"]
    assert "not `secret/data/payments/approle`" in messages["infra/vault/apply-policies.sh"]


def test_no_secret_value_in_output(result: Result) -> None:
    assert all("not-a-real-password" not in f.message + f.fix for f in result.findings)


def test_fixing_the_broken_items_makes_the_repo_clean(tmp_path: Path) -> None:
    repo = materialise(SCENARIO, tmp_path / "repo")
    export = repo / "services/reports/reports/export.py"
    export.write_text('"""Nightly export."""\n')
    notify = repo / "services/notify/k8s/deployment.yaml"
    notify.write_text(notify.read_text().replace("notify-twilio", "notify-smtp")
                      .replace("key: auth_token", "key: SMTP_PASSWORD"))
    (repo / "services/legacy").joinpath("README.md").write_text(
        "# legacy\n## Secrets architecture\nMode: ESO bridge, path `secret/data/legacy`.\n\n"
        "- `DB_PASSWORD` — storefront database password\n")
    (repo / "services/legacy/lib/boot.rb").write_text(
        'Dotenv.require_keys("DB_PASSWORD")\n')
    (repo / "services/legacy/k8s/deployment.yaml").write_text(
        (repo / "services/orders/deploy/deployment.yaml").read_text())
    (repo / "services/legacy/k8s/externalsecret.yaml").write_text(
        (repo / "services/orders/deploy/externalsecret.yaml").read_text())
    (repo / "services/payments/deploy/approle.yaml").write_text(
        (repo / "services/ledger/deploy/vault-approle.externalsecret.yaml").read_text())
    grants = {"reports.hcl": "secret/data/reports", "notify.hcl": "secret/data/notify/smtp/*"}
    for policy, path in grants.items():
        extra = f'path "{path}" {{\n  capabilities = ["read"]\n}}\n'
        target = repo / "infra/vault/policies" / policy
        target.write_text(target.read_text() + extra)
    script = repo / "infra/vault/apply-policies.sh"
    script.write_text(script.read_text().replace(
        'path "secret/data/payments/approle/*"', 'path "secret/data/payments/approle*"'))
    assert [(f.rule_id, f.location.path) for f in scan(repo, select=RULES).findings] == []
