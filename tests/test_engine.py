"""Engine behaviour across rules: suppressions, fingerprints, user rules, hand-offs, fail-closed."""

from __future__ import annotations

from pathlib import Path

import pytest

from gates_testing import CORE_RULES, located, scan
from gates import checks
from gates.cli import main
from gates.errors import Skip

COMPOSE = "deploy/docker-compose.yml"


def compose(*env_lines: str) -> str:
    body = "".join(f"      {line}\n" for line in env_lines)
    return f"services:\n  api:\n    environment:\n{body}"


def test_inline_ignore_on_the_line_and_the_line_above(make_repo) -> None:
    repo = make_repo({COMPOSE: compose(
        "A: ${A:-1}  # gates: ignore[untagged-default] tuning knob, harmless",
        "# gates: ignore[untagged-default] set by the platform",
        "B: ${B:-2}",
        "C: ${C:-3}",
    )})
    result = scan(repo, select=CORE_RULES)
    assert located(result) == [("untagged-default", COMPOSE, 7, 10)]
    assert [(f.location.line, f.suppression.reason) for f in result.suppressed] == [
        (4, "tuning knob, harmless"), (6, "set by the platform")]


def test_ignore_without_reason_suppresses_nothing_and_is_reported(make_repo) -> None:
    repo = make_repo({COMPOSE: compose("A: ${A:-1}  # gates: ignore[untagged-default]")})
    rules = sorted(f.rule_id for f in scan(repo, select=CORE_RULES).findings)
    assert rules == ["ignore-without-reason", "untagged-default"]


def test_ignore_for_another_rule_does_not_suppress(make_repo) -> None:
    repo = make_repo({COMPOSE: compose("A: ${A:-1}  # gates: ignore[parse-error] wrong rule")})
    assert [f.rule_id for f in scan(repo, select=CORE_RULES).findings] == ["untagged-default"]


def test_fingerprints_survive_line_shifts_and_tell_twins_apart(make_repo) -> None:
    twins = compose("A: ${A:-1}", "B: ${A:-1}")
    before = scan(make_repo({COMPOSE: twins}), select=CORE_RULES)
    after = scan(make_repo({COMPOSE: "# a new comment line\n\n" + twins}), select=CORE_RULES)
    first = [f.fingerprint for f in before.findings]
    assert first == [f.fingerprint for f in after.findings]
    assert len(set(first)) == 2
    assert [f.location.line for f in after.findings] == [6, 7]


def test_secret_names_go_to_secret_default_only(make_repo) -> None:
    repo = make_repo({COMPOSE: compose("P: ${DB_PASSWORD:-x}")})
    assert [f.rule_id for f in scan(repo, select=CORE_RULES).findings] == ["secret-default"]
    assert [f.rule_id for f in scan(repo, select=("untagged-default",)).findings] == [
        "untagged-default"]


def test_dotenv_in_deploy_path_is_not_also_reported_as_not_ignored(make_repo) -> None:
    repo = make_repo({"deploy/.env": "A=1\n"})
    assert [f.rule_id for f in scan(repo, select=CORE_RULES).findings] == ["dotenv-in-deploy-path"]


def test_bom_crlf_compose_reports_the_right_line(make_repo, tmp_path: Path) -> None:
    repo = make_repo({"README.md": "x\n"})
    data = "\ufeffservices:\r\n  api:\r\n    image: api:${TAG:-latest}\r\n"
    (repo / "compose.yml").write_bytes(data.encode("utf-8"))
    assert located(scan(repo, select=CORE_RULES)) == [("untagged-default", "compose.yml", 3, 16)]


def test_utf16_compose_is_decoded(make_repo) -> None:
    repo = make_repo({"README.md": "x\n"})
    data = "services:\n  api:\n    image: api:${TAG:-latest}\n"
    (repo / "compose.yml").write_bytes(b"\xff\xfe" + data.encode("utf-16-le"))
    assert located(scan(repo, select=CORE_RULES)) == [("untagged-default", "compose.yml", 3, 16)]


