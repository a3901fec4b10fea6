"""Issue #9: mirrored files stay identical, forbidden paths and env keys, no secret in argv.

The must-show is ``fixtures/repos/field-policy``: each planted problem is reported on the right
file and line, and its quiet twin (``--password-stdin``, ``ssh -p 2222``, identical mirrors, the
same key outside the declared file, the same command in docs) produces nothing.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from gates_testing import FIXTURES, GIT, git, materialise, scan
from gates.checks.argv_tools import find_secrets
from gates.cli import main
from gates.documents import detect_kind
from gates.parse.shell import Logical, commands, logical_lines

FIELD = FIXTURES / "repos" / "field-policy"
RULES = ("mirror-drift", "forbidden-path", "forbidden-env-key", "secret-in-argv")

EXPECTED = [
    ("secret-in-argv", ".github/workflows/release.yml", 15),
    ("forbidden-path", "infra/terraform.tfstate", 1),
    ("mirror-drift", "packages/framework/guides/setup.md", 4),
    ("forbidden-env-key", "workspaces/acme/tenant.env", 3),
]


def rows(result) -> list[tuple[str, str, int]]:
    return [(f.rule_id, f.location.path, f.location.line) for f in result.findings]


@pytest.fixture
def field(tmp_path: Path) -> Path:
    return materialise(FIELD, tmp_path / "field")


def test_field_policy_reports_each_problem_on_its_file_and_line(field: Path) -> None:
    result = scan(field, select=RULES)
    assert rows(result) == EXPECTED
    assert not result.errors and not result.crashed
    messages = {f.rule_id: f.message for f in result.findings}
    assert "guides/setup.md" in messages["mirror-drift"]  # names its twin
    assert "tenants must not hold a repo-host token" in messages["forbidden-env-key"]
    assert "Terraform state" in messages["forbidden-path"]
    assert "--password-stdin" in messages["secret-in-argv"]  # names the safe form


def test_field_policy_quiet_twins_stay_quiet(field: Path) -> None:
    findings = scan(field, select=RULES).findings
    paths = {f.location.path for f in findings}
    for quiet in ("docs/release.md", "guides/intro.md", "packages/framework/guides/intro.md",
                  "scripts/verify-pin.sh", "templates/api/scripts/verify-pin.sh",
                  "templates/web/scripts/verify-pin.sh", "ci/runner.env", "infra/main.tf"):
        assert quiet not in paths
    workflow_lines = {f.location.line for f in findings
                      if f.location.path == ".github/workflows/release.yml"}
    assert workflow_lines == {15}  # not 11 (--password-stdin) nor 17 (ssh -p 2222)


def test_field_policy_cli_exits_1_and_never_prints_the_value(field: Path, capsys) -> None:
    assert main(["check", str(field), "--no-color", "--select", ",".join(RULES)]) == 1
    out = capsys.readouterr().out
    assert "workspaces/acme/tenant.env:3:1" in out
    assert "fixture-value-not-a-token" not in out


def _commit(repo: Path, message: str, when: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run([*GIT, "commit", "-qam", message], cwd=repo, check=True, env=env,
                   capture_output=True)


def test_drift_is_reported_in_the_copy_that_changed_last(field: Path) -> None:
    source = field / "guides" / "setup.md"
    source.write_text(source.read_text() + "4. Read the changelog.\n")
    assert ("mirror-drift", "guides/setup.md", 4) in rows(scan(field, select=("mirror-drift",)))
    _commit(field, "update the source guide", "2030-01-01T00:00:00Z")
    findings = scan(field, select=("mirror-drift",)).findings
    assert rows_of(findings) == [("mirror-drift", "guides/setup.md", 4)]
    assert "changed after its mirror packages/framework/guides/setup.md" in findings[0].message


def rows_of(findings) -> list[tuple[str, str, int]]:
    return [(f.rule_id, f.location.path, f.location.line) for f in findings]


def test_mirror_missing_files_both_ways_and_in_every_template(field: Path) -> None:
    (field / "guides" / "new.md").write_text("# New\n")
    (field / "packages" / "framework" / "guides" / "stale.md").write_text("# Stale\n")
    (field / "templates" / "worker").mkdir()
    (field / "templates" / "worker" / "Dockerfile").write_text("FROM alpine:3.20\n")
    findings = scan(field, select=("mirror-drift",)).findings
    located = {(f.location.path, f.message.split(" (")[0]) for f in findings}
    assert ("guides/new.md", "its mirror packages/framework/guides/new.md is missing") in located
    assert ("packages/framework/guides/stale.md",
            "has no counterpart guides/stale.md in the source folder guides/") in located
    assert ("scripts/verify-pin.sh",
            "its mirror templates/worker/scripts/verify-pin.sh is missing") in located


def test_partial_run_checks_the_mirrors_of_the_files_it_reads(field: Path) -> None:
    only_copy = scan(field / "packages" / "framework" / "guides" / "setup.md",
                     select=("mirror-drift",))
    assert rows(only_copy) == [("mirror-drift", "packages/framework/guides/setup.md", 4)]
    assert scan(field / "docs", select=("mirror-drift",)).findings == ()


@pytest.mark.parametrize("mirrors, message", [
    ('[guides/, "packages/framework/guides/setup.md"]', "mixes folders"),
    ('["templates/*/scripts/verify-pin.sh", scripts/verify-pin.sh]', "matches 2 paths"),
    ("[nowhere/a.sh, elsewhere/a.sh]", "none of its files exists"),
    ("[../outside/, guides/]", "is not a path inside the repo"),
])
def test_mirror_config_mistakes_exit_2(make_repo, capsys, mirrors: str, message: str) -> None:
    repo = make_repo(FIELD)
    (repo / ".gates.yml").write_text(f"mirrors:\n  - {mirrors}\n")
    assert main(["check", str(repo), "--select", "mirror-drift"]) == 2
    assert message in capsys.readouterr().err


def test_forbidden_path_fires_on_oversized_and_binary_files_and_can_be_switched_off(
        make_repo) -> None:
    repo = make_repo({".gates.yml": "max_file_size: 1024\n", "README.md": "x\n"})
    (repo / "prod.tfstate").write_text("{" + " " * 4096 + "}")
    (repo / "app.jks").write_bytes(b"\xfe\xed\xfe\xed\x00\x00binary")
    result = scan(repo, select=("forbidden-path",))
    assert rows(result) == [("forbidden-path", "app.jks", 1), ("forbidden-path", "prod.tfstate", 1)]
    assert {n.path for n in result.notes if n.kind == "skipped-file"} >= {"app.jks", "prod.tfstate"}
    (repo / ".gates.yml").write_text(
        "max_file_size: 1024\nrules:\n  forbidden-path:\n    options: {defaults: false}\n"
        "forbidden_paths:\n  - {glob: '*.jks', reason: Java keystores hold signing keys}\n")
    result = scan(repo, select=("forbidden-path",))
    assert rows(result) == [("forbidden-path", "app.jks", 1)]
    assert result.findings[0].message.endswith("Java keystores hold signing keys")


def test_forbidden_env_key_only_literal_allows_a_reference(make_repo) -> None:
    config = ("forbidden_env_keys:\n  - key: 'DEPLOY_*'\n    kinds: [compose]\n"
              "    only_literal: true\n    reason: deploy keys come from the secret store\n")
    compose = ("services:\n  api:\n    environment:\n      DEPLOY_KEY: ${DEPLOY_KEY:?required}\n"
               "      DEPLOY_TOKEN: 'abc123'\n      - DEPLOY_USER=ci\n")
    repo = make_repo({".gates.yml": config, "compose.yml": compose})
    assert rows(scan(repo, select=("forbidden-env-key",))) == [
        ("forbidden-env-key", "compose.yml", 5), ("forbidden-env-key", "compose.yml", 6)]


def _spelled(line: str) -> list[str]:
    logical = logical_lines([(1, 1, line)])[0]
    return [found.spelled for words in commands(logical) for found in find_secrets(words)]


@pytest.mark.parametrize("line, expected", [
    ('docker login -u ci -p "$REGISTRY_PASSWORD" registry', ["docker login -p"]),
    ('docker login -u ci -p"$P" 2>&1 | tee log', ["docker login -p"]),
    ("podman login --password=abc quay.io", ["podman login --password"]),
    ('echo "$P" | docker login -u ci --password-stdin registry', []),
    ("ssh -p 2222 deploy@host", []),
    ("docker run -p 8080:80 app", []),
    ("redis-cli -h cache -p 6379 ping", []),
    ('redis-cli -a "$REDIS_PASSWORD" ping', ["redis-cli -a"]),
    ("mysql -uroot -p app", []),
    ("mysql -uroot -psecret app", ["mysql -p"]),
    ("mysql --password=secret app", ["mysql --password"]),
    ("mysql -h db -P 3306 -u app -p app", []),
    ("curl -u deploy https://x", []),
    ("curl -fsS -u deploy:$PASS https://x", ["curl -u"]),
    ("curl --user=deploy:pw https://x", ["curl --user"]),
    ("sshpass -p hunter2 ssh host", ["sshpass -p"]),
    ("sshpass -e ssh host", []),
    ("sudo -u root docker login -p x registry", ["docker login -p"]),
    ("FOO=1 exec docker login -p x registry", ["docker login -p"]),
    ("TOKEN=$(vault login -token-only -method=userpass username=u password=$PW)",
     ["vault login password="]),
    ("vault login -", []),
    ("vault login -method=github", []),
    ('vault login "$VAULT_TOKEN"', ["vault login TOKEN"]),
    ("vault write auth/approle/login role_id=x secret_id=@/run/secret", []),
    ("openssl enc -passin env:KEY -in a", []),
    ("openssl enc -passin pass:x -in a", ["openssl -passin"]),
    ("npm publish --//registry.npmjs.org/:_authToken=abc",
     ["npm --//registry.npmjs.org/:_authToken"]),
    ("./gradlew sonar -Dsonar.token=$SONAR_TOKEN", ["gradlew -Dsonar.token"]),
    ("kubectl --token=$K8S_TOKEN get pods", ["kubectl --token"]),
    ("echo docker login -p x", []),
    ("# docker login -p x", []),
    ("helm registry login -u ci -p x ghcr.io", ["helm registry login -p"]),
    ("helm install app ./chart -p x", []),
])
def test_secret_in_argv_knows_which_argument_is_a_secret(line: str, expected: list[str]) -> None:
    assert _spelled(line) == expected


def test_continued_lines_point_at_the_physical_line() -> None:
    logical = logical_lines([(3, 1, "docker login -u ci \\"), (4, 1, '  --password "$P" reg')])[0]
    found = [f for words in commands(logical) for f in find_secrets(words)]
    assert [(f.word.line, f.word.col) for f in found] == [(4, 3)]


def test_tail_keeps_positions() -> None:
    logical = Logical()
    logical.add("RUN a ", 1, 1)
    logical.add("b -p", 2, 2)
    tail = logical.tail(4)
    assert tail.text == "a b -p"
    assert tail.where(0) == (1, 5) and tail.where(2) == (2, 2)


def test_workflow_scalar_styles_are_located(make_repo) -> None:
    workflow = """\
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: docker login -p "$A" r
      - run: "curl -u ci:$B https://x"
      - run: >
          sshpass
          -p "$C" ssh host
      - run: |
          echo ok
          mysql -uroot -p"$D" app
