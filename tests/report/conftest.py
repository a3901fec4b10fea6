"""Hand-built, deterministic Results for the reporter tests.

Reporters are pure functions of a ``Result``, so these tests build one directly instead of running
the engine: a change in a check never churns a reporter snapshot, and every field (timing, root,
version) is fixed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

if importlib.util.find_spec("gates") is None:  # not installed: run from the source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from gates.model import (
    Docs,
    Edit,
    Finding,
    Fix,
    Location,
    Note,
    Result,
    Rule,
    Severity,
    Suppression,
)
from gates.report import RenderOptions, get_renderer

RULES = (
    Rule(
        id="hardcoded-secret",
        title="Hard-coded secret",
        severity=Severity.ERROR,
        scope="file",
        kind="check",
        fix="Move the value to the secret store and read it from the environment.",
        docs=Docs(
            what="Finds provider keys, tokens and private keys committed to the repository.",
            why="Anything in git history is readable by everyone with clone access, forever.",
            example='AWS_SECRET = "AKIA..."\nprint(`x`)',
            use_instead="Read the value from an ExternalSecret-provided environment variable.",
            references=("https://cwe.mitre.org/data/definitions/798.html", "OWASP ASVS 2.10"),
        ),
        tags=("secrets",),
        security_severity=9.0,
    ),
    Rule(
        id="untagged-default",
        title="Untagged default in deployment config",
        severity=Severity.WARNING,
        scope="file",
        kind="check",
        fix="Use ${VAR:?VAR is required} or tag the default with # safe-default: <reason>.",
        docs=Docs(
            what="Finds ${VAR:-x} defaults in compose files, manifests and env files.",
            why="A silent fallback ships a development value to production.",
            example="image: app:${TAG:-latest}",
            use_instead="image: app:${TAG:?TAG is required}",
            references=("https://compose-spec.io/",),
        ),
        tags=("config", "security"),
        security_severity=5.5,
    ),
    Rule(
        id="bootstrap-schema",
        title="No startup validation of required env",
        severity=Severity.NOTE,
        scope="repo",
        kind="check",
        fix="Validate required settings at startup (pydantic-settings, zod, envalid).",
        docs=Docs(
            what="Finds apps without a startup check of their required environment.",
            why="A missing variable should stop the app at boot, not fail a request later.",
            example="db = os.environ.get('DB_URL')",
            use_instead="class Settings(BaseSettings): db_url: str",
        ),
        security_severity=3.0,
    ),
)


def _finding(
    rule: str,
    severity: Severity,
    path: str,
    line: int,
    col: int,
    message: str,
    end: tuple[int, int] | None = None,
    suppression: Suppression | None = None,
    fixes: tuple[Fix, ...] = (),
) -> Finding:
    fix = next(r.fix for r in RULES if r.id == rule)
    return Finding(
        rule_id=rule,
        severity=severity,
        location=Location(path, line, col, end[0] if end else None, end[1] if end else None),
        message=message,
        fix=fix,
        fingerprint=hashlib.sha256(f"{rule}\0{path}\0{message}".encode()).hexdigest(),
        suppression=suppression,
        fixes=fixes,
    )


def _require(name: str, start: int, end: int, safety: str) -> Fix:
    """The fix untagged-default attaches: ``${NAME:-x}`` -> ``${NAME:?NAME is required}``."""
    required = f"${{{name}:?{name} is required}}"
    return Fix(f"Require {name}: {required}", safety, (Edit(start, end, required),),
               "deploy/compose.yml")


FINDINGS = (
    _finding(
        "hardcoded-secret",
        Severity.ERROR,
        "app/settings.py",
        12,
        14,
        "AWS access key AKIA… (20 chars) committed",
        end=(12, 34),
    ),
    _finding(
        "untagged-default",
        Severity.WARNING,
        "deploy/compose.yml",
        7,
        18,
        "${DB_HOST:-localhost} has an untagged default",
        end=(7, 39),
        fixes=(_require("DB_HOST", 120, 141, "unsafe"),),
    ),
    _finding(
        "untagged-default",
        Severity.WARNING,
        "deploy/compose.yml",
        3,
        12,
        "${TAG:-latest} has an untagged default",
        fixes=(_require("TAG", 40, 54, "safe"),),
    ),
    _finding(
        "bootstrap-schema",
        Severity.NOTE,
        "services/api/README.md",
        1,
        1,
        "services/api has no startup validation of required env",
    ),
)

SUPPRESSED = (
    _finding(
        "untagged-default",
        Severity.WARNING,
        "deploy/dev/compose.yml",
        5,
        9,
        "${PORT:-8080} has an untagged default",
        suppression=Suppression("inline", "local development only"),
    ),
)

NOTES = (
    Note("skipped-file", "binary", path="assets/logo.png"),
    Note(
        "skipped-rule",
        "no GITHUB_TOKEN: cannot read live branch protection",
        rule_id="required-check-drift",
    ),
    Note("error", "cannot decode as UTF-8", path="deploy/broken.yml"),
)


@pytest.fixture
def result() -> Result:
    """Findings of every severity, one inline suppression, and one note of each kind."""
    return Result(
        root="/repo",
        rules=RULES,
        findings=FINDINGS,
        suppressed=SUPPRESSED,
        notes=NOTES,
        files_scanned=14,
        duration_s=0.123,
        tool_version="0.1.0",
    )


@pytest.fixture
def empty_result() -> Result:
    """A clean run: every rule ran, nothing found, nothing skipped."""
    return Result(
        root="/repo",
        rules=RULES,
        findings=(),
        suppressed=(),
        notes=(),
        files_scanned=3,
        duration_s=0.05,
        tool_version="0.1.0",
    )


Render = Callable[..., str]


@pytest.fixture
def render() -> Render:
    """``render(fmt, result, **options)`` -> the output as a string."""

    def _render(fmt: str, result: Result, **options: object) -> str:
        out = io.StringIO()
        get_renderer(fmt)(result, out, RenderOptions(**options))  # type: ignore[arg-type]
        return out.getvalue()

    return _render
