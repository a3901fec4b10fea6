"""Generate the synthetic monorepo that ``run.py`` scans with gates and its peers.

    python bench/peers/generate.py                    # 290 apps: ~51,200 files, ~670 MB
    python bench/peers/generate.py --apps 20 --out /tmp/small-monorepo   # a quick small one

A seeded, deterministic tree (same bytes on every machine) shaped like a real monorepo of
services: Python, TypeScript, JavaScript, Go and Java sources; compose files, k8s manifests,
Helm charts and workflows; JSON configs; lockfiles full of ``sha512-`` integrity hashes
(package-lock.json, yarn.lock, poetry.lock, go.sum); minified JavaScript bundles on one very long
line (some over gates' 2 MB ``max_file_size``); binaries (PNG-headed random bytes); Markdown,
shell, Dockerfiles, Makefiles, Terraform. Realistic noise that secret scanners must not report
(commit hashes, UUIDs, integrity hashes, base64 blobs) is everywhere; the planted fake
credentials are four labelled files of ``fixtures/secrets`` (their lines marked ``fire`` in
``manifest.tsv``), copied to ``services/app_0xx/...`` and listed in ``planted.tsv``.

The tree is written under ``bench/out/peers/`` (git-ignored) and committed as a git repo, so that
every tool sees what a CI checkout holds. Regenerating over an existing tree deletes it first.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "bench" / "out" / "peers" / "monorepo"
CORPUS = REPO / "fixtures" / "secrets"
# Corpus files planted whole (secrets and their near-misses), and where they land.
PLANTED = {
    "env/app_01.env": "services/app_007/deploy/.env.staging",
    "app/settings_01.py": "services/app_042/src/pkg/settings_local.py",
    "config/settings_01.json": "services/app_133/config/credentials.json",
    "k8s/manifests_01.yaml": "services/app_201/k8s/secrets.yaml",
}
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@gates.invalid",
       "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"]

WORDS = ("account order payment invoice customer cart session token user profile report metric "
         "queue worker event stream batch export import search index cache store record ledger "
         "tenant region zone policy audit notify email webhook retry backoff limit quota price "
         "catalog product inventory shipment address billing refund coupon review rating").split()
VERBS = "get load save build parse render fetch sync apply check handle update create".split()


class Text:
    """Seeded filler text: identifiers, sentences, hashes, UUIDs."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def word(self) -> str:
        return self.rng.choice(WORDS)

    def words(self, n: int = 6) -> str:
        return " ".join(self.rng.choices(WORDS, k=n))

    def ident(self) -> str:
        return f"{self.rng.choice(VERBS)}_{self.word()}"

    def camel(self) -> str:
        return self.rng.choice(VERBS) + self.word().capitalize() + self.word().capitalize()

    def const(self) -> str:
        return f"{self.word().upper()}_{self.word().upper()}"

    def hex(self, n: int = 40) -> str:
        return self.rng.randbytes(n // 2 + 1).hex()[:n]

    def uuid(self) -> str:
        h = self.hex(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"

    def integrity(self, name: str) -> str:
        return "sha512-" + base64.b64encode(hashlib.sha512(name.encode()).digest()).decode()


def python_source(t: Text, lines: int) -> str:
    out = ['"""' + t.words(8).capitalize() + '."""', "", "import logging", "import os", "",
           "log = logging.getLogger(__name__)",
           f'{t.const()} = os.environ.get("{t.const()}", "{t.word()}")',
           f'BUILD_COMMIT = "{t.hex(40)}"', ""]
    while len(out) < lines:
        fn, a, b = t.ident(), t.word(), t.word() + "s"
        out += [f"def {fn}({a}, {b}, timeout={t.rng.randint(1, 90)}):",
                f'    """{t.words(10).capitalize()}."""',
                f'    value = {b}.get("{t.word()}_{t.word()}", {t.rng.randint(0, 999)})',
                f"    if value is None:  # {t.words(5)}",
                f'        raise ValueError("{t.words(4)}")',
                f'    log.info("{t.words(3)} %s request=%s", {a}, "{t.uuid()}")',
                f"    return [{a} for {a} in {b} if {a}.{t.word()} > value]", ""]
    return "\n".join(out) + "\n"


def typescript_source(t: Text, lines: int) -> str:
    out = [f"import {{ {t.camel()} }} from '../lib/{t.word()}';", "",
           f"const API_BASE = process.env.{t.const()} ?? 'https://{t.word()}.example.com';", ""]
    while len(out) < lines:
        name = t.camel()
        out += [f"export async function {name}(id: string, opts: {{ retries?: number }} = {{}}) {{",
                f"  // {t.words(8)}",
                f"  const res = await fetch(`${{API_BASE}}/{t.word()}/${{id}}?v={t.hex(12)}`);",
                f"  if (!res.ok) throw new Error('{t.words(4)}');",
                f"  return (await res.json()) as {{ {t.word()}: number; {t.word()}: string }};",
                "}", ""]
    return "\n".join(out) + "\n"


def go_source(t: Text, lines: int) -> str:
    out = [f"package {t.word()}", "", 'import (\n\t"context"\n\t"fmt"\n\t"os"\n)', "",
           f'var defaultRegion = os.Getenv("{t.const()}")', ""]
    while len(out) < lines:
        out += [f"// {t.camel()} {t.words(8)}.",
                f"func {t.camel()}(ctx context.Context, id string) (string, error) {{",
                f'\tif id == "" {{\n\t\treturn "", fmt.Errorf("{t.words(3)}: %w", ctx.Err())\n\t}}',
                f'\treturn fmt.Sprintf("%s/{t.word()}/%s-{t.hex(8)}", defaultRegion, id), nil',
                "}", ""]
    return "\n".join(out) + "\n"


def java_source(t: Text, lines: int, cls: str) -> str:
    out = ["package com.acme.app;", "", "import java.util.List;", "import java.util.Map;", "",
           f"/** {t.words(10)}. */", f"public class {cls} {{",
           f'    private static final String TRACE = "{t.uuid()}";']
    while len(out) < lines:
        out += [f"    /** {t.words(8)}. */",
                f"    public List<String> {t.camel()}(Map<String, String> input) {{",
                f'        String value = input.getOrDefault("{t.word()}", "{t.word()}");',
                f"        return List.of(value, TRACE, \"{t.words(2)}\");", "    }", ""]
    return "\n".join(out + ["}"]) + "\n"


def minified_js(t: Text, size: int) -> str:
    pieces = [f"function {t.camel()}(a,b){{return a.{t.word()}(b)||{t.rng.randint(0, 99)}}}"
              for _ in range(40)]
    pieces += [f'var {t.camel()}="{t.words(3)}",{t.camel()}={{{t.word()}:{t.rng.randint(0, 9)},'
               f'id:"{t.hex(16)}"}};' for _ in range(40)]
    chunks: list[str] = ["!function(){"]
    total = 0
    while total < size:
        piece = t.rng.choice(pieces)
        chunks.append(piece)
        total += len(piece)
    return "".join(chunks) + "}();\n"


def package_lock(t: Text, app: str, packages: int) -> str:
    deps = {}
    for i in range(packages):
        name = f"{t.word()}-{t.word()}-{i}"
        version = f"{t.rng.randint(0, 9)}.{t.rng.randint(0, 30)}.{t.rng.randint(0, 40)}"
        deps[f"node_modules/{name}"] = {
            "version": version,
            "resolved": f"https://registry.npmjs.org/{name}/-/{name}-{version}.tgz",
            "integrity": t.integrity(f"{app}/{name}@{version}"),
            "dev": i % 3 == 0,
            "dependencies": {f"{t.word()}-{t.word()}": f"^{t.rng.randint(1, 9)}.0.0"},
        }
    return json.dumps({"name": app, "lockfileVersion": 3, "requires": True,
                       "packages": {"": {"name": app, "version": "1.0.0"}, **deps}}, indent=2) + "\n"


def yarn_lock(t: Text, app: str, packages: int) -> str:
    out = ["# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.", "# yarn lockfile v1", ""]
    for i in range(packages):
        name, v = f"{t.word()}-{i}", f"{t.rng.randint(1, 9)}.{t.rng.randint(0, 20)}.0"
        out += [f'"{name}@^{v}":', f'  version "{v}"',
                f'  resolved "https://registry.yarnpkg.com/{name}/-/{name}-{v}.tgz#{t.hex(40)}"',
                f"  integrity {t.integrity(f'{app}/{name}@{v}')}", ""]
    return "\n".join(out)


def poetry_lock(t: Text, packages: int) -> str:
    out = []
    for i in range(packages):
        name, v = f"{t.word()}-{t.word()}-{i}", f"{t.rng.randint(0, 5)}.{t.rng.randint(0, 30)}.0"
        out += ["[[package]]", f'name = "{name}"', f'version = "{v}"', 'description = ""',
                "optional = false", 'python-versions = ">=3.8"', "files = [",
                f'    {{file = "{name}-{v}-py3-none-any.whl", hash = "sha256:{t.hex(64)}"}},',
                f'    {{file = "{name}-{v}.tar.gz", hash = "sha256:{t.hex(64)}"}},', "]", ""]
    return "\n".join(out)


def go_sum(t: Text, modules: int) -> str:
    out = []
    for i in range(modules):
        mod, v = f"github.com/{t.word()}/{t.word()}{i}", f"v{t.rng.randint(0, 3)}.{t.rng.randint(0, 20)}.0"
        h = base64.b64encode(hashlib.sha256(f"{mod}{v}".encode()).digest()).decode()
        out += [f"{mod} {v} h1:{h}", f"{mod} {v}/go.mod h1:{h[::-1]}"]
    return "\n".join(out) + "\n"


def compose(t: Text, app: str, prod: bool) -> str:
    tag = "${TAG:?TAG is required}" if prod else "${TAG:-latest}"
    return (f"services:\n  {app}:\n    image: registry.example.com/{app}:{tag}\n"
            f"    environment:\n      LOG_LEVEL: ${{LOG_LEVEL:-info}}\n"
            f"      DB_HOST: {t.word()}-db\n      REGION: ${{REGION:?REGION is required}}\n"
            f"    ports:\n      - \"{t.rng.randint(3000, 9000)}:8080\"\n")


def k8s(t: Text, app: str, i: int) -> str:
    if i == 0:
        return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {app}\nspec:\n"
                f"  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: {app}\n"
                f"          image: registry.example.com/{app}@sha256:{t.hex(64)}\n"
                f"          env:\n            - name: DB_PASSWORD\n              valueFrom:\n"
                f"                secretKeyRef: {{name: {app}-secrets, key: DB_PASSWORD}}\n")
    data = "\n".join(f"  {t.word()}_{t.word()}_{n}: \"{t.words(2)}\"" for n in range(40))
    return (f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {app}-cfg-{i}\n"
            f"  annotations:\n    checksum/config: {t.hex(64)}\ndata:\n{data}\n")


def helm_values(t: Text, app: str) -> str:
    return (f"image:\n  repository: registry.example.com/{app}\n  tag: \"{t.hex(12)}\"\n"
            f"replicaCount: 2\nresources:\n  limits: {{cpu: 500m, memory: 256Mi}}\n"
            f"env:\n  FEATURE_FLAG: \"{t.word()}\"\n")


def json_config(t: Text) -> str:
    return json.dumps({t.word(): {"enabled": True, "id": t.uuid(), "checksum": t.hex(64),
                                  "items": [t.words(3) for _ in range(60)]}}, indent=2) + "\n"


def markdown(t: Text, app: str, readme: bool) -> str:
    body = "\n\n".join(t.words(40).capitalize() + "." for _ in range(25))
    if readme:
        body = (f"# {app}\n\n{body}\n\n## Secrets architecture\n\nMode: ESO bridge.\n\n"
                f"| Vault path | Key | Purpose |\n|---|---|---|\n"
                f"| `secret/data/{app}` | `DB_PASSWORD` | database password |\n")
    return body + "\n"


def binary(t: Text, size: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + t.rng.randbytes(size)


def app_files(t: Text, index: int) -> dict[str, Callable[[], str | bytes]]:
    """Every file of one service: ~177 files, ~2.3 MB."""
    app = f"app_{index:03d}"
    files: dict[str, Callable[[], str | bytes]] = {}
    for k in range(40):
        files[f"src/pkg/module_{k}.py"] = lambda: python_source(t, t.rng.randint(80, 160))
    for k in range(30):
        files[f"web/src/component_{k}.ts"] = lambda: typescript_source(t, t.rng.randint(90, 160))
    for k in range(10):
        files[f"web/src/util_{k}.js"] = lambda: typescript_source(t, t.rng.randint(60, 120))
    big = index % 20 == 19  # one bundle in twenty is over gates' 2 MB max_file_size
    files["web/static/vendor.min.js"] = lambda: minified_js(t, 2_600_000 if big else
                                                           t.rng.randint(150_000, 500_000))
    for k in range(20):
        files[f"go/internal/handler_{k}.go"] = lambda: go_source(t, t.rng.randint(120, 200))
    for k in range(15):
        files[f"java/src/main/java/com/acme/app/Service{k}.java"] = \
            lambda k=k: java_source(t, t.rng.randint(120, 220), f"Service{k}")
    files["deploy/compose.yml"] = lambda: compose(t, app, prod=False)
    files["deploy/compose.prod.yml"] = lambda: compose(t, app, prod=True)
    for k in range(15):
        files[f"k8s/manifest_{k}.yaml"] = lambda k=k: k8s(t, app, k)
    files["charts/app/values.yaml"] = lambda: helm_values(t, app)
    for k in range(5):
        files[f"config/settings_{k}.json"] = lambda: json_config(t)
    files["package.json"] = lambda: json.dumps({"name": app, "version": "1.0.0",
                                                "scripts": {"build": "tsc"}}, indent=2) + "\n"
    files["package-lock.json"] = lambda: package_lock(t, app, t.rng.randint(600, 1400))
    if index % 3 == 0:
        files["yarn.lock"] = lambda: yarn_lock(t, app, 900)
    if index % 4 == 0:
        files["poetry.lock"] = lambda: poetry_lock(t, 400)
    files["go.sum"] = lambda: go_sum(t, 300)
    for k in range(10):
        files[f"docs/page_{k}.md"] = lambda: markdown(t, app, readme=False)
    files["README.md"] = lambda: markdown(t, app, readme=True)
    for k in range(5):
        files[f"scripts/run_{k}.sh"] = lambda: ("#!/usr/bin/env bash\nset -euo pipefail\n" +
                                               "".join(f"echo '{t.words(5)}'\n" for _ in range(60)))
        files[f"infra/main_{k}.tf"] = lambda: "".join(
            f'resource "aws_s3_bucket" "{t.word()}_{n}" {{\n  bucket = "{t.word()}-{t.hex(8)}"\n}}\n'
            for n in range(30))
    files["Dockerfile"] = lambda: "FROM python:3.12-slim\nCOPY . /app\nRUN pip install /app\n"
    files["Makefile"] = lambda: "build:\n\tpython -m build\n\ntest:\n\tpython -m pytest\n"
    files[".env.example"] = lambda: "DB_HOST=localhost\nDB_PASSWORD=\nLOG_LEVEL=info\n"
    for k in range(8):
        files[f"assets/img_{k}.png"] = lambda: binary(t, t.rng.randint(15_000, 45_000))
    for k in range(2):
        files[f"testdata/blob_{k}.bin"] = lambda: binary(t, 60_000)
    return {f"services/{app}/{rel}": make for rel, make in files.items()}


def shared_files(t: Text) -> dict[str, Callable[[], str | bytes]]:
    files: dict[str, Callable[[], str | bytes]] = {
        ".gitignore": lambda: "node_modules/\n__pycache__/\n*.pyc\n.env\n",
        "README.md": lambda: markdown(t, "monorepo", readme=False),
    }
    for k in range(20):
        files[f".github/workflows/ci_{k}.yml"] = lambda k=k: (
            f"name: ci-{k}\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
            f"    steps:\n      - uses: actions/checkout@{t.hex(40)}\n      - run: make test\n")
    return files


def write_tree(out: Path, apps: int, seed: int) -> tuple[int, int]:
    t = Text(seed)
    files, size = 0, 0
    plan = shared_files(t)
    for index in range(apps):
        plan.update(app_files(t, index))
    for rel, make in plan.items():
        data = make()
        raw = data.encode("utf-8") if isinstance(data, str) else data
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
        files, size = files + 1, size + len(raw)
    return files, size


def plant(out: Path) -> list[tuple[str, int, str]]:
    """Copy the labelled corpus files into the tree; the planted (path, line, type) rows."""
    rows = []
    with open(CORPUS / "manifest.tsv", encoding="utf-8", newline="") as handle:
        manifest = list(csv.DictReader(handle, delimiter="\t"))
    for source, target in PLANTED.items():
        (out / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / source, out / target)
        rows += [(target, int(r["line"]), r["type"]) for r in manifest
                 if r["file"] == source and r["expected"] == "fire"]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--apps", type=int, default=290, help="services to generate (~177 files each)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--no-git", action="store_true", help="do not commit the tree")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    files, size = write_tree(args.out, args.apps, args.seed)
    rows = plant(args.out)
    files += len(PLANTED)
    with open(args.out.parent / "planted.tsv", "w", encoding="utf-8", newline="") as handle:
        handle.write("file\tline\ttype\n" + "".join(f"{p}\t{n}\t{k}\n" for p, n, k in rows))
    wrote = time.perf_counter() - started
    if not args.no_git:
        for step in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "synthetic monorepo"]):
            subprocess.run([*GIT, *step], cwd=args.out, check=True, capture_output=True)
    print(f"{files} files, {size / 1e6:.0f} MB, {len(rows)} planted secret lines in "
          f"{len(PLANTED)} files; written in {wrote:.0f} s, committed in "
          f"{time.perf_counter() - started - wrote:.0f} s -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
