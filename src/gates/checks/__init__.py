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
}


def load_check(rule_id: str) -> Callable[..., Any]:
    """The check function for a built-in ``kind: check`` rule."""
    module_name, _, function = CHECKS[rule_id].partition(":")
    check: Callable[..., Any] = getattr(importlib.import_module(module_name), function)
    return check
