"""The ESO / Vault rules through the engine: hand-offs, suppressions, options, templates."""

from __future__ import annotations

from gates_testing import located, scan
from gates.cli import main

BOOTSTRAP = ("bootstrap-readme", "bootstrap-external-secret", "bootstrap-secret-ref",
             "bootstrap-schema", "bootstrap-direct-vault", "direct-vault-client")
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
            - name: API_TOKEN
              valueFrom:
                secretKeyRef: {name: api-secrets, key: API_TOKEN}
"""
EXTERNAL_SECRET = """\
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: api-secrets
spec:
  data:
    - secretKey: API_TOKEN
      remoteRef: {key: api, property: token}
"""
README = """\
# api
## Secrets architecture
ESO bridge: `secret/data/api`.
- `API_TOKEN` — calls the partner API
"""
SETTINGS = "from pydantic_settings import BaseSettings\nclass S(BaseSettings):\n    api_token: str\n"


def compliant() -> dict[str, str]:
    return {"api/README.md": README, "api/deploy/deployment.yaml": DEPLOYMENT,
            "api/deploy/externalsecret.yaml": EXTERNAL_SECRET, "api/app/settings.py": SETTINGS}


def test_a_compliant_app_is_quiet_under_every_rule(make_repo) -> None:
    assert located(scan(make_repo(compliant()))) == []


def test_direct_vault_without_external_secret_is_one_item(make_repo) -> None:
    files = compliant()
    del files["api/deploy/externalsecret.yaml"]
    files["api/README.md"] = README.replace("ESO bridge", "Direct-Vault. Justification: it "
                                            "leases dynamic database credentials per job")
    files["api/deploy/deployment.yaml"] = "kind: Deployment\napiVersion: apps/v1\n"
    repo = make_repo(files)
    assert [f.rule_id for f in scan(repo, select=BOOTSTRAP).findings] == [
        "bootstrap-direct-vault"]
    alone = scan(repo, select=("bootstrap-external-secret",))
    assert [f.rule_id for f in alone.findings] == ["bootstrap-external-secret"]


def test_env_file_goes_to_dotenv_in_deploy_path_when_it_runs(make_repo) -> None:
    files = compliant()
    files["api/deploy/docker-compose.yml"] = "services:\n  api:\n    env_file: .env\n"
    repo = make_repo(files)
    assert [f.rule_id for f in scan(repo).findings] == ["dotenv-in-deploy-path"]
    assert [f.rule_id for f in scan(repo, select=("bootstrap-secret-ref",)).findings] == [
        "bootstrap-secret-ref"]


def test_inline_ignore_suppresses_a_repo_scope_finding(make_repo) -> None:
    files = compliant()
    files["api/deploy/deployment.yaml"] = DEPLOYMENT.replace(
        "                secretKeyRef: {name: api-secrets",
        "                # gates: ignore[bootstrap-secret-ref] made by the partner operator\n"
        "                secretKeyRef: {name: partner-secrets")
    result = scan(make_repo(files), select=BOOTSTRAP)
    assert located(result) == []
    assert [f.suppression.reason for f in result.suppressed] == ["made by the partner operator"]


def test_fingerprint_survives_line_shifts(make_repo) -> None:
    files = compliant()
    files["api/app/export.py"] = "import hvac\n"
    before = scan(make_repo(files), select=("direct-vault-client",)).findings
    files["api/app/export.py"] = '"""Export."""\n\nimport hvac\n'
    after = scan(make_repo(files), select=("direct-vault-client",)).findings
    assert [f.location.line for f in before] == [1] and [f.location.line for f in after] == [3]
    assert before[0].fingerprint == after[0].fingerprint


def test_exclude_paths_option_is_configurable(make_repo) -> None:
    files = compliant()
    files["api/tests/test_vault.py"] = "import hvac\n"
    files[".gates.yml"] = "rules:\n  direct-vault-client:\n    options: {exclude_paths: []}\n"
    assert located(scan(make_repo(files), select=("direct-vault-client",))) == [
        ("direct-vault-client", "api/tests/test_vault.py", 1, 1)]


def test_invalid_extra_pattern_is_a_user_error(make_repo, capsys) -> None:
    files = compliant()
    files[".gates.yml"] = "rules:\n  bootstrap-schema:\n    options: {extra_patterns: ['(']}\n"
    assert main(["check", str(make_repo(files))]) == 2
    assert "extra_patterns" in capsys.readouterr().err


def test_unreadable_template_is_named_in_the_missing_item(make_repo) -> None:
    files = compliant()
    del files["api/deploy/externalsecret.yaml"]
    files["api/deploy/charts/api/templates/bad.yaml"] = "kind: ConfigMap\ndata: {{ x }: [\n"
    result = scan(make_repo(files), select=("bootstrap-external-secret", "parse-error"))
    assert [f.rule_id for f in result.findings] == ["bootstrap-external-secret"]
    assert "1 template file(s) there could not be read" in result.findings[0].message


def test_templated_manifests_are_read(make_repo) -> None:
    files = compliant()
    files["api/deploy/externalsecret.yaml"] = "{{- if .Values.es }}\n" + EXTERNAL_SECRET \
        + "{{- end }}\n"
    files["api/deploy/charts/api/templates/deployment.yaml"] = DEPLOYMENT.replace(
        "name: api\n", "name: {{ .Release.Name }}\n  labels:\n"
        "    {{- include \"api.labels\" . | nindent 4 }}\n", 1)
    result = scan(make_repo(files), select=(*BOOTSTRAP,))
    assert located(result) == [] and not result.notes


def test_no_parse_error_for_a_templated_manifest_in_deploy(make_repo) -> None:
    files = compliant()
    files["api/deploy/externalsecret.yaml"] = "{{- if .Values.es }}\n" + EXTERNAL_SECRET \
        + "{{- end }}\n"
    assert located(scan(make_repo(files), select=("parse-error",))) == []


def test_a_template_that_cannot_be_read_even_neutralised_is_a_parse_error(make_repo) -> None:
    files = compliant()
    files["api/deploy/externalsecret.yaml"] = "{{- if .Values.es }}\n" + EXTERNAL_SECRET \
        + "  target: [open\n{{- end }}\n"
    files["api/deploy/configmap.yaml"] = "kind: ConfigMap\napiVersion: v1\ndata:\n" \
        "  a: {{ .Values.a }} b\n"  # reads once the action is neutralised: a template
    files[".github/workflows/ci.yml"] = "on: push\njobs:\n  a: {{ x }} b\n"  # never one
    result = scan(make_repo(files), select=("parse-error",))
    assert [(f.location.path, f.location.line) for f in result.findings] == [
        (".github/workflows/ci.yml", 3), ("api/deploy/externalsecret.yaml", 12)]
    assert "(k8s, with template actions neutralised)" in result.findings[1].message
    assert "neutralised" not in result.findings[0].message


def test_root_app_and_messages_never_show_values(make_repo) -> None:
    repo = make_repo({
        "deploy/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
                           "  containers:\n    - name: c\n      env:\n"
                           "        - name: DB_PASSWORD\n          value: hunter2-literal\n",
    })
    result = scan(repo, select=BOOTSTRAP)
    assert ("bootstrap-secret-ref", "deploy/pod.yaml", 9, 11) in located(result)
    assert all("(repo root)" in f.message for f in result.findings)
    assert all("hunter2" not in f.message + f.fix for f in result.findings)
