"""`gates protection`, `gates protection snapshot`, `gates check --protection`: the contracts
around the forge (exit codes, unknown sources, offline snapshots, where the token may go)."""

from __future__ import annotations

import json
import traceback
from pathlib import Path
from typing import Iterator

import pytest
from forge_stub import (
    INTEGRATION_403,
    NOT_PROTECTED,
    ForgeStub,
    github_classic,
    pull_request_rule,
    ruleset_rule,
    status_checks_rule,
)

from gates.api import check
from gates.cli import main
from gates.forge.http import HttpSettings
from gates.protection.command import ForgeOptions
from gates.errors import GatesError
from gates.forge.target import parse_remote, resolve

REPO = "octo/app"
CLASSIC = f"/repos/{REPO}/branches/main/protection"
RULES = f"/repos/{REPO}/rules/branches/main?per_page=100"
TOKEN = "ghp_PLANTEDtoken1234567890abcdefghijklmn"
DECLARATION = """\
version: 1
branches:
  main:
    required_checks:
      checks:
        - context: test
          app_id: 15368
    required_approvals: 2
    allow_force_pushes: false
"""


@pytest.fixture
def forge() -> Iterator[ForgeStub]:
    stub = ForgeStub().start()
    yield stub
    stub.stop()


@pytest.fixture
def repo(make_repo, monkeypatch) -> Path:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    return make_repo({".gates/protection.yml": DECLARATION,
                      ".github/workflows/ci.yml": "on: pull_request\njobs:\n  test:\n"
                                                  "    runs-on: ubuntu-latest\n"
                                                  "    steps:\n      - run: make test\n"})


def forge_args(forge: ForgeStub) -> list[str]:
    return ["--provider", "github", "--api-url", forge.url, "--repo", REPO]


def drifting(forge: ForgeStub) -> None:
    forge.add(CLASSIC, 200, github_classic(REPO, "main", checks=[("test", None)], approvals=1,
                                           force=True))
    forge.add(RULES, 200, [])


def test_snapshot_records_and_checks_offline(forge, repo, tmp_path, capsys) -> None:
    drifting(forge)
    live = main(["protection", "-C", str(repo), *forge_args(forge), "--format", "json"])
    live_report = json.loads(capsys.readouterr().out)
    recorded = tmp_path / "live.json"
    assert main(["protection", "-C", str(repo), *forge_args(forge), "snapshot",
                 "--output", str(recorded)]) == 0
    assert "recorded 1 branch(es) of octo/app" in capsys.readouterr().err
    forge.stop()  # offline from here on
    offline = main(["protection", "-C", str(repo), "--snapshot", str(recorded),
                    "--format", "json"])
    offline_report = json.loads(capsys.readouterr().out)
    assert live == offline == 1
    assert [f["message"] for f in offline_report["findings"]] == \
        [f["message"] for f in live_report["findings"]]
    assert len(offline_report["findings"]) == 3
    assert json.loads(recorded.read_text())["branches"]["main"]["sources"][0]["status"] == "read"


def test_check_with_protection_runs_the_static_and_live_rules_together(forge, repo,
                                                                       capsys) -> None:
    drifting(forge)
    assert main(["check", str(repo), "--protection", *forge_args(forge), "--format", "json"]) == 1
    rules = sorted({f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]})
    assert rules == ["required-check-drift"]  # ci.yml produces `test`: nothing static to say


def test_plain_check_skips_drift_visibly(repo, capsys) -> None:
    assert main(["check", str(repo), "--format", "json"]) == 0
    notes = json.loads(capsys.readouterr().out)["notes"]
    assert [(n["kind"], n["rule"]) for n in notes] == [("skipped-rule", "required-check-drift")]


def test_forge_options_need_protection(repo, capsys) -> None:
    assert main(["check", str(repo), "--repo", REPO]) == 2
    assert "--repo needs --protection" in capsys.readouterr().err


