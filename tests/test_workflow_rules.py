"""Workflow reading for the CI gate rules: check names, filters, and swallowed failures."""

from __future__ import annotations

import re

import pytest

from gates.checks.shell_scan import scan
from gates.checks.workflow_names import producers
from gates.checks.workflows import _excludes
from gates.documents import Document
from gates.parse.workflows import ScriptLine, parse


def workflow(text: str, path: str = ".github/workflows/ci.yml"):
    flow = parse(Document(path, text, "workflow"))
    assert flow is not None
    return flow


def names(text: str, provider: str | None = "github", path: str = ".github/workflows/ci.yml",
          resolve=lambda uses: None) -> list[str]:
    return [p.pattern.pattern for p in producers([workflow(text, path)], provider, resolve)]


def produced(context: str, text: str, **kw) -> bool:
    return any(re.fullmatch(n, context) for n in names(text, **kw))


MATRIX = """\
on: pull_request
jobs:
  test:
    strategy:
      matrix:
        python: ["3.11", "3.12"]
        os: [ubuntu-latest]
    steps: []
"""


@pytest.mark.parametrize("context, expected", [
    ("test (3.11, ubuntu-latest)", True),
    ("test (3.12, ubuntu-latest)", True),
    ("test (ubuntu-latest, 3.12)", False),  # GitHub keeps the order the matrix is written in
    ("test", False),
])
def test_github_matrix_names(context: str, expected: bool) -> None:
    assert produced(context, MATRIX) is expected


def test_gitea_names_carry_workflow_and_event_with_sorted_matrix_values() -> None:
    text = "name: ci\n" + MATRIX.replace("on: pull_request", "on: [push, pull_request]")
    assert produced("ci / test (ubuntu-latest, 3.11) (pull_request)", text, provider="gitea")
    assert produced("ci / test (ubuntu-latest, 3.11) (push)", text, provider="gitea")
    assert not produced("test (3.11, ubuntu-latest)", text, provider="gitea")


def test_expressions_and_dynamic_matrices_match_anything_in_their_place() -> None:
    text = """\
on: push
jobs:
  e2e:
    name: e2e on ${{ inputs.target }}
    steps: []
  build:
    strategy:
      matrix:
        include: [{arch: arm64}]
    steps: []
"""
    assert produced("e2e on staging", text)
    assert produced("build (arm64)", text) and not produced("build", text)


def test_reusable_workflows_report_caller_slash_callee() -> None:
    called = workflow("on: workflow_call\njobs:\n  unit:\n    name: unit tests\n    steps: []\n",
                      ".github/workflows/test.yml")
    text = "on: pull_request\njobs:\n  ci:\n    uses: ./.github/workflows/test.yml\n" \
           "  ext:\n    uses: octo/shared/.github/workflows/x.yml@v1\n"
    assert produced("ci / unit tests", text, resolve=lambda uses: called)
    assert produced("ext / anything", text)
    assert not produced("ci / lint", text, resolve=lambda uses: called)


def test_workflows_that_never_run_on_pull_requests_produce_nothing() -> None:
    assert names("on: [schedule, workflow_dispatch]\njobs:\n  nightly:\n    steps: []\n") == []


@pytest.mark.parametrize("key, patterns, excluded", [
    ("branches", ["main"], False),
    ("branches", ["release/**"], True),
    ("branches", ["*"], False),
    ("branches", ["**", "!main"], True),
    ("branches-ignore", ["mai?n"], True),  # ? makes the previous character optional
    ("branches-ignore", ["dev*"], False),
])
def test_branch_filters_follow_github_patterns(key: str, patterns: list[str],
                                               excluded: bool) -> None:
    assert _excludes(key, tuple(patterns), "main") is excluded


def script(*lines: str) -> tuple[ScriptLine, ...]:
    return tuple(ScriptLine(n, "    " + text, 4) for n, text in enumerate(lines, start=10))


def found(*lines: str) -> list[tuple[str, int, int]]:
    return [(h.kind, h.line, h.col) for h in scan(script(*lines))]


def test_or_true_and_friends_are_found_at_their_column() -> None:
    assert found("make test || true", "x || :", "y || exit 0", "z || exit 1") == [
        ("or-true", 10, 15), ("or-true", 11, 7), ("or-true", 12, 7)]


def test_comments_are_not_code() -> None:
    assert found("# make || true", "make  # || true", "echo '# not a comment' || true") == [
        ("or-true", 12, 28)]


def test_set_plus_e_counts_only_when_never_restored() -> None:
    assert found("set +e", "probe", "set -e") == []
    assert found("set -o pipefail", "set +e", "probe") == [("set-e-off", 11, 5)]
    assert found("set +eo pipefail; probe; set -euo pipefail") == []


@pytest.mark.parametrize("line, bare", [
    ("curl https://x.invalid", True),
    ("curl -sS -X POST https://x.invalid", True),
    ("curl -F file=@a https://x.invalid", True),  # -F is a form field, not --fail
    ("curl --fail-early https://x.invalid", True),
    ("curl -fsSL https://x.invalid | sh", False),
    ("curl -sSf https://x.invalid", False),
    ("curl --fail https://x.invalid", False),
    ("curl --fail-with-body -X POST https://x.invalid", False),
    ('out="$(curl -s https://x.invalid)"', True),
    ("sudo curl -o f https://x.invalid && ls", True),
    ("apt-get install -y curl", False),
    ("/usr/bin/curl -s https://x.invalid", True),
])
def test_curl_without_fail(line: str, bare: bool) -> None:
    assert bool(found(line)) is bare


def test_continuation_lines_are_one_command() -> None:
    assert found("curl -sS \\", "  --fail-with-body \\", "  https://x.invalid") == []
    assert found("curl -sS \\", "  https://x.invalid") == [("curl-no-fail", 10, 5)]
