"""The command line: exit codes, formats, selection and messages, never a traceback.

Most tests call ``gates.cli.main(argv)`` in-process (it returns the exit code and never raises)
with ``capsys``; a few run ``python -m gates`` to cover the real entry point.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gates import __version__, checks
from gates.cli import main
from gates.rules import builtin_rules_dir

ANSI = re.compile(r"\x1b\[")
UNTAGGED = "services:\n  api:\n    image: app:${TAG:-latest}\n"
CLEAN = "services:\n  api:\n    image: app:${TAG:?TAG is required}\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A plain (non-git) folder with one untagged default, as the current directory."""
    write(tmp_path / "deploy" / "compose.yml", UNTAGGED)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("GATES_DEBUG", raising=False)
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    return code, out, err


def rule_ids() -> list[str]:
    return sorted(p.stem for p in builtin_rules_dir().glob("*.yaml"))


# --- version, rules, explain -------------------------------------------------------------------


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and __version__ in out


def test_help_lists_exit_codes(capsys):
    code, out, _ = run(capsys, "check", "--help")
    assert code == 0
    assert "Exit codes:" in out and "3  a bug in gates" in out


def test_rules_lists_every_rule_file(capsys):
    code, out, _ = run(capsys, "rules")
    assert code == 0
    listed = sorted(line.split()[0] for line in out.splitlines() if line.strip())
    assert listed == rule_ids()
    assert "untagged-default" in listed


def test_explain_shows_every_doc_section(capsys):
    code, out, _ = run(capsys, "explain", "untagged-default")
    assert code == 0
    assert out.startswith("untagged-default: ")
    for section in ("What it does", "Why it matters", "Example", "Use instead", "Fix",
                    "References"):
        assert f"## {section}\n" in out
    assert "    services:" in out  # examples are indented as code


def test_explain_unknown_rule_is_exit_2(capsys):
    code, out, err = run(capsys, "explain", "nope")
    assert code == 2 and out == ""
    assert "unknown rule id 'nope'" in err and "gates rules" in err


def test_unknown_command_is_exit_2(capsys):
    code, _, err = run(capsys, "chekc")
    assert code == 2 and "No such command" in err


# --- exit codes --------------------------------------------------------------------------------


def test_findings_exit_1(repo, capsys):
    code, out, err = run(capsys, "check")
    assert code == 1
    assert "deploy/compose.yml:3:16: error untagged-default" in out
    assert err == ""


def test_clean_exit_0(repo, capsys):
    write(repo / "deploy" / "compose.yml", CLEAN)
    code, out, _ = run(capsys, "check")
    assert code == 0
    assert "No findings" in out


def test_fail_on_error_with_only_warnings_is_0(repo, capsys):
    write(repo / ".gates.yml", "rules:\n  untagged-default: {severity: warning}\n")
    assert run(capsys, "check")[0] == 1
    code, out, _ = run(capsys, "check", "--fail-on", "error")
    assert code == 0
    assert "warning untagged-default" in out


def test_fail_on_from_config(repo, capsys):
    write(repo / ".gates.yml", "fail_on: error\nrules:\n  untagged-default: {severity: note}\n")
    assert run(capsys, "check")[0] == 0
    assert run(capsys, "check", "--fail-on", "note")[0] == 1


def test_missing_path_is_exit_2(repo, capsys):
    code, out, err = run(capsys, "check", "nope.yml")
    assert code == 2 and out == ""
    assert "no such file or folder: nope.yml" in err


def test_path_outside_the_root_is_exit_2(repo, tmp_path_factory, capsys):
    (repo / ".git").mkdir()
    other = tmp_path_factory.mktemp("other")
    write(other / "x.yml", UNTAGGED)
    code, _, err = run(capsys, "check", str(repo / "deploy"), str(other / "x.yml"))
    assert code == 2 and "outside the project root" in err


def test_unreadable_file_is_exit_2_and_said_on_stderr(repo, capsys, monkeypatch):
    import gates.sources

    real_reader = gates.sources._reader

    def reader(path):
        if path.name == "compose.yml":
            def denied() -> bytes:
                raise PermissionError(13, "Permission denied", str(path))
            return denied
        return real_reader(path)

    monkeypatch.setattr(gates.sources, "_reader", reader)
    code, out, err = run(capsys, "check", "--format", "json")
    assert code == 2
    doc = json.loads(out)
    assert doc["summary"]["execution_successful"] is False
    assert "1 path(s) could not be read" in err


