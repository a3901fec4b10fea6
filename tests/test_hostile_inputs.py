"""Hostile input, end to end: ``python -m gates check`` on trees built to break it.

Each case runs gates as a real process with a wall-clock timeout, an address-space limit
(``RLIMIT_AS``) and its peak RSS measured (``os.wait4``), and asserts what the issue asks of
every one: no traceback, bounded time and memory, a clear note or finding, the right exit code.
The unit tests beside the code cover the pieces (``test_sources.py``: the walker,
``test_documents.py``: decoding, ``parse/``: the parsers); these cover the whole run.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import pytest

from gates_testing import CORE_RULES, FIXTURES, GIT, git

ADDRESS_SPACE = 2 << 30  # a runaway allocation fails here instead of swapping the machine
PEAK_RSS_MB = 300  # the memory target for a full scan
UNTAGGED = "services:\n  api:\n    image: app:${TAG:-latest}\n"
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="rlimits, FIFOs, /proc: Linux")


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    seconds: float
    rss_mb: float

    def json(self) -> Any:
        return json.loads(self.out)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


class _PeakRss:
    """The largest VmHWM (peak resident set since exec) of a process and its children, sampled
    from /proc every 10 ms until ``stop``.

    Not ``wait4``'s ``ru_maxrss``: Linux carries the RSS a child had before ``exec`` into it,
    and a child forked from pytest starts as a copy of pytest (hundreds of MB late in the
    suite), so that figure measured the test runner, not gates.
    """

    def __init__(self, pid: int) -> None:
        self.pid, self.kb, self._done = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def mb(self) -> float:
        return self.kb / 1024

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            for pid in [self.pid, *_children(self.pid)]:
                self.kb = max(self.kb, _vm_hwm_kb(pid))
            if self._done.wait(0.01):
                return


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in found]


def _vm_hwm_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0  # gone, or a zombie whose memory is released
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) if found else 0


def gates(cwd: Path, *argv: str, timeout: float = 60, prefix: Sequence[str] = ()) -> Outcome:
    """Run ``python -m gates argv`` in ``cwd``, bounded; assert it stayed within the bounds."""
    return gates_together(cwd, [argv], timeout=timeout, prefix=prefix)[0]


def gates_together(cwd: Path, argvs: Sequence[Sequence[str]], timeout: float = 60,
                   prefix: Sequence[str] = ()) -> list[Outcome]:
    """Several bounded ``gates`` runs at once (independent processes: the cores share them)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GATES_DEBUG", "GITHUB_STEP_SUMMARY", "NO_COLOR")}
    started, running = time.perf_counter(), []
    for index, argv in enumerate(argvs):
        out_path, err_path = (cwd.parent / f".{cwd.name}.{index}.{kind}" for kind in ("out", "err"))
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            proc = subprocess.Popen([*prefix, sys.executable, "-m", "gates", *argv], cwd=cwd,
                                    stdout=out, stderr=err, env=env, preexec_fn=_limit_memory)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        peak = _PeakRss(proc.pid)
        running.append((proc, killer, out_path, err_path, peak))
    outcomes = []
    for proc, killer, out_path, err_path, peak in running:
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
            peak.stop()
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        outcome = Outcome(code, out_path.read_text("utf-8", "replace"),
                          err_path.read_text("utf-8", "replace"),
                          time.perf_counter() - started, peak.mb)
        assert code != -9, f"gates did not finish within {timeout} s"
        assert "Traceback" not in outcome.out + outcome.err, outcome.err[-3000:]
        assert 0 < outcome.rss_mb < PEAK_RSS_MB, f"peak RSS {outcome.rss_mb:.0f} MB"
        outcomes.append(outcome)
    return outcomes


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def located(outcome: Outcome) -> list[tuple[str, str, int, int]]:
    return [(f["rule"], f["path"], f["line"], f["column"]) for f in outcome.json()["findings"]]


