"""Probe every file-scope check for super-linear time on long, repetitive lines (not run in CI).

    python bench/fuzz/long_lines.py                  # 20,000-character lines, report > 0.5 s
    python bench/fuzz/long_lines.py --size 200000 --limit 2

A regular expression or a parser that backtracks on a long run of one character (``${${${``,
``[[[[``, 20,000 spaces) turns one committed file into minutes of CPU on every CI run. For each
file kind gates routes (by a representative path) and each unit below, one line of ``size``
characters is handed to every check of that kind, under a ``5 × limit`` alarm; each call slower
than ``limit`` is printed. Found with it and fixed: ruamel's quadratic scan of ``[[[`` (parse
guard in ``parse/yaml.py``), ``{{`` never closed (``parse/templated.py``), and a 20,000-digit
number that ruamel could not convert (a crash of ``secret-literal``).
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PATHS = ["a.py", "a.js", "README.md", ".env", "compose.yml", "k8s.yaml", "main.tf", "p.hcl",
         "a.sh", "Dockerfile", "a.json", "a.toml", "a.txt", "Makefile",
         ".github/workflows/ci.yml", "app.properties", "charts/x/values.yaml",
         "charts/x/templates/d.yaml"]
UNITS = ["a", " ", "1", "$", "{", "-", "_", "/", "=", '"', "'", "`", "|", "#", ".", ":", "*",
         "\\", "${", "${a:-", "a=", "a: ", "- ", "[", "(", "$(", "<<", "a_", "A", "aA1", "--",
         "-p", "://", "@", "a:", "key=", "password=", "\t", "| a ", "# ", "> ", "ghp_", "AKIA",
         "0x", "%", "&", "!", ", ", "vault ", "secret/", "{{", "x'", "{%", "*a ", "&a "]


class _Timeout(Exception):
    pass


def _alarm(*_: Any) -> None:
    raise _Timeout()


def main() -> int:
    from gates.config import Config
    from gates.documents import Document, detect_kind
    from gates.engine import make_plan
    from gates.rules import builtin_rules

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--limit", type=float, default=0.5)
    args = parser.parse_args()
    plan = make_plan(builtin_rules(), Config(), Path(tempfile.mkdtemp()), None)
    signal.signal(signal.SIGALRM, _alarm)
    slow = calls = 0
    slowest = (0.0, "")
    started = time.perf_counter()
    for path in PATHS:
        for unit in UNITS:
            text = unit * (args.size // len(unit)) + "\n"
            kind = detect_kind(path, text)
            for active in plan.for_kind(kind):
                calls += 1
                began = time.perf_counter()
                signal.setitimer(signal.ITIMER_REAL, args.limit * 5)
                try:
                    list(active.check(Document(path, text, kind), active.ctx))
                    status = ""
                except _Timeout:
                    status = "TIMEOUT"
                except Exception as exc:  # noqa: BLE001 - a crash is what this looks for
                    status = f"RAISED {type(exc).__name__}"
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                took = time.perf_counter() - began
                slowest = max(slowest, (took, f"{active.rule.id} on {path} of {unit!r}"))
                if took > args.limit or status:
                    slow += 1
                    print(f"{took:7.2f} s  {path:28} {unit!r:10} {active.rule.id:24} {status}")
    print(f"{calls} check calls on {args.size}-character lines in "
          f"{time.perf_counter() - started:.0f} s: {slow} over {args.limit} s or failing; "
          f"slowest {slowest[0]:.2f} s ({slowest[1]})", file=sys.stderr)
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
