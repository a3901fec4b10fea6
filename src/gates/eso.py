"""What the ESO rules read from deploy manifests: ExternalSecrets and where workloads get secrets.

An ExternalSecret produces a k8s Secret (``spec.target.name``, by default its own name) with the
keys of ``spec.data[].secretKey`` and of ``spec.target.template.data``; ``dataFrom`` (and a
``templateFrom``) produce keys that only Vault knows, so any key is accepted from it. Workloads
take secrets through ``env[].valueFrom.secretKeyRef``, ``envFrom[].secretRef``, or, wrongly,
as a literal ``value:`` of a secret-named variable. Compose files take them from ``env_file:``.
Positions are 1-based and point at the line a fix would change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from gates.checks.names import is_secret_name

ES_KINDS = ("ExternalSecret", "ClusterExternalSecret")
_ES_TEXT = re.compile(r"^\s*kind:\s*[\"']?(?:Cluster)?ExternalSecret\b", re.M)
# kind -> path from the object to its pod spec
POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "Rollout": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")
_OBJECT_WORDS = re.compile("|".join(re.escape(word) for word in (
    *ES_KINDS, *POD_SPEC_PATHS, "env_file", "\\")))


@dataclass(frozen=True)
class ExternalSecret:
    """One ExternalSecret and the Secret it produces."""

    name: str
    target: str
    keys: frozenset[str]
    any_key: bool  # dataFrom / templateFrom: the keys are whatever Vault holds
    path: str
    line: int
    # (apiVersion, store name, store kind) when the object names its store: the house style a
    # scaffolded ExternalSecret copies. Not part of equality: two identical syncs are one.
    style: tuple[str, str, str] | None = field(default=None, compare=False)

    def produces(self, key: str) -> bool:
        return self.any_key or key in self.keys


@dataclass(frozen=True)
class SecretUse:
    """A place where a workload (or compose service) takes a secret.

    ``kind`` is "key-ref" (secretKeyRef: ``secret`` and ``key``), "env-from" (secretRef:
    ``secret``), "literal" (a secret-named ``variable`` with ``value:``) or "env-file"
    (compose ``env_file:``; ``secret`` is the file).
    """

    kind: str
    workload: str
    container: str
    variable: str | None
    secret: str | None
    key: str | None
    path: str
    line: int
    col: int


def mentions_external_secret(text: str) -> bool:
    return bool(_ES_TEXT.search(text))


def may_hold_objects(text: str) -> bool:
    """False when nothing ``external_secrets``, ``secret_uses`` or ``compose_env_files`` reads
    can be in ``text``: each needs its kind (or the ``env_file`` key) written out, unless an
    escape sequence spells it (a backslash, then, means "maybe")."""
    return bool(_OBJECT_WORDS.search(text))


def external_secrets(obj: Any, path: str) -> Iterator[ExternalSecret]:
    """The ExternalSecret (or ClusterExternalSecret) that ``obj`` is, if it is one."""
    if not isinstance(obj, dict) or obj.get("kind") not in ES_KINDS:
        return
    metadata = _map(obj.get("metadata"))
    spec = _map(obj.get("spec"))
    name = metadata.get("name")
    if obj.get("kind") == "ClusterExternalSecret":
        name = spec.get("externalSecretName") or name
        spec = _map(spec.get("externalSecretSpec"))
    if not isinstance(name, str):
        return
    target = _map(spec.get("target"))
    template = _map(target.get("template"))
    keys = {str(item.get("secretKey")) for item in _seq(spec.get("data"))
            if isinstance(item, dict) and item.get("secretKey") is not None}
    keys |= {str(k) for k in _map(template.get("data"))}
    any_key = bool(_seq(spec.get("dataFrom"))) or bool(_seq(template.get("templateFrom")))
    target_name = _str(target.get("name")) or name
    yield ExternalSecret(name, target_name, frozenset(keys), any_key, path, _line(obj, "kind"),
                         _style(obj, spec))


def _style(obj: dict[Any, Any], spec: dict[Any, Any]) -> tuple[str, str, str] | None:
    """apiVersion and ``secretStoreRef`` (name, kind) of an ExternalSecret that names its store."""
    ref = _map(spec.get("secretStoreRef"))
    store = _str(ref.get("name"))
    if not store:
        return None
    api = _str(obj.get("apiVersion")) or ""
    return api, store, _str(ref.get("kind")) or "SecretStore"


def secret_uses(obj: Any, path: str) -> Iterator[SecretUse]:
    """Every secret a workload's containers and init containers take, with its place."""
    if not isinstance(obj, dict) or not isinstance(obj.get("kind"), str) \
            or obj["kind"] not in POD_SPEC_PATHS:  # ``kind: []`` cannot be looked up
        return
    pod: Any = obj
    for step in POD_SPEC_PATHS[str(obj["kind"])]:
        pod = _map(pod).get(step)
    workload = f"{obj['kind']}/{_map(obj.get('metadata')).get('name', '?')}"
    for list_name in CONTAINER_LISTS:
        for container in _seq(_map(pod).get(list_name)):
            if isinstance(container, dict):
                name = str(container.get("name", "?"))
                yield from _env(container, workload, name, path)
                yield from _env_from(container, workload, name, path)


