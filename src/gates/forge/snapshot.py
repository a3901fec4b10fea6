"""The snapshot file: live protection recorded as JSON, to check offline (``--snapshot FILE``).

``gates protection snapshot --output FILE`` writes it; the file holds what each source said
(including which were unknown and why) and never a token. Reading validates it against
``snapshot.schema.json`` so a hand-edited or truncated file is a located error (exit 2).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

from gates.errors import GatesError
from gates.forge import BranchState, RequiredCheck, Rules, Snapshot, Source, rule_names

VERSION = 1


def to_json(snapshot: Snapshot) -> dict[str, Any]:
    from gates import __version__

    return {
        "version": VERSION, "tool": f"gates {__version__}", "taken_at": snapshot.taken_at,
        "provider": snapshot.provider, "api_url": snapshot.api_url, "repo": snapshot.repo,
        "branches": {b.branch: {"sources": [_source_json(s) for s in b.sources]}
                     for b in snapshot.branches},
    }


def _source_json(source: Source) -> dict[str, Any]:
    rules: dict[str, Any] = {}
    for name in rule_names():
        value = getattr(source.rules, name)
        if name == "checks" and value is not None:
            value = [{"context": c.context, "app_id": c.app_id} for c in value]
        rules[name] = value
    return {"name": source.name, "status": source.status, "http_status": source.http_status,
            "detail": source.detail, "permission": source.permission, "rules": rules}


def write(snapshot: Snapshot, path: Path) -> None:
    text = json.dumps(to_json(snapshot), indent=2, sort_keys=False) + "\n"
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise GatesError(f"cannot write {path}: {exc.strerror or exc}") from None


def read(path: Path, label: str | None = None) -> Snapshot:
    """Load and validate a snapshot file; errors name ``label`` (default: the path) and line."""
    where = label or str(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GatesError(f"cannot read snapshot {where}: {exc.__class__.__name__}",
                         "record one with `gates protection snapshot --output FILE`") from None
    return parse(text, where)


def parse(text: str, where: str) -> Snapshot:
    """A snapshot from its JSON text (``where`` names it in errors)."""
    from gates.yamlio import load_yaml, plain, schema_errors

    source = load_yaml(text, where)  # JSON is YAML; ruamel keeps the line numbers
    data = plain(source, where)
    schema = json.loads((Path(__file__).parent / "snapshot.schema.json").read_text("utf-8"))
    problems = schema_errors(data, schema, source, where)
    if problems:
        raise GatesError("invalid protection snapshot:\n  " + "\n  ".join(problems[:20]),
                         "record it again with `gates protection snapshot --output FILE`")
    return from_json(data)


def from_json(data: Mapping[str, Any]) -> Snapshot:
    branches = tuple(BranchState(name, tuple(_source(s) for s in value["sources"]))
                     for name, value in data["branches"].items())
    return Snapshot(data["provider"], data["api_url"], data["repo"], branches,
                    data.get("taken_at", ""))


def _source(data: Mapping[str, Any]) -> Source:
    raw = dict(data.get("rules") or {})
    checks = raw.get("checks")
    if checks is not None:
        raw["checks"] = tuple(RequiredCheck(c["context"], c.get("app_id")) for c in checks)
    raw["patterns"] = bool(raw.get("patterns"))
    return Source(data["name"], data["status"], Rules(**raw), data.get("http_status"),
                  data.get("detail", ""), data.get("permission", ""))
