"""Issue #6 "Must show": one test per bullet, against the loopback forge and a fixture repo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest
from forge_stub import (
    INTEGRATION_403,
    NOT_PROTECTED,
    ForgeStub,
    gitea_branch,
    gitea_protection,
    github_classic,
    pull_request_rule,
    ruleset_rule,
    status_checks_rule,
)
from gates_testing import FIXTURES, located, scan

from gates.cli import main

REPO = "octo/app"
CLASSIC = f"/repos/{REPO}/branches/main/protection"
RULES = f"/repos/{REPO}/rules/branches/main"
DECLARATION = """\
version: 1
provider: github
branches:
  main:
    required_checks:
      checks:
        - context: "ci / test"
          app_id: 15368
        - gates
        - ci / lint
    strict: true
    required_approvals: 2
    allow_force_pushes: false
"""


@pytest.fixture
def forge() -> Iterator[ForgeStub]:
    stub = ForgeStub().start()
    yield stub
    stub.stop()


@pytest.fixture
def declared(make_repo, monkeypatch) -> Path:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_mustshowtoken")
    return make_repo({".gates/protection.yml": DECLARATION})


def run(capsys, repo: Path, forge: ForgeStub, *extra: str) -> tuple[int, dict, str]:
    code = main(["protection", "-C", str(repo), "--api-url", forge.url, "--repo", REPO,
                 "--format", "json", *extra])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else {}), err


def test_classic_drift_gives_exactly_the_four_findings(forge, declared, capsys) -> None:
    forge.add(CLASSIC, 200, github_classic(REPO, "main", checks=[("ci / test", None),
                                                                  ("gates", 15368)],
                                           strict=True, approvals=1, force=True))
    forge.add(RULES + "?per_page=100", 200, [])
    code, report, _ = run(capsys, declared, forge)
    found = [(f["rule"], f["line"], f["message"]) for f in report["findings"]]
    assert code == 1
    assert found == [
        ("required-check-drift", 7, ("branch main accepts check 'ci / test' from any app "
                                     "(declared app 15368)")),
        ("required-check-drift", 10, "branch main does not require check 'ci / lint'"),
        ("required-check-drift", 12, "branch main requires 1 approval (declared at least 2)"),
        ("required-check-drift", 13, ("branch main allows force pushes "
                                      "(declared allow_force_pushes: false)")),
    ]


def test_rulesets_alone_satisfy_it_while_classic_is_not_protected(forge, declared,
                                                                   capsys) -> None:
    forge.add(CLASSIC, 404, NOT_PROTECTED)
    forge.add(RULES + "?per_page=100", 200,
              [status_checks_rule([("ci / test", 15368), ("gates", None)], strict=True),
               pull_request_rule(2)],
              {"Link": f'<{{base}}{RULES}?per_page=100&page=2>; rel="next"'})
    forge.add(RULES + "?per_page=100&page=2", 200,
              [status_checks_rule([("ci / lint", None)], strict=False, ),
               ruleset_rule("non_fast_forward")])
    code, report, err = run(capsys, declared, forge)
    assert (code, report["findings"], err) == (0, [], "")
    assert forge.paths() == [CLASSIC, RULES + "?per_page=100", RULES + "?per_page=100&page=2"]


def test_classic_403_without_rulesets_exits_2_naming_administration_read(forge, declared,
                                                                         capsys) -> None:
    forge.add(CLASSIC, 403, INTEGRATION_403)
    forge.add(RULES + "?per_page=100", 200, [])
    code, report, err = run(capsys, declared, forge)
    assert code == 2 and report == {}
    assert "Administration: read" in err
    assert "Resource not accessible by integration" in err
    assert "Traceback" not in err


def test_gitea_pattern_satisfies_ci_test_but_not_gates(forge, make_repo, monkeypatch,
                                                       capsys) -> None:
    monkeypatch.setenv("GITEA_TOKEN", "gitea-mustshow-token")
    repo = make_repo({".gates/protection.yml": (
        "version: 1\nprovider: gitea\nbranches:\n  main:\n    required_checks:\n"
        "      checks: [ci / test, gates]\n")})
    forge.add(f"/repos/{REPO}/branches/main", 200, gitea_branch("main", "main", ["ci / *"]))
    forge.add(f"/repos/{REPO}/branch_protections/main", 200,
              gitea_protection("main", ["ci / *"], approvals=1))
    code, report, _ = run(capsys, repo, forge)
    assert code == 1
    assert [(f["line"], f["message"]) for f in report["findings"]] == [
        (6, "branch main does not require check 'gates'")]
    assert all(s.headers["authorization"] == "token gitea-mustshow-token" for s in forge.requests)


def test_fixture_repo_reports_each_ci_gate_problem_on_its_line(make_repo) -> None:
    repo = make_repo(FIXTURES / "repos" / "ci-gates")
    result = scan(repo, select=("required-check-unproduced", "required-check-skippable",
                                "swallowed-failure"))
    assert located(result) == [
        ("required-check-unproduced", ".gates/protection.yml", 9, 11),  # build: no job
        ("required-check-skippable", ".github/workflows/ci.yml", 4, 5),  # paths: on pull_request
        ("swallowed-failure", ".github/workflows/promote.yml", 8, 5),  # continue-on-error
        ("swallowed-failure", ".github/workflows/promote.yml", 14, 51),  # || true
        ("swallowed-failure", ".github/workflows/promote.yml", 15, 11),  # bare curl
    ]
    # quiet: the --fail-with-body step (line 17) and the lint workflow's `|| true` and curl
    assert not any(f.location.path.endswith("lint.yml") or f.location.line == 17
                   for f in result.findings)
