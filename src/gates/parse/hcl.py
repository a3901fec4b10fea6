"""Just enough HCL to read Vault policies, in ``.hcl`` files and Terraform, without ever raising.

A Vault policy is a list of ``path "<glob>" { capabilities = [...] }`` blocks. The same blocks
appear inside Terraform (``resource "vault_policy" { policy = <<EOT ... EOT }``, or
``data "vault_policy_document"`` with ``rule { path = ... capabilities = [...] }``) and in shell
heredocs (``vault policy write app - <<EOF``). This module tokenises HCL (strings with ``${}``
interpolation, heredocs, ``#`` ``//`` ``/* */`` comments), builds a loose tree of blocks and
attributes, and recovers from anything it does not understand by skipping to the next line: a
half-readable policy still yields the paths it could read, with their exact lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator, Union

_IDENT = re.compile(r"[A-Za-z_][\w-]*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_]\w*)[ \t]*(?=\r?\n|$)")
_SHELL_HEREDOC = re.compile(r"<<(-?)[ \t]*(['\"]?)([A-Za-z_]\w*)\2")
_POLICY_WRITE = re.compile(r"\bvault\s+policy\s+write\b")
_PUNCT = set("{}[](),=:?!<>+-*/%&|.")
_OPEN, _CLOSE = "{[(", "}])"


@dataclass(frozen=True)
class Token:
    kind: str  # "string" | "heredoc" | "ident" | "number" | "punct" | "newline"
    value: str
    line: int  # 1-based; for a heredoc, the line of its first body line
    col: int


@dataclass(frozen=True)
class Str:
    """A literal string value with the place its text starts (heredoc: first body line)."""

    text: str
    line: int
    col: int
    heredoc: bool = False


Value = Union[Str, "list[Value]", None]


@dataclass
class Attribute:
    name: str
    value: Value
    line: int
    col: int


@dataclass
class Block:
    type: str
    labels: list[Str]
    body: list[Attribute | Block] = field(default_factory=list)
    line: int = 1
    col: int = 1


@dataclass(frozen=True)
class PathRule:
    """One ``path`` of a policy: the glob, where it is written, and its capabilities."""

    path: str
    line: int
    col: int
    capabilities: tuple[str, ...]


@dataclass(frozen=True)
class Policy:
    """The paths of one policy document (a file, a heredoc, a ``vault_policy`` resource)."""

    rules: tuple[PathRule, ...]


def tokenize(text: str, line: int = 1) -> list[Token]:
    """Tokens of ``text``; characters it cannot read are skipped, never an error."""
    return list(_Lexer(text, line).run())


class _Lexer:
    def __init__(self, text: str, line: int) -> None:
        self.text, self.pos, self.line, self.line_start = text, 0, line, 0

    def col(self, pos: int) -> int:
        return pos - self.line_start + 1

    def newline(self, pos: int) -> None:
        self.line += 1
        self.line_start = pos + 1

    def run(self) -> Iterator[Token]:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\n":
                yield Token("newline", "\n", self.line, self.col(self.pos))
                self.newline(self.pos)
                self.pos += 1
            elif char in " \t\r":
                self.pos += 1
            elif char == "#" or text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif text.startswith("/*", self.pos):
                self._block_comment()
            elif char == '"':
                yield self._string()
            elif text.startswith("<<", self.pos) and _HEREDOC.match(text, self.pos):
                yield self._heredoc()
            else:
                yield self._word(char)

    def _block_comment(self) -> None:
        end = self.text.find("*/", self.pos + 2)
        stop = len(self.text) if end < 0 else end + 2
        for offset in range(self.pos, stop):
            if self.text[offset] == "\n":
                self.newline(offset)
        self.pos = stop

    def _string(self) -> Token:
        """A quoted string; ``${...}`` (which may hold quotes) is kept as written."""
        text, start, line, col = self.text, self.pos, self.line, self.col(self.pos)
        pos, parts, depth = start + 1, [], 0
        while pos < len(text):
            char = text[pos]
            if char == "\n" and depth == 0:
                break  # unterminated: HCL strings do not span lines
            if char == "\n":
                self.newline(pos)
            if char == "\\" and pos + 1 < len(text):
                parts.append(_unescape(text[pos + 1]))
                pos += 2
                continue
            if text.startswith("${", pos) or text.startswith("%{", pos):
                depth += 1
            elif char == "}" and depth:
                depth -= 1
            elif char == '"' and depth == 0:
                self.pos = pos + 1
                return Token("string", "".join(parts), line, col)
            parts.append(char)
            pos += 1
        self.pos = pos
        return Token("string", "".join(parts), line, col)

    def _heredoc(self) -> Token:
        match = _HEREDOC.match(self.text, self.pos)
        assert match is not None
        marker = match.group(2)
        col = self.col(self.pos)
        body_start = self.text.find("\n", match.end())
        if body_start < 0:
            self.pos = len(self.text)
            return Token("heredoc", "", self.line, col)
        self.newline(body_start)
        lines, pos = [], body_start + 1
        first_line = self.line
        while pos <= len(self.text):
            end = self.text.find("\n", pos)
            end = len(self.text) if end < 0 else end
            current = self.text[pos:end]
            if current.strip() == marker:
                self.pos = end
                break
            lines.append(current)
            if end < len(self.text):
                self.newline(end)
            pos = end + 1
        else:
            self.pos = len(self.text)
        # ``<<-`` would strip the common indentation; the body is kept as written so that a
        # policy parsed from it reports the columns of the file.
        return Token("heredoc", "\n".join(lines), first_line, col)

    def _word(self, char: str) -> Token:
        col = self.col(self.pos)
        for kind, regex in (("ident", _IDENT), ("number", _NUMBER)):
            match = regex.match(self.text, self.pos)
            if match:
                self.pos = match.end()
                return Token(kind, match.group(0), self.line, col)
        self.pos += 1
        return Token("punct", char, self.line, col)


def _unescape(char: str) -> str:
    return {"n": "\n", "t": "\t", "r": "\r"}.get(char, char)


def parse(text: str, line: int = 1) -> list[Attribute | Block]:
    """The top-level body of an HCL document; unreadable parts are skipped."""
    parser = _Parser(tokenize(text, line))
    return parser.body(top=True)


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens, self.pos = tokens, 0

    def peek(self, ahead: int = 0) -> Token | None:
        index = self.pos + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def body(self, top: bool) -> list[Attribute | Block]:
        items: list[Attribute | Block] = []
        while (token := self.peek()) is not None:
            if token.kind == "newline" or (token.kind == "punct" and token.value == ","):
                self.pos += 1
            elif token.kind == "punct" and token.value == "}":
                if not top:
                    self.pos += 1
                    return items
                self.pos += 1  # a stray closing brace at the top: skip it
            elif token.kind == "ident":
                item = self.item(token)
                if item is not None:
                    items.append(item)
            else:
                self.skip_line()
        return items

    def item(self, name: Token) -> Attribute | Block | None:
        self.pos += 1
        after = self.peek()
        if after is not None and after.kind == "punct" and after.value in "=:":
            self.pos += 1
            return Attribute(name.value, self.expression(), name.line, name.col)
        labels: list[Str] = []
        while (after := self.peek()) is not None and after.kind in ("string", "ident"):
            labels.append(Str(after.value, after.line, after.col + (after.kind == "string")))
            self.pos += 1
        if after is not None and after.kind == "punct" and after.value == "{":
            self.pos += 1
            return Block(name.value, labels, self.body(top=False), name.line, name.col)
        self.skip_line()
        return None

    def expression(self) -> Value:
        """A string, heredoc or list of strings; anything else is skipped and read as None."""
        token = self.peek()
        if token is None:
            return None
        following = self.peek(1)
        simple = following is None or following.kind == "newline" or \
            (following.kind == "punct" and following.value in ",}]")
        if token.kind in ("string", "heredoc") and simple:
            self.pos += 1
            offset = 1 if token.kind == "string" else 0
            return Str(token.value, token.line, token.col + offset, token.kind == "heredoc")
        if token.kind == "punct" and token.value == "[":
            return self.sequence()
        self.skip_expression()
        return None

    def sequence(self) -> list[Value]:
        self.pos += 1
        values: list[Value] = []
        while (token := self.peek()) is not None:
            if token.kind == "punct" and token.value == "]":
                self.pos += 1
                return values
            if token.kind == "newline" or (token.kind == "punct" and token.value == ","):
                self.pos += 1
            elif token.kind == "punct" and token.value == "}":
                return values  # unbalanced: let the enclosing block close
            else:
                before = self.pos
                values.append(self.expression())
                if self.pos == before:  # a stray ")": skip it so the loop always advances
                    self.pos += 1
        return values

    def skip_expression(self) -> None:
        """Skip to the end of the expression: a newline, ``,`` or closer at depth 0."""
        depth = 0
        while (token := self.peek()) is not None:
            if token.kind == "punct" and token.value in _OPEN:
                depth += 1
            elif token.kind == "punct" and token.value in _CLOSE:
                if depth == 0:
                    return
                depth -= 1
            elif depth == 0 and (token.kind == "newline" or token.value == ","):
                return
            self.pos += 1

    def skip_line(self) -> None:
        """Skip a construct and what ends it (newline, ``,``, closer), but not a block's ``}``."""
        self.skip_expression()
        token = self.peek()
        if token is not None and not (token.kind == "punct" and token.value == "}"):
            self.pos += 1