def test_unknown_source_with_satisfied_declaration_passes_with_a_note(forge, repo,
                                                                      capsys) -> None:
    forge.add(CLASSIC, 403, INTEGRATION_403)
    forge.add(RULES, 200, [status_checks_rule([("test", 15368)], True), pull_request_rule(2),
                           ruleset_rule("non_fast_forward")])
    assert main(["protection", "-C", str(repo), *forge_args(forge), "--format", "json"]) == 0
    notes = json.loads(capsys.readouterr().out)["notes"]
    assert len(notes) == 1 and "Administration: read" in notes[0]["message"]


def test_allow_unknown_turns_exit_2_into_a_warning(forge, repo, capsys) -> None:
    forge.add(CLASSIC, 403, INTEGRATION_403)
    forge.add(RULES, 200, [])
    args = ["protection", "-C", str(repo), *forge_args(forge), "--format", "json"]
    assert main(args) == 2
    assert main([*args, "--allow-unknown"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(f["severity"], f["line"]) for f in report["findings"]] == [("warning", 3)]
    assert main([*args, "--allow-unknown", "--fail-on", "error"]) == 0


def test_definite_drift_is_reported_even_when_a_source_is_unknown(forge, make_repo, monkeypatch,
                                                                  capsys) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    repo = make_repo({".gates/protection.yml": "version: 1\nbranches:\n  main:\n"
                                               "    require_linear_history: false\n"})
    forge.add(CLASSIC, 403, INTEGRATION_403)
    forge.add(RULES, 200, [ruleset_rule("required_linear_history")])
    assert main(["protection", "-C", str(repo), *forge_args(forge), "--format", "json"]) == 1
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [f["message"] for f in found] == [
        "branch main requires a linear history (declared require_linear_history: false)"]


def test_no_declaration_no_token_and_plain_http_are_exit_2(forge, make_repo, repo, monkeypatch,
                                                           capsys) -> None:
    bare = make_repo({"README.md": "x\n"})
    assert main(["protection", "-C", str(bare), *forge_args(forge)]) == 2
    assert "no branch protection is declared" in capsys.readouterr().err
    monkeypatch.delenv("GITHUB_TOKEN")
    assert main(["protection", "-C", str(repo), *forge_args(forge)]) == 2
    assert "no token in $GITHUB_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("CI_TOKEN", TOKEN)
    assert main(["protection", "-C", str(repo), "--token-env", "CI_TOKEN", "--repo", REPO,
                 "--api-url", "http://forge.example.invalid/api/v3"]) == 2
    assert "refusing to send a token" in capsys.readouterr().err
    assert forge.requests == []


def test_snapshot_without_the_declared_branch_is_exit_2(repo, tmp_path, capsys) -> None:
    recorded = tmp_path / "s.json"
    recorded.write_text(json.dumps({"version": 1, "provider": "github", "api_url": "x",
                                    "repo": REPO, "branches": {}}))
    assert main(["protection", "-C", str(repo), "--snapshot", str(recorded)]) == 2
    assert "has no data for branch main" in capsys.readouterr().err
    recorded.write_text('{"version": 1, "provider": "bitbucket"}')
    assert main(["protection", "-C", str(repo), "--snapshot", str(recorded)]) == 2
    assert "s.json:1: provider" in capsys.readouterr().err


def test_invalid_declaration_names_file_line_and_key(make_repo, capsys) -> None:
    repo = make_repo({".gates/protection.yml": "version: 1\nbranches:\n  main:\n"
                                               "    required_aprovals: 2\n"})
    assert main(["check", str(repo)]) == 2
    err = capsys.readouterr().err
    assert ".gates/protection.yml:4" in err and "did you mean 'required_approvals'" in err


def test_json_declaration_is_accepted(forge, make_repo, monkeypatch, capsys) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    repo = make_repo({".gates/protection.json": json.dumps(
        {"version": 1, "branches": {"main": {"required_approvals": 2}}}, indent=2)})
    forge.add(CLASSIC, 404, NOT_PROTECTED)
    forge.add(RULES, 200, [pull_request_rule(1)])
    assert main(["protection", "-C", str(repo), *forge_args(forge), "--format", "json"]) == 1
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["path"], f["line"]) for f in found] == [(".gates/protection.json", 5)]


