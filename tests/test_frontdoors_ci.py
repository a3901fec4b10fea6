"""The CI front doors as files: action.yml, the repo's workflows and .pre-commit-hooks.yaml.

All offline: check-jsonschema validates against the schemas it vendors (``--builtin-schema``),
zizmor runs with ``--offline``, pre-commit's own loader checks the hook manifest. The action's
script is exercised with the environment a runner would give it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from types import ModuleType

import pytest

from gates_testing import git
from gates.yamlio import load_yaml, plain

ROOT = Path(__file__).resolve().parents[1]
ACTION = ROOT / "action.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))


def _zizmor() -> str | None:
    scripts = Path(sysconfig.get_path("scripts")) / "zizmor"
    return str(scripts) if scripts.is_file() else shutil.which("zizmor")


def test_there_is_a_workflow() -> None:
    assert WORKFLOWS, ".github/workflows/ must run the tests and gates on itself"


@pytest.mark.parametrize(("schema", "files"), [
    ("vendor.github-actions", [ACTION]),
    ("vendor.github-workflows", WORKFLOWS),
])
def test_check_jsonschema_builtin_schemas(schema: str, files: list[Path]) -> None:
    pytest.importorskip("check_jsonschema", reason="install the test extra: pip install -e '.[test]'")
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema,
                           *map(str, files)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_offline_finds_nothing() -> None:
    zizmor = _zizmor()
    if zizmor is None:
        pytest.skip("zizmor is not installed: pip install -e '.[test]'")
    done = subprocess.run([zizmor, "--offline", "--no-progress", str(ACTION), *map(str, WORKFLOWS)],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 0, done.stdout + done.stderr


def _runs(node: object) -> list[str]:
    """Every ``run:`` script in a workflow or action document."""
    if isinstance(node, dict):
        found = [node["run"]] if isinstance(node.get("run"), str) else []
        return found + [r for value in node.values() for r in _runs(value)]
    if isinstance(node, list):
        return [r for item in node for r in _runs(item)]
    return []


@pytest.mark.parametrize("path", [ACTION, *WORKFLOWS], ids=lambda p: p.name)
def test_inputs_reach_scripts_through_env_only(path: Path) -> None:
    data = plain(load_yaml(path.read_text("utf-8"), str(path)), str(path))
    scripts = _runs(data)
    assert scripts
    assert not [s for s in scripts if "${{" in s], "use env: to pass expressions to a script"


def test_action_shape() -> None:
    data = plain(load_yaml(ACTION.read_text("utf-8"), str(ACTION)), str(ACTION))
    assert data["runs"]["using"] == "composite"
    assert {"paths", "fail-on", "config", "diff-base", "sarif-file", "upload-sarif"} <= set(
        data["inputs"])
    assert {"findings", "sarif-file"} <= set(data["outputs"])
    uses = [s["uses"] for s in data["runs"]["steps"] if "uses" in s]
    assert uses == ["github/codeql-action/upload-sarif@5d4e8d1aca955e8d8589aabd499c5cae939e33c7"]


def test_the_repo_runs_its_tests_and_gates_on_itself() -> None:
    text = "\n".join(p.read_text("utf-8") for p in WORKFLOWS)
    assert ".ci/run" in text and "uses: ./" in text and "security-events: write" in text


def test_pre_commit_manifest_is_valid() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib",
                                    reason="install the test extra: pip install -e '.[test]'")
    hooks = {h["id"]: h for h in clientlib.load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    assert hooks["gates"]["entry"] == "gates check --staged"
    assert hooks["gates"]["pass_filenames"] is False and hooks["gates"]["language"] == "python"
    assert hooks["gates-files"]["pass_filenames"] is True


# -- the action's script -----------------------------------------------------------------------

def _entrypoint() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gates_action", ROOT / "action" / "entrypoint.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("env", "expected"), [
    ({}, None),
    ({"GATES_EVENT_NAME": "pull_request", "GATES_PR_BASE_SHA": "abc"}, "abc...HEAD"),
    ({"GATES_EVENT_NAME": "push", "GATES_PR_BASE_SHA": "abc"}, None),
    ({"GATES_EVENT_NAME": "pull_request", "GATES_PR_BASE_SHA": "abc", "INPUT_DIFF_BASE": "none"},
     None),
    ({"INPUT_DIFF_BASE": "origin/main"}, "origin/main"),
])
def test_diff_base(env: dict[str, str], expected: str | None) -> None:
    assert _entrypoint().diff_base(env) == expected


def test_command_on_github_and_on_gitea(tmp_path: Path) -> None:
    action = _entrypoint()
    env = {"INPUT_PATHS": "deploy 'k8s dir'", "INPUT_FAIL_ON": "error",
           "INPUT_SARIF_FILE": "out.sarif", "INPUT_CONFIG": ""}
    github = action.command(env, tmp_path)[3:]
    assert github[:3] == ["check", "deploy", "k8s dir"]
    assert ["--fail-on", "error"] == github[3:5] and "--config" not in github
    assert "github" in github and "sarif=out.sarif" in github
    gitea = action.command({**env, "GITEA_ACTIONS": "true"}, tmp_path)
    assert "text" in gitea and "github" not in gitea
    summary = action.command({**env, "GITEA_ACTIONS": "true", "GITHUB_STEP_SUMMARY": "s"},
                             tmp_path)
    assert f"github={tmp_path / 'annotations.txt'}" in summary


def test_entrypoint_end_to_end(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "deploy").mkdir(parents=True)
    (repo / "deploy" / "compose.yml").write_text(
        "services:\n  api:\n    image: api:${TAG:-latest}\n", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "x")
    output, summary = tmp_path / "output.txt", tmp_path / "summary.md"
    env = {**os.environ, "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary),
           "RUNNER_TEMP": str(tmp_path / "runner"), "INPUT_PATHS": "deploy",
           "INPUT_SARIF_FILE": "gates.sarif", "INPUT_FAIL_ON": "error",
           "INPUT_DIFF_BASE": "", "GATES_EVENT_NAME": "push"}
    env.pop("GITEA_ACTIONS", None)
    done = subprocess.run([sys.executable, str(ROOT / "action" / "entrypoint.py")], cwd=repo,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    values = dict(line.split("=", 1) for line in output.read_text("utf-8").splitlines())
    assert values["exit-code"] == "1" and values["forge"] == "github"
    assert int(values["findings"]) >= 1
    assert json.loads(Path(values["sarif-file"]).read_text("utf-8"))["version"] == "2.1.0"
    assert "::error" in done.stdout and "untagged-default" in done.stdout
    assert "untagged-default" in summary.read_text("utf-8")