def test_unlistable_folder_is_exit_2(repo, capsys, monkeypatch):
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "deploy":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out, err = run(capsys, "check")
    assert code == 2
    assert "deploy" in out and "Permission denied" in out
    assert "could not be read" in err


def _crash_untagged_default(monkeypatch):
    real = checks.load_check

    def boom(doc, ctx):
        raise ValueError("SECRET-VALUE-hunter2 quoted from the file")

    monkeypatch.setattr(checks, "load_check",
                        lambda rule_id: boom if rule_id == "untagged-default" else real(rule_id))


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_crashing_check_is_exit_3_naming_the_rule_not_the_message(repo, capsys, monkeypatch, fmt):
    _crash_untagged_default(monkeypatch)
    code, out, err = run(capsys, "check", "--format", fmt)
    assert code == 3
    assert "untagged-default" in err and "ValueError" in err
    assert "hunter2" not in err and "hunter2" not in out


def test_crash_outside_checks_is_exit_3_without_message(repo, capsys, monkeypatch):
    import gates.engine

    def boom(*args, **kwargs):
        raise RuntimeError("hunter2 from somewhere")

    monkeypatch.setattr(gates.engine, "run", boom)
    code, out, err = run(capsys, "check")
    assert code == 3
    assert "internal error: RuntimeError" in err and "hunter2" not in err + out


def test_oversized_file_is_a_visible_skip_not_an_error(repo, capsys):
    write(repo / ".gates.yml", "max_file_size: 1024\n")
    write(repo / "deploy" / "big.yml", UNTAGGED + "# padding\n" * 200)
    code, out, _ = run(capsys, "check", "--format", "json")
    doc = json.loads(out)
    assert code == 1  # compose.yml still fires; the big file is skipped, not failed
    skipped = [n for n in doc["notes"] if n["path"] == "deploy/big.yml"]
    assert len(skipped) == 1 and skipped[0]["kind"] == "skipped-file"
    assert "1024" in skipped[0]["message"]
    assert doc["summary"]["execution_successful"] is True


# --- formats and outputs -----------------------------------------------------------------------


