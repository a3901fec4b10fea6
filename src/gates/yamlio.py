"""Small helpers to read gates' own YAML files (rules, config) with line numbers kept.

Kept apart from ``parse/yaml.py``, which reads *user* deployment files with bounds and kinds;
this module reads files whose shape gates defines and validates against a JSON Schema.
"""

from __future__ import annotations

from typing import Any

from gates.errors import GatesError


def load_yaml(text: str, path: str) -> Any:
    """Parse one YAML document in round-trip mode so that keys keep their line numbers."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="rt", pure=True)
    try:
        return yaml.load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise GatesError(f"{where}: {problem}", "fix the YAML syntax at that place") from None


def plain(data: Any) -> Any:
    """Turn ruamel's commented containers into plain dicts and lists (for JSON Schema)."""
    if isinstance(data, dict):
        return {str(k): plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    return data


def line_of(data: Any, path: tuple[Any, ...]) -> int | None:
    """The 1-based line of the key (or item) at ``path`` inside a round-trip document."""
    node, line = data, None
    for part in path:
        lc = getattr(node, "lc", None)
        try:
            if lc is not None:
                if isinstance(node, dict) and part in node:
                    line = lc.key(part)[0] + 1
                elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                    line = lc.item(part)[0] + 1
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    return line


def schema_errors(instance: Any, schema: dict[str, Any], source: Any, path: str) -> list[str]:
    """Validate ``instance`` and describe each error as ``file:line: key: message``."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    messages = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
        where = tuple(error.absolute_path)
        line = line_of(source, where)
        key = ".".join(str(p) for p in where) or "(top level)"
        loc = f"{path}:{line}" if line else path
        messages.append(f"{loc}: {key}: {_describe(error)}")
    return messages


def _describe(error: Any) -> str:
    """A one-line message; for ``additionalProperties`` name the unknown key."""
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        return f"{error.message}; allowed keys: {', '.join(allowed)}"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    return str(error.message)
