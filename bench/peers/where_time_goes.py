"""Where a full ``gates check`` of the synthetic monorepo spends its time (cProfile, in-process).

    python bench/peers/where_time_goes.py                       # the tree of generate.py
    python bench/peers/where_time_goes.py --tree DIR --top 25 --stats bench/out/peers/gates.prof

Runs what ``gates check TREE --format json`` runs, under cProfile, and prints the time per rule
(the cumulative time of each check function, file scope and repo scope), the stages around the
rules (walking and reading, decoding and kind detection, output), and the functions with the
most time of their own. cProfile slows pure-Python code down (~1.5-2x), so read the shares, not
the seconds; the wall time without the profiler is ``run.py``'s.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
STAGES = {  # (file, function) -> label: the stages around the rules
    ("sources.py", "files"): "walk the tree (WorkTree.files: listing, ignores, stat)",
    ("sources.py", "read"): "read file bytes",
    ("documents.py", "load_document"): "read + decode + detect kind (load_document)",
    ("engine.py", "_scan_file"): "all file-scope work (_scan_file)",
    ("engine.py", "_scan_repo_rules"): "all repo-scope rules (_scan_repo_rules)",
    ("engine.py", "_record"): "findings, fingerprints, suppressions (_record)",
    ("cli.py", "_write_reports"): "write the report",
    ("yaml.py", "load_documents"): "YAML trees (ruamel, load_documents)",
    ("yaml.py", "check"): "YAML validity (libyaml fast path, check)",
    ("yaml.py", "scalar_spans"): "YAML scalar spans",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", type=Path, default=REPO / "bench" / "out" / "peers" / "monorepo")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--stats", type=Path, help="also save the raw profile here")
    args = parser.parse_args()
    from gates.checks import CHECKS
    from gates.cli import main as gates_main

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    code = gates_main(["check", str(args.tree), "--format", "json", "--output", "/dev/null",
                       "--jobs", "1"])  # one process: a profile of workers would miss them
    profiler.disable()
    wall = time.perf_counter() - started
    if args.stats:
        profiler.dump_stats(str(args.stats))
    stats = pstats.Stats(profiler, stream=io.StringIO())
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = max(entry[3] for entry in table.values())
    by_function = {(Path(key[0]).name, key[2]): entry[3] for key, entry in table.items()}
    print(f"gates check {args.tree}: exit {code}, {wall:.1f} s under cProfile\n")
    print("| rule | check function | cumulative s | share |\n|---|---|---|---|")
    rows = []
    for rule_id, target in CHECKS.items():
        module, _, function = target.partition(":")
        seconds = by_function.get((module.rsplit(".", 1)[1] + ".py", function), 0.0)
        rows.append((seconds, rule_id, f"{module}:{function}"))
    for seconds, rule_id, target in sorted(rows, reverse=True):
        print(f"| {rule_id} | `{target}` | {seconds:.1f} | {seconds / total:.0%} |")
    print("\n| stage | cumulative s | share |\n|---|---|---|")
    for key, label in STAGES.items():
        if key in by_function:
            print(f"| {label} | {by_function[key]:.1f} | {by_function[key] / total:.0%} |")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
    print("\nFunctions by own time:\n```")
    print("\n".join(line[:150] for line in out.getvalue().splitlines()
                    if line.strip() and not line.startswith(("   Ordered", "   List"))))
    print("```")
    return 0


if __name__ == "__main__":
    sys.exit(main())
