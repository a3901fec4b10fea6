"""Per-file facts that repo-scope rules read, taken while the file scan holds the document.

``direct-vault-client`` and ``bootstrap-schema`` look at every source file of every app (which
Vault clients it calls, which env-validation idiom it uses), the ``bootstrap-*`` rules at every
manifest (its ExternalSecrets and the secrets its workloads read). Asked in the repo-scope phase, that
read and decoded every source file a second time, after the scan, in one process. Instead the
file scan (in whichever worker scans the file) computes the facts the enabled rules need and
the repo view keeps them (``RepoView.fact``); a view without them (a staged or diff run's tree)
computes a fact from the document on demand, with the same function, so both give one answer.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from gates.documents import Document


def _vault_client_uses(doc: Document) -> Any:
    from gates.checks.vault_clients import client_uses

    return tuple(client_uses(doc))


def _env_schema(doc: Document) -> Any:
    from gates.checks.env_schemas import found_validator

    return found_validator(doc)


def _deploy_objects(doc: Document) -> Any:
    from gates.apps import objects_in

    return objects_in(doc)


# fact name -> how to compute it from a document (a falsy answer means "nothing here").
FACTS: dict[str, Callable[[Document], Any]] = {
    "vault-client-uses": _vault_client_uses,  # tuple[ClientUse, ...]
    "env-schema": _env_schema,  # the validation idiom's name, or None
    "deploy-objects": _deploy_objects,  # apps._FileObjects of a manifest, or None
}
# rule id -> the facts its repo-scope check reads.
RULE_FACTS: dict[str, tuple[str, ...]] = {
    "direct-vault-client": ("vault-client-uses",),
    "bootstrap-schema": ("env-schema",),
    "bootstrap-readme": ("deploy-objects",),
    "bootstrap-external-secret": ("deploy-objects",),
    "bootstrap-secret-ref": ("deploy-objects",),
    "bootstrap-direct-vault": ("deploy-objects",),
}


def needed_by(rule_ids: Iterable[str]) -> frozenset[str]:
    """The facts the enabled rules read."""
    return frozenset(name for rule_id in rule_ids for name in RULE_FACTS.get(rule_id, ()))


def compute(doc: Document, names: frozenset[str]) -> dict[str, Any] | None:
    """The truthy facts of ``doc`` (None when it has none: most files)."""
    found = {name: value for name in sorted(names) if (value := FACTS[name](doc))}
    return found or None
