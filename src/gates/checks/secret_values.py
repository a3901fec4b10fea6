"""Is this string a real secret, or a reference, a placeholder, a hash? Shared by the secret rules.

Precision lives here. A secret rule is only useful if people keep it on, so everything that
merely *points* at a secret (``${DB_PASSWORD}``, ``os.environ[...]``, ``{{ .Values.x }}``, a
``secretKeyRef``), everything that says "put yours here" (``<your-token>``, ``xxxx``, ``***``)
and everything that is random but public (lockfile integrity hashes, git SHAs, UUIDs,
checksums) stays quiet. A weak but real password (``changeme``) is not a placeholder: it ships.
"""

from __future__ import annotations

import math
import re
from collections import Counter

# Words that only documentation and templates put where a secret goes. Matched in lower, UPPER
# or Title case only: a random token contains ``xXXX`` or ``fAkE`` now and then, a person never.
_PLACEHOLDER_TERMS = (
    "example", "sample", "dummy", "placeholder", "redacted", "fake", "xxxx", "insert",
    "replace_me", "replaceme", "replace-me", "replace_with", "replace-with", "fill_in", "fill-in",
    "fillme", "goes_here", "goes-here", "not_a_real", "not-a-real", "do_not_use", "your_own",
    "your-own", "your_real", "your-real", "your_secret", "your-secret", "your_token",
    "your-token", "your_key", "your-key", "yourkey", "your_pass", "your-pass", "yourpass",
    "your_api", "your-api", "yourapi", "your ", "put_your", "put-your",
)
_PLACEHOLDER_WORDS = re.compile("|".join(
    re.escape(variant) for term in _PLACEHOLDER_TERMS
    for variant in sorted({term, term.upper(), term.capitalize()}))
    + r"|\*{3}|•{3}|\.\.\.|…|<[^>]*>")
_RUN = re.compile(r"(.)\1{5,}")

# A value that points at a secret kept elsewhere: interpolation, templating, lookups.
_REFERENCE = re.compile(
    r"\$\{|\$\(|\{\{|\{%|%\(\w+\)|#\{|<%|\$\$?[A-Za-z_][A-Za-z0-9_]*$|^\$[A-Za-z_]|^%[A-Za-z_]\w*%$"
    r"|secretKeyRef|valueFrom|^(?:vault|ref\+\w+|op|awssm|sm|gcpsm|azkv|secretsmanager|ssm)://"
    r"|^vault:|^arn:aws:(?:secretsmanager|ssm|kms):|^projects/[^/]+/secrets/|^ENC\[|^!vault"
    r"|process\.env|os\.environ|os\.getenv|getenv\(|System\.getenv|ENV\[|ENV\.fetch|env\(")

# Whole values that are documentation words, types or switches, never a credential.
GENERIC_VALUES = frozenset({
    "password", "passwd", "pass", "pwd", "secret", "secrets", "token", "apikey", "api_key",
    "api-key", "key", "private_key", "credentials", "credential", "none", "null", "nil",
    "undefined", "true", "false", "yes", "no", "on", "off", "string", "str", "bytes", "int",
    "value", "default", "required", "optional", "empty", "todo", "tbd", "fixme", "n/a", "na",
    "unset", "unknown", "missing", "hidden", "masked", "inherit", "read", "write", "auto",
    "bearer", "basic", "env", "generated", "random", "example", "sample", "test_token",
    "dummy", "secret_key", "access_token", "auth_token", "client_secret", "api_token",
    "changeit_in_prod", "xxx", "redacted",
})

# Passwords that vendors' reference documentation prints in its sample files (NuGet's
# ``nuget.config`` reference, ``packageSourceCredentials``): copied examples, not credentials.
DOCUMENTED_EXAMPLES = frozenset({"33f!!lloppa", "hal+9ooo_da!sy"})

_HASH_PREFIX = re.compile(r"(?i)^(?:sha(?:1|224|256|384|512)|md5|blake2b?|h1|xxh64)[-:=]")
_HEX_DIGEST = re.compile(r"[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128}", re.I)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
_PATH = re.compile(
    r"^(?:/|\./|\.\./|~/|[A-Za-z]:\\|file:)|\.(?:pem|key|crt|cer|p12|pfx|jks|txt|json|ya?ml|"
    r"env|gpg|asc|der|pub|keystore|truststore)$", re.I)
_PLAIN_URL = re.compile(r"^[a-z][a-z0-9+.-]*://[^@\s]*$", re.I)
_REGEX_LIKE = re.compile(
    r"\(\?[:=!<P]|\\[dswbDSWBvnt]|\[(?:\^|[^\]]*-[^\]]*\])|\{\d+,\d*\}|\^\(|\)\$")
_FORMAT_LIKE = re.compile(
    r"(?<![A-Za-z0-9])%[-#0 +]*\d*(?:\.\d+)?[sdifxXr](?![A-Za-z0-9])"  # printf: %s, %5d
    r"|%\(\w+\)[sdr]|\{\d*\}|\{[A-Za-z_]\w*(?:[.:!][^}]*)?\}|\{[A-Za-z_]\w*\[")  # %(x)s, {}, {x}
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_SECRET_OBJECT_NAME = re.compile(
    r"^[a-z0-9][a-z0-9.-]*secrets?[a-z0-9.-]*$|^[a-z0-9.-]*-secrets?-[a-z0-9.-]*$")


