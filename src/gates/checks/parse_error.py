"""``parse-error``: a file gates reads could not be parsed, so it could not be checked."""

from __future__ import annotations

from typing import Iterator

from gates.context import CheckContext
from gates.documents import Document
from gates.model import Hit
from gates.parse.templated import has_template
from gates.parse.yaml import YamlError

YAML_KINDS = ("compose", "k8s", "helm-values", "workflow")
# Manifests that may be templates (Jinja, Helm outside charts/) and are read as such by the
# rules that use them. Workflows are not: GitHub and Gitea never render them.
TEMPLATE_KINDS = ("compose", "k8s", "helm-values")


def parse_error(doc: Document, ctx: CheckContext) -> Iterator[Hit]:
    """YAML syntax errors, and interpolation syntax errors where compose would reject them."""
    if doc.kind in YAML_KINDS:
        error, neutralised = _yaml_error(doc)
        if error is not None:
            how = f"{doc.kind}, with template actions neutralised" if neutralised else doc.kind
            yield Hit(error.line, error.col, f"invalid YAML ({how}): {error.message}",
                      evidence=f"yaml:{error.message}")
    for bad in doc.interpolations.errors:
        yield Hit(bad.line, bad.col, f"invalid interpolation: {bad.message}",
                  end_line=bad.end_line, end_col=bad.end_col, evidence=f"interp:{bad.message}")


def _yaml_error(doc: Document) -> tuple[YamlError | None, bool]:
    """The error to report, and whether it is that of the text with template actions blanked.

    A manifest with ``{{ }}`` / ``{% %}`` actions that does not parse as written is a template:
    it is not YAML until rendered, so only what cannot be read even with the actions neutralised
    (``parse/templated.py``, as the ESO rules read it) is an error. A file that parses as written
    (``{{ $labels.x }}`` in a quoted annotation) is plain YAML, whatever its braces.
    """
    error = doc.yaml_error
    if error is None or doc.kind not in TEMPLATE_KINDS or not has_template(doc.text):
        return error, False
    return doc.templated.error, True
