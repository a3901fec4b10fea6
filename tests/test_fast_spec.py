"""``ignore.FastSpec`` answers ``match_file`` exactly as pathspec's GitIgnoreSpec does."""

from __future__ import annotations

import pathspec
from hypothesis import given, settings
from hypothesis import strategies as st

from gates.ignore import spec

SEGMENT = st.sampled_from(["a", "b", "src", "node_modules", ".git", "x.pem", "id_rsa", ".env",
                           "c.min.js", "deploy", "**", "*", "*.pem", "[ab]", "?", ".env.*"])
GLOB = st.builds(lambda parts, lead, trail: ("/" if lead else "") + "/".join(parts)
                 + ("/" if trail else ""),
                 st.lists(SEGMENT, min_size=1, max_size=4), st.booleans(), st.booleans())
PATH = st.builds(lambda parts, folder: "/".join(parts) + ("/" if folder else ""),
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
