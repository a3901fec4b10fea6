"""Build the labelled secret corpus in ``fixtures/secrets/`` (deterministic: a seeded RNG).

    python tests/secrets/make_corpus.py            # rewrite fixtures/secrets/
    python tests/secrets/make_corpus.py --check    # exit 1 if the committed corpus is stale

Every credential type gets planted samples (random values of the type's format, never a real
credential) in the syntaxes people commit them in, and near-misses that must stay quiet: the
same shape filled with ``x``, shown redacted (``ghp_…a9Zk``), read from a reference, a wrong
checksum, the provider's public counterpart. Global near-misses (lockfile integrity hashes, git
SHAs, UUIDs, checksums, references, placeholders, keys about secrets) are labelled too.

``manifest.tsv`` lists every sample as file, line, type, expected (fire|quiet); ``line`` is
where the finding must be (the value's line; a key block's BEGIN line). Samples are separated
by blank lines so that no context rule (an AWS secret next to its key id) links two of them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import string
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from gates.checks.secret_patterns import (
    ALNUM, B64, CATALOGUE, HEX, URLSAFE, base62, crc32_token, rand,
)
from gates.checks.secrets import PLUGIN_DETECTORS

SEED = 20260418
ROOT = Path(__file__).resolve().parents[2] / "fixtures" / "secrets"
GAP = 4  # blank lines between samples: more than any context window (AWS: 3 lines)
PER_FILE = 36
FIRE_PER_TYPE = 5
MANIFEST = "manifest.tsv"


@dataclass
class SourceFile:
    """One corpus file being written: header lines, samples, footer lines."""

    path: str
    header: list[str]
    footer: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    samples: int = 0
    json_members: list[int] = field(default_factory=list)  # line indexes needing a comma

    def __post_init__(self) -> None:
        self.lines = list(self.header)


@dataclass
class Corpus:
    files: dict[str, SourceFile] = field(default_factory=dict)
    manifest: list[dict[str, object]] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)

    def target(self, syntax: str) -> SourceFile:
        """The current file for ``syntax``, rolling over every PER_FILE samples."""
        n = self.counters.get(syntax, 0)
        self.counters[syntax] = n + 1
        path, header, footer = SYNTAX_FILES[syntax]
        path = path.format(n=n // PER_FILE + 1)
        if path not in self.files:
            self.files[path] = SourceFile(path, list(header), list(footer))
        return self.files[path]

    def add(self, syntax: str, lines: list[str], marks: Iterable[tuple[int, str, str]],
            json_member: bool = False) -> None:
        """Append a sample; ``marks`` are (index in ``lines``, type, fire|quiet)."""
        target = self.target(syntax)
        if target.samples:
            target.lines.extend([""] * GAP)
        base = len(target.lines)
        target.lines.extend(lines)
        target.samples += 1
        if json_member:
            target.json_members.append(len(target.lines) - 1)
        for index, type_id, expected in marks:
            self.manifest.append({"type": type_id, "file": target.path, "line": base + index + 1,
                                  "expected": expected})

    def add_file(self, path: str, text: str, marks: Iterable[tuple[int, str, str]]) -> None:
        """A whole file that is one sample (a service-account JSON, a lockfile)."""
        self.files[path] = SourceFile(path, text.splitlines())
        for line, type_id, expected in marks:
            self.manifest.append({"type": type_id, "file": path, "line": line, "expected": expected})

    def render(self) -> dict[str, str]:
        out = {}
        for path, source in sorted(self.files.items()):
            lines = list(source.lines)
            for index in source.json_members[:-1]:
                lines[index] += ","
            out[path] = "\n".join(lines + source.footer) + "\n"
        rows = sorted(self.manifest, key=lambda r: (str(r["file"]), int(str(r["line"]))))
        out[MANIFEST] = "".join(f"{r['file']}\t{r['line']}\t{r['type']}\t{r['expected']}\n"
                                for r in [{"file": "file", "line": "line", "type": "type",
                                           "expected": "expected"}] + rows)
        return out


# syntax -> (path template, header lines, footer lines)
SYNTAX_FILES: dict[str, tuple[str, list[str], list[str]]] = {
    "py": ("app/settings_{n:02d}.py", ['"""Service settings."""', "import os", ""], []),
    "js": ("web/src/config_{n:02d}.js", ["'use strict';", ""], []),
    "ts": ("web/src/clients_{n:02d}.ts", ["export const config = {"], ["};"]),
    "go": ("svc/internal/config/vars_{n:02d}.go", ["package config", "", 'import "os"', ""], []),
    "java": ("api/src/main/java/com/acme/Keys{n:02d}.java",
             ["package com.acme;", "", f"public final class Keys {{"], ["}"]),
    "rb": ("tools/lib/settings_{n:02d}.rb", ["# frozen_string_literal: true", ""], []),
    "sh": ("scripts/bootstrap_{n:02d}.sh", ["#!/usr/bin/env bash", "set -euo pipefail", ""], []),
    "yaml": ("config/app_{n:02d}.yaml", ["# application settings"], []),
    "json": ("config/settings_{n:02d}.json", ["{"], ["}"]),
    "toml": ("config/service_{n:02d}.toml", ['title = "service"', ""], []),
    "ini": ("config/legacy_{n:02d}.ini", ["; legacy settings", ""], []),
    "properties": ("api/src/main/resources/application_{n:02d}.properties", ["# spring"], []),
    "env": ("env/app_{n:02d}.env", ["# service environment"], []),
    "tf": ("infra/main_{n:02d}.tf", ["locals {"], ["}"]),
    "docker": ("images/Dockerfile.{n:02d}", ["FROM python:3.12-slim"], ['CMD ["python", "app.py"]']),
    "xml": ("dotnet/App{n:02d}.config", ["<configuration>", "  <appSettings>"],
            ["  </appSettings>", "</configuration>"]),
    "md": ("docs/notes_{n:02d}.md", ["# Operations notes", ""], []),
    "curl": ("scripts/smoke_{n:02d}.sh", ["#!/bin/sh", ""], []),
    "pycall": ("app/clients_{n:02d}.py", ["from acme import connect", ""], []),
    "log": ("logs/service_{n:02d}.log", ["# captured output"], []),
    "k8s": ("k8s/manifests_{n:02d}.yaml", [], []),
    "compose": ("deploy/docker-compose.{n:02d}.yml", ["services:"], []),
    "pem": ("keys/block_{n:02d}.txt", [], []),
    "helm": ("charts/app/templates/secret_{n:02d}.yaml", [], []),
    "txt": ("notes/handover_{n:02d}.txt", ["Handover notes for the on-call rotation.", ""], []),
}

KEYED = ("py", "js", "ts", "go", "java", "rb", "sh", "yaml", "json", "toml", "ini", "properties",
         "env", "tf", "docker", "xml", "txt")
NEUTRAL = ("md", "curl", "pycall", "log")
# Types found only next to their name (an AWS secret key, a Twilio auth token): assignments
# where the name and the value are adjacent.
STRICT = ("py", "js", "ts", "go", "java", "rb", "sh", "yaml", "json", "toml", "ini", "env", "tf",
          "docker")
# Types known by the provider's name next to a value of its shape: every keyed syntax, plain
# text included (``adafruit io key: …`` in a handover note).
NAMED = STRICT + ("txt", "xml")


def camel(var: str) -> str:
    head, *rest = var.lower().split("_")
    return head + "".join(w.capitalize() for w in rest)


def quote_for(value: str, quote: str = '"') -> str:
    return value.replace("\\", "\\\\").replace(quote, "\\" + quote)


def keyed(syntax: str, var: str, value: str, serial: int) -> tuple[list[str], int]:
    """Lines assigning ``value`` to ``var`` in ``syntax``, and the index of the value's line."""
    low = var.lower()
    parent = f"service_{serial:04d}"
    return {
        "py": ([f'{var} = "{quote_for(value)}"'], 0),
        "js": ([f'const {camel(var)} = "{quote_for(value)}";'], 0),
        "ts": ([f"  {camel(var)}: '{quote_for(value, chr(39))}',"], 0),
        "go": ([f'var {camel(var)} = "{quote_for(value)}"'], 0),
        "java": ([f'    static final String {var} = "{quote_for(value)}";'], 0),
        "rb": ([f"{low} = '{quote_for(value, chr(39))}'"], 0),
        "sh": ([f'export {var}="{quote_for(value)}"'], 0),
        "yaml": ([f"{parent}:", f"  {low}: '{value}'"], 1),
        "json": ([f'  "service_{serial}": {{"{low}": "{quote_for(value)}"}}'], 0),
        "toml": ([f"[{parent}]", f'{low} = "{quote_for(value)}"'], 1),
        "ini": ([f"[{parent}]", f"{low} = {value}"], 1),
        "properties": ([f"{low.replace('_', '.')}={value}"], 0),
        "env": ([f"{var}={value}"], 0),
        "tf": ([f'  service_{serial} = {{ {low} = "{quote_for(value)}" }}'], 0),
        "docker": ([f'ENV {var}="{quote_for(value)}"'], 0),
        "xml": ([f'    <add key="{var}" value="{value}" />'], 0),
        "txt": ([f"{low} = {value}"], 0),
        "md": ([f"Call the service with `{value}` as its credential."], 0),
        "curl": ([f'curl -sS -H "X-Auth: {value}" https://api.internal.lan/v1/ping'], 0),
        "pycall": ([f'client = connect("{quote_for(value)}", timeout=5)'], 0),
        "log": ([f"2026-04-01T10:00:{serial % 60:02d}Z INFO auth ok credential={value}"], 0),
    }[syntax]


