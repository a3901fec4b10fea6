"""The reporter registry: explicit, lazy, and complete."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gates.errors import GatesError
from gates.report import REPORTERS, get_renderer


def test_registry_lists_the_four_formats():
    assert set(REPORTERS) == {"text", "json", "sarif", "github"}


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_every_format_resolves_to_a_render_function(fmt):
    renderer = get_renderer(fmt)
    assert callable(renderer)
    assert renderer.__module__ == REPORTERS[fmt]


def test_unknown_format_is_a_user_error_naming_the_choices():
    with pytest.raises(GatesError) as info:
        get_renderer("xml")
    assert "xml" in str(info.value)
    assert "sarif" in str(info.value)


def test_importing_the_package_imports_no_reporter():
    src = Path(__file__).resolve().parents[2] / "src"
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import gates.report; "
        "print(sorted(m for m in sys.modules if m.startswith('gates.report.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(src)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
