"""The registry of Python checks: rule id -> "module:function".

An explicit dict (no scanning, no import side effects). Modules are imported only when a rule
they serve runs, so a run that needs no secret scanning never imports detect-secrets.
A file-scope check is ``check(doc: Document, ctx: CheckContext) -> Iterable[Hit]``.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

CHECKS: dict[str, str] = {
    "untagged-default": "gates.checks.defaults:untagged_default",
    "secret-default": "gates.checks.defaults:secret_default",
    "dotenv-in-deploy-path": "gates.checks.dotenv:dotenv_in_deploy_path",
    "dotenv-not-ignored": "gates.checks.dotenv:dotenv_not_ignored",
    "parse-error": "gates.checks.parse_error:parse_error",
    "ignore-without-reason": "gates.checks.ignores:ignore_without_reason",
    "hardcoded-secret": "gates.checks.secrets:hardcoded_secret",
    "secret-literal": "gates.checks.secret_literal:secret_literal",
    "direct-vault-client": "gates.checks.vault:direct_vault_client",
    "vault-policy-kv2-path": "gates.checks.vault:vault_policy_kv2_path",
    "bootstrap-readme": "gates.checks.bootstrap:bootstrap_readme",
    "bootstrap-external-secret": "gates.checks.bootstrap:bootstrap_external_secret",
    "bootstrap-secret-ref": "gates.checks.bootstrap:bootstrap_secret_ref",
    "bootstrap-schema": "gates.checks.bootstrap:bootstrap_schema",
    "bootstrap-direct-vault": "gates.checks.bootstrap:bootstrap_direct_vault",
    "mirror-drift": "gates.checks.mirror_drift:mirror_drift",
    "forbidden-path": "gates.checks.forbidden:forbidden_path",  # kind: path, called per path
    "forbidden-env-key": "gates.checks.forbidden:forbidden_env_key",
    "secret-in-argv": "gates.checks.argv:secret_in_argv",
    "required-check-drift": "gates.checks.protection:required_check_drift",
    "required-check-unproduced": "gates.checks.workflows:required_check_unproduced",
    "required-check-skippable": "gates.checks.workflows:required_check_skippable",
    "swallowed-failure": "gates.checks.workflows:swallowed_failure",
}


def load_check(rule_id: str) -> Callable[..., Any]:
    """The check function for a built-in ``kind: check`` rule."""
    module_name, _, function = CHECKS[rule_id].partition(":")
    check: Callable[..., Any] = getattr(importlib.import_module(module_name), function)
    return check
