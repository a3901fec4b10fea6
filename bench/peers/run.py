"""Time gates, detect-secrets, gitleaks and rg on the same tree: wall, CPU, peak RSS, ratios.

    python bench/peers/generate.py          # once: the synthetic monorepo under bench/out/peers/
    python bench/peers/run.py               # every tool once, in one run, on that tree
    python bench/peers/run.py --runs 5 --json bench/out/peers/r.json   # 5 interleaved rounds
    python bench/peers/run.py --runs 3 --tools gates,gitleaks,rg     # some tools only

Each tool is a fresh process started from the tree's root, timed from start to exit:

* **wall**: elapsed time; **cpu**: user + system time of the process and every child it waited
  for (``os.wait4``), so detect-secrets' worker pool and rg's / gitleaks' threads count;
* **peak RSS**: ``ru_maxrss`` (the largest single process of the tool) and ``tree RSS``: the
  largest sum of the RSS of the tool's whole process tree, sampled from ``/proc`` every 20 ms
  (detect-secrets runs one worker per core; their memory adds up);
* **found**: planted secret lines (``planted.tsv``) with a finding of the tool, and the number of
  findings elsewhere (noise: there are no other secrets in the tree).

The page cache is warmed first (rg reads every file once, untimed), so no tool pays for the
disk. The median of ``--runs`` is reported. Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
from scanners import detect_secrets_lines, gates_lines, gitleaks_binary, gitleaks_lines  # noqa: E402
OUT = REPO / "bench" / "out" / "peers"
RG_PATTERN = r"AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}|xox[baprs]-|-----BEGIN|password|secret|token"


@dataclass
class Tool:
    """How to run one tool on the tree and read what it found as (path, line) pairs."""

    name: str
    command: Callable[[Path, Path], list[str]]  # (tree, report file) -> argv
    findings: Callable[[Path, Path], set[tuple[str, int]]] | None  # (report, stdout file)
    stdout_is_report: bool = False


@dataclass
class Sample:
    wall: float
    cpu: float
    maxrss_mb: float
    tree_rss_mb: float
    code: int


@dataclass
class Measured:
    tool: Tool
    samples: list[Sample] = field(default_factory=list)
    found: set[tuple[str, int]] = field(default_factory=set)

    def median(self, attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in self.samples)


def _gates_findings(rules: tuple[str, ...]) -> Callable[[Path, Path], set[tuple[str, int]]]:
    return lambda report, _stdout: gates_lines(report.read_text("utf-8"), rules)


def _detect_secrets_findings(_report: Path, stdout: Path) -> set[tuple[str, int]]:
    return detect_secrets_lines(stdout.read_text("utf-8"))


def _gitleaks_findings(report: Path, _stdout: Path) -> set[tuple[str, int]]:
    return gitleaks_lines(report.read_text("utf-8"))


SECRET_RULES = ("hardcoded-secret", "secret-literal")
TOOLS = {
    "gates": Tool("gates check (every rule)", lambda tree, report: [
        sys.executable, "-m", "gates", "check", ".", "--format", "json", "--output", str(report)],
        _gates_findings(SECRET_RULES)),
    "gates-secrets": Tool("gates check --select hardcoded-secret,secret-literal (gitleaks' job)",
                          lambda tree, report: [
        sys.executable, "-m", "gates", "check", ".", "--select", ",".join(SECRET_RULES),
        "--format", "json", "--output", str(report)], _gates_findings(SECRET_RULES)),
    "gates-format": Tool("gates check --select hardcoded-secret (formats only)",
                         lambda tree, report: [
        sys.executable, "-m", "gates", "check", ".", "--select", "hardcoded-secret",
        "--format", "json", "--output", str(report)], _gates_findings(("hardcoded-secret",))),
    "gitleaks": Tool("gitleaks dir", lambda tree, report: [
        str(gitleaks_binary()), "dir", ".", "--report-format", "json", "--report-path",
        str(report), "--no-banner", "--exit-code", "0", "--log-level", "error"],
        _gitleaks_findings),
    "rg": Tool("rg (the floor: read every byte)", lambda tree, report: [
        "rg", "--hidden", "--glob", "!.git", "--count-matches", "--no-messages", "-e",
        RG_PATTERN, "."], None),
    "detect-secrets": Tool("detect-secrets scan", lambda tree, report: [
        sys.executable, "-m", "detect_secrets", "scan", "--no-verify", "."],
        _detect_secrets_findings, stdout_is_report=True),
}


def _descendants(root: int) -> list[int]:
    """``root`` and every process below it, from /proc (Linux)."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(stat[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, ()))
    return found


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _sample_tree(pid: int, stop: threading.Event, peak: list[int]) -> None:
    while not stop.wait(0.02):
        peak[0] = max(peak[0], sum(_rss_kb(p) for p in _descendants(pid)))


def measure_once(tool: Tool, tree: Path, work: Path) -> tuple[Sample, Path, Path]:
    slug = re.sub(r"\W+", "-", tool.name).strip("-")[:60]  # rounds interleave: one file per tool
    report, stdout = work / f"{slug}.report.json", work / f"{slug}.stdout.txt"
    report.unlink(missing_ok=True)
    env = {**os.environ, "NO_COLOR": "1"}
    with open(stdout, "wb") as out, open(work / f"{slug}.stderr.txt", "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(tool.command(tree, report), cwd=tree, stdout=out, stderr=err,
                                env=env)
        stop, peak = threading.Event(), [0]
        sampler = threading.Thread(target=_sample_tree, args=(proc.pid, stop, peak), daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        stop.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    sample = Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                    max(peak[0], usage.ru_maxrss) / 1024, proc.returncode)
    if proc.returncode not in (0, 1):
        tail = (work / "stderr.txt").read_text("utf-8", "replace")[-2000:]
        raise SystemExit(f"{tool.name} failed with exit {proc.returncode}: {tail}")
    return sample, report, stdout


