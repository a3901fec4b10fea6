"""``untagged-default`` and ``secret-default``: silent fallbacks in deployment config."""

from __future__ import annotations

from typing import Iterator

from gates.checks.names import is_secret_name
from gates.context import CheckContext
from gates.documents import Document
from gates.fixers.defaults import require
from gates.model import Fix, Hit
from gates.parse.deploy_values import LocatedExpr, iter_defaults


def untagged_default(doc: Document, ctx: CheckContext) -> Iterator[Hit]:
    """A default without a ``# safe-default: <reason>`` tag (secrets go to secret-default)."""
    secrets_elsewhere = "secret-default" in ctx.enabled
    for located in iter_defaults(doc):
        name = located.expr.name
        if secrets_elsewhere and is_secret_name(name):
            continue
        if located.tag:
            continue
        shown = _shown(located)
        if located.tag is None:
            message = (f"{shown} gives {name} a silent default: a missing value deploys "
                       "the fallback instead of failing")
        else:
            message = f"{shown} is tagged `# safe-default:` but the tag gives no reason"
        yield _hit(located, message, f"{name}{located.expr.op}",
                   f"Require it with ${{{name}:?{name} is required}}, or keep a real "
                   "convenience default and say why: `# safe-default: <reason>`",
                   require(doc.path, located, secret=is_secret_name(name)))


def secret_default(doc: Document, ctx: CheckContext) -> Iterator[Hit]:
    """Any default, tagged or not, for a secret-like variable."""
    for located in iter_defaults(doc):
        name = located.expr.name
        if not is_secret_name(name):
            continue
        yield _hit(located, f"{_shown(located)}: {name} is a secret and a secret never has a "
                   "fallback (the default ships to every environment that forgets it)",
                   f"{name}{located.expr.op}",
                   f"Use ${{{name}:?{name} is required}} and deliver it from the secret store",
                   require(doc.path, located, secret=True))


def _shown(located: LocatedExpr) -> str:
    """The expression with its default elided: a default may itself be a secret."""
    expr = located.expr
    return f"`${{{expr.name}{expr.op}…}}`"


def _hit(located: LocatedExpr, message: str, evidence: str, fix: str, repair: Fix) -> Hit:
    return Hit(line=located.line, col=located.col, end_line=located.end_line,
               end_col=located.end_col, message=message, evidence=evidence, fix=fix,
               fixes=(repair,))
