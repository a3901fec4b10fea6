"""Scanning in worker processes gives the serial result: same findings, notes, order, exit."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from gates_testing import FIXTURES, materialise

from gates import parallel
from gates.api import check
from gates.errors import GatesError
from gates.engine import exit_code
from gates.model import Result

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked")


def _big_repo(tmp_path: Path) -> Path:
    """The ESO monorepo fixture plus enough small files to pass ``parallel.MIN_FILES``, with
    violations, a binary file and a symlink spread across the walk (so batches differ)."""
    repo = materialise(FIXTURES / "repos" / "eso-monorepo", tmp_path / "repo", git_repo=False)
    for i in range(parallel.MIN_FILES + 60):
        folder = repo / "services" / f"filler{i % 7}" / "src"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"m{i:03}.py").write_text(f"VALUE_{i} = {i}\n" + (
            'DB_PASSWORD = "Zx9-correct-horse-battery"\n' if i % 97 == 0 else ""))
        if i % 131 == 0:
            (folder / f"blob{i}.bin").write_bytes(b"\0\x01binary" * 10)
            (folder / f"link{i}.py").symlink_to(folder / f"m{i:03}.py")
    compose = repo / "services" / "filler3" / "deploy" / "docker-compose.yml"
    compose.parent.mkdir(parents=True)
    compose.write_text("services:\n  app:\n    environment:\n      LOG: ${LOG:-info}\n")
    return repo


def _comparable(result: Result) -> Result:
    return dataclasses.replace(result, duration_s=0.0)


def test_workers_give_the_serial_result(tmp_path: Path) -> None:
    repo = _big_repo(tmp_path)
    serial, _ = check([repo], jobs=1)
    forked, _ = check([repo], jobs=2)
    assert serial.files_scanned > parallel.MIN_FILES
    rules = {f.rule_id for f in serial.findings}
    assert {"secret-literal", "untagged-default"} <= rules  # the scan found real things
    assert any(n.kind == "skipped-file" for n in serial.notes)
    assert _comparable(forked) == _comparable(serial)
    assert exit_code(forked, forked.rules[0].severity) == exit_code(serial, serial.rules[0].severity)


def test_repo_rules_read_the_facts_the_workers_took(tmp_path: Path) -> None:
    repo = _big_repo(tmp_path)
    client = repo / "services" / "filler5" / "src" / "vault_client.py"
    client.write_text("import hvac\nclient = hvac.Client(url='https://vault:8200')\n")
    rules = ("direct-vault-client", "bootstrap-schema")
    serial, _ = check([repo], select=rules, jobs=1)
    forked, _ = check([repo], select=rules, jobs=2)
    assert ("direct-vault-client", "services/filler5/src/vault_client.py") in \
        {(f.rule_id, f.location.path) for f in serial.findings}
    assert _comparable(forked) == _comparable(serial)


def test_a_small_run_stays_in_this_process(tmp_path: Path, monkeypatch) -> None:
    repo = materialise(FIXTURES / "repos" / "example", tmp_path / "repo", git_repo=False)

    def refuse(*args: object) -> None:
        raise AssertionError("a small run must not start workers")

    monkeypatch.setattr(parallel, "_scan_in_workers", refuse)
    result, _ = check([repo], jobs=4)
    assert result.findings


def _die(files: list) -> None:
    os._exit(9)  # what the kernel's OOM killer does to a worker


def _unpicklable(files: list) -> object:
    return lambda: None  # a result that cannot travel back: a bug in gates


def test_a_dead_worker_is_an_internal_error_not_a_pass(tmp_path: Path, monkeypatch) -> None:
    repo = _big_repo(tmp_path)
    monkeypatch.setattr(parallel, "_scan_batch", _die)
    result, _ = check([repo], jobs=2)
    assert result.crashed
    assert exit_code(result, result.rules[0].severity) == 3
    assert any("scan worker process died" in n.message for n in result.notes)


def test_a_worker_failure_is_an_internal_error_not_a_traceback(tmp_path: Path,
                                                               monkeypatch) -> None:
    repo = _big_repo(tmp_path)
    monkeypatch.setattr(parallel, "_scan_batch", _unpicklable)
    result, _ = check([repo], jobs=2)
    assert result.crashed
    assert any(n.kind == "error" and "scan worker" in n.message for n in result.notes)


def test_a_user_error_in_a_worker_is_exit_2_with_its_message(tmp_path: Path) -> None:
    repo = _big_repo(tmp_path)
    (repo / ".gates.yml").write_text(
        "rules:\n  hardcoded-secret:\n    options:\n      ignore_types: [no-such-type]\n")
    with pytest.raises(GatesError, match="unknown type id") as raised:
        check([repo], jobs=2)
    assert raised.value.hint  # the hint travelled back from the worker too


def _broken_fact(doc: object) -> object:
    raise ValueError("a bug while taking a fact")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_fact_that_raises_is_a_named_crash_in_both_modes(tmp_path: Path, monkeypatch,
                                                           jobs: int) -> None:
    from gates import facts

    repo = _big_repo(tmp_path)
    monkeypatch.setitem(facts.FACTS, "env-schema", _broken_fact)
    result, _ = check([repo], jobs=jobs, select=("bootstrap-schema", "untagged-default"))
    assert result.crashed and exit_code(result, result.rules[0].severity) == 3
    errors = [n for n in result.notes if n.kind == "error"]
    assert errors and all("bootstrap-schema" in n.message and "ValueError" in n.message
                          and "a bug while" not in n.message for n in errors)


def test_default_jobs_is_bounded() -> None:
    assert 1 <= parallel.default_jobs() <= 8
