"""Front-door benchmarks: ``gates check --staged`` and ``gates check --diff`` on large repos.

    python bench/frontdoors/bench.py staged          # 5 staged files in a 10,000-file repo
    python bench/frontdoors/bench.py diff            # one-file diff, 1,000 vs 50,000 files
    python bench/frontdoors/bench.py full --runs 3   # whole scans of 10,000 and 50,000 files
    python bench/frontdoors/bench.py all --runs 21 --without-repo-rules

Repos are generated under bench/out/frontdoors/ (git-ignored) and reused on later runs. Each
timing is the wall time of a fresh ``python -m gates`` process, as a pre-commit hook or a CI
step pays it, with bytecode caching on (its cache also under bench/out/); the figure reported
is the median. Not a test: numbers depend on the machine and on how busy it is.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

OUT = Path(__file__).resolve().parents[2] / "bench" / "out" / "frontdoors"
# The repo-scope rules that cross-reference apps and mirrors: every run times them; the
# comparison without them (--without-repo-rules) shows what they add to a front-door run.
REPO_RULES = ["--ignore", "bootstrap-readme,bootstrap-external-secret,bootstrap-secret-ref,"
              "bootstrap-schema,bootstrap-direct-vault,direct-vault-client,mirror-drift"]
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@gates.invalid",
       "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"]

# One "app" per 100 files: source, a compose file, k8s manifests, docs; realistic mixes of
# kinds so that routing, kind detection and YAML parsing all do their share.
TEMPLATES = {
    "src/module{i}.py": "import os\n\n\ndef handler_{i}(event):\n    return os.environ['APP_{i}']\n",
    "web/component{i}.ts": "export const value{i} = process.env.VALUE_{i} ?? '';\n",
    "deploy/compose{i}.yml": "services:\n  svc{i}:\n    image: registry/svc{i}:${{TAG:?TAG is required}}\n",
    "k8s/config{i}.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg{i}\ndata:\n  key: value\n",
    "docs/page{i}.md": "# Page {i}\n\nSome documentation text for page {i}.\n",
}


def git(repo: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=repo, check=True, capture_output=True)


def make_repo(n_files: int) -> Path:
    """A committed repo of ``n_files`` files in apps of 100 files (cached between runs)."""
    repo = OUT / f"repo-{n_files}"
    if (repo / ".git").is_dir():
        git(repo, "reset", "-q", "--hard", "base")
        return repo
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    names = list(TEMPLATES.items())
    for i in range(n_files):
        template, text = names[i % len(names)]
        path = repo / f"app{i // 100:04d}" / template.format(i=i)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.format(i=i), encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "tag", "base")
    return repo


def stage_five(repo: Path) -> None:
    """Edit five files of different kinds in one app and stage them (one adds a violation)."""
    app = repo / "app0001"
    for rel, line in (("src/module100.py", "TIMEOUT = int(os.environ.get('T', '5'))\n"),
                      ("web/component101.ts", "export const more = 1;\n"),
                      ("deploy/compose102.yml", "    environment:\n      LEVEL: ${LEVEL:-info}\n"),
                      ("k8s/config103.yaml", "  other: value\n"),
                      ("docs/page104.md", "\nMore text.\n")):
        with open(app / rel, "a", encoding="utf-8") as handle:
            handle.write(line)
    git(repo, "add", "-A")


def commit_one(repo: Path) -> None:
    """One commit on top of ``base`` that changes one compose file."""
    with open(repo / "app0001" / "deploy" / "compose102.yml", "a", encoding="utf-8") as handle:
        handle.write("    environment:\n      LEVEL: ${LEVEL:-info}\n")
    git(repo, "commit", "-q", "-am", "one change")


def snapshot_source() -> Path:
    """A frozen copy of src/ and rules/ to time, put first on PYTHONPATH.

    Files edited during a run (other work in the same tree) would otherwise be recompiled to
    bytecode mid-benchmark, and a changed rule file would invalidate the rule cache.
    """
    checkout = Path(__file__).resolve().parents[2]
    snapshot = OUT / "source"
    shutil.rmtree(snapshot, ignore_errors=True)
    shutil.copytree(checkout / "src", snapshot / "src",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(checkout / "rules", snapshot / "rules")
    return snapshot / "src"


class Setup(NamedTuple):
    source: Path  # the src/ folder to time (a snapshot)
    runs: int
    extra: list[str]  # more gates arguments
    without_repo_rules: bool  # also time the run without the repo-scope rules


def timed(jobs: list[tuple[Path, list[str]]], setup: Setup) -> list[Timing]:
    """Medians of ``python -m gates ARGS --format json`` for each (repo, ARGS) job.

    Runs are interleaved (job 1, job 2, job 1, ...) so that a busy machine slows every job
    alike and ratios stay fair. Wall time is what the user waits for; CPU time (user + sys of
    the child) is less sensitive to other load; ``engine`` is the scan itself as gates measures
    it (no interpreter start, imports of the CLI, rule loading or output).
    """
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPYCACHEPREFIX": str(OUT / "pycache"),
           "PYTHONPATH": str(setup.source)}
    # Bytecode caching on, as in any installed gates (a sandbox may set this to 1).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    samples: list[list[tuple[float, float, float, int]]] = [[] for _ in jobs]
    for run in range(setup.runs + 1):  # the first round only warms caches
        for index, (repo, args) in enumerate(jobs):
            sample = _one(repo, [sys.executable, "-m", "gates", *args, "--format", "json"], env)
            if run:
                samples[index].append(sample)
    return [Timing(*(statistics.median(s[i] for s in rows) for i in range(3)), rows[-1][3],
                   setup.runs) for rows in samples]


def _one(repo: Path, argv: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=repo, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, json.loads(done.stdout)["summary"]["duration_s"], done.returncode


class Timing(NamedTuple):
    wall: float
    cpu: float
    engine: float
    code: int
    runs: int

    def __str__(self) -> str:
        return (f"median wall {self.wall:.3f} s, cpu {self.cpu:.3f} s, engine {self.engine:.3f} s "
                f"over {self.runs} runs (exit {self.code})")


def variants(without_repo_rules: bool) -> list[tuple[str, list[str]]]:
    chosen: list[tuple[str, list[str]]] = [("all rules", [])]
    return chosen + [("without the repo-scope rules", REPO_RULES)] if without_repo_rules \
        else chosen


def bench_staged(setup: Setup) -> None:
    repo = make_repo(10_000)
    stage_five(repo)
    for label, more in variants(setup.without_repo_rules):
        (timing,) = timed([(repo, ["check", "--staged", *more, *setup.extra])], setup)
        print(f"staged, 5 files of 10,000, {label}: {timing}", flush=True)


def bench_diff(setup: Setup) -> None:
    repos = {size: make_repo(size) for size in (1_000, 50_000)}
    for repo in repos.values():
        commit_one(repo)
    for label, more in variants(setup.without_repo_rules):
        args = ["check", "--diff", "HEAD~1", *more, *setup.extra]
        small, large = timed([(repos[1_000], args), (repos[50_000], args)], setup)
        print(f"diff HEAD~1, one file of 1,000, {label}: {small}", flush=True)
        print(f"diff HEAD~1, one file of 50,000, {label}: {large}", flush=True)
        print(f"diff, {label}: 50,000 / 1,000 = {large.wall / small.wall:.2f}x wall, "
              f"{large.cpu / small.cpu:.2f}x cpu", flush=True)


def bench_full(setup: Setup) -> None:
    """Whole scans (``gates check .``, every rule), the work tree as generated."""
    for size in (10_000, 50_000):
        repo = make_repo(size)
        (timing,) = timed([(repo, ["check", ".", *setup.extra])], setup)
        print(f"full scan, {size:,} files: {timing}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", choices=["staged", "diff", "full", "all"])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--without-repo-rules", action="store_true",
                        help="also time the front doors without the repo-scope rules")
    parser.add_argument("extra", nargs="*", help="extra gates arguments, after --")
    args = parser.parse_args()
    setup = Setup(snapshot_source(), args.runs, args.extra, args.without_repo_rules)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    if args.which in ("staged", "all"):
        bench_staged(setup)
    if args.which in ("diff", "all"):
        bench_diff(setup)
    if args.which in ("full", "all"):
        bench_full(setup)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
