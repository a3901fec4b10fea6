"""Fixtures shared by all tests (helpers live in ``gates_testing.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from gates_testing import materialise


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """``make_repo(tree_or_dict, git_repo=True)``: a fixture folder or {path: text} as a repo."""
    counter = iter(range(1000))

    def make(tree: Path | dict[str, str], *, git_repo: bool = True) -> Path:
        dest = tmp_path / f"repo{next(counter)}"
        if isinstance(tree, dict):
            source = tmp_path / f"src{next(counter)}"
            for rel, text in tree.items():
                (source / rel).parent.mkdir(parents=True, exist_ok=True)
                (source / rel).write_text(text, encoding="utf-8")
            tree = source
        return materialise(tree, dest, git_repo=git_repo)

    return make


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep gates' validation cache out of the developer's ~/.cache during tests."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))