REFERENCES: dict[str, Callable[[str], str]] = {
    "py": lambda v: f'{v} = os.environ["{v}"]',
    "js": lambda v: f"const {camel(v)} = process.env.{v};",
    "ts": lambda v: f"  {camel(v)}: process.env.{v} ?? '',",
    "go": lambda v: f'var {camel(v)} = os.Getenv("{v}")',
    "java": lambda v: f'    static final String {v} = System.getenv("{v}");',
    "rb": lambda v: f"{v.lower()} = ENV.fetch('{v}')",
    "sh": lambda v: f'export {v}="${{{v}:?{v} is required}}"',
    "env": lambda v: f"{v}=${{{v}:?{v} is required}}",
    "docker": lambda v: f"ENV {v}=${{{v}}}",
    "md": lambda v: f"Set `{v}` from the secret store: `export {v}=$(vault kv get -field=value secret/app)`.",
}


# -- fire and quiet samples per credential type ------------------------------------------------

@dataclass(frozen=True)
class TypeSpec:
    """What the corpus needs to know about one credential type."""

    id: str
    generate: Callable[[random.Random], str]
    shape: str
    variable: str
    keyed_only: bool
    named: bool = False  # found by the provider's name in the assigned name


def type_specs() -> list[TypeSpec]:
    specs = [TypeSpec(p.id, p.generate, p.shape, p.variable,
                      bool(p.context) and p.shape == "{}", p.keyed) for p in CATALOGUE]
    specs += [TypeSpec(d.id, d.generate, d.shape, d.variable, d.line_context is not None)
              for d in PLUGIN_DETECTORS]
    return specs


