"""Every rule file is valid, fully documented, registered, and has fixtures that fire and stay quiet.

Fixture folders ``fixtures/rules/<id>/fire`` and ``quiet`` are turned into git repos and scanned
with only that rule selected: every file in ``fire/`` must produce a finding (for a repo-scope
rule, every top-level scenario folder of ``fire/``), nothing in ``quiet/`` may. The exact
findings of ``fire/`` are snapshotted so any change of location or message shows.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from gates_testing import FIXTURES, located, materialise, scan
from gates.checks import CHECKS
from gates.rules import builtin_rules, builtin_rules_dir, rule_schema
from gates.yamlio import load_yaml, plain

RULE_FILES = sorted(builtin_rules_dir().glob("*.yaml"))
RULE_IDS = [p.stem for p in RULE_FILES]
SUPPORT_FILES = {"dot-gitignore", ".gates.yml"}
SCOPES = {rule.id: rule.scope for rule in builtin_rules()}


def test_rule_files_exist() -> None:
    assert len(RULE_FILES) >= 6


def test_schema_is_strict() -> None:
    schema = rule_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["additionalProperties"] is False
    assert schema["properties"]["docs"]["additionalProperties"] is False


@pytest.mark.parametrize("path", RULE_FILES, ids=RULE_IDS)
def test_rule_file_is_valid_and_documented(path: Path) -> None:
    data = plain(load_yaml(path.read_text("utf-8"), str(path)))
    jsonschema.Draft202012Validator(rule_schema()).validate(data)
    assert data["id"] == path.stem
    docs = data["docs"]
    for section in ("what", "why", "example", "use_instead"):
        assert docs[section].strip(), f"{path.name}: empty docs.{section}"
    assert docs["references"], f"{path.name}: docs.references must cite at least one source"
    if data["kind"] == "check":
        assert data["id"] in CHECKS, f"{path.name}: kind: check but no entry in gates.checks.CHECKS"


def test_every_registered_check_has_a_rule_file() -> None:
    assert set(CHECKS) <= set(RULE_IDS)


def test_schema_rejects_unknown_keys() -> None:
    data = plain(load_yaml(RULE_FILES[0].read_text("utf-8"), "x"))
    data["colour"] = "red"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(rule_schema()).validate(data)


def _fixture_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and p.name not in SUPPORT_FILES)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_fire_fixtures_fire_on_every_file(rule_id: str, tmp_path: Path, snapshot) -> None:
    folder = FIXTURES / "rules" / rule_id / "fire"
    expected = _fixture_files(folder)
    assert expected, f"no fire fixtures for {rule_id}"
    result = scan(materialise(folder, tmp_path / "fire"), select=(rule_id,))
    assert not result.errors and not result.crashed
    fired = {f.location.path for f in result.findings if f.rule_id == rule_id}
    if SCOPES[rule_id] == "repo":
        # A repo-scope rule reads a whole app (README, manifests, code) and reports a missing
        # item at one file of it: each top-level folder of fire/ is one scenario that must fire.
        assert fired <= set(expected), "findings must point at files of the fixture"
        scenarios = {p.split("/")[0] for p in expected}
        assert {p.split("/")[0] for p in fired} == scenarios, "every scenario in fire/ must fire"
    else:
        assert sorted(fired) == expected, "every file in fire/ must produce a finding"
    rows = [(*row, f.message) for row, f in zip(located(result), result.findings)]
    assert rows == snapshot


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_quiet_fixtures_stay_quiet(rule_id: str, tmp_path: Path) -> None:
    folder = FIXTURES / "rules" / rule_id / "quiet"
    assert _fixture_files(folder), f"no quiet fixtures for {rule_id}"
    result = scan(materialise(folder, tmp_path / "quiet"), select=(rule_id,))
    assert not result.errors and not result.crashed
    assert located(result) == []


def test_builtin_rules_load_in_id_order() -> None:
    ids = [r.id for r in builtin_rules()]
    assert ids == sorted(ids) == RULE_IDS


def test_rule_docs_render_as_json() -> None:
    # every docs field is plain text that a reporter can embed
    for rule in builtin_rules():
        json.dumps(rule.docs.__dict__)
