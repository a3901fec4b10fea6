"""The two exceptions that cross module boundaries.

``GatesError`` is a user mistake (bad config, unknown rule, missing git repo): the CLI prints it
and exits 2. ``Skip`` is raised by a check that cannot run; the engine records it so that every
reporter shows it and a skipped check never looks like a pass.
"""

from __future__ import annotations


class GatesError(Exception):
    """A problem with the user's input: shown as ``gates: error: <message>``, exit 2.

    ``hint`` says how to fix it. Messages never contain secret values.
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message

    def __reduce__(self) -> tuple[type[GatesError], tuple[str, str | None]]:
        return type(self), (self.message, self.hint)  # raised in a scan worker, hint and all


class Skip(Exception):
    """Raised by a check that cannot run here (no token, no git repo); carries the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
