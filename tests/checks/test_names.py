"""Which variable names count as secrets (shared by secret-default and secret-literal)."""

from __future__ import annotations

import pytest

from gates.checks.names import is_secret_name


@pytest.mark.parametrize("name", ["DB_PASSWORD", "stripeApiKey", "GITHUB_TOKEN", "client_secret",
                                  "SECRET_KEY", "jwtSecret", "AWS_SECRET_ACCESS_KEY"])
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["TOKEN_URL", "PASSWORD_FILE", "CACHE_KEY", "secrets", "PWD",
                                  "LOG_LEVEL", "SECRET_NAME"])
def test_names_about_secrets_are_not_secrets(name: str) -> None:
    """`secrets:` is a container (`.gates.yml` apps: secrets: eso), PWD is the shell's cwd."""
    assert not is_secret_name(name)