"""
    repo = make_repo({".github/workflows/ci.yml": workflow})
    findings = scan(repo, select=("secret-in-argv",)).findings
    assert [(f.location.line, f.location.col) for f in findings] == [
        (6, 27), (7, 20), (10, 11), (13, 24)]


def test_makefiles_have_their_own_kind() -> None:
    assert detect_kind("Makefile", "") == "makefile"
    assert detect_kind("build/GNUmakefile", "") == "makefile"
    assert detect_kind("build/rules.mk", "") == "makefile"
    assert detect_kind("docs/makefile.md", "") == "markdown"


def test_argv_messages_never_hold_the_literal(make_repo) -> None:
    repo = make_repo({"run.sh": "#!/bin/sh\nsshpass -p Sup3rS3cret ssh host\n"})
    findings = scan(repo, select=("secret-in-argv",)).findings
    assert len(findings) == 1
    assert "Sup3rS3cret" not in findings[0].message + findings[0].fix
    git(repo, "status")  # the repo is intact: the check reads, never writes


def test_every_shipped_forbidden_glob_has_a_reason() -> None:
    from gates.checks.forbidden import SHIPPED_PATH_REASONS
    from gates.rules import builtin_rules

    rule = next(r for r in builtin_rules() if r.id == "forbidden-path")
    assert list(SHIPPED_PATH_REASONS) == list(rule.paths)


def test_unknown_disable_name_and_bad_config_entries_exit_2(make_repo, capsys) -> None:
    config = "rules:\n  forbidden-path:\n    options: {disable: ['*.pen']}\n"
    repo = make_repo({".gates.yml": config, "a.tfstate": "{}\n"})
    assert main(["check", str(repo), "--select", "forbidden-path"]) == 2
    assert "*.pen" in capsys.readouterr().err
    (repo / ".gates.yml").write_text("forbidden_paths:\n  - glob: '*.bak'\n")
    assert main(["check", str(repo)]) == 2
    err = capsys.readouterr().err
    assert ".gates.yml:2" in err and "reason" in err
