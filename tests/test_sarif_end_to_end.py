"""SARIF written by the real CLI on every rule's fire fixtures validates against the official schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from gates.cli import main
from gates_testing import FIXTURES, materialise

SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "sarif-schema-2.1.0.json"
RULE_IDS = sorted(p.name for p in (FIXTURES / "rules").iterdir())


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_cli_sarif_is_schema_valid(rule_id: str, tmp_path: Path) -> None:
    if not SCHEMA.is_file():
        pytest.skip(f"official SARIF schema not found at {SCHEMA}")
    repo = materialise(FIXTURES / "rules" / rule_id / "fire", tmp_path / "repo")
    out = tmp_path / "out.sarif"
    assert main(["check", str(repo), "--format", f"sarif={out}", "--show-suppressed"]) == 1
    sarif = json.loads(out.read_text("utf-8"))
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text("utf-8"))).validate(sarif)
    run = sarif["runs"][0]
    assert {r["ruleId"] for r in run["results"]} >= {rule_id}
    assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
               for r in run["results"])
