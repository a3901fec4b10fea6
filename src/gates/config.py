"""The repo's configuration: ``.gates.yml`` (or ``[tool.gates]`` in pyproject.toml).

Validated by ``config.schema.json``; an error names the file, line, key and the fix and exits 2.
With no config file nothing is validated, so a plain run never pays for jsonschema.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

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
class PathBan:
    """``forbidden_paths`` entry: files matching ``glob`` must never be committed, for ``reason``."""

    glob: str
    reason: str


@dataclass(frozen=True)
class KeyBan:
    """``forbidden_env_keys`` entry: ``key`` (a glob) must not be set in ``files`` / ``kinds``.

    With neither ``files`` nor ``kinds`` the key is banned from env files; ``only_literal``
    allows a ``${VAR}`` reference and bans only a written-out value.
    """

    key: str
    reason: str
    files: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    only_literal: bool = False


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
    mirrors: tuple[tuple[str, ...], ...] = ()  # groups of paths kept byte-identical; first = source
    forbidden_paths: tuple[PathBan, ...] = ()
    forbidden_env_keys: tuple[KeyBan, ...] = ()


def find_config(root: Path) -> Path | None:
    """The config file that governs ``root``, if any."""
    for name in CONFIG_NAMES:
        if (root / name).is_file():
            return root / name
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and _configures_gates(pyproject):
        return pyproject
    return None


# ``[tool.gates]``, ``[tool.gates.rules]``, ``[tool."gates"]``, ``tool.gates.fail_on = ...``
_MENTIONS_GATES = re.compile(r"""^\s*\[?\s*["']?tool["']?\s*\.\s*["']?gates\b""", re.MULTILINE)


def _configures_gates(pyproject: Path) -> bool:
    """True when pyproject.toml has a ``tool.gates`` table, in whichever TOML spelling.

    A substring test for ``[tool.gates]`` misses ``[tool.gates.rules]`` alone, dotted keys and
    inline tables, and a config that is silently not read is a run with the wrong rules. A
    pyproject that does not parse is an error only when it visibly mentions ``tool.gates``.
    """
    text = _read(pyproject)
    if "gates" not in text:
        return False
    try:
        data = _parse_toml(text, pyproject)
    except GatesError:
        if _MENTIONS_GATES.search(text):
            raise
        return False
    tool = data.get("tool")
    return isinstance(tool, dict) and "gates" in tool


def load_config(path: Path | None) -> Config:
    """Parse and validate ``path``; ``None`` gives the defaults."""
    if path is None:
        return Config()
    if not path.is_file():
        raise GatesError(f"config file not found: {path}", "pass an existing file to --config")
    text = _read(path)
    if path.suffix == ".toml":
        data = _toml_section(text, path)
        _validate(data, None, path, lambda where: _toml_line(text, ("tool", "gates", *where)))
    else:
        from gates.yamlio import load_yaml, plain

        source = load_yaml(text, str(path))
        data = plain(source, str(path)) if source is not None else {}
        _validate(data, source, path)
    return _build(data, path)


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GatesError(f"cannot read {path}: {exc.__class__.__name__}") from None


def _parse_toml(text: str, path: Path) -> dict[str, Any]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib says "... (at line 3, column 7)"; lead with file:line:col like YAML errors do.
        message = str(exc)
        at = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
        where = f"{path}:{at.group(1)}:{at.group(2)}" if at else str(path)
        problem = message[:at.start()] if at else message
        raise GatesError(f"{where}: {problem}", "fix the TOML syntax at that place") from None


def _toml_section(text: str, path: Path) -> Any:
    """The ``tool.gates`` value (a table unless the file is wrong; the schema then says so)."""
    tool = _parse_toml(text, path).get("tool", {})
    return tool.get("gates", {}) if isinstance(tool, dict) else {}


_TOML_NAME = r"""(?:"[^"]*"|'[^']*'|[\w-]+)"""  # a bare or quoted key
_TOML_HEADER = re.compile(r"^\s*\[\[?([^\[\]]+)\]\]?\s*(?:#.*)?$")
_TOML_KEY = re.compile(rf"^\s*({_TOML_NAME}(?:\s*\.\s*{_TOML_NAME})*)\s*=")
_TOML_PART = re.compile(r""""([^"]*)"|'([^']*)'|([\w-]+)""")


def _toml_line(text: str, where: tuple[Any, ...]) -> int | None:
    """Best-effort 1-based line of the key at ``where`` (tomllib keeps no positions).

    Tables and keys are matched by their dotted names; a path that is not spelled out (an inline
    table, an array item) falls back to the line of its nearest spelled-out parent.
    """
    first: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TOML_HEADER.match(line)
        if header:
            table = _toml_parts(header.group(1))
            names = table
        else:
            key = _TOML_KEY.match(line)
            if not key:
                continue
            names = table + _toml_parts(key.group(1))
        for size in range(1, len(names) + 1):
            first.setdefault(names[:size], number)
    target = tuple(str(p) for p in where)
    for size in range(len(target), 0, -1):
        if target[:size] in first:
            return first[target[:size]]
    return None


def _toml_parts(dotted: str) -> tuple[str, ...]:
    return tuple(next(g for g in m.groups() if g is not None) for m in _TOML_PART.finditer(dotted))


def _validate(data: Any, source: Any, path: Path,
              line_for: Callable[[tuple[Any, ...]], int | None] | None = None) -> None:
    schema_text = (Path(__file__).parent / "config.schema.json").read_text("utf-8")
    stamp = _validated_stamp(schema_text, json.dumps(data, sort_keys=True, default=str))
    if stamp is not None and stamp.exists():
        return  # this exact config passed this exact schema before: skip jsonschema's import
    from gates.yamlio import schema_errors

    problems = schema_errors(data, json.loads(schema_text), source, str(path), line_for)
    if problems:
        raise GatesError(
            "invalid configuration:\n  " + "\n  ".join(p[:300] for p in problems),
            "each line names the file, line and key to fix; the configuration reference is in "
            "the README, and `gates rules` lists the rule ids",
        )
    _remember(stamp)


def _validated_stamp(schema: str, config: str) -> Path | None:
    """A cache file named by the hash of schema and config, or None when caching is off.

    Validation needs jsonschema (~110 ms to import); a pre-commit run on a few files should not
    pay that when the config has not changed. ``GATES_NO_CACHE=1`` turns the cache off.
    """
    import hashlib
    import os

    if os.environ.get("GATES_NO_CACHE"):
        return None
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(f"{schema}\0{config}".encode("utf-8", "replace")).hexdigest()
    return base / "gates" / "valid-config" / digest


def _remember(stamp: Path | None) -> None:
    """Record a passed validation. A cache we cannot write only costs speed, never
    correctness, so an unwritable cache folder is not an error."""
    if stamp is None:
        return
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.touch()
    except OSError:
        return


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
        mirrors=tuple(tuple(group) for group in data.get("mirrors", ())),
        forbidden_paths=tuple(PathBan(b["glob"], b["reason"])
                              for b in data.get("forbidden_paths", ())),
        forbidden_env_keys=tuple(
            KeyBan(b["key"], b["reason"], tuple(b.get("files", ())), tuple(b.get("kinds", ())),
                   bool(b.get("only_literal", False)))
            for b in data.get("forbidden_env_keys", ())),
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