def test_format_json(repo, capsys):
    code, out, _ = run(capsys, "check", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert [f["rule"] for f in doc["findings"]] == ["untagged-default"]
    assert doc["findings"][0]["path"] == "deploy/compose.yml"


def test_format_sarif_to_file_and_text_to_stdout(repo, capsys):
    code, out, _ = run(capsys, "check", "--format", "sarif=out.sarif", "--format", "text")
    assert code == 1
    assert "untagged-default" in out and not out.lstrip().startswith("{")
    sarif = json.loads((repo / "out.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["untagged-default"]


def test_output_file(repo, capsys):
    code, out, _ = run(capsys, "check", "--format", "json", "--output", "report.json")
    assert code == 1 and out == ""
    assert json.loads((repo / "report.json").read_text())["findings"]


def test_output_file_text_has_no_colour(repo, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdout", _Tty())
    assert main(["check", "-o", "report.txt"]) == 1
    text = (repo / "report.txt").read_text()
    assert "untagged-default" in text and not ANSI.search(text)


def test_output_file_in_a_missing_folder_is_exit_2(repo, capsys):
    code, _, err = run(capsys, "check", "--format", "json", "-o", "no/such/dir/r.json")
    assert code == 2 and "cannot write" in err


@pytest.mark.parametrize("argv, words", [
    (["--format", "json", "--format", "text"], "only one format can go to stdout"),
    (["--format", "xml"], "unknown format 'xml'"),
    (["--format", "json=a.json", "--format", "sarif=b.sarif", "-o", "c"],
     "--output takes a single"),
    (["--format", "json="], "give a file name"),
    (["--fail-on", "fatal"], "fatal"),
])
def test_format_usage_errors_are_exit_2(repo, capsys, argv, words):
    code, out, err = run(capsys, "check", *argv)
    assert code == 2 and out == ""
    assert words in err
    assert not (repo / "a.json").exists()


def test_github_step_summary_is_appended(repo, capsys, monkeypatch):
    summary = repo / "summary.md"
    summary.write_text("# earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = run(capsys, "check", "--format", "github")
    assert code == 1
    assert out.startswith("::error file=deploy/compose.yml,line=3")
    text = summary.read_text()
    assert text.startswith("# earlier step\n")
    assert "| untagged-default |" in text.replace("`", "")


def test_step_summary_not_written_for_other_formats(repo, capsys, monkeypatch):
    summary = repo / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    run(capsys, "check", "--format", "json")
    assert not summary.exists()


# --- selection ---------------------------------------------------------------------------------


def test_select_and_ignore(repo, capsys):
    write(repo / "deploy" / ".env", "A=1\n")
    code, out, _ = run(capsys, "check", "--format", "json", "--select", "untagged-default")
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"untagged-default"}
    code, out, _ = run(capsys, "check", "--format", "json", "--ignore",
                       "untagged-default,dotenv-in-deploy-path", "--ignore", "dotenv-not-ignored")
    assert code == 0 and json.loads(out)["findings"] == []


def test_select_comma_separated(repo, capsys):
    write(repo / "deploy" / ".env", "A=1\n")
    code, out, _ = run(capsys, "check", "--format", "json",
                       "--select", "untagged-default, dotenv-in-deploy-path")
    assert code == 1
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"untagged-default",
                                                                  "dotenv-in-deploy-path"}


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_id_in_selection_is_exit_2(repo, capsys, option):
    code, out, err = run(capsys, "check", option, "untagged-default,nope")
    assert code == 2 and out == ""
    assert "unknown rule id 'nope'" in err


def test_config_rule_off(repo, capsys):
    write(repo / ".gates.yml", "rules:\n  untagged-default: off\n")
    assert run(capsys, "check")[0] == 0


def test_config_rule_dict_form(repo, capsys):
    write(repo / ".gates.yml", "rules:\n  untagged-default:\n    severity: note\n")
    code, out, _ = run(capsys, "check")
    assert code == 0 and "note untagged-default" in out


def test_config_unknown_rule_id_is_exit_2(repo, capsys):
    write(repo / ".gates.yml", "rules:\n  no-such-rule: off\n")
    code, out, err = run(capsys, "check")
    assert code == 2 and out == ""
    assert "no-such-rule" in err


def test_config_unknown_rule_option_is_exit_2(repo, capsys):
    write(repo / ".gates.yml", "rules:\n  untagged-default:\n    options: {bogus: 1}\n")
    code, _, err = run(capsys, "check")
    assert code == 2 and "bogus" in err and "untagged-default" in err


def test_config_invalid_is_exit_2_with_file_and_line(repo, capsys):
    write(repo / ".gates.yml", "fail_on: error\nbogus: 1\n")
    code, _, err = run(capsys, "check")
    assert code == 2
    assert ".gates.yml:2: bogus: unknown key 'bogus'" in err
    assert "hint:" in err


def test_config_malformed_yaml_is_exit_2_with_file_and_line(repo, capsys):
    write(repo / ".gates.yml", "rules:\n  untagged-default: [off\n")
    code, _, err = run(capsys, "check")
    assert code == 2
    assert re.search(r"\.gates\.yml:3:\d+: ", err)


def test_explicit_config_option(repo, capsys):
    write(repo / "ci" / "gates.yml", "rules:\n  untagged-default: off\n")
    assert run(capsys, "check", "--config", "ci/gates.yml")[0] == 0
    code, _, err = run(capsys, "check", "--config", "ci/missing.yml")
    assert code == 2 and "config file not found" in err


# --- text presentation -------------------------------------------------------------------------


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_tty_and_never_with_no_color(repo, monkeypatch):
    monkeypatch.setattr(sys, "stdout", _Tty())
    main(["check"])
    assert ANSI.search(sys.stdout.getvalue())

    monkeypatch.setattr(sys, "stdout", _Tty())
    main(["check", "--no-color"])
    assert not ANSI.search(sys.stdout.getvalue())

    monkeypatch.setattr(sys, "stdout", _Tty())
    monkeypatch.setenv("NO_COLOR", "1")
    main(["check"])
    assert not ANSI.search(sys.stdout.getvalue())


def test_no_colour_when_not_a_tty(repo, capsys):
    _, out, _ = run(capsys, "check")
    assert "untagged-default" in out and not ANSI.search(out)


def test_quiet_prints_nothing_when_clean(repo, capsys):
    write(repo / "deploy" / "compose.yml", CLEAN)
    assert run(capsys, "check", "--quiet") == (0, "", "")


def test_quiet_still_prints_findings(repo, capsys):
    code, out, _ = run(capsys, "check", "-q")
    assert code == 1 and "untagged-default" in out


def test_paths_relative_to_the_working_directory(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo / "deploy")
    code, out, _ = run(capsys, "check", "..", "--format", "json")
    assert code == 1
    assert json.loads(out)["findings"][0]["path"] == "deploy/compose.yml"
    assert json.loads(out)["root"] == str(repo)


def test_explicit_file_path(repo, capsys):
    """Only the named file is read; outside git and config the root is the file's folder."""
    write(repo / "other" / "compose.yml", UNTAGGED)
    code, out, _ = run(capsys, "check", "other/compose.yml", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert [f["path"] for f in doc["findings"]] == ["compose.yml"]
    assert doc["root"] == str(repo / "other") and doc["summary"]["files_scanned"] == 1


def test_explicit_file_path_in_a_git_repo_is_relative_to_the_top(repo, capsys):
    subprocess.run(["git", "-c", "init.defaultBranch=main", "init", "-q"], cwd=repo, check=True,
                   capture_output=True, timeout=30)
    write(repo / "other" / "compose.yml", UNTAGGED)
    code, out, _ = run(capsys, "check", "other/compose.yml", "--format", "json")
    assert code == 1
    assert [f["path"] for f in json.loads(out)["findings"]] == ["other/compose.yml"]


# --- git states --------------------------------------------------------------------------------


def test_non_git_folder_scans_fine(repo, capsys):
    code, out, err = run(capsys, "check", "--format", "json")
    assert code == 1 and err == ""
    assert json.loads(out)["summary"]["execution_successful"] is True


@pytest.mark.parametrize("make_git", [
    lambda root: (root / ".git").write_text("junk, not a gitdir line\n"),
    lambda root: (root / ".git").mkdir(),
    lambda root: (root / ".git").write_text("gitdir: /nonexistent/path/.git\n"),
])
def test_corrupted_git_is_exit_2_with_a_clear_message(repo, capsys, make_git):
    make_git(repo)
    code, out, err = run(capsys, "check")
    assert code == 2 and out == ""
    assert "git cannot open it" in err and "hint:" in err


def test_empty_git_folder_inside_a_real_repo_is_exit_2(repo, capsys):
    subprocess.run(["git", "-c", "init.defaultBranch=main", "init", "-q"], cwd=repo, check=True,
                   capture_output=True, timeout=30)
    inner = repo / "inner"
    (inner / ".git").mkdir(parents=True)
    write(inner / "compose.yml", UNTAGGED)
    code, _, err = run(capsys, "check", "inner")
    assert code == 2 and "git cannot open it" in err


def test_real_git_repo_runs(repo, capsys):
    subprocess.run(["git", "-c", "init.defaultBranch=main", "init", "-q"], cwd=repo, check=True,
                   capture_output=True, timeout=30)
    code, out, err = run(capsys, "check", "--format", "json")
    assert code == 1 and err == ""
    assert json.loads(out)["summary"]["execution_successful"] is True


# --- the real entry point ----------------------------------------------------------------------


def _python_m_gates(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GATES_DEBUG", "GITHUB_STEP_SUMMARY")}
    return subprocess.run([sys.executable, "-m", "gates", *argv], cwd=cwd, capture_output=True,
                          text=True, timeout=60, env=env, check=False)


def test_python_m_gates_version_and_exit_codes(tmp_path):
    done = _python_m_gates(tmp_path, "--version")
    assert done.returncode == 0 and __version__ in done.stdout
    write(tmp_path / "compose.yml", UNTAGGED)
    (tmp_path / ".git").write_text("junk\n")
    done = _python_m_gates(tmp_path, "check")
    assert done.returncode == 2
    assert "git cannot open it" in done.stderr and "Traceback" not in done.stderr
    (tmp_path / ".git").unlink()
    done = _python_m_gates(tmp_path, "check", "--format", "json")
    assert done.returncode == 1 and json.loads(done.stdout)["findings"]
    done = _python_m_gates(tmp_path, "check", "missing")
    assert done.returncode == 2 and "Traceback" not in done.stderr
