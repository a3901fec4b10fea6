"""Show a secret without revealing it: a few leading characters and the length.

Every message that mentions a secret value goes through ``redact``. The prefix is enough to tell
a ``ghp_`` token from an ``AKIA`` key id when triaging, and short enough that it gives away almost
none of the value: at most 4 characters, and a quarter of the value at most, so a weak password
such as ``changeme`` shows only ``ch``.
"""

from __future__ import annotations

MAX_SHOWN = 4


def shown_chars(length: int) -> int:
    """How many leading characters of a value of ``length`` may be shown (0 to 4)."""
    return min(MAX_SHOWN, length // 4)


def redact(value: str) -> str:
    """``ghp_… (40 chars)``, ``ch… (8 chars)``, ``… (3 chars)``; never more of the value.

    Characters that are not printable (a newline at the start of a key block) are shown as
    ``?`` so that a redacted value is always one short line.
    """
    head = "".join(ch if ch.isprintable() and not ch.isspace() else "?"
                   for ch in value[:shown_chars(len(value))])
    unit = "char" if len(value) == 1 else "chars"
    return f"{head}… ({len(value)} {unit})"
