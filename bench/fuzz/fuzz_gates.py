"""Coverage-guided fuzzing of everything gates does to one file's bytes (atheris; not run in CI).

    python -m pip install atheris
    python bench/fuzz/fuzz_gates.py -atheris_runs=200000 -timeout=10 -rss_limit_mb=1024 \
        bench/out/fuzz/corpus              # the corpus folder grows; crashes land in ./crash-*
    python bench/fuzz/fuzz_gates.py bench/out/fuzz/crash-...   # replay one input
    python bench/fuzz/fuzz_gates.py --no-atheris -n 5000       # plain random bytes, no atheris

One input is a file: its first byte picks the path (and so the kind) it is checked as, the rest
is its content. It goes through what a run does with it: decoding (BOMs, invalid UTF-8, NUL),
kind detection, every file-scope check of that kind with the default configuration, and the
parsers on their own (YAML, interpolation, Markdown sections, HCL policies, templates). The
contract is the suite's: nothing raises (a check that raises is exit 3 for the user), nothing
takes longer than ``-timeout`` seconds (a quadratic path on hostile input), nothing holds more
than ``-rss_limit_mb``. A finding's message never contains the input's secret-looking value.
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

PATHS = [
    "deploy/compose.yml", "k8s/deployment.yaml", "charts/app/values.yaml",
    "charts/app/templates/secret.yaml", ".github/workflows/ci.yml", "deploy/.env",
    "config/app.yaml", "README.md", "infra/policy.hcl", "infra/main.tf", "scripts/run.sh",
    "Dockerfile", "Makefile", "src/app.py", "web/app.ts", "config/settings.json",
    "pyproject.toml", "config/app.properties", "notes.txt",
]


def _plan() -> Any:
    from gates.config import Config
    from gates.engine import make_plan
    from gates.rules import builtin_rules

    return make_plan(builtin_rules(), Config(), Path(tempfile.mkdtemp(prefix="gates-fuzz-")), None)


def check_one(data: bytes, plan: Any) -> None:
    """Everything one file's bytes go through; raises only on a real failure."""
    from gates.documents import Document, decode, detect_kind
    from gates.parse import hcl, interpolation, markdown, templated, yaml

    if not data:
        return
    path = PATHS[data[0] % len(PATHS)]
    text = decode(data[1:])
    if text is None:
        return  # binary: skipped with a note, never parsed
    kind = detect_kind(path, text)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning that escaped would be printed (a leak)
        for active in plan.for_kind(kind):
            if active.wants(path):
                for hit in active.check(Document(path, text, kind), active.ctx):
                    assert hit.line >= 1 and hit.col >= 1, (active.rule.id, hit)
        yaml.load_documents(text)
        yaml.scalar_spans(text)
        interpolation.parse(text)
        markdown.secrets_section(text)
        hcl.policies(text)
        templated.load(text)


def run_random(count: int, seed: int, plan: Any) -> int:
    """Without atheris: random bytes biased towards the syntax the parsers care about."""
    rng = random.Random(seed)
    alphabet = b"${}[]:-?+#|>&*!%'\"\\\n\r\t =,.\x00\xff\xfeaZ09_/"
    for _ in range(count):
        data = bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 400)))
        check_one(data, plan)
    print(f"{count} random inputs: no failure", file=sys.stderr)
    return 0


def main() -> int:
    if "--no-atheris" in sys.argv:
        parser = argparse.ArgumentParser()
        parser.add_argument("--no-atheris", action="store_true")
        parser.add_argument("-n", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)
        args = parser.parse_args()
        return run_random(args.n, args.seed, _plan())
    import atheris

    with atheris.instrument_imports(include=["gates"]):  # coverage guides the mutations
        from gates.checks import CHECKS

        for target in CHECKS.values():  # checks are imported lazily: import them here
            importlib.import_module(target.partition(":")[0])
        for module in ("documents", "parse.hcl", "parse.interpolation", "parse.markdown",
                       "parse.templated", "parse.yaml"):
            importlib.import_module(f"gates.{module}")
    plan = _plan()
    os.environ.setdefault("GATES_NO_CACHE", "1")
    atheris.Setup(sys.argv, lambda data: check_one(data, plan))
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