OWN_FILE_TYPES = {"gcp-service-account-key", "docker-config-auth"}


def common_prefix(spec: TypeSpec, rng: random.Random) -> str:
    """The fixed prefix of a format: what five random values share (``ghp_``, ``xoxb-``)."""
    samples = [spec.generate(random.Random(rng.random())) for _ in range(5)]
    prefix = samples[0]
    for other in samples[1:]:
        while not other.startswith(prefix):
            prefix = prefix[:-1]
    return prefix


def add_type(corpus: Corpus, spec: TypeSpec, index: int, rng: random.Random) -> None:
    if spec.id == "gcp-service-account-key":
        return add_service_accounts(corpus, spec, rng)
    if spec.id == "docker-config-auth":
        return add_docker_configs(corpus, spec, rng)
    sample = spec.generate(rng)
    if "\n" in sample:
        return add_block_type(corpus, spec, index, rng)
    contexts = NAMED if spec.named else STRICT if spec.keyed_only else KEYED + NEUTRAL
    for k in range(FIRE_PER_TYPE):
        syntax = contexts[(index * 3 + k * 5) % len(contexts)]
        value = spec.shape.format(spec.generate(rng))
        place(corpus, syntax, spec, value, "fire", rng)
    prefix = common_prefix(spec, rng)
    for value in near_misses(spec, prefix, rng):
        syntax = contexts[(index + len(value)) % len(contexts)]
        place(corpus, syntax, spec, value, "quiet", rng)
    # Lookalikes that are not placeholders (a wrong checksum, a publishable key) appear where
    # no secret name vouches for them: docs, logs, calls. Under a secret name they would be
    # secret-literal findings, and rightly so.
    for n, value in enumerate(SPECIFIC_MISSES.get(spec.id, lambda r: [])(rng)):
        place(corpus, NEUTRAL[(index + n) % len(NEUTRAL)], spec, value, "quiet", rng)
    if spec.named:
        add_named_misses(corpus, spec, rng)
    ref_syntax = sorted(REFERENCES)[index % len(REFERENCES)]
    corpus.add(ref_syntax, [REFERENCES[ref_syntax](spec.variable)], [(0, spec.id, "quiet")])


def add_named_misses(corpus: Corpus, spec: TypeSpec, rng: random.Random) -> None:
    """A value of the type's shape under a name that is about the provider but not a secret
    (its client id, its URL), and under the secret name with a value that is all letters."""
    provider = spec.variable.split("_")[0]
    value = spec.generate(rng)
    corpus.add("py", [f'{provider}_CLIENT_ID = "{value}"'], [(0, spec.id, "quiet")])
    corpus.add("txt", [f"{provider.lower()} account: {value}"], [(0, spec.id, "quiet")])


def place(corpus: Corpus, syntax: str, spec: TypeSpec, value: str, expected: str,
          rng: random.Random) -> None:
    serial = sum(corpus.counters.values())
    lines, mark = keyed(syntax, spec.variable, value, serial)
    corpus.add(syntax, lines, [(mark, spec.id, expected)], json_member=syntax == "json")


def near_misses(spec: TypeSpec, prefix: str, rng: random.Random) -> list[str]:
    """Placeholders shaped like the type: filled with x, and shown redacted (``ghp_…a9Zk``).

    (``SPECIFIC_MISSES`` entries are complete values, already in the type's shape.)
    """
    value = spec.generate(rng)
    tail = value[len(prefix):]
    filler = "X" if sum(c.isupper() for c in tail) > sum(c.islower() for c in tail) else "x"
    raw = [prefix + filler * len(tail), prefix + "…" + value[-4:]]
    return [spec.shape.format(m) for m in raw]


