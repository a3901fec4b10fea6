"""The repo's configuration: ``.gates.yml`` (or ``[tool.gates]`` in pyproject.toml).

Validated by ``config.schema.json``; an error names the file, line, key and the fix and exits 2.
With no config file nothing is validated, so a plain run never pays for jsonschema.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from gates.errors import GatesError
from gates.model import Severity

CONFIG_NAMES = (".gates.yml", ".gates.yaml")
DEFAULT_DEPLOY_PATHS = ("deploy", "k8s", "docker", "helm", "charts", "infra")
DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024


@dataclass(frozen=True)
class RuleSettings:
    """What the config says about one rule; ``None`` means "the rule's default"."""

    enabled: bool | None = None
    severity: Severity | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class AppDecl:
    path: str
    secrets: str | None = None


@dataclass(frozen=True)
class Config:
    """Read-only settings for one run. ``path`` is None when no config file was found."""

    path: Path | None = None
    fail_on: Severity = Severity.WARNING
    exclude: tuple[str, ...] = ()
    deploy_paths: tuple[str, ...] = DEFAULT_DEPLOY_PATHS
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    rules_dir: str = ".gates/rules"
    rules: Mapping[str, RuleSettings] = field(default_factory=dict)
    apps: tuple[AppDecl, ...] = ()


def find_config(root: Path) -> Path | None:
    """The config file that governs ``root``, if any."""
    for name in CONFIG_NAMES:
        if (root / name).is_file():
            return root / name
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and "[tool.gates]" in _read(pyproject):
        return pyproject
    return None


def load_config(path: Path | None) -> Config:
    """Parse and validate ``path``; ``None`` gives the defaults."""
    if path is None:
        return Config()
    if not path.is_file():
        raise GatesError(f"config file not found: {path}", "pass an existing file to --config")
    text = _read(path)
    if path.suffix == ".toml":
        data, source = _toml_section(text, path), None
    else:
        from gates.yamlio import load_yaml, plain

        source = load_yaml(text, str(path))
        data = plain(source) if source is not None else {}
    _validate(data, source, path)
    return _build(data, path)


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GatesError(f"cannot read {path}: {exc.__class__.__name__}") from None


def _toml_section(text: str, path: Path) -> Any:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        return tomllib.loads(text).get("tool", {}).get("gates", {})
    except tomllib.TOMLDecodeError as exc:
        raise GatesError(f"{path}: {exc}", "fix the TOML syntax") from None


def _validate(data: Any, source: Any, path: Path) -> None:
    from gates.yamlio import schema_errors

    schema = json.loads((Path(__file__).parent / "config.schema.json").read_text("utf-8"))
    problems = schema_errors(data, schema, source, str(path))
    if problems:
        raise GatesError(
            "invalid configuration:\n  " + "\n  ".join(p[:300] for p in problems),
            "see the configuration reference in the README (`gates explain` lists rule ids)",
        )


def _build(data: Mapping[str, Any], path: Path) -> Config:
    return Config(
        path=path,
        fail_on=Severity(data.get("fail_on", "warning")),
        exclude=tuple(data.get("exclude", ())),
        deploy_paths=tuple(p.strip("/") for p in data.get("deploy_paths", DEFAULT_DEPLOY_PATHS)),
        max_file_size=int(data.get("max_file_size", DEFAULT_MAX_FILE_SIZE)),
        rules_dir=data.get("rules_dir", ".gates/rules"),
        rules={rid: _rule_settings(value) for rid, value in data.get("rules", {}).items()},
        apps=tuple(AppDecl(a["path"].strip("/"), a.get("secrets")) for a in data.get("apps", ())),
    )


def _rule_settings(value: Any) -> RuleSettings:
    if value in ("off", False):
        return RuleSettings(enabled=False)
    if value in ("on", True):
        return RuleSettings(enabled=True)
    severity = value.get("severity")
    return RuleSettings(
        enabled=value.get("enabled"),
        severity=Severity(severity) if severity else None,
        options=dict(value.get("options", {})),
        exclude=tuple(value.get("exclude", ())),
    )
