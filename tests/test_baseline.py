"""Baselines: ``gates baseline`` writes fingerprints; ``check --baseline`` reports only new ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gates_testing import git
from gates import baseline
from gates.cli import main
from gates.errors import GatesError

RULES = "untagged-default,secret-default"
COMPOSE = "services:\n  api:\n    environment:\n      A: ${A:-1}\n      DB_PASSWORD: ${DB_PASSWORD:-hunter2}\n"


def write(root: Path, rel: str, text: str) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text, encoding="utf-8")


def gates(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    write(tmp_path, "compose.yml", COMPOSE)
    write(tmp_path, "other/compose.yml", "services:\n  web:\n    image: web:${TAG:-x}\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_baseline_keeps_the_repo_green_after_lines_shift_and_new_violations_fail(
        project: Path, capsys) -> None:
    assert gates(capsys, "check", "--select", RULES)[0] == 1
    code, _, err = gates(capsys, "baseline", "--output", "base.json")
    assert code == 0 and "wrote 3 finding(s)" in err
    write(project, "compose.yml", "# header\n# another\n\n" + COMPOSE)  # every line moves down
    write(project, "other/compose.yml", "services:\n  web:\n    image: web:${TAG:-x}\n# edit\n")
    code, out, _ = gates(capsys, "check", "--select", RULES, "--baseline", "base.json")
    assert code == 0, out
    write(project, "compose.yml", "# header\n# another\n\n" + COMPOSE + "      B: ${B:-2}\n")
    code, out, _ = gates(capsys, "check", "--select", RULES, "--baseline", "base.json")
    assert code == 1
    assert "compose.yml:9:10" in out and "`${B:-…}`" in out and "${A:-" not in out
    assert "3 suppressed" in out


def test_baseline_file_is_sorted_deterministic_and_holds_no_secret(project: Path,
                                                                   capsys) -> None:
    gates(capsys, "baseline", "--output", "one.json")
    gates(capsys, "baseline", "--output", "two.json")
    text = (project / "one.json").read_text("utf-8")
    assert text == (project / "two.json").read_text("utf-8")
    assert "hunter2" not in text and "DB_PASSWORD" not in text
    data = json.loads(text)
    assert data["version"] == 1
    entries = data["entries"]
    assert all(set(e) == {"rule", "path", "fingerprint"} for e in entries)
    keys = [(e["path"], e["rule"], e["fingerprint"]) for e in entries]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert text.count("\n") == len(entries) + 2  # one entry per line: merges touch few lines
    assert not any(k in text for k in ('"line"', '"col"'))


def test_default_output_is_in_the_project_root_and_is_not_scanned(project: Path,
                                                                 capsys) -> None:
    code, _, _ = gates(capsys, "baseline", str(project))
    assert code == 0 and (project / ".gates-baseline.json").is_file()
    assert baseline.excludes(project, project / ".gates-baseline.json") == (
        "/.gates-baseline.json",)
    assert baseline.excludes(project, project.parent / "elsewhere.json") == ()


def test_a_twin_added_in_a_diff_run_is_not_hidden_by_the_baselined_one(tmp_path: Path,
                                                                       capsys) -> None:
    write(tmp_path, "compose.yml", "services:\n  a:\n    image: x:${T:-1}\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "one")
    gates(capsys, "baseline", str(tmp_path), "--output", str(tmp_path / "base.json"))
    write(tmp_path, "compose.yml",
          "services:\n  a:\n    image: x:${T:-1}\n  b:\n    image: x:${T:-1}\n")
    git(tmp_path, "commit", "-q", "-am", "twin")
    code, out, _ = gates(capsys, "check", str(tmp_path), "--diff", "HEAD~1", "--select", RULES,
                         "--baseline", str(tmp_path / "base.json"))
    assert code == 1 and "compose.yml:5:" in out


@pytest.mark.parametrize(("text", "message"), [
    ("{", "not valid JSON"),
    ('{"version": 2, "entries": []}', "not a gates baseline"),
    ('{"version": 1, "entries": {}}', "'entries' must be a list"),
    ('{"version": 1, "entries": [{"rule": "x", "path": "y"}]}', "entry 1 must have"),
    ('{"version": 1, "entries": [{"rule": "x", "path": "y", "fingerprint": 3}]}', "entry 1"),
])
def test_a_broken_baseline_is_a_user_error(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, "b.json", text)
    with pytest.raises(GatesError, match=message):
        baseline.load(tmp_path / "b.json")


def test_a_missing_baseline_exits_2_with_the_command_that_makes_it(project: Path,
                                                                   capsys) -> None:
    code, _, err = gates(capsys, "check", "--baseline", "nope.json")
    assert code == 2 and "baseline file not found: nope.json" in err
    assert "gates baseline --output nope.json" in err


def test_empty_baseline_round_trips(tmp_path: Path) -> None:
    empty = baseline.Baseline(frozenset())
    baseline.write(empty, tmp_path / "e.json")
    assert baseline.load(tmp_path / "e.json").entries == frozenset()
