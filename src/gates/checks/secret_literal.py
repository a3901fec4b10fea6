"""``secret-literal``: a secret-named key assigned a literal value, in code and config.

Where ``hardcoded-secret`` knows a credential by its shape, this rule knows it by its *name*:
``DB_PASSWORD=changeme`` has no recognisable format, but its key says it is a secret and its
value is right there. Each syntax gets a small regex family (or, for YAML, the parsed tree, so
positions are exact and block scalars are handled); the key must pass ``is_secret_name`` and the
value must not be a reference, a placeholder, a path or prose (``secret_values.quiet_literal``).

Kubernetes and compose get structural checks: every value in a ``kind: Secret``'s ``data`` /
``stringData`` is a committed secret (whatever its key); a container env entry whose secret name
gets ``value:`` instead of ``valueFrom.secretKeyRef``; a compose ``environment:`` entry with a
literal secret. A value that ``hardcoded-secret`` already reports is left to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any, Callable, Iterator

from gates.checks.names import _SECRET_PAIRS as SECRET_PAIRS
from gates.checks.names import _SECRET_WORDS as SECRET_WORDS
from gates.checks.names import is_secret_name, words
from gates.checks.secret_values import has_placeholder_words, is_reference, quiet_literal
from gates.context import CheckContext
from gates.documents import Document, yaml_kinds
from gates.fixers.secret_ref import for_literal
from gates.model import Hit
from gates.parse import dotenv
from gates.redact import redact


@dataclass(frozen=True)
class Literal:
    """A literal value under a key, with its offsets in the document text."""

    key: str
    value: str
    start: int
    end: int
    where: str  # assignment | k8s-secret | k8s-env | compose-env
    owner: str = ""  # the Secret's name, for k8s-secret


def secret_literal(doc: Document, ctx: CheckContext) -> Iterator[Hit]:
    """Every secret-named key with a literal value in ``doc``."""
    min_length = int(ctx.options.get("min_length", 4))
    extra = frozenset(str(p).lower() for p in ctx.options.get("placeholders") or ())
    argv_elsewhere = "secret-in-argv" in ctx.enabled
    def reportable(lit: Literal) -> bool:
        return _reportable(lit, min_length, extra)

    found = [lit for lit in literals(doc, flags=not argv_elsewhere, reportable=reportable)
             if reportable(lit)]
    if not found:
        return
    covered = _hardcoded(doc, ctx) if "hardcoded-secret" in ctx.enabled else []
    for lit in found:
        if not any(_overlaps(lit, span) for span in covered):
            hit = _hit(doc, lit)
            yield replace(hit, fixes=for_literal(doc, ctx, hit.line, lit.key)) \
                if lit.where == "k8s-env" else hit


def _reportable(lit: Literal, min_length: int, extra: frozenset[str]) -> bool:
    if lit.where == "k8s-secret":
        value = lit.value.strip()
        return bool(value) and not is_reference(value) and not has_placeholder_words(value) \
            and value.lower() not in extra
    return is_secret_key(lit.key) and not quiet_literal(
        lit.value, lit.key, min_length=min_length, extra_placeholders=extra)


# The first word of a name that makes it about a secret rather than the secret itself.
_NOT_SECRET_FIRST = frozenset({
    "EXISTING", "USE", "ENABLE", "DISABLE", "IS", "HAS", "SHOW", "HIDE", "REQUIRE",
    "GENERATE", "CREATE", "AUTO", "NO", "WITH", "ALLOW", "PAGE", "NEXT", "CONTINUATION",
    "CSRF", "XSRF", "RESUME", "FORGOT", "RESET", "VERIFY", "VALIDATE", "INPUT", "OUTPUT",
    "PUBLIC", "INVALID", "INCORRECT", "MISSING", "EXPIRED", "WRONG", "BAD",
})
# Words that may follow the secret word and still name the secret (``DB_PASSWORD_PROD``,
# ``SECRET_KEY_BASE``, ``API_TOKEN_B64``); any other word makes the name about something else
# (``token_placement``, ``password_last_used``, ``TokenIsInUse``, ``secret_arn``).
_QUALIFIERS = frozenset({
    "VALUE", "STRING", "STR", "B64", "BASE64", "HEX", "RAW", "PLAIN", "PLAINTEXT", "BYTES",
    "DATA", "CONTENT", "CONTENTS", "PROD", "PRODUCTION", "DEV", "DEVELOPMENT", "STAGING", "STAGE",
    "TEST", "QA", "LIVE", "SANDBOX", "LOCAL", "NEW", "OLD", "CURRENT", "PRIMARY", "SECONDARY",
    "ENCODED", "BASE", "JSON", "PEM", "KEY", "SECRET", "ENCRYPTED", "V1", "V2", "V3",
})
_KEY_OF = frozenset({"PASSWORD", "TOKEN", "USERNAME", "USER"})


def is_secret_key(key: str) -> bool:
    """``is_secret_name`` where the secret word ends the name (modulo qualifiers).

    ``DB_PASSWORD``, ``stripeApiKey``, ``SECRET_KEY_BASE`` yes; ``password_hash``,
    ``existingSecret``, ``passwordKey`` (the key *inside* a Secret), ``token_placement``,
    ``AWS::MSK::BatchScramSecret`` (a type name) no.
    """
    name = key.strip("\"'$@:[]")
    if "::" in name or "/" in name or " " in name or not is_secret_name(name):
        return False
    parts = words(name)
    if parts[0] in _NOT_SECRET_FIRST or parts == ["PASS"]:
        return False  # a bare ``pass`` is a verb (a filter pass, a pass-through) as often
    if len(parts) >= 2 and parts[-1] == "KEY" and parts[-2] in _KEY_OF:
        return False
    last = max(i for i, word in enumerate(parts) if _secret_at(parts, i))
    return all(word in _QUALIFIERS or word.isdigit() for word in parts[last + 1:])


def _secret_at(parts: list[str], i: int) -> bool:
    return parts[i] in SECRET_WORDS or (i > 0 and (parts[i - 1], parts[i]) in SECRET_PAIRS)


# -- finding literals, per syntax --------------------------------------------------------------

_CODE_KINDS = ("python", "javascript", "typescript", "go", "java", "ruby", "hcl", "toml")
_CODE_SUFFIXES = (".php", ".cs", ".scala", ".swift", ".rs", ".groovy", ".gradle", ".kts",
                  ".dart", ".lua", ".pl", ".r", ".ex", ".exs", ".clj", ".xml", ".config")
_INI_SUFFIXES = (".ini", ".cfg", ".conf", ".cnf", ".properties", ".npmrc", ".pypirc", ".env")
_TEXT_SUFFIXES = (".txt", ".text", ".log")
_INI_NAMES = (".npmrc", ".pypirc", ".pgpass", "credentials", "config.ini")


def literals(doc: Document, flags: bool = True,
             reportable: Callable[[Literal], bool] = lambda lit: True) -> Iterator[Literal]:
    """Every (key, literal value) pair that the document's syntax makes visible.

    ``flags``: also ``--password=value`` command-line flags in shell scripts (off when
    ``secret-in-argv``, which knows each program's flags, reports them).
    """
    kind = doc.kind
    if kind in yaml_kinds():
        if not _yaml_may_hold_literal(doc.text, reportable):
            return
        if doc.yaml.error is None:
            yield from _yaml_tree(doc)
        else:
            yield from _line_family(doc, (_YAML_LINE,))
    elif kind == "helm-template":
        yield from _line_family(doc, (_YAML_LINE,))
    elif kind == "env-file":
        yield from _env_file(doc)
    elif kind == "dockerfile":
        yield from _dockerfile(doc)
    elif kind == "shell":
        yield from _line_family(doc, (_SHELL_ASSIGN, _FLAG) if flags else (_SHELL_ASSIGN,))
    elif kind == "makefile":
        yield from _line_family(doc, (_MAKE_ASSIGN,))
    elif kind == "json":
        yield from _line_family(doc, (_JSON_PAIR,))
    elif kind in _CODE_KINDS:
        yield from _line_family(doc, (_CODE_ASSIGN, _SETTER))
        if kind == "hcl":
            yield from _hcl_variable_defaults(doc)
    elif kind == "other":
        yield from _other(doc)


def _other(doc: Document) -> Iterator[Literal]:
    pure = PurePosixPath(doc.path)
    suffix, name = pure.suffix.lower(), pure.name.lower()
    if name in (".netrc", "_netrc"):
        yield from _line_family(doc, (_NETRC,))
    elif suffix in _INI_SUFFIXES or name in _INI_NAMES:
        yield from _line_family(doc, (_INI_LINE,))
    elif suffix in _CODE_SUFFIXES:
        yield from _line_family(doc, (_CODE_ASSIGN, _SETTER, _XML_ELEMENT, _XML_ADD))
    elif suffix in _TEXT_SUFFIXES:
        # Plain text (notes, dumps, logs): only a line that is nothing but an assignment,
        # ``name = "value"``, ``name: value``, ``NAME=value``; never prose. Documentation
        # markup (.rst, .adoc) and extensionless files (METADATA, LICENSE) stay out: their
        # assignments are examples of API output far more often than configuration.
        yield from _line_family(doc, (_TEXT_ASSIGN,))


_QUOTED = r"""(?P<q>["'`])(?P<value>(?:\\.|(?!(?P=q))[^\\\n])*)(?P=q)"""
_CODE_ASSIGN = re.compile(
    r"""(?P<key>[A-Za-z_$@][\w$@.-]*|"[^"\n]{1,100}"|'[^'\n]{1,100}'|:[A-Za-z_]\w*)\]?"""
    r"""\s*(?:\??:\s*[\w.<>\[\]|, ]{1,40}?\s*(?==)|\s+string\s*(?==))?"""
    r"""(?:=>|:=|(?<![=!<>+\-*/%&|^~])=(?![=~>])|:(?!:))\s*(?:[rRbBuU]{1,2}(?=["']))?""" + _QUOTED)
_SETTER = re.compile(r"""\.?set(?P<key>[A-Z]\w*)\(\s*""" + _QUOTED + r"""\s*\)""")
_XML_ELEMENT = re.compile(r"<(?P<key>[A-Za-z_][\w.:-]*)>(?P<value>[^<\n]+)</(?P=key)>")
_XML_ADD = re.compile(r"""<add\s+(?:name|key)=["'](?P<key>[^"'\n]+)["']\s+"""
                      r"""value=["'](?P<value>[^"'\n]*)["']""")
_JSON_PAIR = re.compile(r'"(?P<key>(?:[^"\\\n]|\\.){1,200})"\s*:\s*"(?P<value>(?:[^"\\\n]|\\.)*)"')
_SHELL_ASSIGN = re.compile(
    r"""(?:^|(?<=[\s;&|(]))(?:(?:export|local|readonly|declare(?:\s+-\w+)*)\s+)?"""
    r"""(?P<key>[A-Za-z_]\w*)=(?:"(?P<value>(?:\\.|[^"\\\n])*)"|'(?P<sq>[^'\n]*)'"""
    r"""|(?P<bare>[^\s"'`;|&<>()#]+))""")
_FLAG = re.compile(
    r"""(?:^|(?<=\s))--(?P<key>[A-Za-z][\w-]*)[= ]"""
    r"""(?:"(?P<value>(?:\\.|[^"\\\n])*)"|'(?P<sq>[^'\n]*)'"""
    r"""|(?P<bare>[^\s"'`;|&<>()#$-][^\s"'`;|&<>()#]*))""")
_MAKE_ASSIGN = re.compile(
    r"""^[ \t]*(?:export[ \t]+|override[ \t]+)?(?P<key>[A-Za-z_][\w.]*)[ \t]*"""
    r"""(?::{1,2}=|\?=|=)[ \t]*"""
    r"""(?P<bare>[^\s#][^#\n]*?)[ \t]*(?:#.*)?$""")
_YAML_LINE = re.compile(
    r"""^[ \t]*(?:-[ \t]+)?(?P<key>[\w.\-/]+|"[^"\n]+"|'[^'\n]+')[ \t]*:[ \t]+"""
    r"""(?:"(?P<value>(?:[^"\\\n]|\\.)*)"|'(?P<sq>[^'\n]*)'|(?P<bare>[^\s#'"{\[|>&*!][^#\n]*?))"""
    r"""[ \t]*(?:#.*)?$""", re.M)
_INI_LINE = re.compile(
    r"""^[ \t]*(?P<key>[A-Za-z_][\w.\-]*)[ \t]*[=:][ \t]*"""
    r"""(?:"(?P<value>[^"\n]*)"|'(?P<sq>[^'\n]*)'"""
    r"""|(?P<bare>(?:#(?=\S)|[^\s;#])[^\n]*?))[ \t]*$""", re.M)
_TEXT_ASSIGN = re.compile(
    r"""^[ \t]*(?:(?:export|set|setx|var|let|const|val|local|readonly|final|static|private"""
    r"""|public|string|String|str)[ \t]+)*"""
    r"""(?P<key>"[A-Za-z_][\w.-]{0,80}"|[A-Za-z_][\w.-]{0,80})"""
    r"""(?:[ \t]+(?:string|String|str))?[ \t]*[=:][ \t]*"""
    r"""(?:"(?P<value>[^"\n]*)"|'(?P<sq>[^'\n]*)'|(?P<bare>[^\s"'`;,][^\s"'`]*?))"""
    r"""[ \t]*[;,]?[ \t]*$""")
_NETRC = re.compile(r"(?:^|\s)(?P<key>password)\s+(?P<bare>\S+)")
_SECRET_WORD = re.compile("pass|pwd|secret|token|key|cred|dsn|auth")
_VALUE_GROUPS = ("value", "sq", "bare")
_QUOTED_VALUES = (_CODE_ASSIGN, _SETTER, _JSON_PAIR, _XML_ADD)  # match quoted values only


def _line_family(doc: Document, regexes: tuple[re.Pattern[str], ...]) -> Iterator[Literal]:
    """Apply line regexes to the lines that mention a secret word (a cheap prefilter).

    One pass of a small regex over the lowercased text finds the candidate lines; no line
    table is built for a file that has none.
    """
    text = doc.text
    starts = sorted({text.rfind("\n", 0, m.start()) + 1
                     for m in _SECRET_WORD.finditer(text.lower())})
    quoted = all(regex in _QUOTED_VALUES for regex in regexes)
    for base in starts:
        end = text.find("\n", base)
        line = text[base:end if end >= 0 else len(text)].rstrip("\r")
        if quoted and '"' not in line and "'" not in line and "`" not in line:
            continue  # these regexes want a quoted value: none on this line
        for regex in regexes:
            for match in regex.finditer(line):
                group = next((g for g in _VALUE_GROUPS if g in regex.groupindex
                              and match.group(g) is not None), None)
                if group is None:
                    continue
                yield Literal(_clean_key(match.group("key")), match.group(group),
                              base + match.start(group), base + match.end(group), "assignment")


def _clean_key(key: str) -> str:
    return key.strip("\"'").lstrip("$@:")


def _env_file(doc: Document) -> Iterator[Literal]:
    for entry in dotenv.entries(doc.text):
        start, end = entry.value_start, entry.value_end
        if entry.quote and end - start >= 2:
            start, end = start + 1, end - 1
        yield Literal(entry.key, doc.text[start:end], start, end, "assignment")


_DOCKER_ENV = re.compile(r"^[ \t]*(?:ENV|ARG)[ \t]+(?P<rest>.+)$", re.M | re.I)
_DOCKER_SPACED = re.compile(r"(?P<key>[A-Za-z_]\w*)[ \t]+(?P<bare>.+?)[ \t]*$")


def _dockerfile(doc: Document) -> Iterator[Literal]:
    """``ENV KEY=value ...`` and the legacy ``ENV KEY value``; ``ARG KEY=default``."""
    for match in _DOCKER_ENV.finditer(doc.text):
        rest, base = match.group("rest"), match.start("rest")
        if "=" in rest.split()[0]:
            yield from _shell_pairs(rest, base)
            continue
        spaced = _DOCKER_SPACED.match(rest)
        if spaced:
            value = spaced.group("bare").strip("\"'")
            at = base + spaced.start("bare") + (1 if spaced.group("bare")[:1] in "\"'" else 0)
            yield Literal(spaced.group("key"), value, at, at + len(value), "assignment")


def _shell_pairs(text: str, base: int) -> Iterator[Literal]:
    for match in _SHELL_ASSIGN.finditer(text):
        group = next(g for g in _VALUE_GROUPS if match.group(g) is not None)
        yield Literal(match.group("key"), match.group(group), base + match.start(group),
                      base + match.end(group), "assignment")


_HCL_VARIABLE = re.compile(r'^[ \t]*variable[ \t]+"(?P<name>[^"]+)"[ \t]*\{(?P<body>.*?)^\}',
                           re.M | re.S)
_HCL_DEFAULT = re.compile(r'^[ \t]*default[ \t]*=[ \t]*"(?P<value>(?:[^"\\\n]|\\.)*)"', re.M)
_HCL_SENSITIVE = re.compile(r"^[ \t]*sensitive[ \t]*=[ \t]*true\b", re.M)


def _hcl_variable_defaults(doc: Document) -> Iterator[Literal]:
    """``variable "db_password" { default = "..." }``: the default is the committed secret.

    A ``sensitive = true`` variable counts as secret-named whatever its name.
    """
    for block in _HCL_VARIABLE.finditer(doc.text):
        default = _HCL_DEFAULT.search(block.group("body"))
        if default is None:
            continue
        name = block.group("name")
        if _HCL_SENSITIVE.search(block.group("body")) and not is_secret_key(name):
            name = f"{name}_secret"
        base = block.start("body")
        yield Literal(name, default.group("value"), base + default.start("value"),
                      base + default.end("value"), "assignment")


# -- YAML, from the parsed tree ----------------------------------------------------------------

_SCALARS = (str, int, float)


_SECRET_KIND = re.compile(r"""\bkind["']?[ \t]*:[ \t]*["']?Secret\b""")
_NAME_KEY = re.compile(r"""(?:^|[\s{,-])["']?name["']?[ \t]*:""")
_TREE_ONLY = frozenset("#{[\\\r&*!|>")  # comments, flow, escapes, anchors, tags, blocks


def _yaml_may_hold_literal(text: str, reportable: Callable[[Literal], bool]) -> bool:
    """Can this YAML hold a literal the tree walk would report? A cheap line scan first.

    The round-trip tree costs ~50 times reading the text, and most YAML (ConfigMaps, values,
    workflows, manifests that use ``secretKeyRef``) holds no secret-named key with a value
    worth reporting. The tree is built when the text has a ``kind: Secret`` in any style, or
    when a line naming a secret word is anything but a plain one-line ``key: value`` whose
    verdict the line itself gives (see ``_needs_tree``).
    """
    if _SECRET_KIND.search(text):
        return True
    lowered = text.lower()
    lines_seen: set[int] = set()
    for match in _SECRET_WORD.finditer(lowered):
        base = lowered.rfind("\n", 0, match.start()) + 1
        if base in lines_seen:
            continue
        lines_seen.add(base)
        end = lowered.find("\n", match.end())
        if _needs_tree(text[base:end if end >= 0 else len(text)], text, end, reportable):
            return True
    return False


def _needs_tree(line: str, text: str, end: int, reportable: Callable[[Literal], bool]) -> bool:
    """Could the tree report something on this line, which names a secret word?

    Only a plain ``key: value`` line is decided here: no comment, flow collection, escape,
    anchor, alias, tag, block scalar or CR; not a ``name:`` entry (a k8s env pair); not a list
    item ``- KEY=value``; no more-indented continuation. Its key must be a secret name and its
    value one the caller keeps; the tree would read the same key and value. Anything else is
    left to the tree.
    """
    if any(char in _TREE_ONLY for char in line) or _NAME_KEY.search(line):
        return True
    simple = _YAML_LINE.match(line)
    if simple is None:
        return True
    if end >= 0:  # a plain scalar may go on over more-indented lines
        after = text.find("\n", end + 1)
        following = text[end + 1:after if after >= 0 else len(text)]
        if following.strip() and _indent(following) > _indent(line):
            return True
    key = _clean_key(simple.group("key"))
    if not is_secret_key(key):
        return False
    group = next(g for g in _VALUE_GROUPS if simple.group(g) is not None)
    return reportable(Literal(key, simple.group(group), 0, 0, "assignment"))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t-"))


def _yaml_tree(doc: Document) -> Iterator[Literal]:
    for data in doc.yaml.documents:
        if not isinstance(data, dict):
            if isinstance(data, list):
                yield from _walk_yaml(doc, data, set())
            continue
        seen: set[int] = set()
        if data.get("kind") == "Secret":
            yield from _secret_data(doc, data, seen)
        yield from _walk_yaml(doc, data, seen)


def _secret_data(doc: Document, secret: Any, seen: set[int]) -> Iterator[Literal]:
    """Every value of a Secret's ``data`` and ``stringData``: all of it is secret."""
    metadata = secret.get("metadata")
    owner = str(metadata.get("name", "")) if isinstance(metadata, dict) else ""
    for section in ("data", "stringData"):
        entries = secret.get(section)
        if not isinstance(entries, dict):
            continue
        seen.add(id(entries))
        for key, value in entries.items():
            lit = _scalar_literal(doc, entries, key, value, f"{section}.{key}", "k8s-secret")
            if lit is not None:
                yield Literal(lit.key, lit.value, lit.start, lit.end, lit.where, owner)


def _walk_yaml(doc: Document, root: Any, seen: set[int]) -> Iterator[Literal]:
    """Mappings and sequences under ``root``, each once (aliases are shared, never expanded)."""
    stack: list[tuple[Any, Any]] = [(root, None)]
    while stack:
        node, parent_key = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            yield from _mapping_literals(doc, node, parent_key)
            stack.extend((v, k) for k, v in node.items() if isinstance(v, (dict, list))
                         and k != "permissions")
        elif isinstance(node, list):
            if parent_key == "environment":
                yield from _compose_env_list(doc, node)
            stack.extend((v, parent_key) for v in node if isinstance(v, (dict, list)))


def _mapping_literals(doc: Document, node: Any, parent_key: Any) -> Iterator[Literal]:
    pair = isinstance(node.get("name"), str) and "value" in node and "valueFrom" not in node
    if pair:
        lit = _scalar_literal(doc, node, "value", node.get("value"), node["name"], "k8s-env")
        if lit is not None:
            yield lit
    where = "compose-env" if parent_key == "environment" else "assignment"
    for key, value in node.items():
        if pair and key in ("name", "value"):
            continue
        if isinstance(key, str):
            lit = _scalar_literal(doc, node, key, value, key, where)
            if lit is not None:
                yield lit


def _scalar_literal(doc: Document, node: Any, key: Any, value: Any, name: str,
                    where: str) -> Literal | None:
    if isinstance(value, bool) or not isinstance(value, _SCALARS):
        return None
    text = str(value)
    try:
        line, col = node.lc.value(key)
    except (AttributeError, KeyError, TypeError):
        return None
    start = _value_offset(doc, line, col)
    return Literal(name, text, start, start + len(text), where)


def _value_offset(doc: Document, line: int, col: int) -> int:
    """Offset of a scalar's first character; a quote or a block indicator is stepped over."""
    offset = doc.line_start(line + 1) + col
    if doc.text[offset:offset + 1] in ("'", '"'):
        return offset + 1
    return offset


def _compose_env_list(doc: Document, items: Any) -> Iterator[Literal]:
    """``environment: ["DB_PASSWORD=literal"]``: the compose list form."""
    for index, item in enumerate(items):
        if not isinstance(item, str) or "=" not in item:
            continue
        key, _, value = item.partition("=")
        try:
            line, col = items.lc.item(index)
        except (AttributeError, KeyError, TypeError):
            continue
        start = _value_offset(doc, line, col) + len(key) + 1
        yield Literal(key.strip(), value, start, start + len(value), "compose-env")


# -- reporting ---------------------------------------------------------------------------------

def _hit(doc: Document, lit: Literal) -> Hit:
    line, col = doc.position(lit.start)
    end_line, end_col = doc.position(max(lit.start, lit.end))
    shown = redact(lit.value)
    message, fix = _WORDING[lit.where]
    return Hit(line=line, col=col, end_line=end_line, end_col=end_col,
               message=message.format(key=lit.key, shown=shown, owner=lit.owner or "(unnamed)"),
               evidence=f"{lit.where}:{lit.key}", fix=fix.format(key=lit.key), secret=lit.value)


_WORDING = {
    "assignment": (
        "{key} is assigned a literal secret {shown}: it ships to everyone who can read the "
        "repository",
        "Read it at run time (environment variable, secret store, mounted file) and rotate the "
        "committed value; keep only a reference here, e.g. ${{{key}:?{key} is required}}."),
    "k8s-secret": (
        "Secret {owner} commits a literal value in {key} ({shown}): a Secret manifest in git is "
        "the secret in git (base64 is an encoding, not encryption)",
        "Produce the Secret with an ExternalSecret (External Secrets Operator) from the secret "
        "store, or seal it (SOPS, Sealed Secrets); rotate the committed value."),
    "k8s-env": (
        "env var {key} gets a literal secret {shown} through value: instead of "
        "valueFrom.secretKeyRef",
        "Use valueFrom.secretKeyRef pointing at a Secret produced by an ExternalSecret, and "
        "rotate the committed value."),
    "compose-env": (
        "environment variable {key} is a literal secret {shown} in the compose file",
        "Use ${{{key}:?{key} is required}} (or a compose secret) and deliver the value from the "
        "secret store; rotate the committed value."),
}


# -- hand-off to hardcoded-secret ---------------------------------------------------------------

def _hardcoded(doc: Document, ctx: CheckContext) -> list[Any]:
    """What ``hardcoded-secret`` reports here (with its own options), so a value is left to it
    only when it really reports it (in a generated file it reads distinctive formats only)."""
    from gates.checks.secrets import detections

    settings = ctx.config.rules.get("hardcoded-secret")
    return detections(doc, bool(settings and settings.options.get("all_formats_in_generated")))


def _overlaps(lit: Literal, found: Any) -> bool:
    """Is this literal (part of) a credential ``hardcoded-secret`` reports?"""
    if found.start < lit.end and lit.start < found.end:
        return True
    head = found.secret.strip()[:24]
    near = lit.start <= found.start <= lit.start + 2 * len(lit.value) + 80  # a block scalar
    return bool(head) and head in lit.value and near
