"""The ``gates`` step of ``action.yml``: turn the action's inputs into one ``gates check`` run.

Inputs arrive as environment variables (the workflow passes them through ``env:``, never by
``${{ }}`` inside a script, so an input cannot inject shell). The step never fails by itself:
it records gates' exit code as an output, so the SARIF upload can run first and the action's
last step fails the job with that code.

GitHub: workflow-command annotations and the step summary (``--format github``), the text
report in the log, SARIF for code scanning. Gitea Actions ignores annotations and has a step
summary only from 1.27 (then ``GITHUB_STEP_SUMMARY`` is set and gets the same Markdown), so
there the log gets the text report and the SARIF file stays in the workspace.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

PR_EVENTS = ("pull_request", "pull_request_target")


def diff_base(env: dict[str, str]) -> str | None:
    """The ``--diff`` argument: the input, else the PR base on PR events; "none" scans all."""
    base = env.get("INPUT_DIFF_BASE", "").strip()
    if base.lower() == "none":
        return None
    if base:
        return base
    pr_base = env.get("GATES_PR_BASE_SHA", "").strip()
    if env.get("GATES_EVENT_NAME") in PR_EVENTS and pr_base:
        return f"{pr_base}...HEAD"
    return None


def on_gitea(env: dict[str, str]) -> bool:
    return env.get("GITEA_ACTIONS") == "true"


def command(env: dict[str, str], temp: Path) -> list[str]:
    """The ``gates check`` argument list for these inputs."""
    args = [sys.executable, "-m", "gates", "check", *shlex.split(env.get("INPUT_PATHS", "."))]
    for flag, name in (("--fail-on", "INPUT_FAIL_ON"), ("--config", "INPUT_CONFIG"),
                       ("--baseline", "INPUT_BASELINE")):
        if env.get(name, "").strip():
            args += [flag, env[name].strip()]
    base = diff_base(env)
    if base:
        args += ["--diff", base]
    sarif = env.get("INPUT_SARIF_FILE", "").strip()
    if sarif:
        args += ["--format", f"sarif={sarif}"]
    args += ["--format", f"json={temp / 'gates.json'}"]
    if on_gitea(env):
        args += ["--format", "text"]
        if env.get("GITHUB_STEP_SUMMARY"):  # Gitea >= 1.27: the Markdown summary only
            args += ["--format", f"github={temp / 'annotations.txt'}"]
    else:
        args += ["--format", "github", "--format", f"text={temp / 'gates.txt'}"]
    return args


def outputs(code: int, temp: Path, sarif: str, gitea: bool) -> dict[str, str]:
    """Step outputs: finding count (empty when gates could not report), SARIF path, forge."""
    try:
        report = json.loads((temp / "gates.json").read_text("utf-8"))
        findings = str(len(report["findings"]))
    except (OSError, ValueError, KeyError, TypeError):
        findings = ""
    present = bool(sarif) and Path(sarif).is_file()
    return {"findings": findings, "sarif-file": str(Path(sarif).resolve()) if present else "",
            "exit-code": str(code), "forge": "gitea" if gitea else "github"}


def main() -> int:
    env = dict(os.environ)
    temp = Path(env.get("RUNNER_TEMP") or "/tmp") / "gates-action"
    temp.mkdir(parents=True, exist_ok=True)
    args = command(env, temp)
    print("gates:", shlex.join(args[1:]), flush=True)
    code = subprocess.run(args, check=False).returncode
    text_report = temp / "gates.txt"
    if text_report.is_file():  # GitHub: annotations went to stdout, the readable report here
        print(text_report.read_text("utf-8"), end="", flush=True)
    values = outputs(code, temp, env.get("INPUT_SARIF_FILE", "").strip(), on_gitea(env))
    target = env.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.writelines(f"{key}={value}\n" for key, value in values.items())
    else:
        print(json.dumps(values))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