def test_remote_urls_give_provider_api_and_repo() -> None:
    assert parse_remote("git@github.com:octo/app.git") == ("github.com", "octo/app")
    assert parse_remote("https://user:s3cret@GitHub.example.com/octo/app") == (
        "github.example.com", "octo/app")
    assert parse_remote("ssh://git@gitea.example.com:2222/octo/app.git") == (
        "gitea.example.com", "octo/app")
    github = resolve(None, None, None, None, "https://github.com/octo/app.git")
    assert (github.provider, github.api_url, github.repo, github.token_env) == (
        "github", "https://api.github.com", "octo/app", "GITHUB_TOKEN")
    ghes = resolve(None, None, None, None, "git@github.corp.example:team/svc.git")
    assert ghes.api_url == "https://github.corp.example/api/v3"
    gitea = resolve(None, None, None, None, "https://gitea.example.com/octo/app.git")
    assert (gitea.provider, gitea.api_url, gitea.token_env) == (
        "gitea", "https://gitea.example.com/api/v1", "GITEA_TOKEN")
    with pytest.raises(GatesError, match="--provider"):
        resolve(None, None, None, None, "https://git.example.com/octo/app.git")


def test_the_token_never_leaves_the_authorization_header(forge, repo, tmp_path, capsys,
                                                         monkeypatch) -> None:
    """Plant a token, echo it back from the forge, and search every output for it."""
    forge.add(CLASSIC, 403, {**INTEGRATION_403, "message": f"Bad credentials {TOKEN}"})
    forge.add(RULES, 200, [status_checks_rule([(f"ci {TOKEN}", None)], False)])
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    outputs: list[str] = []
    for extra in (["--allow-unknown"], []):  # a warning run and the exit-2 error run
        files = {name: tmp_path / f"out-{len(outputs)}.{name}" for name in ("json", "sarif",
                                                                             "github")}
        code = main(["protection", "-C", str(repo), *forge_args(forge), *extra, "--format",
                     "text", *[f"--format={n}={p}" for n, p in files.items()]])
        assert code in (1, 2)
        captured = capsys.readouterr()
        outputs += [captured.out, captured.err]
        outputs += [p.read_text() for p in files.values() if p.exists()]
    recorded = tmp_path / "snap.json"
    main(["protection", "-C", str(repo), *forge_args(forge), "snapshot", "-o", str(recorded)])
    captured = capsys.readouterr()
    outputs += [captured.out, captured.err, recorded.read_text(), summary.read_text()]
    with socket_closed() as dead_url:  # the network-error path and its exception text
        fast = HttpSettings(timeout=1.0, attempts=2, backoff=0.001)
        options = ForgeOptions(protection=True, provider="github", api_url=dead_url, repo=REPO,
                               http=fast)
        with pytest.raises(GatesError) as raised:
            check([repo], forge=options)
        outputs += [str(raised.value), repr(raised.value), "".join(
            traceback.format_exception(raised.type, raised.value, raised.tb))]
        assert "cannot reach" in str(raised.value)
    assert all(r.headers.get("authorization") == f"Bearer {TOKEN}" for r in forge.requests)
    assert len(outputs) > 10 and any("Administration: read" in o for o in outputs)
    assert not [o for o in outputs if TOKEN in o]


class socket_closed:
    """A loopback URL on which nothing listens."""

    def __enter__(self) -> str:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return f"http://127.0.0.1:{probe.getsockname()[1]}"

    def __exit__(self, *exc: object) -> None:
        return None


def test_a_hit_can_lower_its_severity_but_never_raise_it(forge, repo, capsys) -> None:
    (repo / ".gates.yml").write_text("rules:\n  required-check-drift: {severity: note}\n")
    forge.add(CLASSIC, 403, INTEGRATION_403)
    forge.add(RULES, 200, [])
    assert main(["protection", "-C", str(repo), *forge_args(forge), "--allow-unknown",
                 "--format", "json", "--fail-on", "note"]) == 1
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [f["severity"] for f in found] == ["note"]  # the warning hit under a `note` rule
