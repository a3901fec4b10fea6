"""The JSON copy of the built-in rule files: same data as the YAML, refreshed when a file changes."""

from __future__ import annotations

import os
from pathlib import Path

from gates import rule_cache
from gates.rules import _builtin_rule_data, builtin_rules_dir


def test_the_copy_holds_exactly_what_the_yaml_says(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GATES_CACHE_DIR", str(tmp_path))
    files = sorted(builtin_rules_dir().glob("*.yaml"))
    fresh = [_builtin_rule_data(path) for path in files]
    assert rule_cache.load_rule_data(files, _builtin_rule_data) == fresh  # parsed, stored
    assert len(list(tmp_path.glob("rules-*.json"))) == 1
    calls = []
    cached = rule_cache.load_rule_data(files, lambda p: calls.append(p))
    assert cached == fresh and calls == []  # read back, nothing parsed


def test_an_edited_rule_file_is_parsed_again(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GATES_CACHE_DIR", str(tmp_path / "cache"))
    rule = tmp_path / "a.yaml"
    rule.write_text("one", encoding="utf-8")
    assert rule_cache.load_rule_data([rule], lambda p: p.read_text("utf-8")) == ["one"]
    rule.write_text("two!", encoding="utf-8")
    os.utime(rule, ns=(1, 1))
    assert rule_cache.load_rule_data([rule], lambda p: p.read_text("utf-8")) == ["two!"]


def test_an_unwritable_cache_just_parses(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("GATES_CACHE_DIR", str(blocker / "cache"))
    rule = tmp_path / "a.yaml"
    rule.write_text("x", encoding="utf-8")
    assert rule_cache.load_rule_data([rule], lambda p: "parsed") == ["parsed"]
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_corrupt_copy_is_ignored(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GATES_CACHE_DIR", str(tmp_path))
    rule = tmp_path / "a.yaml"
    rule.write_text("x", encoding="utf-8")
    rule_cache.load_rule_data([rule], lambda p: "parsed")
    (copy,) = tmp_path.glob("rules-*.json")
    copy.write_text("{not json", encoding="utf-8")
    assert rule_cache.load_rule_data([rule], lambda p: "again") == ["again"]