def _bad_checksum(prefix: str) -> Callable[[random.Random], list[str]]:
    def make(rng: random.Random) -> list[str]:
        token = crc32_token(prefix, rng)
        wrong = token[:-6] + base62((int.from_bytes(hashlib.sha256(token.encode()).digest()[:4], "big")), 6)
        return [wrong]
    return make


SPECIFIC_MISSES: dict[str, Callable[[random.Random], list[str]]] = {
    "github-pat-classic": _bad_checksum("ghp_"),
    "github-oauth-token": _bad_checksum("gho_"),
    "github-app-token": _bad_checksum("ghs_"),
    "npm-access-token": _bad_checksum("npm_"),
    "stripe-secret-key": lambda r: ["pk_live_" + rand(r, ALNUM, 24)],
    "stripe-test-key": lambda r: ["pk_test_" + rand(r, ALNUM, 24)],
    "mapbox-secret-token": lambda r: ["pk.eyJ1Ijoi" + rand(r, URLSAFE, 30) + "." + rand(r, URLSAFE, 22)],
    "supabase-secret-key": lambda r: ["sb_publishable_" + rand(r, URLSAFE, 31)],
    "aws-access-key-id": lambda r: ["AKIAIOSFODNN7EXAMPLE", "AKIA" + "I" * 12 + "ABCD"],
    "aws-secret-access-key": lambda r: ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
    "slack-webhook-url": lambda r: ["https://hooks.slack.com/services/T00000000/B00000000/"
                                    "XXXXXXXXXXXXXXXXXXXXXXXX"],
    "url-credentials": lambda r: ["postgres://app_user:${DB_PASSWORD}@db.internal:5432/app",
                                  "https://user:password@example.com/repo.git"],
    "connection-string-password": lambda r: ["Server=tcp:db;Database=app;User Id=app;"
                                             "Password=${SQL_PASSWORD};"],
    "http-bearer-token": lambda r: ["Authorization: Bearer ${API_TOKEN}",
                                    "Authorization: Bearer <token>"],
    "http-basic-auth": lambda r: ["Authorization: Basic "
                                  + base64.b64encode(b"user:password").decode()],
    "twilio-api-key": lambda r: ["SK" + "0" * 32],
    "jwt": lambda r: ["eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.<signature>"],
    "google-api-key": lambda r: ["AIzaSyD-your-api-key-goes-here-123456"],
    "sentry-org-token": lambda r: ["sntrys_eyJpYXQiOjE3MDAwMDAwMDB9_" + rand(r, ALNUM, 42)],
    "infracost-api-key": lambda r: [f"/static/img/favicon.ico-{rand(r, HEX, 32)}.png"],
    "jwt-base64": lambda r: ["ZXlK" + base64.b64encode(rand(r, ALNUM, 60).encode()).decode()],
    "clickhouse-cloud-api-secret": lambda r: ["4b1d" + rand(r, HEX, 38)],
    "azure-storage-account-key": lambda r: ["DefaultEndpointsProtocol=https;AccountName=devstoreaccount1;"
                                            "AccountKey=<your-account-key>;"],
}


# -- multi-line secrets: key blocks, service accounts, docker configs ----------------------------

BLOCK_CONTEXTS = ("pem", "py", "yaml", "json", "tf")


def add_block_type(corpus: Corpus, spec: TypeSpec, index: int, rng: random.Random) -> None:
    contexts = [c for c in BLOCK_CONTEXTS if not (spec.id == "putty-private-key" and c == "json")]
    for k in range(FIRE_PER_TYPE):
        syntax = contexts[(index + k) % len(contexts)]
        add_block(corpus, syntax, spec, spec.generate(rng), "fire")
    first = spec.generate(rng).splitlines()[0]
    if first.startswith("-----BEGIN"):
        label = first[len("-----BEGIN "):-5]
        add_block(corpus, "pem", spec, f"{first}\n...\n-----END {label}-----", "quiet")
        add_block(corpus, "yaml", spec, f"{first}\n<paste the key here>\n-----END {label}-----",
                  "quiet")


def add_block(corpus: Corpus, syntax: str, spec: TypeSpec, block: str, expected: str) -> None:
    rows = block.splitlines()
    serial = sum(corpus.counters.values())
    name = f"{spec.variable}_{serial}"
    if syntax == "pem":
        lines, mark = rows, 0
    elif syntax == "py":
        lines, mark = [f'{name} = """{rows[0]}', *rows[1:], '"""'], 0
    elif syntax == "yaml":
        lines, mark = [f"tls_{serial}:", "  private_key: |", *("    " + r for r in rows)], 2
    elif syntax == "json":
        lines, mark = [f'  "key_{serial}": "' + "\\n".join(rows) + '\\n"'], 0
    else:
        lines, mark = [f"  key_{serial} = <<EOT", *rows, "EOT"], 1
    corpus.add(syntax, lines, [(mark, spec.id, expected)], json_member=syntax == "json")


