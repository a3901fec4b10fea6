"""Fail closed: an error never ends a run as a pass, a skip is never silent.

Every place where a check is called (file scope, repo scope, a path rule, the tree before a
diff, a check module that does not import) turns a crash into exit 3 naming the rule; a check
that calls ``sys.exit(0)`` is a crash too, not an early clean exit. A skipped rule shows in every
format, and SARIF's ``executionSuccessful`` is false whenever the run had an error. No option
(``--fail-on``, ``--quiet``, a baseline, a format) turns an error into exit 0.

``tests/test_cli.py`` covers a crashing file-scope check in each format; these tests cover the
other ways in. All run in-process through ``gates.cli.main`` (fast, no traceback possible).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from gates import checks
from gates.cli import main
from gates.errors import Skip
from gates.model import Hit
from gates_testing import git

UNTAGGED = "services:\n  api:\n    image: app:${TAG:-latest}\n"
FORMATS = ("text", "json", "sarif", "github")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A non-git folder with one untagged default, as the current directory."""
    write(tmp_path / "deploy" / "compose.yml", UNTAGGED)
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_STEP_SUMMARY", "NO_COLOR", "GATES_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def replace_check(monkeypatch: pytest.MonkeyPatch, rule_id: str, check: Callable[..., Any]) -> None:
    """Make ``rule_id`` run ``check`` (the engine imports checks through ``load_check``)."""
    real = checks.load_check
    monkeypatch.setattr(checks, "load_check",
                        lambda wanted: check if wanted == rule_id else real(wanted))


def raising(exc: BaseException) -> Callable[..., Any]:
    def check(subject: Any, ctx: Any) -> Iterator[Hit]:
        raise exc
    return check


# --- every way a check is called: a crash is exit 3 and names the rule ---------------------------


def yields_then_raises(subject: Any, ctx: Any) -> Iterator[Hit]:
    yield Hit(1, 1, "a hit before the crash", path="deploy/compose.yml")
    raise KeyError("hunter2-from-the-file")


CRASH_SITES = {
    "file scope, lazily after a hit": ("untagged-default", yields_then_raises),
    "repo scope": ("bootstrap-readme", raising(RuntimeError("hunter2"))),
    "path rule (before the file is read)": ("forbidden-path", raising(ValueError("hunter2"))),
    "sys.exit(0) in a check": ("untagged-default", raising(SystemExit(0))),
    "sys.exit('message') in a check": ("untagged-default", raising(SystemExit("hunter2"))),
    "recursion": ("untagged-default", raising(RecursionError("hunter2"))),
    "out of memory": ("parse-error", raising(MemoryError("hunter2"))),
}


@pytest.mark.parametrize("site", list(CRASH_SITES))
@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_a_crash_anywhere_is_exit_3_naming_the_rule(repo, capsys, monkeypatch, site, fmt) -> None:
    rule_id, check = CRASH_SITES[site]
    replace_check(monkeypatch, rule_id, check)
    code, out, err = run(capsys, "check", "--select", f"{rule_id},untagged-default",
                         "--format", fmt)
    assert code == 3
    assert f"internal error in rule {rule_id}" in err
    assert "hunter2" not in out + err  # the exception text could quote a secret
    if fmt == "sarif":
        invocation = json.loads(out)["runs"][0]["invocations"][0]
        assert invocation["executionSuccessful"] is False
        rules = {n.get("associatedRule", {}).get("id")
                 for n in invocation["toolExecutionNotifications"] if n["level"] == "error"}
        assert rule_id in rules
    else:
        doc = json.loads(out)
        assert doc["summary"]["execution_successful"] is False
        assert [n["rule"] for n in doc["notes"] if n["kind"] == "error"] == [rule_id]


def test_a_check_module_that_does_not_import_is_exit_3(repo, capsys, monkeypatch) -> None:
    monkeypatch.setitem(checks.CHECKS, "untagged-default", "gates.checks.no_such_module:check")
    code, _, err = run(capsys, "check", "--select", "untagged-default")
    assert code == 3 and "internal error in rule untagged-default: ModuleNotFoundError" in err


def test_an_exit_with_a_message_outside_checks_is_not_a_pass(repo, capsys, monkeypatch) -> None:
    import gates.engine

    def run_that_exits(*args: Any, **kwargs: Any) -> Any:
        sys.exit("hunter2: a library gave up")

    monkeypatch.setattr(gates.engine, "run", run_that_exits)
    code, out, err = run(capsys, "check")
    assert code == 3 and "internal error" in err and "hunter2" not in out + err


def test_a_crash_on_the_tree_before_a_diff_is_exit_3(tmp_path, capsys, monkeypatch) -> None:
    """A repo-scope rule runs on the tree before the change too (to report only what is new);
    a crash there used to be dropped with that run's notes."""
    write(tmp_path / "README.md", "# app\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    write(tmp_path / "new.yml", "a: 1\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "change")

    def crashes_without_new_yml(view: Any, ctx: Any) -> Iterator[Hit]:
        if "new.yml" not in view.paths():
            raise RuntimeError("hunter2")
        yield Hit(1, 1, "new.yml is here", path="new.yml")

    replace_check(monkeypatch, "bootstrap-readme", crashes_without_new_yml)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "check", "--diff", "HEAD~1", "--select", "bootstrap-readme",
                         "--format", "json")
    assert code == 3
    assert "internal error in rule bootstrap-readme" in err and "hunter2" not in out + err


