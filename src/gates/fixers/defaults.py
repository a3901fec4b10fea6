"""``untagged-default`` / ``secret-default``: ``${VAR:-x}`` becomes ``${VAR:?VAR is required}``."""

from __future__ import annotations

from gates.model import SAFE, UNSAFE, Edit, Fix
from gates.parse.deploy_values import LocatedExpr


def require(path: str, located: LocatedExpr, secret: bool) -> Fix:
    """Replace the whole expression, default and all, with a required one.

    Safe for a secret-like name (a secret never has a fallback, so nothing legitimate breaks);
    unsafe otherwise: the default may be a real convenience that deserves a tag and a reason
    instead. For a secret the removed default may itself be a secret, so the edit is sensitive.
    The message has no ``:``, ``#`` or quote, so the result is a valid plain, quoted or env-file
    value wherever the expression stood.
    """
    expr = located.expr
    required = f"${{{expr.name}:?{expr.name} is required}}"
    return Fix(f"Require {expr.name}: {required}", SAFE if secret else UNSAFE,
               (Edit(expr.start, expr.end, required, sensitive=secret),), path)
