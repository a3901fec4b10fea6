"""`gates protection snapshot --declare`: the live protection, written as .gates/protection.yml,
against which `gates protection` then finds no drift."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from forge_stub import (
    ForgeStub,
    github_classic,
    pull_request_rule,
    ruleset_rule,
    status_checks_rule,
)

from gates.cli import main
from gates.protection.declared import load

REPO = "octo/app"
CLASSIC = f"/repos/{REPO}/branches/main/protection"
RULES = f"/repos/{REPO}/rules/branches/main?per_page=100"
TOKEN = "ghp_PLANTEDtoken1234567890abcdefghijklmn"


@pytest.fixture
def forge() -> Iterator[ForgeStub]:
    stub = ForgeStub().start()
    yield stub
    stub.stop()


@pytest.fixture
def repo(make_repo, monkeypatch) -> Path:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    return make_repo({"README.md": "# app\n"})


def args(forge: ForgeStub, repo: Path, *extra: str) -> list[str]:
    return ["protection", "-C", str(repo), "snapshot", "--provider", "github", "--api-url",
            forge.url, "--repo", REPO, *extra]


def serve(forge: ForgeStub) -> None:
    forge.add(CLASSIC, 200, github_classic(REPO, "main", checks=[("ci / test", 15368)],
                                           approvals=1, admins=True))
    forge.add(RULES, 200, [status_checks_rule([("ci / lint", None)], strict=False),
                           pull_request_rule(2, dismiss=True), ruleset_rule("non_fast_forward")])


def test_declare_writes_what_the_forge_enforces(forge, repo, capsys, snapshot) -> None:
    serve(forge)
    assert main(args(forge, repo, "--declare")) == 0
    assert "declared 1 branch(es) of octo/app" in capsys.readouterr().err
    text = (repo / ".gates" / "protection.yml").read_text()
    assert text == snapshot
    assert TOKEN not in text
    declared = load(text, ".gates/protection.yml").branches[0]
    assert declared.name == "main"
    assert [(c.context, c.app_id) for c in declared.checks or ()] == [("ci / test", 15368),
                                                                      ("ci / lint", None)]
    assert main(["protection", "-C", str(repo), "--provider", "github", "--api-url", forge.url,
                 "--repo", REPO]) == 0  # declared == live: no drift


def test_declare_never_replaces_a_declaration_without_force(forge, repo, capsys) -> None:
    serve(forge)
    (repo / ".gates").mkdir()
    (repo / ".gates" / "protection.yml").write_text(
        "version: 1\nbranches:\n  main:\n    required_approvals: 5\n")
    assert main(args(forge, repo, "--declare")) == 2
    assert "--force" in capsys.readouterr().err
    assert main(args(forge, repo, "--declare", "--force")) == 0
    assert "required_approvals: 2" in (repo / ".gates" / "protection.yml").read_text()


def test_snapshot_needs_output_or_declare(repo, capsys) -> None:
    assert main(["protection", "-C", str(repo), "snapshot", "--repo", REPO]) == 2
    assert "--declare" in capsys.readouterr().err