def shannon(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def default_min_entropy(length: int) -> float:
    """What a random value of ``length`` clears with room to spare (hex 32: 3.8, base62: 4.9)."""
    return min(3.0, 0.75 * math.log2(max(length, 2)))


def has_placeholder_words(value: str) -> bool:
    return bool(_PLACEHOLDER_WORDS.search(value))


def is_sequential(value: str, run: int = 6) -> bool:
    """``abcdef``, ``123456``, ``987654``: typed by a person, not drawn at random."""
    steps, direction = 0, 0
    for a, b in zip(value, value[1:]):
        step = ord(b) - ord(a)
        if a.isalnum() and b.isalnum() and step in (1, -1):
            steps = steps + 1 if step == direction else 1
            direction = step
            if steps >= run - 1:
                return True
        else:
            steps, direction = 0, 0
    return False


def looks_fake(value: str) -> bool:
    """A token-shaped value a person made up: placeholder words, long runs, counting.

    Past 80 characters random text spells a short word or repeats a character now and then, so
    long values need longer runs and no word list (their stand-ins use ``<…>``, ``...``, ``***``).
    """
    if len(value) > 80:
        return bool(_LONG_STANDINS.search(value) or _LONG_RUN.search(value)
                    or is_sequential(value, 8))
    return has_placeholder_words(value) or bool(_RUN.search(value)) or is_sequential(value)


_LONG_STANDINS = re.compile(
    r"\*{3}|•{3}|\.\.\.|…|<[^>]*>|(?i:x{8}|example|placeholder|redacted)")
_LONG_RUN = re.compile(r"(.)\1{7,}")


def is_reference(value: str) -> bool:
    """``${X}``, ``{{ .Values.x }}``, ``os.environ[...]``, ``vault:...``: points at a secret."""
    return bool(_REFERENCE.search(value))


def is_public_random(value: str) -> bool:
    """A digest, a UUID or an integrity hash: random-looking and not secret by itself."""
    return bool(_HASH_PREFIX.match(value) or _HEX_DIGEST.fullmatch(value)
                or _UUID.fullmatch(value))


def quiet_literal(value: str, key: str, *, min_length: int = 4,
                  extra_placeholders: frozenset[str] = frozenset()) -> bool:
    """True when a literal assigned to a secret-named ``key`` is not worth reporting.

    Reported: any other literal, including weak real passwords (``changeme``, ``admin123``)
    and hex strings (``openssl rand -hex 32`` is how secrets are made). UUIDs stay quiet even
    under a secret name: they are request ids and idempotency "tokens" far more often than keys.
    """
    text = value.strip()
    lowered = text.lower()
    if len(text) < min_length or lowered.strip(":=.,;") in GENERIC_VALUES \
            or lowered in extra_placeholders or lowered in DOCUMENTED_EXAMPLES:
        return True
    if _normal(lowered) in (_normal(key), _normal(key.rsplit(".", 1)[-1])):
        return True  # "password": "password" is a label or a form field name
    if is_reference(text) or has_placeholder_words(text) or _HASH_PREFIX.match(text):
        return True
    if _UUID.fullmatch(text) or text.isdigit() or _BRACKETED.match(text):
        return True  # an id, a number (a port, an error code), a ``[REDACTED]`` stand-in
    if _PATH.search(text) or _PLAIN_URL.match(text) or _ENV_NAME.match(text):
        return True  # a file holding the secret, an endpoint, or the name of a variable
    if any(ch.isspace() for ch in text):
        return True  # prose: a label, a prompt, an error message
    if _REGEX_LIKE.search(text) or _FORMAT_LIKE.search(text):
        return True  # a pattern that matches secrets, or a format string that builds one
    if _SECRET_OBJECT_NAME.match(text) or _names_a_secret(text):
        return True  # names a secret (``db-credentials-secret``, ``NextToken``), is not one
    if _COLOR_OR_ANCHOR.match(text) or text.startswith("arn:"):
        return True  # ``#d8dee9``, ``arn:aws:iam::aws:policy/…``: identifiers
    if len(text) >= 20 and is_sequential(text):
        return True  # ``ghp_PLANTED1234567890abcdef…``: a token-shaped stand-in
    return bool(_RUN.search(text))  # ``SK000000…``: a stand-in, not a value


_BRACKETED = re.compile(r"^\[[^\]]*\]$")
_IDENTIFIER = re.compile(r"^[A-Za-z]+(?:[_.:-][A-Za-z]+)*$")  # words only: no digits, no symbols
_COLOR_OR_ANCHOR = re.compile(r"^#(?:[0-9a-fA-F]{3,8}|[A-Za-z][\w-]*)$")


def _names_a_secret(text: str) -> bool:
    """An identifier made of words, one of which is a secret word: ``aws_secret_access_key``."""
    from gates.checks.names import _SECRET_PAIRS, _SECRET_WORDS, words

    if not _IDENTIFIER.match(text):
        return False
    parts = words(re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text).replace(":", "."))  # AWSSecretKey
    if len(parts) < 2:
        return False
    return any(p in _SECRET_WORDS for p in parts) or any(
        pair in _SECRET_PAIRS for pair in zip(parts, parts[1:]))


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())