def warm(tree: Path) -> None:
    """Read every byte once, so the first tool timed does not pay for the disk."""
    subprocess.run(["rg", "-uuu", "--count-matches", "--no-messages", "-e", "\x01never\x02", "."],
                   cwd=tree, capture_output=True, check=False)


def gates_state() -> str:
    """The commit gates runs from, and whether its sources differ from it (others edit them)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                              check=False).stdout.strip()

    dirty = git("status", "--short", "--", "src", "rules").splitlines()
    return git("rev-parse", "--short", "HEAD") + (f" + {len(dirty)} uncommitted file(s) in src/"
                                                   if dirty else "")


def planted(tree: Path) -> set[tuple[str, int]]:
    with open(tree.parent / "planted.tsv", encoding="utf-8", newline="") as handle:
        return {(row["file"], int(row["line"])) for row in csv.DictReader(handle, delimiter="\t")}


def tree_facts(tree: Path) -> tuple[int, int]:
    files = size = 0
    for folder, dirs, names in os.walk(tree):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in names:
            files += 1
            size += os.lstat(os.path.join(folder, name)).st_size
    return files, size


def _ratio(value: float, base: float) -> str:
    if base <= 0:
        return ""
    ratio = value / base
    return f"{ratio:.0f}×" if ratio >= 10 else f"{ratio:.1f}×" if ratio >= 1 else f"{ratio:.2g}×"


def table(results: dict[str, Measured], plants: set[tuple[str, int]]) -> str:
    gates = results.get("gates")
    rg = results.get("rg")
    rows = ["| tool | wall | CPU (user+sys) | peak RSS (largest process) | peak RSS (process tree) "
            "| wall vs gates | CPU vs gates | wall vs rg | planted found | other findings |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for key, m in results.items():
        wall, cpu = m.median("wall"), m.median("cpu")
        vs_gates = _ratio(wall, gates.median("wall")) if gates else ""
        cpu_gates = _ratio(cpu, gates.median("cpu")) if gates else ""
        vs_rg = _ratio(wall, rg.median("wall")) if rg else ""
        if m.tool.findings is None:
            found, other = "", ""
        else:
            hits = m.found & plants
            found = f"{len(hits)}/{len(plants)}"
            other = str(len({f for f in m.found if f[0] not in {p for p, _ in plants}}))
        rows.append(f"| {m.tool.name} | {wall:.1f} s | {cpu:.1f} s | {m.median('maxrss_mb'):.0f} MB "
                    f"| {m.median('tree_rss_mb'):.0f} MB | {vs_gates} | {cpu_gates} | {vs_rg} "
                    f"| {found} | {other} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", type=Path, default=OUT / "monorepo")
    parser.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated: {', '.join(TOOLS)}")
    parser.add_argument("--runs", type=int, default=1, help="rounds, every tool once in each")
    parser.add_argument("--once", default="detect-secrets",
                        help="tools measured in the first round only (default: detect-secrets)")
    parser.add_argument("--json", type=Path, help="also write the raw samples here")
    args = parser.parse_args(argv)
    tree = args.tree.resolve()
    if not tree.is_dir():
        raise SystemExit(f"no tree at {tree}: run bench/peers/generate.py first")
    work = OUT / "work"
    work.mkdir(parents=True, exist_ok=True)
    files, size = tree_facts(tree)
    state = gates_state()
    print(f"tree: {files} files, {size / 1e6:.0f} MB; {os.cpu_count()} cores; "
          f"{platform.python_implementation()} {platform.python_version()}; gates {state}",
          file=sys.stderr)
    warm(tree)
    keys = args.tools.split(",")
    once = set(args.once.split(",")) if args.once else set()
    results = {key: Measured(TOOLS[key]) for key in keys}
    outputs: dict[str, tuple[Path, Path]] = {}
    # Round-robin: every tool once per round, so a slower spell of a shared machine slows all
    # of them alike; a tool in --once (detect-secrets: 20+ minutes) runs in the first round only.
    for run in range(args.runs):
        for key in keys:
            if run > 0 and key in once:
                continue
            measured = results[key]
            sample, report, stdout = measure_once(measured.tool, tree, work)
            measured.samples.append(sample)
            outputs[key] = (report, stdout)
            print(f"  {measured.tool.name} run {run + 1}: {sample.wall:.1f} s wall, "
                  f"{sample.cpu:.1f} s cpu, {sample.maxrss_mb:.0f} / {sample.tree_rss_mb:.0f} MB",
                  file=sys.stderr)
    for key, measured in results.items():
        if measured.tool.findings is not None:
            measured.found = measured.tool.findings(*outputs[key])
    print(f"tree: {files} files, {size / 1e6:.0f} MB, {os.cpu_count()} cores, "
          f"median of {args.runs} interleaved run(s)"
          f"{' (' + ', '.join(sorted(once & set(keys))) + ': 1)' if once & set(keys) else ''}; "
          f"gates {state}\n")
    print(table(results, planted(tree)))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"gates": state, **{k: [s.__dict__ for s in m.samples]
                                                            for k, m in results.items()}},
                                        indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