def add_service_accounts(corpus: Corpus, spec: TypeSpec, rng: random.Random) -> None:
    for n in range(FIRE_PER_TYPE):
        project = f"acme-{rand(rng, string.ascii_lowercase, 6)}"
        key = spec.generate(rng)
        account = {
            "type": "service_account", "project_id": project,
            "private_key_id": rand(rng, HEX, 40), "private_key": key + "\n",
            "client_email": f"deployer@{project}.iam.gserviceaccount.com",
            "client_id": str(rng.randrange(10 ** 20, 10 ** 21)),
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": "https://oauth2.googleapis.com/token",
        }
        text = json.dumps(account, indent=2)
        line = next(i for i, row in enumerate(text.splitlines(), 1) if '"private_key":' in row)
        marks = [(line, spec.id, "fire")]
        key_id_line = next(i for i, row in enumerate(text.splitlines(), 1) if '"private_key_id"' in row)
        marks.append((key_id_line, spec.id, "quiet"))
        corpus.add_file(f"gcp/{project}-sa.json", text, marks)
    public = {"type": "service_account", "project_id": "acme-public", "private_key_id": "",
              "private_key": "", "client_email": "reader@acme-public.iam.gserviceaccount.com"}
    text = json.dumps(public, indent=2)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if '"private_key":' in row)
    corpus.add_file("gcp/template-sa.json", text, [(line, spec.id, "quiet")])


def add_docker_configs(corpus: Corpus, spec: TypeSpec, rng: random.Random) -> None:
    for n in range(FIRE_PER_TYPE):
        registries = {f"registry{n}.corp.lan": {"auth": spec.generate(rng)},
                      "ghcr.io": {"auth": ""}}
        text = json.dumps({"auths": registries, "credsStore": "desktop"}, indent=2)
        rows = text.splitlines()
        marks = [(i, spec.id, "fire" if len(row) > 20 + len('"auth": ""') else "quiet")
                 for i, row in enumerate(rows, 1) if '"auth":' in row]
        corpus.add_file(f"docker/config-{n}.json", text, marks)
    weak = base64.b64encode(b"user:password").decode()
    text = json.dumps({"auths": {"localhost:5000": {"auth": weak}}}, indent=2)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if '"auth":' in row)
    corpus.add_file("docker/config-example.json", text, [(line, spec.id, "quiet")])


# -- secret-literal: weak and generic literals, Kubernetes, compose ------------------------------

WEAK_PASSWORDS = ("changeme", "admin123", "P@ssw0rd", "hunter22", "letmein!", "Summer2024!",
                  "qwerty123", "postgres1", "s3cr3tpass", "Welcome1", "rootroot", "Passw0rd!")
SECRET_NAMES = ("DB_PASSWORD", "ADMIN_PASSWORD", "SMTP_PASS", "REDIS_PASSWORD",
                "JWT_SECRET", "SESSION_SECRET", "CLIENT_SECRET", "API_KEY", "SIGNING_KEY",
                "ENCRYPTION_KEY", "WEBHOOK_SECRET", "ACCESS_TOKEN", "MYSQL_ROOT_PASSWORD",
                "LDAP_BIND_PASSWORD", "SECRET_KEY", "AUTH_TOKEN", "PRIVATE_KEY_PASSPHRASE")


def add_literals(corpus: Corpus, rng: random.Random) -> None:
    for n, syntax in enumerate(KEYED * 2):
        name = SECRET_NAMES[n % len(SECRET_NAMES)]
        weak = WEAK_PASSWORDS[n % len(WEAK_PASSWORDS)]
        place(corpus, syntax, TypeSpec("weak-password-literal", lambda r: weak, "{}", name, True),
              weak, "fire", rng)
        generic = rand(rng, ALNUM + "!#%^", rng.randrange(16, 33))
        place(corpus, syntax, TypeSpec("generic-secret-literal", lambda r: generic, "{}", name, True),
              generic, "fire", rng)
    add_hcl_defaults(corpus, rng)
    add_literal_near_misses(corpus, rng)


def add_hcl_defaults(corpus: Corpus, rng: random.Random) -> None:
    for n in range(4):
        sensitive = n % 2 == 1
        name = "admin_login" if sensitive else "db_password"
        lines = ["}", f'variable "{name}_{n}" {{', '  type      = string',
                 *(["  sensitive = true"] if sensitive else []),
                 f'  default   = "{rand(rng, ALNUM, 14)}"', "}", "locals {"]
        corpus.add("tf", lines, [(len(lines) - 3, "terraform-variable-default", "fire")])
    lines = ["}", 'variable "db_password_ref" {', "  type = string", "  sensitive = true", "}",
             'variable "region" {', '  default = "eu-west-1"', "}", "locals {"]
    corpus.add("tf", lines, [(2, "terraform-variable-default", "quiet"),
                             (6, "terraform-variable-default", "quiet")])


