"""The README's example repo: every planted violation is found exactly, the clean parts stay quiet.

This is the core issue's "must show": rule, file, line and column for each violation, exit 1;
and exit 0 once the violations are cleaned up.
"""

from __future__ import annotations

from pathlib import Path

from gates_testing import CORE_RULES, FIXTURES, located, materialise, scan
from gates.cli import main

EXAMPLE = FIXTURES / "repos" / "example"

EXPECTED = [
    ("dotenv-not-ignored", ".env", 1, 1),
    ("untagged-default", "charts/api/values.yaml", 3, 9),
    ("untagged-default", "config/app.env", 2, 11),
    ("dotenv-in-deploy-path", "deploy/.env", 1, 1),
    ("secret-default", "deploy/docker-compose.yml", 5, 20),
    ("untagged-default", "deploy/docker-compose.yml", 6, 18),
    ("untagged-default", "deploy/docker-compose.yml", 7, 21),
    ("untagged-default", "deploy/docker-compose.yml", 7, 37),
]


def test_example_reports_each_violation_exactly(tmp_path: Path) -> None:
    repo = materialise(EXAMPLE, tmp_path / "example")
    result = scan(repo, select=CORE_RULES)
    assert located(result) == EXPECTED
    assert not result.errors and not result.crashed
    tracked = next(f for f in result.findings if f.rule_id == "dotenv-not-ignored")
    assert "committed" in tracked.message


def test_example_exits_1_and_names_findings(tmp_path: Path, capsys) -> None:
    repo = materialise(EXAMPLE, tmp_path / "example")
    assert main(["check", str(repo), "--no-color"]) == 1
    out = capsys.readouterr().out
    assert "deploy/docker-compose.yml:6:18" in out
    assert "changeme" not in out  # a default value is never echoed


def test_every_rule_on_the_example_still_reports_each_violation(tmp_path: Path) -> None:
    """With every rule on (secrets, ESO bootstrap, ...) the core findings are all still there."""
    repo = materialise(EXAMPLE, tmp_path / "example")
    assert set(EXPECTED) <= set(located(scan(repo)))


def test_quiet_parts_of_the_example_produce_nothing(tmp_path: Path) -> None:
    repo = materialise(EXAMPLE, tmp_path / "example")
    paths = {f.location.path for f in scan(repo, select=CORE_RULES).findings}
    for quiet in (".env.example", "scripts/run.sh", "README.md"):
        assert quiet not in paths


def test_cleaned_example_exits_0(tmp_path: Path) -> None:
    repo = materialise(EXAMPLE, tmp_path / "example")
    compose = repo / "deploy" / "docker-compose.yml"
    text = compose.read_text()
    for old, new in [("${DB_PASSWORD:-changeme}", "${DB_PASSWORD:?DB_PASSWORD is required}"),
                     ("${LOG_LEVEL-info}", "${LOG_LEVEL:-info}  # safe-default: info everywhere"),
                     ("${UPSTREAM_URL:-${FALLBACK_URL:-http://x}}", "${UPSTREAM_URL:?required}")]:
        text = text.replace(old, new)
    compose.write_text(text)
    values = repo / "charts" / "api" / "values.yaml"
    values.write_text(values.read_text().replace("${IMAGE_TAG:-latest}", "${IMAGE_TAG:?required}"))
    (repo / "config" / "app.env").write_text("CACHE_TTL=${CACHE_TTL:?required}\n")
    (repo / "deploy" / ".env").unlink()
    (repo / ".gitignore").write_text(".env\n")
    from gates_testing import git

    git(repo, "rm", "-q", "--cached", ".env", "deploy/.env")
    assert located(scan(repo, select=CORE_RULES)) == []
    assert main(["check", str(repo), "--select", ",".join(CORE_RULES)]) == 0