def test_malformed_yaml_is_a_located_parse_error_not_a_traceback(make_repo, capsys) -> None:
    repo = make_repo({COMPOSE: "services:\n  api:\n    image: [api\n    ports: 80\n"})
    result = scan(repo, select=CORE_RULES)
    assert [(f.rule_id, f.location.line) for f in result.findings] == [("parse-error", 4)]
    assert "line 3, column 12" in result.findings[0].message
    assert main(["check", str(repo), "--select", ",".join(CORE_RULES), "--no-color"]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err


def test_user_pattern_rule_fires_with_unless(make_repo) -> None:
    rule = """\
id: no-latest-tag
title: Images are pinned, never latest
severity: warning
scope: file
kind: pattern
kinds: [compose, k8s]
pattern: 'image:\\s*\\S+:latest'
unless: 'allow-latest'
message: the image uses the mutable latest tag
fix: pin a version or a digest
docs:
  what: Finds images tagged latest.
  why: Latest changes under your feet.
  example: "image: api:latest"
  use_instead: "image: api:1.2.3"
  references: ["https://docs.docker.com/"]
"""
    repo = make_repo({
        ".gates/rules/no-latest-tag.yaml": rule,
        COMPOSE: "services:\n  a:\n    image: api:latest\n  b:\n    image: w:latest # allow-latest\n",
    })
    result = scan(repo, select=(*CORE_RULES, "no-latest-tag"))
    assert located(result) == [("no-latest-tag", COMPOSE, 3, 5)]
    assert "no-latest-tag" in {r.id for r in result.rules}


def test_user_path_rule_fires_even_on_binary_files(make_repo) -> None:
    rule = """\
id: no-keystores
title: Keystores are never committed
severity: error
scope: file
kind: path
paths: ["*.p12", "*.jks"]
message: a keystore is committed
fix: remove it and load keys from the secret store
docs:
  what: Finds committed keystores by name.
  why: A keystore holds private keys.
  example: certs/app.p12
  use_instead: an ExternalSecret
  references: ["https://cwe.mitre.org/data/definitions/312.html"]
"""
    repo = make_repo({".gates/rules/no-keystores.yaml": rule})
    (repo / "certs").mkdir()
    (repo / "certs" / "app.p12").write_bytes(b"\x30\x82\x00\x00binary")
    result = scan(repo, select=(*CORE_RULES, "no-keystores"))
    assert located(result) == [("no-keystores", "certs/app.p12", 1, 1)]
    assert any(n.path == "certs/app.p12" and n.kind == "skipped-file" for n in result.notes)


def test_invalid_user_rule_is_exit_2_with_file_and_line(make_repo, capsys) -> None:
    repo = make_repo({".gates/rules/bad.yaml": "id: bad\ntitle: Bad rule here\nseverity: fatal\n"})
    assert main(["check", str(repo), "--select", ",".join(CORE_RULES)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:3" in err and "severity" in err


def test_user_rule_cannot_shadow_a_builtin(make_repo, capsys) -> None:
    rule = (Path(__file__).parents[1] / "rules" / "untagged-default.yaml").read_text()
    rule = rule.replace("kind: check", "kind: pattern\npattern: x\nmessage: shadowing rule")
    repo = make_repo({".gates/rules/untagged-default.yaml": rule})
    assert main(["check", str(repo), "--select", ",".join(CORE_RULES)]) == 2
    assert "defined twice" in capsys.readouterr().err


def test_config_severity_and_fail_on(make_repo) -> None:
    repo = make_repo({
        ".gates.yml": "fail_on: error\nrules:\n  untagged-default: {severity: warning}\n",
        COMPOSE: compose("A: ${A:-1}"),
    })
    assert main(["check", str(repo), "--select", ",".join(CORE_RULES)]) == 0
    assert main(["check", str(repo), "--select", ",".join(CORE_RULES), "--fail-on", "warning"]) == 1
    assert [f.severity.value for f in scan(repo, select=CORE_RULES).findings] == ["warning"]


def test_a_rule_can_be_switched_off(make_repo) -> None:
    repo = make_repo({".gates.yml": "rules:\n  untagged-default: off\n",
                      COMPOSE: compose("A: ${A:-1}")})
    assert "untagged-default" not in {f.rule_id for f in scan(repo).findings}
    assert "untagged-default" not in {r.id for r in scan(repo).rules}


def test_a_skipping_check_is_visible(make_repo, monkeypatch) -> None:
    def skipping(doc, ctx):
        raise Skip("no token to read branch protection")

    monkeypatch.setitem(checks.CHECKS, "untagged-default", "test_engine:_skipping")
    monkeypatch.setattr("test_engine._skipping", skipping, raising=False)
    repo = make_repo({COMPOSE: compose("A: ${A:-1}"), "compose.yml": compose("B: ${B:-1}")})
    result = scan(repo, select=CORE_RULES)
    skips = [n for n in result.notes if n.kind == "skipped-rule"]
    assert [(n.rule_id, n.message) for n in skips] == [
        ("untagged-default", "no token to read branch protection")]


def test_a_crashing_check_fails_the_run_without_echoing_its_message(make_repo, monkeypatch, capsys) -> None:
    def crashing(doc, ctx):
        raise ValueError("hunter2-secret-value")

    monkeypatch.setitem(checks.CHECKS, "untagged-default", "test_engine:_crashing")
    monkeypatch.setattr("test_engine._crashing", crashing, raising=False)
    repo = make_repo({COMPOSE: compose("A: ${A:-1}")})
    assert main(["check", str(repo), "--select", ",".join(CORE_RULES), "--format", "json"]) == 3
    captured = capsys.readouterr()
    assert "untagged-default" in captured.out
    assert "hunter2" not in captured.out + captured.err
    assert '"execution_successful": false' in captured.out


@pytest.mark.parametrize("name", [".env", ".env.local", ".env.production"])
def test_untracked_unignored_dotenv_outside_git_is_reported(make_repo, name: str) -> None:
    repo = make_repo({name: "A=1\n"}, git_repo=False)
    assert [f.rule_id for f in scan(repo, select=CORE_RULES).findings] == ["dotenv-not-ignored"]