def add_literal_near_misses(corpus: Corpus, rng: random.Random) -> None:
    quiet = [
        ("py", 'DB_PASSWORD = ""'), ("py", "PASSWORD_FILE = '/run/secrets/db_password'"),
        ("py", 'TOKEN_URL = "https://auth.internal.lan/oauth/token"'),
        ("py", 'PASSWORD_HASH = "$2b$12$' + rand(rng, B64, 53).replace("+", ".") + '"'),
        ("py", 'labels = {"password": "Password", "token": "Token"}'),
        ("py", 'API_KEY_ENV = "OPENAI_API_KEY"'), ("py", 'api_key = "<your-api-key>"'),
        ("py", 'if password == "hunter22": raise ValueError("weak password")'),
        ("js", 'const passwordPrompt = "Enter your password";'),
        ("js", "const token = process.env.GITHUB_TOKEN ?? '';"),
        ("js", 'const apiKeyHeader = "X-API-Key";'),
        ("ts", "  password: '***',"), ("ts", "  clientSecret: 'xxxxxxxxxxxxxxxx',"),
        ("go", 'var dbPassword = os.Getenv("DB_PASSWORD")'),
        ("java", '    @Value("${spring.datasource.password}") private String password;'),
        ("rb", "password = ENV['DB_PASSWORD']"), ("sh", 'export DB_PASSWORD="${DB_PASSWORD:?}"'),
        ("sh", 'read -rs -p "Password: " PASSWORD'), ("env", "API_KEY="),
        ("env", "SECRET_KEY=${SECRET_KEY}"), ("env", "DB_PASSWORD=REPLACE_ME"),
        ("toml", 'password = ""'), ("ini", "password ="), ("properties", "spring.datasource.password=${DB_PASSWORD}"),
        ("docker", "ARG NPM_TOKEN"), ("docker", "ENV DB_PASSWORD_FILE=/run/secrets/db"),
        ("xml", '    <add key="ApiKeyHeader" value="X-Api-Key" />'),
        ("json", '  "password_min_length": "12"'), ("json", '  "forgot_password": "Forgot your password?"'),
        ("tf", "  db_password = var.db_password"), ("tf", '  master_password = "${var.master_password}"'),
    ]
    for syntax, line in quiet:
        corpus.add(syntax, [line], [(0, "weak-password-literal", "quiet")],
                   json_member=syntax == "json")
    yaml_quiet = [
        "existingSecret: postgres-auth", "existingSecretPasswordKey: password",
        "passwordKey: db-password", "secretName: api-tls", "tokenTtl: 3600",
        "password: ''", "password: null", "apiKey: '{{ .Values.apiKey }}'",
        "adminPassword: ${ADMIN_PASSWORD:?required}", "secret_ref: app/db",
        "password_policy: strong", "client_secret_basic: true",
    ]
    for n, line in enumerate(yaml_quiet):
        corpus.add("yaml", [f"chart_{n}:", f"  {line}"], [(1, "weak-password-literal", "quiet")])
    add_kubernetes(corpus, rng)
    add_compose(corpus, rng)
    add_workflow(corpus)


def _b64(rng: random.Random, n: int) -> str:
    return base64.b64encode(rand(rng, ALNUM, n).encode()).decode()


