"""Rendered output of every format, pinned: any change to what users or scripts see is a diff."""

from __future__ import annotations

import io

import pytest

from gates.report import REPORTERS, RenderOptions
from gates.report.github import render_summary


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
@pytest.mark.parametrize("which", ["result", "empty_result"])
def test_format(fmt, which, request, render, snapshot):
    assert render(fmt, request.getfixturevalue(which)) == snapshot


@pytest.mark.parametrize("which", ["result", "empty_result"])
def test_github_step_summary(which, request, snapshot):
    out = io.StringIO()
    render_summary(request.getfixturevalue(which), out, RenderOptions())
    assert out.getvalue() == snapshot


def test_text_verbose_with_suppressed_and_display_root(result, render, snapshot):
    text = render(
        "text", result, verbose=True, include_suppressed=True, display_root="fixtures/repos/ex"
    )
    assert text == snapshot


def test_text_color(result, render, snapshot):
    # ESC spelled out so the snapshot file holds no raw control characters.
    assert render("text", result, color=True).replace("\x1b", "<ESC>") == snapshot


def test_sarif_with_suppressed(result, render, snapshot):
    assert render("sarif", result, include_suppressed=True) == snapshot
