"""Small helpers to read gates' own YAML files (rules, config) with line numbers kept.

Kept apart from ``parse/yaml.py``, which reads *user* deployment files with bounds and kinds;
this module reads files whose shape gates defines and validates against a JSON Schema.
"""

from __future__ import annotations

import difflib
from typing import Any, Callable

from gates.errors import GatesError

# Aliases let a few lines expand into millions of nodes ("billion laughs"); a config or rule file
# never needs more than a few hundred, so anything past this is refused, not expanded.
MAX_NODES = 100_000

LineFinder = Callable[[tuple[Any, ...]], "int | None"]


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
    except RecursionError:
        # ruamel composes recursively: thousands of nested brackets exhaust the stack. That is
        # a problem with the file, not a bug in gates.
        raise GatesError(f"{path}: nested too deeply to read",
                         "flatten the structure; gates' files need only a few levels") from None


def plain(data: Any, path: str = "<yaml>") -> Any:
    """Turn ruamel's commented containers into plain dicts and lists (for JSON Schema).

    Bounded: alias expansion past ``MAX_NODES`` nodes is a ``GatesError`` naming ``path``.
    """
    budget = [MAX_NODES]

    def walk(node: Any) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise GatesError(f"{path}: more than {MAX_NODES} values after expanding aliases",
                             "write the values out; anchors and aliases must not multiply them")
        if isinstance(node, dict):
            return {str(k): walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    try:
        return walk(data)
    except RecursionError:
        raise GatesError(f"{path}: nested too deeply to read",
                         "flatten the structure; gates' files need only a few levels") from None


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


def schema_errors(instance: Any, schema: dict[str, Any], source: Any, path: str,
                  line_for: LineFinder | None = None) -> list[str]:
    """Validate ``instance`` and describe each error as ``file:line: key: message``.

    Lines come from ``source`` (a round-trip YAML document) or, for formats that keep no
    positions (TOML), from ``line_for``. An unknown key is reported at its own line and name, not
    at its parent; a ``oneOf`` failure is explained by the alternative that fits the value best.
    """
    import jsonschema
    from jsonschema.exceptions import best_match

    locate: LineFinder = line_for or (lambda where: line_of(source, where))
    validator = jsonschema.Draft202012Validator(schema)
    messages = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
        error = best_match([error])  # descends into oneOf / anyOf to the branch that fits
        for where, text in _explain(error):
            line = locate(where)
            key = ".".join(str(p) for p in where) or "(top level)"
            loc = f"{path}:{line}" if line else path
            messages.append(f"{loc}: {key}: {text}")
    return messages


def _explain(error: Any) -> list[tuple[tuple[Any, ...], str]]:
    """(path of the offending key, one-line message) pairs for one validation error."""
    where = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        return [(where + (key,), _unknown_key(str(key), allowed)) for key in extra]
    if error.validator == "enum":
        choices = ", ".join(map(str, error.validator_value))
        return [(where, f"{error.instance!r} is not one of {choices}")]
    if error.validator in ("oneOf", "anyOf"):
        shapes = " or ".join(_shape(s) for s in error.validator_value)
        return [(where, f"{error.instance!r} is not valid here; expected {shapes}")]
    return [(where, str(error.message))]


def _unknown_key(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown key '{key}'; {hint}allowed keys: {', '.join(allowed) or 'none'}"


def _shape(schema: dict[str, Any]) -> str:
    """A short human description of one ``oneOf`` alternative."""
    if "enum" in schema:
        return "one of " + ", ".join(str(v).lower() if isinstance(v, bool) else str(v)
                                      for v in schema["enum"])
    if schema.get("type") == "object" and "properties" in schema:
        return "a mapping with keys " + ", ".join(sorted(schema["properties"]))
    return f"a value of type {schema.get('type', 'any')}"
