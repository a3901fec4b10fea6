"""``parse-error``: a file gates reads could not be parsed, so it could not be checked."""

from __future__ import annotations

from typing import Iterator

from gates.context import CheckContext
from gates.documents import Document
from gates.model import Hit

YAML_KINDS = ("compose", "k8s", "helm-values", "workflow")


def parse_error(doc: Document, ctx: CheckContext) -> Iterator[Hit]:
    """YAML syntax errors, and interpolation syntax errors where compose would reject them."""
    if doc.kind in YAML_KINDS:
        error = doc.yaml.error
        if error is not None:
            yield Hit(error.line, error.col, f"invalid YAML ({doc.kind}): {error.message}",
                      evidence=f"yaml:{error.message}")
    for bad in doc.interpolations.errors:
        yield Hit(bad.line, bad.col, f"invalid interpolation: {bad.message}",
                  end_line=bad.end_line, end_col=bad.end_col, evidence=f"interp:{bad.message}")