def _env(container: dict[Any, Any], workload: str, name: str, path: str) -> Iterator[SecretUse]:
    for item in _seq(container.get("env")):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        variable = item["name"]
        ref = _map(_map(item.get("valueFrom")).get("secretKeyRef"))
        if ref:
            line, col = _position(ref, "name") if "name" in ref else _position(item, "valueFrom")
            yield SecretUse("key-ref", workload, name, variable, _str(ref.get("name")),
                            _str(ref.get("key")), path, line, col)
        elif "value" in item and is_secret_name(variable):
            line, col = _position(item, "value")
            yield SecretUse("literal", workload, name, variable, None, None, path, line, col)


def _env_from(container: dict[Any, Any], workload: str, name: str,
              path: str) -> Iterator[SecretUse]:
    for item in _seq(container.get("envFrom")):
        ref = _map(_map(item).get("secretRef"))
        if ref:
            line, col = _position(ref, "name") if "name" in ref else _position(item, "secretRef")
            yield SecretUse("env-from", workload, name, None, _str(ref.get("name")), None,
                            path, line, col)


def compose_env_files(obj: Any, path: str) -> Iterator[SecretUse]:
    """``env_file:`` entries of a compose file's services (a string, a list, or path mappings)."""
    services = _map(obj).get("services") if isinstance(obj, dict) else None
    for service_name, service in _map(services).items():
        if not isinstance(service, dict) or "env_file" not in service:
            continue
        value = service["env_file"]
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            target = item.get("path") if isinstance(item, dict) else item
            if not isinstance(target, str):
                continue
            line, col = _item_position(value, index) if isinstance(value, list) else \
                _position(service, "env_file", value=True)
            yield SecretUse("env-file", f"service/{service_name}", str(service_name), None,
                            target, None, path, line, col)


def _map(node: Any) -> dict[Any, Any]:
    return node if isinstance(node, dict) else {}


def _seq(node: Any) -> list[Any]:
    return node if isinstance(node, list) else []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _position(node: Any, key: Any, value: bool = False) -> tuple[int, int]:
    """1-based (line, col) of a mapping key (or its value) as ruamel recorded it."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return 1, 1
    try:
        line, col = lc.value(key) if value else lc.key(key)
    except (KeyError, TypeError):
        return int(lc.line) + 1, int(lc.col) + 1
    return int(line) + 1, int(col) + 1


def _item_position(node: Any, index: int) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    if lc is None:
        return 1, 1
    try:
        line, col = lc.item(index)
    except (KeyError, TypeError, IndexError):
        return int(lc.line) + 1, int(lc.col) + 1
    return int(line) + 1, int(col) + 1


def _line(node: Any, key: Any) -> int:
    return _position(node, key)[0]