def add_kubernetes(corpus: Corpus, rng: random.Random) -> None:
    for n in range(5):
        lines = ["---", "apiVersion: v1", "kind: Secret", "metadata:", f"  name: app-{n}-db",
                 "type: Opaque", "data:", f"  username: {_b64(rng, 8)}", f"  password: {_b64(rng, 18)}",
                 "stringData:", f"  api-token: \"{rand(rng, ALNUM, 24)}\"",
                 f"  config.json: '{{\"mode\": \"prod\"}}'"]
        corpus.add("k8s", lines, [(7, "k8s-secret-data", "fire"), (8, "k8s-secret-data", "fire"),
                                  (10, "k8s-secret-data", "fire"), (11, "k8s-secret-data", "fire")])
    for n, kind in enumerate(("Deployment", "StatefulSet", "DaemonSet", "Job", "Pod")):
        pod = ["    spec:", "      containers:", "        - name: app", "          image: app:1.4.2",
               "          env:", "            - name: DB_PASSWORD", f"              value: \"{rand(rng, ALNUM, 16)}\"",
               "            - name: API_TOKEN", "              valueFrom:",
               "                secretKeyRef: {name: api, key: token}",
               "            - name: LOG_LEVEL", "              value: info",
               "            - name: SESSION_SECRET", "              value: \"\""]
        if kind == "Pod":
            pod = [row[4:] for row in pod]
            head = ["---", "apiVersion: v1", "kind: Pod", "metadata:", f"  name: worker-{n}"]
        else:
            head = ["---", "apiVersion: apps/v1" if kind != "Job" else "apiVersion: batch/v1",
                    f"kind: {kind}", "metadata:", f"  name: app-{n}", "spec:", "  template:"]
        lines = head + pod
        base = len(head)
        corpus.add("k8s", lines, [(base + 6, "k8s-env-value", "fire"),
                                  (base + 9, "k8s-env-value", "quiet"),
                                  (base + 11, "k8s-env-value", "quiet"),
                                  (base + 13, "k8s-env-value", "quiet")])
    external = ["---", "apiVersion: external-secrets.io/v1beta1", "kind: ExternalSecret",
                "metadata: {name: app-db}", "spec:", "  secretStoreRef: {name: vault, kind: ClusterSecretStore}",
                "  target: {name: app-db}", "  data:", "    - secretKey: password",
                "      remoteRef: {key: secret/data/app/db, property: password}"]
    corpus.add("k8s", external, [(8, "k8s-secret-data", "quiet"), (9, "k8s-secret-data", "quiet")])
    template = ["apiVersion: v1", "kind: Secret", "metadata:", "  name: {{ .Release.Name }}-db",
                "data:", "  password: {{ .Values.db.password | b64enc | quote }}",
                "stringData:", "  token: \"{{ required \"token\" .Values.token }}\""]
    corpus.add("helm", template, [(5, "k8s-secret-data", "quiet"), (7, "k8s-secret-data", "quiet")])


def add_compose(corpus: Corpus, rng: random.Random) -> None:
    for n in range(5):
        lines = [f"  db{n}:", "    image: postgres:16", "    environment:",
                 f"      POSTGRES_PASSWORD: {WEAK_PASSWORDS[n]}", "      POSTGRES_USER: app",
                 "      REPLICATION_PASSWORD: ${REPLICATION_PASSWORD:?set it}",
                 f"  api{n}:", "    image: api:2.1.0", "    environment:",
                 f"      - SECRET_KEY={rand(rng, ALNUM, 20)}", "      - DEBUG=0",
                 "      - API_TOKEN=${API_TOKEN}"]
        corpus.add("compose", lines, [(3, "compose-environment", "fire"), (4, "compose-environment", "quiet"),
                                      (5, "compose-environment", "quiet"), (9, "compose-environment", "fire"),
                                      (10, "compose-environment", "quiet"), (11, "compose-environment", "quiet")])


def add_workflow(corpus: Corpus) -> None:
    text = "\n".join([
        "name: release", "on: {push: {tags: ['v*']}}", "permissions:", "  contents: read",
        "  id-token: write", "jobs:", "  publish:", "    uses: ./.github/workflows/publish.yml",
        "    secrets: inherit", "  deploy:", "    runs-on: ubuntu-latest", "    env:",
        "      GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}", "      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}",
        "    steps:", "      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11",
        "      - run: make deploy"])
    corpus.add_file(".github/workflows/release.yml", text,
                    [(5, "workflow-reference", "quiet"), (9, "workflow-reference", "quiet"),
                     (13, "workflow-reference", "quiet"), (14, "workflow-reference", "quiet"),
                     (16, "git-sha", "quiet")])


# -- public random values that must stay quiet ---------------------------------------------------

