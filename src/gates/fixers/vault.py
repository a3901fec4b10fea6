"""``vault-policy-kv2-path``: add the missing exact or wildcard stanza, same capabilities.

A ``path "<glob>" { ... }`` block gets a twin right after it (after its closing brace's line);
a Terraform ``rule { path = ... }`` block of a ``vault_policy_document`` gets a twin ``rule``
block right before it. Both copy the original's indentation, so a policy inside a heredoc
(Terraform ``<<EOT``, shell ``vault policy write - <<EOF``) stays a policy.
"""

from __future__ import annotations

import json
import re

from gates.documents import Document
from gates.fixers.text import line_end, newline_of
from gates.model import SAFE, Edit, Fix

_PATH_BLOCK = re.compile(r"^(?P<indent>[ \t]*)path\s*\"")
_PATH_ATTRIBUTE = re.compile(r"^[ \t]*path\s*=")
_RULE_BLOCK = re.compile(r"^(?P<indent>[ \t]*)rule\s*\{")


def stanza(doc: Document, line: int, missing: str, capabilities: tuple[str, ...]) -> Fix | None:
    """The fix for the path written on ``line``; None for a layout it does not recognise."""
    text = doc.lines[line - 1] if 0 < line <= len(doc.lines) else ""
    caps = ", ".join(json.dumps(c) for c in capabilities)
    title = f"Add path {json.dumps(missing)} with capabilities [{caps}]"
    block = _PATH_BLOCK.match(text)
    if block is not None:
        end = _block_end(doc.text, doc.line_start(line) + block.end() - 1)
        if end is None:
            return None
        at = line_end(doc.text, end)
        indent = block.group("indent")
        body = (f"{indent}path {json.dumps(missing)} {{\n{indent}  capabilities = [{caps}]\n"
                f"{indent}}}\n")
        lead = "" if doc.text[:at].endswith(("\n", "\r")) else "\n"
        return _fix(doc, title, at, lead + body)
    if _PATH_ATTRIBUTE.match(text):
        for number in range(line, 0, -1):
            rule = _RULE_BLOCK.match(doc.lines[number - 1])
            if rule is not None:
                indent = rule.group("indent")
                body = (f"{indent}rule {{\n{indent}  path         = {json.dumps(missing)}\n"
                        f"{indent}  capabilities = [{caps}]\n{indent}}}\n")
                return _fix(doc, title, doc.line_start(number), body)
    return None


def _fix(doc: Document, title: str, at: int, body: str) -> Fix:
    return Fix(title, SAFE, (Edit(at, at, body.replace("\n", newline_of(doc.text))),), doc.path)


def _block_end(text: str, start: int) -> int | None:
    """Offset of the ``}`` closing the first block that opens after ``start``.

    Skips strings (with escapes) and ``#``, ``//`` and ``/* */`` comments, which may hold
    braces. None when the block never closes (a truncated file: no fix rather than a guess).
    """
    depth, i, size = 0, start, len(text)
    in_string = False
    while i < size:
        ch = text[i]
        if in_string:
            if ch == "\\":
                i += 1
            elif ch == '"' or ch in "\r\n":
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "#" or text.startswith("//", i):
            i = line_end(text, i) - 1
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = size if close < 0 else close + 1
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
            if depth < 0:
                return None
        i += 1
    return None
