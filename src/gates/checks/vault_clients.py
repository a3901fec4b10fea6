"""The Vault-client idioms ``direct-vault-client`` knows, per language, and where they occur.

A table of (client, languages, regex), searched line by line with comment lines skipped, plus a
YAML reader for Spring Cloud Vault's ``spring.cloud.vault`` settings. Only a real client counts:
``VAULT_ADDR`` alone, or the word "vault", is not one. A file is read only when it mentions
"vault" or "hvac" at all (a cheap prefilter before any regex).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Iterator

from gates.documents import Document

_KIND_LANGUAGES = {"python": "python", "javascript": "js", "typescript": "js", "go": "go",
                   "java": "java", "ruby": "ruby", "shell": "shell", "dockerfile": "shell"}
_SUFFIX_LANGUAGES = {".cs": "dotnet", ".fs": "dotnet", ".vb": "dotnet", ".rs": "rust",
                     ".properties": "properties"}
_SPRING_CONFIG = re.compile(r"^(?:application|bootstrap)(?:-[\w.-]+)?\.ya?ml$")
_HASH_COMMENT = ("python", "ruby", "shell", "properties")
_NPM_CLIENTS = ("node-vault", "@litehex/node-vault", "hashi-vault-js", "node-vault-client",
                "vault-api", "@creditkarma/vault-client", "vault-auth-aws", "vault-sync",
                "nest-vault")
_RAW = "raw Vault HTTP API"


@dataclass(frozen=True)
class Idiom:
    """A client family, the languages it is written in, and a regex for one line of its use.

    A named group ``client`` in the regex names the exact client (the npm package).
    """

    client: str
    languages: frozenset[str]
    regex: re.Pattern[str]


def _idiom(client: str, languages: str, pattern: str) -> Idiom:
    return Idiom(client, frozenset(languages.split()), re.compile(pattern))


_NPM = "|".join(re.escape(m) for m in _NPM_CLIENTS)
IDIOMS: tuple[Idiom, ...] = (
    _idiom("hvac", "python", r"^\s*(?:import\s+hvac\b|from\s+hvac(?:\.\w+)*\s+import\b)"),
    _idiom("hvac", "python", r"\bhvac\.Client\s*\("),
    _idiom("npm Vault client", "js",
           rf"""(?:\brequire\s*\(\s*|\bimport\s*\(\s*|\bfrom\s+|^\s*import\s+)(['"])"""
           rf"(?P<client>{_NPM})\1"),
    _idiom("github.com/hashicorp/vault/api", "go", r'"github\.com/hashicorp/vault/api(?:/[\w/.-]*)?"'),
    _idiom("vault-client-go", "go", r'"github\.com/hashicorp/vault-client-go(?:/[\w/.-]*)?"'),
    _idiom("Spring Vault", "java",
           r"^\s*import\s+(?:static\s+)?org\.springframework\.(?:cloud\.)?vault\.|"
           r"\bVaultTemplate\b|@VaultPropertySource\b"),
    _idiom("vault-java-driver (jopenlibs)", "java", r"^\s*import\s+io\.github\.jopenlibs\.vault\."),
    _idiom("vault-java-driver (bettercloud)", "java", r"^\s*import\s+com\.bettercloud\.vault\."),
    _idiom("Spring Cloud Vault", "properties",
           r"^\s*spring\.cloud\.vault\.|^\s*spring\.config\.import\s*[=:].*\bvault://"),
    _idiom("vault-ruby", "ruby",
           r"""^\s*require\s*\(?\s*['"]vault['"]|\bVault::Client\.new\b|\bVault\.(?:logical|kv)\b"""),
    _idiom("VaultSharp", "dotnet",
           r"^\s*(?:using|open|Imports)\s+VaultSharp\b|\bnew\s+VaultClient\s*\("),
    _idiom("vaultrs", "rust", r"\bvaultrs::"),
    _idiom("vault CLI", "shell",
           r"\bvault\s+kv\s+(?:get|put|patch|list|delete|undelete|destroy|rollback|metadata)\b|"
           r"\bvault\s+read\s+"),
    _idiom(_RAW, "python js go java ruby shell dotnet rust",
           r"/v1/(?:[\w.-]+/data/|secret/|database/(?:static-)?creds/|auth/[\w.-]+/login\b)|"
           # gates: ignore[direct-vault-client] the idiom table names the header it looks for
           r"X-Vault-Token"),
)


@dataclass(frozen=True)
class ClientUse:
    client: str
    line: int
    col: int


def language(path: str, kind: str | None) -> str | None:
    """The idiom language of a file, or None when no client idiom applies (decided unread)."""
    if kind in _KIND_LANGUAGES:
        return _KIND_LANGUAGES[kind]
    name = PurePosixPath(path).name
    if kind == "yaml" and _SPRING_CONFIG.match(name.lower()):
        return "spring-yaml"
    return _SUFFIX_LANGUAGES.get(PurePosixPath(name).suffix.lower()) if kind == "other" else None


def client_uses(doc: Document) -> Iterator[ClientUse]:
    """The first use of each Vault client in ``doc``."""
    lang = language(doc.path, doc.kind)
    lowered = doc.text.lower()
    if lang is None or ("vault" not in lowered and "hvac" not in lowered):
        return
    if lang == "spring-yaml":
        yield from _spring_yaml(doc)
        return
    if lang == "properties" and re.search(r"^\s*spring\.cloud\.vault\.enabled\s*[=:]\s*false",
                                          doc.text, re.M):
        return
    idioms = [i for i in IDIOMS if lang in i.languages]
    seen: set[str] = set()
    for number, line in enumerate(doc.lines, start=1):
        if _is_comment(line, lang):
            continue
        for idiom in idioms:
            if idiom.client in seen:
                continue
            match = idiom.regex.search(line)
            if match:
                seen.add(idiom.client)
                named = match.groupdict().get("client")
                yield ClientUse(named or idiom.client, number, match.start() + 1)


def _is_comment(line: str, lang: str) -> bool:
    stripped = line.lstrip()
    if lang in _HASH_COMMENT:
        return stripped.startswith("#")
    return stripped.startswith(("//", "/*", "*"))


def _spring_yaml(doc: Document) -> Iterator[ClientUse]:
    """``spring.cloud.vault`` (nested or dotted keys) unless ``enabled: false``."""
    for data in doc.templated.documents:
        spring = data.get("spring") if isinstance(data, dict) else None
        cloud = spring.get("cloud") if isinstance(spring, dict) else None
        if isinstance(cloud, dict) and "vault" in cloud and not _disabled(cloud["vault"]):
            yield ClientUse("Spring Cloud Vault", *_key_position(cloud, "vault"))
            return
        for key in (data if isinstance(data, dict) else {}):
            if isinstance(key, str) and key.startswith("spring.cloud.vault") and \
                    not (key == "spring.cloud.vault.enabled" and data[key] is False):
                yield ClientUse("Spring Cloud Vault", *_key_position(data, key))
                return


def _disabled(settings: Any) -> bool:
    return isinstance(settings, dict) and settings.get("enabled") is False


def _key_position(node: Any, key: str) -> tuple[int, int]:
    line, col = node.lc.key(key)
    return int(line) + 1, int(col) + 1
