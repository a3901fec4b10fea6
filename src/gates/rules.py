"""Load rule files: the built-in ``rules/<id>.yaml`` and a repo's own ``kind: pattern|path`` rules.

Built-in rule files are validated by the test suite (``tests/test_rule_files.py``), so loading
them at run time skips JSON Schema (it costs ~100 ms of import); user rule files are validated
every time because nobody else checks them.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from gates.errors import GatesError
from gates.model import Docs, Rule, Severity
from gates.yamlio import load_yaml, plain, schema_errors


def builtin_rules_dir() -> Path:
    """``gates/_rules`` inside an installed wheel, else ``rules/`` of the source checkout."""
    here = Path(__file__).resolve().parent
    shipped = here / "_rules"
    return shipped if shipped.is_dir() else here.parents[1] / "rules"


def rule_schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((builtin_rules_dir() / "schema.json").read_text("utf-8"))
    return data


@lru_cache(maxsize=1)
def builtin_rules() -> tuple[Rule, ...]:
    """Every built-in rule, sorted by id. Cached: the files are part of the installed package."""
    from gates.rule_cache import load_rule_data

    folder = builtin_rules_dir()
    files = sorted(folder.glob("*.yaml"))
    rules = [rule_from_mapping(data, origin="builtin")
             for data in load_rule_data(files, _builtin_rule_data)]
    if not rules:
        raise GatesError(f"no rule files found in {folder}", "reinstall gates")
    return tuple(rules)


def user_rules(folder: Path) -> tuple[Rule, ...]:
    """A repo's own rules from ``folder`` (``.gates/rules`` by default), schema-validated."""
    if not folder.is_dir():
        return ()
    rules = []
    for path in sorted(folder.glob("*.y*ml")):
        rule = _rule_from_file(path, validate=True)
        if rule.kind == "check":
            raise GatesError(
                f"{path}: user rules must be 'kind: pattern' or 'kind: path'",
                "'kind: check' names Python code that only built-in rules have",
            )
        rules.append(rule)
    return tuple(rules)


def _builtin_rule_data(path: Path) -> Any:
    """A built-in rule file as plain data (validated by the test suite, not at run time)."""
    return _rule_data(path, validate=False)


def _rule_from_file(path: Path, *, validate: bool) -> Rule:
    data = _rule_data(path, validate=validate)
    return rule_from_mapping(data, origin="builtin" if not validate else str(path))


def _rule_data(path: Path, *, validate: bool) -> Any:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GatesError(f"cannot read rule file {path}: {exc.__class__.__name__}") from None
    source = load_yaml(text, str(path))
    data = plain(source, str(path))
    if validate:
        problems = schema_errors(data, rule_schema(), source, str(path))
        if problems:
            raise GatesError("invalid rule file:\n  " + "\n  ".join(problems),
                             "see `gates explain <any-rule>` and rules/schema.json for the format")
    if not isinstance(data, dict) or data.get("id") != path.stem.split(".")[0]:
        raise GatesError(f"{path}: the rule id must equal the file name stem '{path.stem}'")
    return data


def rule_from_mapping(data: Mapping[str, Any], origin: str) -> Rule:
    """Build a ``Rule`` from a validated mapping."""
    docs = data["docs"]
    pattern = data.get("pattern")
    if pattern is not None:
        _compile(pattern, data["id"], "pattern")
    if data.get("unless") is not None:
        _compile(data["unless"], data["id"], "unless")
    return Rule(
        id=data["id"],
        title=data["title"],
        severity=Severity(data["severity"]),
        scope=data["scope"],
        kind=data["kind"],
        fix=data["fix"],
        docs=Docs(
            what=docs["what"].strip(),
            why=docs["why"].strip(),
            example=docs["example"].rstrip(),
            use_instead=docs["use_instead"].rstrip(),
            references=tuple(docs.get("references", ())),
        ),
        kinds=tuple(data.get("kinds", ())),
        paths=tuple(data.get("paths", ())),
        options=dict(data.get("options", {})),
        tags=tuple(data.get("tags", ())),
        security_severity=float(data.get("security_severity", 5.0)),
        pattern=pattern,
        unless=data.get("unless"),
        message=data.get("message"),
        aliases=tuple(data.get("aliases", ())),
        origin=origin,
    )


def _compile(regex: str, rule_id: str, key: str) -> None:
    import re

    try:
        re.compile(regex)
    except re.error as exc:
        raise GatesError(f"rule {rule_id}: '{key}' is not a valid regex: {exc}") from None