def notes(outcome: Outcome, kind: str = "skipped-file") -> dict[str, str]:
    return {n["path"]: n["message"] for n in outcome.json()["notes"] if n["kind"] == kind}


# --- YAML bombs, one huge line, deep nesting -----------------------------------------------------


def alias_bomb(levels: int = 10) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_yaml_alias_bombs_cost_nothing(tmp_path: Path) -> None:
    """9^10 strings if expanded; aliases are shared references, never copied."""
    write(tmp_path / "deploy" / "compose.yml", UNTAGGED + alias_bomb())
    write(tmp_path / "k8s" / "bomb.yaml", "apiVersion: v1\nkind: ConfigMap\n" + alias_bomb())
    write(tmp_path / ".github" / "workflows" / "ci.yml", "on: push\n" + alias_bomb())
    write(tmp_path / "charts" / "app" / "values.yaml", alias_bomb() + "image: ${TAG:-x}\n")
    outcome = gates(tmp_path, "check", "--format", "json", timeout=60)
    assert outcome.code == 1 and outcome.seconds < 30
    assert ("untagged-default", "deploy/compose.yml", 3, 16) in located(outcome)
    assert outcome.json()["summary"]["execution_successful"] is True


def test_a_30_mb_single_line_file_is_skipped_with_a_note_without_reading_it(tmp_path) -> None:
    line = b"!function(){" + b"var a=1;" * (30 * 1024 * 1024 // 8) + b"}();"
    write(tmp_path / "web" / "static" / "vendor.min.js", line)
    write(tmp_path / "deploy" / "compose.yml", UNTAGGED)
    outcome = gates(tmp_path, "check", "--format", "json")
    assert outcome.code == 1 and outcome.seconds < 30
    assert "larger than 2097152 bytes" in notes(outcome)["web/static/vendor.min.js"]
    assert outcome.rss_mb < 120  # decided from the size on disk: the file was never read


def planted_aws_key() -> str:
    """A fake access key id from the labelled corpus (kept out of this file: gates scans it)."""
    corpus = FIXTURES / "secrets"
    for row in (corpus / "manifest.tsv").read_text("utf-8").splitlines():
        path, line, kind, expected = row.split("\t")
        if kind == "aws-access-key-id" and expected == "fire":
            text = (corpus / path).read_text("utf-8").splitlines()[int(line) - 1]
            return re.search(r"AKIA[0-9A-Z]{16}", text).group(0)  # type: ignore[union-attr]
    raise AssertionError("no aws-access-key-id in the corpus")


def test_a_12_mb_single_line_file_read_when_allowed_stays_bounded(tmp_path: Path) -> None:
    """With ``max_file_size`` raised, a 12 MB minified line (6 times the default limit) is read
    and checked, not choked on: the key at its very end is found, and shown redacted."""
    token = planted_aws_key()
    body = b"!function(){" + b'var k="x",n=0;' * (12 * 1024 * 1024 // 14)
    write(tmp_path / "web" / "vendor.min.js", body + f'var t="{token}";}}();'.encode())
    write(tmp_path / ".gates.yml", "max_file_size: 67108864\n"  # and read generated files:
          "rules:\n  hardcoded-secret:\n    options:\n      all_formats_in_generated: true\n")
    outcome = gates(tmp_path, "check", "--format", "json", "--select",
                    "hardcoded-secret,secret-literal,secret-in-argv,forbidden-path", timeout=120)
    assert outcome.code == 1 and outcome.seconds < 90
    assert [(f[0], f[1], f[2]) for f in located(outcome)] == [
        ("hardcoded-secret", "web/vendor.min.js", 1)]
    assert token not in outcome.out + outcome.err


DEEP = 5000


def deep_tree(root: Path) -> Path:
    """5,000 levels of nesting in every syntax gates parses."""
    write(root / "deploy" / "compose.yml", UNTAGGED + "x-deep: " + "[" * DEEP + "]" * DEEP + "\n")
    write(root / "k8s" / "deep.yaml", "apiVersion: v1\nkind: ConfigMap\ndata: "
          + "{a: " * DEEP + "1" + "}" * DEEP + "\n")
    write(root / "charts" / "app" / "values.yaml", "a: " + "[" * DEEP + "]" * DEEP + "\n")
    write(root / "config" / "deep.json", "[" * DEEP + "]" * DEEP + "\n")
    write(root / "config" / "deep-object.json", '{"a":' * DEEP + "1" + "}" * DEEP + "\n")
    write(root / "deploy" / "nested.env", "A=" + "${A:-" * DEEP + "x" + "}" * DEEP + "\n")
    write(root / "infra" / "policy.hcl", 'path "secret/data/x" ' + "{" * DEEP + "}" * DEEP + "\n")
    write(root / "README.md", "## Secrets architecture\n" + "> " * DEEP + "- `DB_PASSWORD`\n"
          + "".join("  " * i + "- item\n" for i in range(200)))
    write(root / "scripts" / "deep.sh", "echo " + "$(" * DEEP + ")" * DEEP + "\n")
    write(root / "config" / "deep.toml", "a = " + "[" * 2000 + "]" * 2000 + "\n")
    return root


def test_5000_deep_nesting_is_a_located_note_or_finding_not_a_crash(tmp_path: Path) -> None:
    outcome = gates(deep_tree(tmp_path), "check", "--format", "json", timeout=90)
    assert outcome.code == 1 and outcome.seconds < 45
    found = located(outcome)
    assert ("untagged-default", "deploy/compose.yml", 3, 16) in found  # read despite the depth
    assert ("parse-error", "deploy/compose.yml", 1, 1) in found
    too_deep = [f for f in outcome.json()["findings"] if f["rule"] == "parse-error"]
    assert all("too deep" in f["message"] for f in too_deep)
    nested = [f for f in found if f[1] == "deploy/nested.env" and f[0] == "untagged-default"]
    assert len(nested) == DEEP  # every nested default is reported, each once
    assert outcome.json()["summary"]["execution_successful"] is True


def test_a_folder_tree_400_deep_is_walked(tmp_path: Path) -> None:
    """Depth is data, not recursion. (The gitignore matcher looks at every folder above every
    path: time grows with depth squared, 400 levels ~0.7 s, 1,500 ~10 s; PATH_MAX caps it.)"""
    folder = tmp_path
    for _ in range(400):  # not os.makedirs: it recurses once per level
        folder = folder / "d"
        folder.mkdir()
    write(folder / "compose.yml", UNTAGGED)
    try:
        outcome = gates(tmp_path, "check", "--format", "json", "--select", ",".join(CORE_RULES))
    finally:  # rm, not shutil.rmtree: pytest's cleanup recurses once per level
        subprocess.run(["rm", "-rf", str(tmp_path / "d")], check=True, timeout=60)
    assert outcome.code == 1 and [f[1] for f in located(outcome)] == ["d/" * 400 + "compose.yml"]


# --- encodings and bytes -------------------------------------------------------------------------


def test_encodings_keep_findings_on_the_right_line_and_say_what_was_lost(tmp_path) -> None:
    crlf = "# header\r\nservices:\r\n  api:\r\n    environment:\r\n      B: ${B:-1}\r\n"
    write(tmp_path / "bom-crlf" / "compose.yml", codecs.BOM_UTF8 + crlf.encode())
    write(tmp_path / "utf16le" / "compose.yml", codecs.BOM_UTF16_LE + crlf.encode("utf-16-le"))
    write(tmp_path / "utf16be" / "compose.yml", codecs.BOM_UTF16_BE + crlf.encode("utf-16-be"))
    write(tmp_path / "utf32" / "compose.yml", codecs.BOM_UTF32_LE + crlf.encode("utf-32-le"))
    write(tmp_path / "old-mac" / "compose.yml", crlf.replace("\r\n", "\r"))
    write(tmp_path / "latin1" / "compose.yml",
          "# caf\xe9 cr\xe8me\nservices:\n  api:\n    image: a:${T:-1}\n".encode("latin-1"))
    write(tmp_path / "utf16-no-bom" / "compose.yml", UNTAGGED.encode("utf-16-le"))
    write(tmp_path / "nul" / "compose.yml", UNTAGGED.encode() + b"\0\n")
    outcome = gates(tmp_path, "check", "--format", "json", "--select", ",".join(CORE_RULES))
    assert outcome.code == 1
    found = {(path.split("/")[0], line, col) for _, path, line, col in located(outcome)}
    for folder in ("bom-crlf", "utf16le", "utf16be", "utf32", "old-mac"):
        assert (folder, 5, 10) in found, folder  # the default in a BOM + CRLF file: line 5
    assert ("latin1", 4, 14) in found
    skipped = notes(outcome)
    assert skipped["latin1/compose.yml"].startswith("invalid UTF-8 (2 byte sequence(s)")
    assert skipped["utf16-no-bom/compose.yml"] == "binary (contains NUL bytes)"
    assert skipped["nul/compose.yml"] == "binary (contains NUL bytes)"
    assert outcome.json()["summary"]["execution_successful"] is True
    text = gates(tmp_path, "check", "--select", ",".join(CORE_RULES))
    assert "invalid UTF-8" in text.out and "binary" in text.out  # the summary line says so


@pytest.mark.parametrize(("data", "said"), [
    (b"ok \xef\xbf\xbd written as U+FFFD", ""),  # the file's own U+FFFD is no loss
    (b"caf\xe9 \xff\xfe", "invalid UTF-8 (3 byte sequence(s)"),
    (codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"\x00\xd8", "invalid UTF-16 (1 byte"),
    (codecs.BOM_UTF32_BE + b"\x00\x00\x00a\x00\x00", "invalid UTF-32 (1 byte"),
], ids=["own-fffd", "latin1", "lone-surrogate", "truncated-utf32"])
def test_what_decoding_replaced_is_said(data: bytes, said: str) -> None:
    from gates.documents import decode, undecodable

    text = decode(data)
    assert text is not None and undecodable(data, text).startswith(said)
    assert bool(said) == bool(undecodable(data, text))


# --- the file system: links, special files, permissions, names -----------------------------------


def test_symlink_loops_and_links_out_of_the_repo_are_never_followed(tmp_path) -> None:
    root, outside = tmp_path / "repo", tmp_path / "outside"
    write(outside / "compose.yml", "services:\n  x:\n    image: a:${OUTSIDE:-1}\n")
    write(root / "compose.yml", UNTAGGED)
    (root / "loop1").symlink_to("loop2")
    (root / "loop2").symlink_to("loop1")
    (root / "self").symlink_to(".", target_is_directory=True)
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to("..", target_is_directory=True)
    (root / "out").symlink_to(outside, target_is_directory=True)
    (root / "out.yml").symlink_to(outside / "compose.yml")
    (root / "dangling").symlink_to(tmp_path / "nowhere")
    outcome = gates(root, "check", "--format", "json")
    assert outcome.code == 1 and outcome.seconds < 30
    assert [f[1] for f in located(outcome)] == ["compose.yml"]
    assert "OUTSIDE" not in outcome.out
    assert set(notes(outcome)) == {"loop1", "loop2", "self", "sub/up", "out", "out.yml",
                                   "dangling"}
    named = gates(root, "check", "compose.yml", "out/compose.yml", "out.yml", "--format", "json")
    assert named.code == 1 and "OUTSIDE" not in named.out
    assert set(notes(named)) == {"out/compose.yml", "out.yml"}


def _unreadable_prefix() -> list[str]:
    """How to run gates so that mode 000 denies reading: root ignores modes unless it drops
    CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (``setpriv``); anyone else just obeys them."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot make a file unreadable")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def test_unreadable_files_and_folders_are_exit_2_and_named(tmp_path: Path) -> None:
    write(tmp_path / "ok" / "compose.yml", UNTAGGED)
    secret = write(tmp_path / "locked" / "compose.yml", UNTAGGED)
    closed = write(tmp_path / "closed" / "inner" / "compose.yml", UNTAGGED).parent
    secret.chmod(0)
    closed.chmod(0)
    try:
        outcome = gates(tmp_path, "check", "--format", "json", prefix=_unreadable_prefix())
    finally:
        secret.chmod(0o644)
        closed.chmod(0o755)
    assert outcome.code == 2
    errors = notes(outcome, "error")
    assert "Permission denied" in errors["locked/compose.yml"]
    assert "Permission denied" in errors["closed/inner"]
    assert "could not be read" in outcome.err
    assert outcome.json()["summary"]["execution_successful"] is False
    assert [f[1] for f in located(outcome)] == ["ok/compose.yml"]  # the rest is still checked


def test_fifos_are_never_opened(tmp_path: Path) -> None:
    write(tmp_path / "compose.yml", UNTAGGED)
    os.mkfifo(tmp_path / "pipe.yml")
    os.mkfifo(tmp_path / ".env")
    walked, named = gates_together(tmp_path, [("check", "--format", "json"),
                                              ("check", "pipe.yml", ".env", "--format", "json")],
                                   timeout=30)
    assert walked.code == 1 and named.code == 0  # a read would block forever: timeout = fail
    assert notes(walked) == notes(named) == {"pipe.yml": "not a regular file",
                                             ".env": "not a regular file"}


ODD_NAMES = ["new\nline", "\x1b[31mred\x1b[0m", "ünï cødé ✓", "tab\there", "-rf", "日本語",
             "back\\slash", "quote\"s'", "%41%2F"]


def test_odd_file_names_are_reported_safely_in_every_format(tmp_path: Path) -> None:
    for name in ODD_NAMES:
        write(tmp_path / name / "compose.yml", UNTAGGED)
    latin1 = os.fsencode(tmp_path) + b"/caf\xe9"
    os.mkdir(latin1)
    with open(latin1 + b"/compose.yml", "w", encoding="utf-8") as handle:
        handle.write(UNTAGGED)
    select = ("--select", ",".join(CORE_RULES))
    as_json, text, as_sarif, github = gates_together(tmp_path, [
        ("check", "--format", fmt, *select) for fmt in ("json", "text", "sarif", "github")])
    assert as_json.code == 1
    paths = {f[1] for f in located(as_json)}
    assert paths >= {f"{name}/compose.yml" for name in ODD_NAMES}
    assert len(paths) == len(ODD_NAMES) + 1  # and the Latin-1 name
    assert "\x1b" not in text.out and "\\x1b[31mred" in text.out  # no terminal escapes
    assert "new\\nline/compose.yml:3:16" in text.out  # one finding, one line
    sarif = as_sarif.json()
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif["runs"][0]["results"]}
    assert "new%0Aline/compose.yml" in uris and "caf%E9/compose.yml" in uris
    assert all(" " not in uri and "\n" not in uri for uri in uris)
    annotations = [line for line in github.out.splitlines() if line.startswith("::error")]
    assert len(annotations) == len(ODD_NAMES) + 1  # a newline in a name cannot split one


def test_100000_tiny_files(tmp_path: Path) -> None:
    """Each folder holds 1,000 hard links to one tiny file: 100,000 paths gates reads one by one
    (it never dedupes by inode), made in half the time of 100,000 separate files."""
    root = tmp_path / "many"
    root.mkdir()
    for folder in range(100):
        base = root / f"d{folder:02d}"
        base.mkdir()
        write(base / "f0.txt", "x\n")
        for index in range(1, 1000):
            os.link(base / "f0.txt", base / f"f{index}.txt")
    outcome = gates(root, "check", "--format", "json", "--select", "untagged-default",
                    timeout=240)
    assert outcome.code == 0
    assert outcome.json()["summary"]["files_scanned"] == 100_000
    print(f"100,000 tiny files: {outcome.seconds:.1f} s, {outcome.rss_mb:.0f} MB peak RSS")


# --- git: none, corrupt, shallow -----------------------------------------------------------------


def test_a_folder_without_git_is_checked_fully(tmp_path: Path) -> None:
    write(tmp_path / "compose.yml", UNTAGGED)
    write(tmp_path / ".gitignore", "ignored/\n")
    write(tmp_path / "ignored" / "compose.yml", UNTAGGED)
    outcome = gates(tmp_path, "check", "--format", "json", "--select", ",".join(CORE_RULES))
    assert outcome.code == 1 and [f[1] for f in located(outcome)] == ["compose.yml"]
    assert outcome.json()["summary"]["execution_successful"] is True
    staged = gates(tmp_path, "check", "--staged")
    assert staged.code == 2 and "not inside a git repository" in staged.err


def _committed(root: Path) -> Path:
    write(root / "compose.yml", UNTAGGED)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "one")
    return root


# What breaks, and the exit codes of `check`, `check --staged` and `check --diff HEAD`: 2 (with a
# hint) when the run needs what is broken; a full check needs only the index and the work tree,
# a diff of HEAD against itself only the commit.
# (A .git file with junk, an empty .git folder: tests/test_cli.py, in-process.)
CORRUPTIONS = {
    "a .git file to nowhere": (lambda g: (shutil.rmtree(g), g.write_text("gitdir: /no/.git\n")),
                               (2, 2, 2)),
    "a garbage index": (lambda g: (g / "index").write_bytes(b"DIRC" + os.urandom(300)),
                        (2, 2, 0)),
    "a garbage HEAD": (lambda g: (g / "HEAD").write_text("garbage\n"), (1, 2, 2)),
    "no objects": (lambda g: [shutil.rmtree(p) for p in (g / "objects").iterdir() if p.is_dir()],
                   (1, 2, 2)),
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_a_corrupted_git_folder_is_exit_2_with_a_hint(tmp_path, corruption) -> None:
    root = _committed(tmp_path / "repo")
    corrupt, expected = CORRUPTIONS[corruption]
    corrupt(root / ".git")
    commands = (("check",), ("check", "--staged"), ("check", "--diff", "HEAD"))
    outcomes = gates_together(root, commands)
    assert tuple(o.code for o in outcomes) == expected
    for outcome in outcomes:
        if outcome.code == 2:
            assert "error:" in outcome.err and "hint:" in outcome.err, outcome.err


def test_a_shallow_clone_without_the_base_is_exit_2_saying_how_to_fetch(tmp_path) -> None:
    origin = _committed(tmp_path / "origin")
    git(origin, "checkout", "-qb", "feature")
    for name in ("f.yml", "g.yml"):
        write(origin / name, UNTAGGED)
        git(origin, "add", "-A")
        git(origin, "commit", "-qm", name)
    git(origin, "checkout", "-q", "main")
    write(origin / "main.yml", "a: 1\n")
    git(origin, "add", "-A")
    git(origin, "commit", "-qm", "main moves on")
    clone = tmp_path / "clone"
    subprocess.run([*GIT, "clone", "-q", "--depth", "1", "--no-single-branch", "-b", "feature",
                    origin.as_uri(), str(clone)], check=True, capture_output=True, timeout=60)
    for base in ("origin/main", "HEAD~1"):
        outcome = gates(clone, "check", "--diff", base)
        assert outcome.code == 2 and "shallow" in outcome.err and "fetch-depth: 0" in outcome.err
    direct = gates(clone, "check", "--diff", "origin/main..HEAD", "--format", "json",
                   "--select", ",".join(CORE_RULES))
    assert direct.code == 1  # two named commits need no merge base
    assert {f[1] for f in located(direct)} == {"f.yml", "g.yml"}
