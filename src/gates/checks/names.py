"""Is a variable name a secret? Shared by the rules that treat secrets differently."""

from __future__ import annotations

import re

# A word of the name (split on _ - . and camelCase) that marks a secret...
_SECRET_WORDS = {
    "PASSWORD", "PASSWD", "PASS", "SECRET", "TOKEN", "APIKEY", "CREDENTIAL",
    "CREDENTIALS", "PASSPHRASE", "PRIVATEKEY", "DSN",
}
# ...two adjacent words that do (CACHE_KEY is not a secret, API_KEY is).
_SECRET_PAIRS = {
    ("API", "KEY"), ("ACCESS", "KEY"), ("SECRET", "KEY"), ("PRIVATE", "KEY"), ("SIGNING", "KEY"),
    ("ENCRYPTION", "KEY"), ("MASTER", "KEY"), ("CLIENT", "SECRET"), ("AUTH", "KEY"),
}
# A last word that makes the name about a secret rather than the secret itself.
_NOT_SECRET_LAST = {
    "FILE", "PATH", "DIR", "URL", "HOST", "PORT", "NAME", "TTL", "TIMEOUT", "LENGTH", "EXPIRY",
    "ENABLED", "ENABLE", "TYPE", "ID", "USER", "USERNAME", "HEADER", "REF", "KEYS", "ROTATION",
}


def words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [w for w in re.split(r"[_\-.]+", spaced.upper()) if w]


def is_secret_name(name: str) -> bool:
    """``DB_PASSWORD``, ``stripeApiKey``, ``GITHUB_TOKEN`` yes; ``TOKEN_URL``, ``PASSWORD_FILE`` no."""
    parts = words(name)
    if not parts or parts[-1] in _NOT_SECRET_LAST:
        return False
    if any(p in _SECRET_WORDS for p in parts):
        return True
    return any(pair in _SECRET_PAIRS for pair in zip(parts, parts[1:]))