def add_public_randoms(corpus: Corpus, rng: random.Random) -> None:
    packages = {}
    for name in ("left-pad", "lodash", "express", "react", "zod", "chalk"):
        digest = base64.b64encode(rng.randbytes(64)).decode()
        packages[f"node_modules/{name}"] = {
            "version": f"{rng.randrange(1, 9)}.{rng.randrange(20)}.{rng.randrange(20)}",
            "resolved": f"https://registry.npmjs.org/{name}/-/{name}-1.0.0.tgz",
            "integrity": f"sha512-{digest}"}
    text = json.dumps({"name": "web", "lockfileVersion": 3, "packages": packages}, indent=2)
    marks = [(i, "lockfile-integrity", "quiet") for i, row in enumerate(text.splitlines(), 1)
             if '"integrity"' in row]
    corpus.add_file("web/package-lock.json", text, marks)
    gosum = "\n".join(f"github.com/acme/{m} v1.{n}.0 h1:{base64.b64encode(rng.randbytes(32)).decode()}"
                      for n, m in enumerate(("log", "kv", "auth", "retry")))
    corpus.add_file("svc/go.sum", gosum, [(i, "lockfile-integrity", "quiet") for i in range(1, 5)])
    yarn = "\n".join(line for n in range(3) for line in (
        f'"pkg{n}@^1.0.0":', "  version \"1.0.0\"",
        f'  resolved "https://registry.yarnpkg.com/pkg{n}/-/pkg{n}-1.0.0.tgz#{rand(rng, HEX, 40)}"',
        f"  integrity sha512-{base64.b64encode(rng.randbytes(64)).decode()}", ""))
    corpus.add_file("web/yarn.lock", yarn, [(4 + 5 * n, "lockfile-integrity", "quiet") for n in range(3)]
                    + [(3 + 5 * n, "git-sha", "quiet") for n in range(3)])

    def uuid() -> str:
        return "-".join(rand(rng, HEX, n) for n in (8, 4, 4, 4, 12))

    samples = [
        ("yaml", "git-sha", "commit: " + rand(rng, HEX, 40)),
        ("yaml", "git-sha", "rev: " + rand(rng, HEX, 40)),
        ("json", "git-sha", f'  "gitHead": "{rand(rng, HEX, 40)}"'),
        ("py", "git-sha", f'BUILD_SHA = "{rand(rng, HEX, 40)}"'),
        ("yaml", "uuid", f"tenant_id: {uuid()}"),
        ("json", "uuid", f'  "request_id": "{uuid()}"'),
        ("tf", "uuid", f'  subscription_id = "{uuid()}"'),
        ("env", "uuid", f"AZURE_CLIENT_ID={uuid()}"),
        ("yaml", "checksum", f"sha256: {rand(rng, HEX, 64)}"),
        ("docker", "checksum", f"ARG NODE_SHA256={rand(rng, HEX, 64)}"),
        ("yaml", "checksum", f"image: nginx@sha256:{rand(rng, HEX, 64)}"),
        ("json", "checksum", f'  "checksum": "sha256:{rand(rng, HEX, 64)}"'),
        ("md", "checksum", f"The release archive's SHA-512 is `{rand(rng, HEX, 128)}`."),
        ("py", "base64-blob", f'LOGO = "data:image/png;base64,iVBORw0KGgo{rand(rng, B64, 180)}"'),
        ("yaml", "base64-blob", f"caBundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t{rand(rng, B64, 120)}"),
        ("js", "public-identifier",
         f'const googleClientId = "{rng.randrange(10**11, 10**12)}-{rand(rng, "abcdefghijklmnopqrstuvwxyz0123456789", 32)}.apps.googleusercontent.com";'),
        ("yaml", "public-identifier", f"aws_account_id: '{rng.randrange(10**11, 10**12)}'"),
        ("env", "public-identifier", f"STRIPE_PUBLISHABLE_KEY=pk_live_{rand(rng, ALNUM, 24)}"),
        ("md", "public-identifier", f"Our Mapbox style is at `mapbox://styles/acme/{rand(rng, ALNUM, 25)}`."),
        ("py", "public-identifier", f'SIGNATURE = "{rand(rng, B64, 40)}"'),
        ("py", "public-identifier", f'CACHE_KEY = "{rand(rng, ALNUM, 32)}"'),
    ]
    for syntax, type_id, line in samples:
        if syntax == "yaml":
            corpus.add("yaml", [f"build_{len(corpus.manifest)}:", "  " + line], [(1, type_id, "quiet")])
        else:
            corpus.add(syntax, [line], [(0, type_id, "quiet")], json_member=syntax == "json")
    corpus.add("pem", ["-----BEGIN CERTIFICATE-----", *(rand(rng, B64, 64) for _ in range(8)),
                       "-----END CERTIFICATE-----"], [(0, "public-key-block", "quiet")])
    corpus.add("pem", ["-----BEGIN PUBLIC KEY-----", *(rand(rng, B64, 64) for _ in range(5)),
                       "-----END PUBLIC KEY-----"], [(0, "public-key-block", "quiet")])
    corpus.add("md", ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + rand(rng, B64, 43) + " ops@acme"],
               [(0, "public-key-block", "quiet")])


# -- driver -------------------------------------------------------------------------------------

def build(seed: int = SEED) -> dict[str, str]:
    """The corpus as {relative path: text}, manifest.json included."""
    rng = random.Random(seed)
    corpus = Corpus()
    for index, spec in enumerate(type_specs()):
        add_type(corpus, spec, index, rng)
    add_literals(corpus, rng)
    add_public_randoms(corpus, rng)
    return corpus.render()


def write(files: dict[str, str], root: Path = ROOT) -> None:
    if root.exists():
        for old in sorted(root.rglob("*"), reverse=True):
            if old.is_file():
                old.unlink()
            elif old.is_dir():
                old.rmdir()
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def stale(files: dict[str, str], root: Path = ROOT) -> list[str]:
    """Paths that differ between ``files`` and what is on disk under ``root``."""
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    differ = sorted(set(files) ^ on_disk)
    differ += sorted(rel for rel in set(files) & on_disk
                     if (root / rel).read_text(encoding="utf-8") != files[rel])
    return differ


def main(argv: list[str]) -> int:
    files = build()
    if "--check" in argv:
        differ = stale(files)
        for rel in differ:
            print(f"stale: {rel}")
        return 1 if differ else 0
    write(files)
    samples = files[MANIFEST].count("\n") - 1
    print(f"wrote {len(files)} files, {samples} samples to {ROOT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
