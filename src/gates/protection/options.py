"""``ForgeOptions``: what the user said about the forge, kept apart from the code that reads it.

A plain ``gates check`` builds one (every option unset) on each run; importing the forge client
(HTTP, JSON schemas of the answers) only when ``wanted`` keeps a pre-commit run's start-up short.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gates.forge.http import HttpSettings


@dataclass(frozen=True)
class ForgeOptions:
    """What the user said about the forge. ``http`` lets tests shrink timeouts and backoff."""

    protection: bool = False  # read live protection (implied by ``snapshot``)
    provider: str | None = None
    api_url: str | None = None
    repo: str | None = None
    token_env: str | None = None
    snapshot: Path | None = None
    allow_unknown: bool = False
    http: HttpSettings | None = None  # None: the defaults of ``HttpSettings``

    @property
    def wanted(self) -> bool:
        return self.protection or self.snapshot is not None
