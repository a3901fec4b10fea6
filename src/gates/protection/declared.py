"""Load ``.gates/protection.yml``: what the repo says its branches must require.

The file is YAML (JSON is accepted: ``.gates/protection.json`` or JSON text in the .yml),
validated against ``protection.schema.json``; a mistake is a ``GatesError`` naming the file,
line and key (exit 2). Every declared value keeps its line so findings point at it.

A declaration governs the folder that holds ``.gates/`` (normally the repo root): the workflows
it speaks about are that folder's ``.github/workflows`` and ``.gitea/workflows``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gates.errors import GatesError
from gates.forge import FLAGS

if TYPE_CHECKING:
    from gates.repo import RepoView

NAMES = (".gates/protection.yml", ".gates/protection.yaml", ".gates/protection.json")
SETTINGS = (*FLAGS, "required_approvals")


@dataclass(frozen=True)
class DeclaredCheck:
    """A required check; ``app_id`` None means any producer is fine."""

    context: str
    app_id: int | None
    line: int
    col: int


@dataclass(frozen=True)
class DeclaredSetting:
    """One declared scalar (a flag or ``required_approvals``) and where it is written."""

    name: str
    value: bool | int
    line: int
    col: int


@dataclass(frozen=True)
class DeclaredBranch:
    """What one branch must require. ``checks`` None: required checks are not declared."""

    name: str
    line: int
    col: int
    checks: tuple[DeclaredCheck, ...] | None
    mode: str  # "at_least" | "exact"
    mode_line: int  # where ``mode`` (else ``required_checks``) is written
    mode_col: int
    settings: tuple[DeclaredSetting, ...]


@dataclass(frozen=True)
class Declaration:
    """A parsed declaration file. ``folder`` is the project folder ("" for the root)."""

    path: str
    folder: str
    provider: str | None
    provider_line: int
    branches: tuple[DeclaredBranch, ...]

    def workflow_folders(self) -> tuple[str, ...]:
        prefix = self.folder + "/" if self.folder else ""
        return (prefix + ".github/workflows", prefix + ".gitea/workflows")


def find_in_view(view: RepoView) -> list[str]:
    """Paths of declaration files in the scanned files, at most one per folder."""
    found: dict[str, str] = {}
    for path in view.paths():
        for name in NAMES:
            if path == name or path.endswith("/" + name):
                folder = path[: -len(name)].rstrip("/")
                if folder in found:
                    raise GatesError(f"{found[folder]} and {path} both declare branch protection",
                                     "keep one of them")
                found[folder] = path
    return [found[f] for f in sorted(found)]


def find_on_disk(root: Path) -> Path | None:
    """The declaration file of the project at ``root``, if any."""
    present = [root / name for name in NAMES if (root / name).is_file()]
    if len(present) > 1:
        raise GatesError(f"{present[0]} and {present[1]} both declare branch protection",
                         "keep one of them")
    return present[0] if present else None


def load(text: str, path: str) -> Declaration:
    """Parse and validate a declaration; ``path`` is root-relative (it names errors)."""
    from gates.yamlio import load_yaml, plain, schema_errors

    source = load_yaml(text, path)
    data = plain(source, path) if source is not None else None
    schema = json.loads((Path(__file__).parents[1] / "protection.schema.json")
                        .read_text("utf-8"))
    problems = schema_errors(data, schema, source, path)
    if problems:
        raise GatesError("invalid branch protection declaration:\n  " + "\n  ".join(problems),
                         "see the format in `gates explain required-check-drift`")
    name = next(n for n in NAMES if path == n or path.endswith("/" + n))
    folder = path[: -len(name)].rstrip("/")
    branches = tuple(_branch(name, source["branches"]) for name in source["branches"])
    provider_line = _key_pos(source, "provider")[0] if "provider" in source else 1
    return Declaration(path, folder, source.get("provider"), provider_line, branches)


def _branch(name: str, branches: Any) -> DeclaredBranch:
    line, col = _key_pos(branches, name)
    body = branches[name] or {}
    checks: tuple[DeclaredCheck, ...] | None = None
    mode, (mode_line, mode_col) = "at_least", (line, col)
    required = body.get("required_checks")
    if required is not None:
        mode = str(required.get("mode", "at_least"))
        mode_line, mode_col = _key_pos(required, "mode") if "mode" in required \
            else _key_pos(body, "required_checks")
        checks = tuple(_check(required["checks"], i) for i in range(len(required["checks"])))
    settings = tuple(DeclaredSetting(key, body[key], *_key_pos(body, key))
                     for key in SETTINGS if key in body)
    return DeclaredBranch(str(name), line, col, checks, mode, mode_line, mode_col, settings)


def _check(items: Any, index: int) -> DeclaredCheck:
    item = items[index]
    line, col = items.lc.item(index)
    if isinstance(item, str):
        return DeclaredCheck(item, None, line + 1, col + 1)
    return DeclaredCheck(str(item["context"]), item.get("app_id"), line + 1, col + 1)


def _key_pos(mapping: Any, key: str) -> tuple[int, int]:
    """1-based (line, col) of ``key`` in a round-trip mapping (JSON keys include the quote)."""
    line, col = mapping.lc.key(key)
    return int(line) + 1, int(col) + 1