def policies(text: str, line: int = 1) -> list[Policy]:
    """Every Vault policy in an HCL or Terraform document, with source lines."""
    return list(_policies(parse(text, line)))


def _policies(items: list[Attribute | Block]) -> Iterator[Policy]:
    top = [rule for item in items if isinstance(item, Block) for rule in _path_block(item)]
    if top:
        yield Policy(tuple(top))
    for item in items:
        if isinstance(item, Block) and item.type != "path":
            yield from _nested(item)


def _nested(block: Block) -> Iterator[Policy]:
    """Policies inside Terraform: heredoc/string ``policy = ...`` and policy-document rules."""
    rules = [rule for item in block.body if isinstance(item, Block) and item.type == "rule"
             for rule in _rule_block(item)]
    if rules:
        yield Policy(tuple(rules))
    for item in block.body:
        if isinstance(item, Attribute) and item.name == "policy" and isinstance(item.value, Str) \
                and item.value.heredoc and "path" in item.value.text:
            yield from policies(item.value.text, item.value.line)
        elif isinstance(item, Block):
            yield from _nested(item)


def _path_block(block: Block) -> list[PathRule]:
    if block.type != "path" or len(block.labels) != 1:
        return []
    label = block.labels[0]
    return [PathRule(label.text, label.line, label.col, _capabilities(block.body))]


def _rule_block(block: Block) -> list[PathRule]:
    path = next((a.value for a in block.body if isinstance(a, Attribute) and a.name == "path"),
                None)
    if not isinstance(path, Str):
        return []
    return [PathRule(path.text, path.line, path.col, _capabilities(block.body))]


def _capabilities(body: list[Attribute | Block]) -> tuple[str, ...]:
    for item in body:
        if isinstance(item, Attribute) and item.name == "capabilities" and \
                isinstance(item.value, list):
            return tuple(v.text for v in item.value if isinstance(v, Str))
    return ()


def shell_policies(lines: list[str]) -> list[tuple[str, int]]:
    """Policy heredocs of ``vault policy write NAME - <<EOF``: (body text, first body line)."""
    found: list[tuple[str, int]] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _SHELL_HEREDOC.search(line) if _POLICY_WRITE.search(line) else None
        index += 1
        if match is None:
            continue
        marker, start = match.group(3), index
        while index < len(lines) and lines[index].strip() != marker:
            index += 1
        found.append(("\n".join(lines[start:index]), start + 1))
        index += 1
    return found
