"""``secret-literal`` / ``bootstrap-secret-ref`` on a workload env ``value:``: read the secret
through ``valueFrom.secretKeyRef`` instead.

The ``value: <literal>`` pair (key, scalar, and a block scalar's lines) is replaced by a
``valueFrom.secretKeyRef`` naming the app's ExternalSecret target and the variable as the key;
the env entry's other keys, comments and everything around stay as written. The literal is
removed, never moved or printed (the edit is sensitive). The Secret is the one an ExternalSecret
of the app produces with that key, else the app's first ExternalSecret target, else the name
the ``bootstrap-external-secret`` scaffold gives (see ``target_name``), so the two fixes meet.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from gates.context import CheckContext
from gates.documents import Document, decode
from gates.eso import ExternalSecret, SecretUse, external_secrets, secret_uses
from gates.fixers.text import newline_of, yaml_scalar
from gates.model import UNSAFE, Edit, Fix
from gates.parse.templated import has_template, is_templated, load
from gates.parse.yaml import scalar_spans, walk

if TYPE_CHECKING:
    from gates.apps import DeployObjects
    from gates.repo import RepoView

MARKERS = ("deploy", "k8s")
_MAX_MANIFESTS = 200


def target_name(app_path: str, uses: Iterable[SecretUse]) -> str:
    """The Secret a new ExternalSecret produces: the one the workloads already name most (so
    their references resolve), else ``<app folder>-secrets``."""
    named = Counter(u.secret for u in uses if u.kind in ("key-ref", "env-from")
                    and u.secret and not is_templated(u.secret))
    if named:
        return min(named.items(), key=lambda item: (-item[1], item[0]))[0]
    return f"{PurePosixPath(app_path).name or 'app'}-secrets"


def choose_target(app_path: str, secrets: Iterable[ExternalSecret], uses: Iterable[SecretUse],
                  variable: str) -> str:
    """The Secret an env var should read: one that has the key, else the app's first."""
    produced = [es for es in secrets if not is_templated(es.target)]
    for es in produced:
        if variable in es.keys:
            return es.target
    return produced[0].target if produced else target_name(app_path, uses)


def key_ref(doc: Document, line: int, variable: str, target: str) -> Fix | None:
    """The fix for the env entry ``variable`` whose ``value:`` is on ``line`` (1-based)."""
    if has_template(doc.text):
        return None  # a Helm / Jinja template: its text is not the YAML the marks describe
    for item in _env_items(doc, variable, line):
        span = _value_span(doc, item)
        if span is not None:
            return _fix(doc, item, span, variable, target)
    return None


def _env_items(doc: Document, variable: str, line: int) -> Iterator[Any]:
    """Env entries ``{name: variable, value: ...}`` whose ``value`` is written on ``line``.

    Only a ``value`` written in the entry itself: one merged in with ``<<: *anchor`` has no
    position of its own (and changing it would change every entry sharing the anchor).
    """
    for data in doc.yaml.documents:
        for node in walk(data):
            if not isinstance(node, dict) or node.get("name") != variable or \
                    "valueFrom" in node or not hasattr(node, "lc"):
                continue
            marks = node.lc.data.get("value")
            if marks is not None and line in (marks[0] + 1, marks[2] + 1):
                yield node


def _value_span(doc: Document, item: Any) -> tuple[int, int] | None:
    """(start of the ``value`` key, end of its scalar) or None when they cannot be placed."""
    key_line, key_col, value_line, value_col = item.lc.data["value"]
    start = doc.line_start(key_line + 1) + key_col
    value_start = doc.line_start(value_line + 1) + value_col
    if not doc.text.startswith("value", start):
        return None
    spans, error = scalar_spans(doc.text)
    end = next((e for s, e in spans if s == value_start), None)
    if error is not None or end is None:
        return None  # an anchor, a tag or an alias stands there: leave it to a human
    while end > value_start and doc.text[end - 1] in "\r\n":
        end -= 1  # a block scalar's span ends after its last line break: keep that break
    return start, end


def _fix(doc: Document, item: Any, span: tuple[int, int], variable: str, target: str) -> Fix:
    name, key = yaml_scalar(target), yaml_scalar(variable)
    if item.fa.flow_style():
        text = f"valueFrom: {{secretKeyRef: {{name: {name}, key: {key}}}}}"
    else:
        indent = " " * item.lc.key("value")[1]
        newline = newline_of(doc.text)
        text = newline.join(["valueFrom:", f"{indent}  secretKeyRef:",
                             f"{indent}    name: {name}", f"{indent}    key: {key}"])
    return Fix(f"Read {variable} from Secret {target} (valueFrom.secretKeyRef)", UNSAFE,
               (Edit(span[0], span[1], text, sensitive=True),), doc.path)


def for_literal(doc: Document, ctx: CheckContext, line: int, variable: str) -> tuple[Fix, ...]:
    """``secret-literal``'s fix for a workload env ``value:`` (the app read from disk)."""
    secrets, uses = on_disk(ctx.root, doc.path, ctx.config.max_file_size)
    fix = key_ref(doc, line, variable, choose_target(app_folder(doc.path), secrets, uses,
                                                     variable))
    return (fix,) if fix is not None else ()


def for_use(view: RepoView, app_path: str, objects: DeployObjects,
            use: SecretUse) -> tuple[Fix, ...]:
    """``bootstrap-secret-ref``'s fix for a literal ``value:`` of a secret-named env var."""
    doc = view.document(use.path) if use.kind == "literal" and use.variable else None
    if doc is None or use.variable is None:
        return ()
    target = choose_target(app_path, objects.external_secrets, objects.uses, use.variable)
    fix = key_ref(doc, use.line, use.variable, target)
    return (fix,) if fix is not None else ()


def app_folder(path: str) -> str:
    """The app a manifest under ``<app>/deploy/`` or ``<app>/k8s/`` belongs to (else its folder)."""
    parts = PurePosixPath(path).parts[:-1]
    marker = next((i for i, part in enumerate(parts) if part in MARKERS), None)
    return "/".join(parts[:marker] if marker is not None else parts)


def on_disk(root: Path, path: str, max_size: int) -> tuple[list[ExternalSecret], list[SecretUse]]:
    """ExternalSecrets and secret uses in the deploy folders of ``path``'s app, read from disk.

    For file-scope checks (``secret-literal``), which see one document, not the repo: only
    called for a literal secret in a workload env, so the cost is paid where a fix is offered.
    Bounded in files and size; unreadable files are skipped (the fix then names the default).
    """
    app = app_folder(path)
    secrets: list[ExternalSecret] = []
    uses: list[SecretUse] = []
    for rel, text in _manifests(root, app, max_size):
        for obj in load(text).documents:
            secrets.extend(external_secrets(obj, rel))
            uses.extend(secret_uses(obj, rel))
    return secrets, uses


def _manifests(root: Path, app: str, max_size: int) -> Iterator[tuple[str, str]]:
    count = 0
    for marker in MARKERS:
        folder = root / app / marker if app else root / marker
        if not folder.is_dir() or folder.is_symlink():
            continue
        for file in sorted(folder.rglob("*.y*ml")):
            if count >= _MAX_MANIFESTS:
                return
            try:
                if file.is_symlink() or not file.is_file() or file.stat().st_size > max_size:
                    continue
                text = decode(file.read_bytes())
            except OSError:
                continue
            if text is not None:
                count += 1
                yield file.relative_to(root).as_posix(), text