# --- nothing turns an error into exit 0 ----------------------------------------------------------


def unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    import gates.sources

    real_reader = gates.sources._reader

    def reader(path: Path) -> Callable[[], bytes]:
        if path.name != "compose.yml":
            return real_reader(path)

        def denied() -> bytes:
            raise PermissionError(13, "Permission denied", str(path))
        return denied

    monkeypatch.setattr(gates.sources, "_reader", reader)


ERRORS = {
    "a crashing check": (3, lambda mp: replace_check(mp, "untagged-default",
                                                      raising(ValueError("x")))),
    "a check calling sys.exit(0)": (3, lambda mp: replace_check(mp, "untagged-default",
                                                                 raising(SystemExit(0)))),
    "an unreadable file": (2, unreadable),
}
MASKS = {
    "plain": [],
    "--fail-on error, nothing else found": ["--fail-on", "error", "--select", "untagged-default"],
    "--quiet": ["-q"],
    "--ignore every other rule": ["--select", "untagged-default"],
}


@pytest.mark.parametrize("error", list(ERRORS))
@pytest.mark.parametrize("mask", list(MASKS))
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_option_or_format_turns_an_error_into_a_pass(repo, capsys, monkeypatch, error, mask,
                                                       fmt) -> None:
    expected, arrange = ERRORS[error]
    arrange(monkeypatch)
    code, _, err = run(capsys, "check", "--format", fmt, *MASKS[mask])
    assert code == expected
    assert err.strip(), "stderr must say why the run is not a pass"


def test_a_baseline_that_accepts_every_finding_does_not_hide_a_crash(repo, capsys,
                                                                     monkeypatch) -> None:
    assert run(capsys, "baseline")[0] == 0
    assert run(capsys, "check", "--baseline", ".gates-baseline.json")[0] == 0
    replace_check(monkeypatch, "secret-default", raising(ValueError("x")))
    code, _, err = run(capsys, "check", "--baseline", ".gates-baseline.json")
    assert code == 3 and "secret-default" in err


def test_baseline_and_fix_refuse_to_pass_an_incomplete_run(repo, capsys, monkeypatch) -> None:
    replace_check(monkeypatch, "untagged-default", raising(ValueError("x")))
    code, _, err = run(capsys, "baseline")
    assert code == 2 and "not writing" in err
    assert not (repo / ".gates-baseline.json").exists()
    assert run(capsys, "fix")[0] == 3
    assert run(capsys, "fix", "--diff")[0] == 3


# --- a skip is visible everywhere; SARIF says when execution was not successful -------------------


def test_a_skipped_rule_is_visible_in_every_format(repo, capsys, monkeypatch, tmp_path) -> None:
    replace_check(monkeypatch, "untagged-default", raising(Skip("no token to read protection")))
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    seen = {}
    for fmt in FORMATS:
        code, out, _ = run(capsys, "check", "--select", "untagged-default", "--format", fmt)
        assert code == 0  # nothing else was asked for; the skip is said, not failed
        seen[fmt] = out
    assert "skipped rule untagged-default: no token to read protection" in seen["text"]
    notes = json.loads(seen["json"])["notes"]
    assert {"kind": "skipped-rule", "message": "no token to read protection", "path": None,
            "rule": "untagged-default"} in notes
    invocation = json.loads(seen["sarif"])["runs"][0]["invocations"][0]
    skipped = [n for n in invocation["toolExecutionNotifications"]
               if n.get("associatedRule", {}).get("id") == "untagged-default"]
    assert skipped and skipped[0]["level"] == "warning"
    assert "no token to read protection" in skipped[0]["message"]["text"]
    assert invocation["executionSuccessful"] is True  # a skip is not an error
    assert "::warning" in seen["github"] and "untagged-default" in seen["github"]
    assert "untagged-default" in summary.read_text("utf-8")


@pytest.mark.parametrize("fmt", ["sarif", "json"])
def test_execution_successful_is_false_on_errors_and_true_on_skipped_files(
        repo, capsys, monkeypatch, fmt) -> None:
    write(repo / "image.bin", "\0binary")  # a skipped file is said, and is no error
    code, out, _ = run(capsys, "check", "--format", fmt)
    assert code == 1 and _successful(out, fmt) is True
    unreadable(monkeypatch)
    code, out, _ = run(capsys, "check", "--format", fmt)
    assert code == 2 and _successful(out, fmt) is False


def _successful(out: str, fmt: str) -> bool:
    data = json.loads(out)
    if fmt == "sarif":
        return bool(data["runs"][0]["invocations"][0]["executionSuccessful"])
    return bool(data["summary"]["execution_successful"])
