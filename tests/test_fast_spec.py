"""``ignore.FastSpec`` answers ``match_file`` exactly as pathspec's GitIgnoreSpec does."""

from __future__ import annotations

import subprocess
import sys

import pathspec
from hypothesis import given, settings
from hypothesis import strategies as st

from gates.ignore import spec

SEGMENT = st.sampled_from(["a", "b", "src", "node_modules", ".git", "x.pem", "id_rsa", ".env",
                           "c.min.js", "deploy", "**", "*", "*.pem", "[ab]", "?", ".env.*"])
GLOB = st.builds(lambda parts, lead, trail: ("/" if lead else "") + "/".join(parts)
                 + ("/" if trail else ""),
                 st.lists(SEGMENT, min_size=1, max_size=4), st.booleans(), st.booleans())
PATH = st.builds(lambda lead, parts, folder: lead + "/".join(parts) + ("/" if folder else ""),
                 st.sampled_from(["", "", "./", "/"]),
                 st.lists(st.sampled_from(["a", "b", "src", "node_modules", ".git", "x.pem",
                                           "id_rsa", ".env", ".env.prod", "c.min.js", "deploy"]),
                          min_size=1, max_size=5), st.booleans())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(GLOB, GLOB.map(lambda g: "!" + g)), min_size=1, max_size=6),
       st.lists(PATH, min_size=1, max_size=8))
def test_fast_match_is_pathspec_match(globs: list[str], paths: list[str]) -> None:
    fast = spec(globs)
    slow = pathspec.GitIgnoreSpec.from_lines(globs)
    for path in paths:
        assert fast.match_file(path) == bool(slow.match_file(path)), (globs, path)


def test_no_patterns_match_nothing() -> None:
    assert not spec([]).match_file("a") and not spec(["# a comment", ""]).match_file("a")


def test_translations_are_kept_on_disk_and_reused(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GATES_CACHE_DIR", str(tmp_path))
    probe = ("import sys; from gates.ignore import spec; "
             "print(spec(['deploy/**', '*.pem']).match_file('deploy/a.yml'), "
             "'pathspec' in sys.modules)")
    first = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           check=True)
    assert first.stdout.split() == ["True", "True"]  # translated by pathspec, then stored
    assert len(list(tmp_path.glob("globs-*.json"))) == 1
    second = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    assert second.stdout.split() == ["True", "False"]  # the same answer without pathspec


def test_a_negated_ban_stays_one_bans_exception(make_repo) -> None:
    """forbidden-path's one-regex prefilter must not read "!public.key" as an exception to
    the whole list: each ban is its own glob (``*.key`` still matches public.key)."""
    from gates_testing import scan

    repo = make_repo({"a.key": "x\n", "public.key": "x\n", ".gates.yml": (
        "forbidden_paths:\n  - {glob: '*.key', reason: keys}\n"
        "  - {glob: '!public.key', reason: keys}\n"
        "rules:\n  forbidden-path:\n    options:\n      defaults: false\n")})
    found = sorted(f.location.path for f in scan(repo, select=("forbidden-path",)).findings)
    assert found == ["a.key", "public.key"]


def test_pattern_lists_do_not_collide_in_the_cache(tmp_path, monkeypatch) -> None:
    from gates import glob_cache

    monkeypatch.setattr(glob_cache, "_cache", {})
    joined = glob_cache.translate(("secret.pem\nid_rsa",))
    apart = glob_cache.translate(("secret.pem", "id_rsa"))
    assert joined != apart
