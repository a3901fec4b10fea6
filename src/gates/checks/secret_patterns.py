"""The catalogue of credential formats that ``hardcoded-secret`` knows by shape.

Each ``SecretPattern`` is written from the provider's published token format (prefix, alphabet,
length, checksum), not copied from another scanner. A pattern is data: a regex whose ``secret``
group (else the whole match) is the credential, lowercase ``keywords`` for the per-file prefilter
(the regex runs only when one occurs in the file), an optional ``validate`` that checks what a
regex cannot (GitHub's CRC32, a JWT's JSON header, a base64 ``user:pass``), an optional
``context`` that must occur near the match (an AWS secret key is only a 40-character string
until its key id or its name is close by) and ``generate``, which makes a random value of the
format: the corpus in ``fixtures/secrets`` and the leak tests plant those, never a real one.

Order is priority: when two patterns match overlapping text, the earlier (more specific) wins,
so a GitHub token inside a URL is a GitHub token, not URL credentials.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import random
import re
import string
import zlib
from dataclasses import dataclass
from typing import Callable

Rng = random.Random

ALNUM = string.ascii_letters + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "_-"
BASE32 = string.ascii_uppercase + "234567"
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase  # GitHub's digit order
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l".upper()


@dataclass(frozen=True)
class SecretPattern:
    """One credential type: how to find it, check it, and make a fake one for tests."""

    id: str  # stable type id: the finding's evidence key and the corpus label
    name: str  # shown in messages
    regex: str  # the ``secret`` group (or the whole match) is the credential
    keywords: tuple[str, ...]  # lowercase; the regex runs only if one occurs in the file; ()
    # means always: for prefixes so common in code (``sk``, ``pat``) that the regex's own
    # literal search is the cheaper filter
    generate: Callable[[Rng], str]  # a random value of the format (never a real credential)
    validate: Callable[[re.Match[str]], bool] | None = None
    context: str | None = None  # a regex (case-insensitive) that must occur near the match
    context_lines: int = 0  # how many lines above and below count as near
    min_entropy: float | None = None  # bits per char of the body; None: by length
    fake_check: bool = True  # reject all-x, EXAMPLE, long runs and sequences
    flags: int = 0
    shape: str = "{}"  # how the value appears in the wild (tests embed ``shape.format(value)``)
    var: str = ""  # a variable name that fits the value (tests; empty: from the id)
    keyed: bool = False  # found only where a name mentions the provider (tests: keyed syntaxes)

    @property
    def variable(self) -> str:
        return self.var or self.id.upper().replace("-", "_")


def rand(rng: Rng, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _tok(prefix: str, alphabet: str, n: int, suffix: str = "") -> Callable[[Rng], str]:
    return lambda rng: prefix + rand(rng, alphabet, n) + suffix


def _b(core: str, chars: str = "A-Za-z0-9_") -> str:
    """``core`` not glued to a longer run of ``chars`` on either side.

    ``=`` never counts before the match: ``KEY=value`` must still find the value.
    """
    before = chars.replace("=", "")
    return rf"(?<![{before}]){core}(?![{chars}])"


# -- checksums and structural validators -------------------------------------------------------

def base62(value: int, width: int) -> str:
    digits = ""
    while value:
        value, rem = divmod(value, 62)
        digits = BASE62[rem] + digits
    return digits.rjust(width, "0")


def crc32_token(prefix: str, rng: Rng) -> str:
    """GitHub / npm style: 30 random base62 chars and their CRC32 in 6 base62 digits."""
    body = rand(rng, ALNUM, 30)
    return prefix + body + base62(zlib.crc32(body.encode()), 6)


def crc32_ok(token: str, prefix_len: int) -> bool:
    """True when a 36-char body ends with the CRC32 of its first 30 chars; other lengths pass.

    GitHub documents the checksum for its prefixed tokens; longer future formats are not
    verifiable offline, so they are accepted on shape alone.
    """
    body = token[prefix_len:]
    if len(body) != 36:
        return True
    return base62(zlib.crc32(body[:30].encode()), 6) == body[30:]


def _github_valid(match: re.Match[str]) -> bool:
    return crc32_ok(match.group(0), 4)


def _npm_valid(match: re.Match[str]) -> bool:
    return crc32_ok(match.group(0), 4)


def b64decode_loose(text: str) -> bytes | None:
    """Standard or URL-safe base64, padding optional; None when it is not base64."""
    cleaned = text.replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def _json_object(part: str) -> dict[str, object] | None:
    raw = b64decode_loose(part)
    if raw is None:
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _jwt_valid(match: re.Match[str]) -> bool:
    """A JWT's header is a JSON object naming its ``alg`` and its payload a JSON object."""
    header, payload = match.group("secret").split(".")[:2]
    head = _json_object(header)
    return head is not None and "alg" in head and _json_object(payload) is not None


def _user_pass_valid(match: re.Match[str]) -> bool:
    """Base64 of ``user:password`` with a real-looking password (Docker auths, HTTP Basic)."""
    raw = b64decode_loose(match.group("secret"))
    if raw is None:
        return False
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    user, sep, password = text.partition(":")
    return bool(sep and user and len(password) >= 6 and text.isprintable()
                and password.lower() not in WEAK_PLACEHOLDERS)


def _base64_pem_valid(match: re.Match[str]) -> bool:
    raw = b64decode_loose(match.group("secret")[:120].rstrip("=")[:116])
    return raw is not None and b"PRIVATE KEY" in raw


def _aws_secret_valid(match: re.Match[str]) -> bool:
    """Forty base64 chars with both letter cases: a hex digest (a git SHA) never qualifies."""
    value = match.group("secret")
    return any(c.islower() for c in value) and any(c.isupper() for c in value)


# Google API keys that Firebase's SDKs and quickstarts publish in their sample configuration
# (``google-services.json``, ``GoogleService-Info.plist``): public examples, not anyone's key.
# Kept as SHA-256 digests so that no key-shaped string lives in this file.
_PUBLISHED_GOOGLE_EXAMPLE_KEYS = frozenset({
    "0b476bdf9acf2123d547b5ae76f1e59884d8ec9553ee0c47e9f31fd4768f3f3c",
    "2037abcaffb2b77785da716cf7ccff4ff4d00c4ea930db0167b7d71f50af7eb4",
    "27a9a42931dff7eb2f8434e20a9bce976ea364e7bee49187f19d5cfeca9c7045",
    "37f8f09bdf12c2f2eae4ead7273a62ddb0c23459cbf902892f282b57f7ed6619",
    "3a8b61d0f636b007840c0d40ba12bcf48465dc054cdc1a68704a33521d84b665",
    "3f370c9dd8225c63b5c77de1f785edc9712958f18bb612d5fa2e0ae33aeca682",
    "49f777db995e8260da7ca9ffdf0c08d66f0453e97ec967018baf2cdfe3b582d0",
    "4c98242dcadc8b29005c6b4aad526552d5ea1842149154c0694adeec75847583",
    "8731261cb72d86267a32a532ebd3df429e2144e5e4ced7e13568bc9e6c8fb1b1",
    "a19f89ab3555eac10c40741f6df79ecf0935998f15569f8db9d67bce0181fff6",
    "a6c814bc555ae62c7bd8b58ec07bf559c7ed3a009976a1e0acc9cef0d4473b41",
    "dc0fcf046c61640cbd1e8b999ada3262d722c2ca4bf42dceac999020ffdbb614",
    "e4a5542bb7fd7b67e943c71ad29c34b5972c9840597e7eda53e666f44d5da0b9",
    "ea9bb1082cf95663f5faca23b8b15ef2aa0fce0a5c6df9c32dcb85b2e0a4513d",
    "eb540d2b6ee2a0a47c5779bc8a0141784c6b753840d4c6f4e2428a6e86e9e0b1",
})


def _google_key_valid(match: re.Match[str]) -> bool:
    return hashlib.sha256(match.group(0).encode()).hexdigest() not in _PUBLISHED_GOOGLE_EXAMPLE_KEYS


def _base64_jwt_valid(match: re.Match[str]) -> bool:
    """A JWT encoded once more in base64 (Kubernetes ``data:``, env dumps): decode, then check."""
    raw = b64decode_loose(match.group("secret").rstrip("="))
    if raw is None:
        return False
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return False
    parts = text.strip().split(".")
    if len(parts) != 3 or not parts[2]:
        return False
    return _json_object(parts[0]) is not None and _json_object(parts[1]) is not None


def _mixed(match: re.Match[str]) -> bool:
    """Letters and digits both: a random token, not a word, a number or a hex-only digest."""
    value = match.group("secret") if "secret" in match.re.groupindex else match.group(0)
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


def _mixed_case(match: re.Match[str]) -> bool:
    """Upper, lower and digits: a base62 secret, not a lowercase hex digest that shares its prefix."""
    value = match.group(0)
    return any(c.isupper() for c in value) and any(c.islower() for c in value) \
        and any(c.isdigit() for c in value)


# Passwords that documentation uses to mean "your password here".
WEAK_PLACEHOLDERS = frozenset({
    "password", "passwd", "pass", "pwd", "secret", "token", "changeit", "xxx", "user",
    "username", "example", "placeholder", "redacted",
})
_DOC_HOSTS = re.compile(
    r"(?i)^(?:[\w-]+\.)*(?:example\.(?:com|org|net)|example|localhost\.example)$")


def _url_creds_valid(match: re.Match[str]) -> bool:
    """URL credentials unless documentation-shaped: ``user:password@example.com``."""
    password = match.group("secret")
    if password.lower() in WEAK_PLACEHOLDERS or password == match.group("user"):
        return False
    if re.fullmatch(r"[*x.•]+|%s|\{\w*\}|:\w+", password, re.I):
        return False
    return not _DOC_HOSTS.match(match.group("host"))


def _conn_password_valid(match: re.Match[str]) -> bool:
    return match.group("secret").lower() not in WEAK_PLACEHOLDERS


# -- generators that need more than one alphabet -----------------------------------------------

def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def gen_jwt(rng: Rng) -> str:
    header = _b64u(json.dumps({"alg": rng.choice(["HS256", "RS256"]), "typ": "JWT"}).encode())
    claims = {"sub": rand(rng, LOWER_ALNUM, 12), "iat": rng.randrange(1_600_000_000, 1_800_000_000),
              "role": rng.choice(["service", "admin", "reader"])}
    return f"{header}.{_b64u(json.dumps(claims).encode())}.{rand(rng, URLSAFE, 43)}"


def gen_pem(label: str, lines: int = 12) -> Callable[[Rng], str]:
    def make(rng: Rng) -> str:
        body = "MII" + rand(rng, B64, 64 * lines - 3)
        rows = [body[i:i + 64] for i in range(0, len(body), 64)]
        return "\n".join([f"-----BEGIN {label}-----", *rows, f"-----END {label}-----"])
    return make


def gen_pgp(rng: Rng) -> str:
    rows = ["lQOYBG" + rand(rng, B64, 58)] + [rand(rng, B64, 64) for _ in range(10)]
    return "\n".join(["-----BEGIN PGP PRIVATE KEY BLOCK-----", "", *rows,
                      "=" + rand(rng, B64, 4), "-----END PGP PRIVATE KEY BLOCK-----"])


def gen_putty(rng: Rng) -> str:
    public = [rand(rng, B64, 64) for _ in range(4)]
    private = [rand(rng, B64, 64) for _ in range(6)]
    return "\n".join(["PuTTY-User-Key-File-3: ssh-rsa", "Encryption: none",
                      f"Comment: rsa-key-{rng.randrange(10**7, 10**8)}", "Public-Lines: 4", *public,
                      "Private-Lines: 6", *private, "Private-MAC: " + rand(rng, HEX, 64)])


def gen_base64_pem(rng: Rng) -> str:
    return base64.b64encode(gen_pem("RSA PRIVATE KEY", 6)(rng).encode()).decode()


def gen_user_pass_b64(rng: Rng) -> str:
    raw = f"{rand(rng, string.ascii_lowercase, 7)}:{rand(rng, ALNUM, 16)}"
    return base64.b64encode(raw.encode()).decode()


def gen_password(rng: Rng) -> str:
    return rand(rng, ALNUM, 20)


def gen_azure_sig(rng: Rng) -> str:
    return rand(rng, B64, 43).replace("+", "%2B").replace("/", "%2F") + "%3D"


def gen_aws_secret(rng: Rng) -> str:
    while True:
        value = rand(rng, B64, 40)
        if any(c.islower() for c in value) and any(c.isupper() for c in value):
            return value


def gen_teams_webhook(rng: Rng) -> str:
    def uuid() -> str:
        return "-".join(rand(rng, HEX, n) for n in (8, 4, 4, 4, 12))
    return (f"https://{rand(rng, string.ascii_lowercase, 8)}.webhook.office.com/webhookb2/"
            f"{uuid()}@{uuid()}/IncomingWebhook/{rand(rng, HEX, 32)}/{uuid()}")


def gen_azure_devops(rng: Rng) -> str:
    return rand(rng, ALNUM, 52) + "JQQJ99" + rand(rng, ALNUM, 3) + "AZDO" + rand(rng, ALNUM, 4)


def gen_ad_secret(rng: Rng) -> str:
    return rand(rng, ALNUM, 3) + str(rng.randrange(10)) + "Q~" + rand(rng, ALNUM + "_~.-", 34)


def gen_onepassword_secret_key(rng: Rng) -> str:
    return "-".join(["A3", rand(rng, UPPER_ALNUM, 6), rand(rng, UPPER_ALNUM, 6),
                     *(rand(rng, UPPER_ALNUM, 5) for _ in range(4))])


def gen_sentry_org_token(rng: Rng) -> str:
    claims = {"iat": rng.randrange(10**9), "org": "acme", "region_url": "https://us.sentry.io"}
    return f"sntrys_{_b64u(json.dumps(claims).encode())}_{rand(rng, B64, 43)}"


def gen_slack_app(rng: Rng) -> str:
    return (f"xapp-1-A{rand(rng, UPPER_ALNUM, 10)}-{rng.randrange(10**12, 10**13)}-"
            f"{rand(rng, HEX, 64)}")


def _mixed_sample(rng: Rng, n: int) -> str:
    """``n`` base62 characters with at least one upper, one lower and one digit."""
    while True:
        value = rand(rng, ALNUM, n)
        if any(c.isupper() for c in value) and any(c.islower() for c in value) \
                and any(c.isdigit() for c in value):
            return value


def _digits(rng: Rng, n: int) -> str:
    return str(rng.randrange(10 ** (n - 1), 10 ** n))


# -- the catalogue -----------------------------------------------------------------------------

_PEM_BODY = r"(?P<secret>[\s\S]{40,20000}?)"


def _pem(type_id: str, name: str, label: str) -> SecretPattern:
    return SecretPattern(
        type_id, name, rf"-----BEGIN {label}-----{_PEM_BODY}-----END {label}-----",
        (f"begin {label.lower()}",), gen_pem(label), min_entropy=4.0, fake_check=False)


# -- provider name + value shape ---------------------------------------------------------------
# Many providers issue tokens with no prefix: a 32-character key is only an Adafruit IO key
# because the name it is assigned to says "adafruit". These patterns need the provider's name
# in the assigned name (``ADAFRUIT_IO_KEY=…``, ``adafruitToken := "…"``, ``<adafruitKey>…``,
# ``adafruit api key: …`` in a text file), a secret word in that name, and a value of the
# provider's documented shape right after the assignment.

_NAME_SECRET_WORD = re.compile(
    r"(?i)key|token|secret|pass|pwd|auth|cred|api|access|bearer|sign|bot")
# A name ending in one of these is about the credential, or is a public identifier.
_NAME_NOT_SECRET_LAST = frozenset({
    "ID", "IDS", "URL", "URI", "HOST", "HOSTNAME", "PORT", "NAME", "USER", "USERNAME", "EMAIL",
    "ENDPOINT", "REGION", "PATH", "FILE", "DIR", "TYPE", "ENABLED", "HEADER", "VERSION", "ORG",
    "ACCOUNT", "PROJECT", "DOMAIN", "SITE", "ZONE", "LENGTH", "TTL", "EXPIRY", "SCOPE", "SCOPES",
})
_NAME_CHARS = frozenset(string.ascii_letters + string.digits + "_.$-")


def _named_valid(match: re.Match[str]) -> bool:
    """The provider's name starts a word of a secret-like name; the value is a random token."""
    text, start = match.string, match.start()
    before = text[start - 1] if start else " "
    if before.isalpha() and not (before.islower() and text[start].isupper()):
        return False  # ``global`` is not Lob, ``consumo`` is not Sumo Logic
    lo = start
    while lo > 0 and text[lo - 1] in _NAME_CHARS and start - lo < 40:
        lo -= 1
    name = text[lo:match.end("tail")]
    if not _NAME_SECRET_WORD.search(name):
        return False
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name.strip())
    last = [w for w in re.split(r"[^A-Za-z0-9]+", spaced.upper()) if w][-1:]
    if last and last[0] in _NAME_NOT_SECRET_LAST:
        return False
    return _mixed(match)


_UUID_RE = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def _uuid(rng: Rng) -> str:
    return "-".join(rand(rng, HEX, n) for n in (8, 4, 4, 4, 12))


def _named(type_id: str, name: str, keywords: tuple[str, ...], value: str,
           generate: Callable[[Rng], str], var: str) -> SecretPattern:
    """A ``value`` (regex) assigned to a name that contains one of ``keywords``.

    The name may go on after the keyword (``_IO_KEY``, ``Token``, `` api key``), close a quote
    or a tag, and take a type (``var x string =``) before any of ``= : := ::= ?= => .= ,`` or
    ``>``; the value may be quoted, or on the next line of an XML element.
    """
    names = "|".join(re.escape(k).replace(r"\ ", " ") for k in keywords)
    regex = (rf"(?i:{names})(?P<tail>[\w. -]{{0,30}}?)[\"'\]]?[ \t]*"
             r"(?:[:?]{0,3}=|=>|:|\.=|,|>|value=)\s{0,20}?[\"'`]?"
             rf"(?P<secret>{value})(?![A-Za-z0-9_+/=-])")
    return SecretPattern(type_id, name, regex, keywords, generate, validate=_named_valid,
                         var=var, keyed=True)


def _alnum(n: int) -> Callable[[Rng], str]:
    return lambda rng: _with_digit(rng, rand(rng, ALNUM, n))


def _with_digit(rng: Rng, value: str) -> str:
    """Random values of a few characters may lack a digit; tests need one that has both."""
    at = rng.randrange(len(value))
    return value[:at] + str(rng.randrange(10)) + value[at + 1:] if not any(
        c.isdigit() for c in value) else value


_A = "A-Za-z0-9"
_NAMED: tuple[SecretPattern, ...] = tuple(_named(*row) for row in (
    ("adafruit-io-key", "Adafruit IO key", ("adafruit",), rf"[{_A}_-]{{32}}",
     lambda rng: _with_digit(rng, rand(rng, URLSAFE, 32)), "ADAFRUIT_IO_KEY"),
    ("adobe-api-credential", "Adobe API credential", ("adobe",), "[a-fA-F0-9]{32}",
     _tok("", HEX, 32), "ADOBE_CLIENT_SECRET"),
    ("airtable-api-key", "Airtable legacy API key", ("airtable",), f"[{_A}]{{17}}", _alnum(17),
     "AIRTABLE_API_KEY"),
    ("algolia-admin-key", "Algolia API key", ("algolia",), "[a-fA-F0-9]{32}", _tok("", HEX, 32),
     "ALGOLIA_ADMIN_KEY"),
    ("alibaba-access-key-secret", "Alibaba Cloud AccessKey secret", ("alibaba", "aliyun"),
     f"[{_A}]{{30}}", _alnum(30), "ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
    ("asana-client-secret", "Asana client secret or token", ("asana",), f"[{_A}]{{32}}",
     _alnum(32), "ASANA_CLIENT_SECRET"),
    ("atlassian-legacy-api-token", "Atlassian (Jira / Confluence) API token",
     ("atlassian", "jira", "confluence"), f"[{_A}]{{24}}", _alnum(24), "JIRA_API_TOKEN"),
    ("beamer-api-key", "Beamer API key", ("beamer",), rf"b_[{_A}=_-]{{44}}",
     _tok("b_", URLSAFE, 44), "BEAMER_API_KEY"),
    ("bitbucket-client-secret", "Bitbucket OAuth consumer secret", ("bitbucket",),
     f"[{_A}_-]{{64}}|[{_A}]{{32}}", _alnum(32), "BITBUCKET_CLIENT_SECRET"),
    ("bittrex-api-secret", "Bittrex API key or secret", ("bittrex",), f"[{_A}]{{32}}",
     _alnum(32), "BITTREX_API_SECRET"),
    ("cisco-meraki-api-key", "Cisco Meraki API key", ("meraki",), "[a-fA-F0-9]{40}",
     _tok("", HEX, 40), "MERAKI_API_KEY"),
    ("cloudflare-api-credential", "Cloudflare API token or global API key", ("cloudflare",),
     f"[{_A}_-]{{40}}|[a-fA-F0-9]{{37}}", lambda rng: _with_digit(rng, rand(rng, URLSAFE, 40)),
     "CLOUDFLARE_API_TOKEN"),
    ("codecov-token", "Codecov upload token", ("codecov",), f"{_UUID_RE}|[{_A}]{{32}}", _uuid,
     "CODECOV_TOKEN"),
    ("cohere-api-key", "Cohere API key", ("cohere", "co_api_key"), f"[{_A}]{{40}}", _alnum(40),
     "COHERE_API_KEY"),
    ("coinbase-api-secret", "Coinbase API secret", ("coinbase",), f"[{_A}_-]{{64}}",
     _alnum(64), "COINBASE_API_SECRET"),
    ("confluent-api-secret", "Confluent Cloud API key or secret", ("confluent",),
     f"[{_A}+/]{{64}}|[{_A}]{{16}}", _alnum(64), "CONFLUENT_API_SECRET"),
    ("contentful-delivery-token", "Contentful delivery API token", ("contentful",),
     f"[{_A}_-]{{43}}", _alnum(43), "CONTENTFUL_DELIVERY_TOKEN"),
    ("datadog-api-key", "Datadog API or application key", ("datadog",),
     f"[{_A}]{{40}}|[a-fA-F0-9]{{32}}", _alnum(40), "DATADOG_APP_KEY"),
    ("discord-client-secret", "Discord client secret or bot token", ("discord",),
     f"[a-fA-F0-9]{{64}}|[{_A}_-]{{32}}", _tok("", HEX, 64), "DISCORD_CLIENT_SECRET"),
    ("droneci-token", "Drone CI token", ("droneci", "drone_", "drone-"), f"[{_A}]{{32}}",
     _alnum(32), "DRONE_TOKEN"),
    ("dropbox-app-secret", "Dropbox app key or secret", ("dropbox",), f"[{_A}]{{15}}", _alnum(15),
     "DROPBOX_APP_SECRET"),
    ("etsy-api-key", "Etsy API key", ("etsy",), f"[{_A}]{{24}}", _alnum(24), "ETSY_API_KEY"),
    ("facebook-app-secret", "Facebook app secret", ("facebook",), "[a-fA-F0-9]{32}",
     _tok("", HEX, 32), "FACEBOOK_APP_SECRET"),
    ("fastly-api-token", "Fastly API token", ("fastly",), f"[{_A}=_-]{{32}}", _alnum(32),
     "FASTLY_API_TOKEN"),
    ("finicity-credential", "Finicity app key or secret", ("finicity",),
     f"[a-fA-F0-9]{{32}}|[{_A}]{{20}}", _tok("", HEX, 32), "FINICITY_APP_KEY"),
    ("finnhub-api-key", "Finnhub API key", ("finnhub",), f"[{_A}]{{20}}", _alnum(20),
     "FINNHUB_API_KEY"),
    ("flickr-api-secret", "Flickr API key", ("flickr",), f"[{_A}]{{32}}", _alnum(32),
     "FLICKR_API_KEY"),
    ("freshbooks-token", "FreshBooks access token", ("freshbooks",), f"[{_A}]{{64}}", _alnum(64),
     "FRESHBOOKS_ACCESS_TOKEN"),
    ("gitter-token", "Gitter access token", ("gitter",), f"[{_A}_-]{{40}}", _alnum(40),
     "GITTER_TOKEN"),
    ("gocardless-access-token", "GoCardless access token", ("gocardless",),
     f"(?:live|sandbox)_[{_A}=_-]{{40}}", _tok("live_", URLSAFE, 40), "GOCARDLESS_ACCESS_TOKEN"),
    ("heroku-legacy-api-key", "Heroku API key (legacy UUID)", ("heroku",), _UUID_RE, _uuid,
     "HEROKU_API_KEY"),
    ("hubspot-api-key", "HubSpot API key (legacy UUID)", ("hubspot",), _UUID_RE, _uuid,
     "HUBSPOT_API_KEY"),
    ("intercom-access-token", "Intercom access token", ("intercom",), f"[{_A}=_-]{{60}}",
     _alnum(60), "INTERCOM_ACCESS_TOKEN"),
    ("jfrog-token", "JFrog identity token or API key",
     ("jfrog", "artifactory", "bintray", "xray"), f"[{_A}]{{73}}|[{_A}]{{64}}", _alnum(64),
     "JFROG_ACCESS_TOKEN"),
    ("kraken-api-secret", "Kraken API secret", ("kraken",), f"[{_A}+/=-]{{80,90}}", _alnum(88),
     "KRAKEN_API_SECRET"),
    ("kucoin-api-secret", "KuCoin API key or secret", ("kucoin",),
     f"{_UUID_RE}|[a-fA-F0-9]{{24}}", _uuid, "KUCOIN_API_SECRET"),
    ("launchdarkly-token", "LaunchDarkly access token", ("launchdarkly", "launch_darkly"),
     f"[{_A}=_-]{{40}}", _alnum(40), "LAUNCHDARKLY_ACCESS_TOKEN"),
    ("linear-client-secret", "Linear OAuth client secret", ("linear",), "[a-fA-F0-9]{32}",
     _tok("", HEX, 32), "LINEAR_CLIENT_SECRET"),
    ("linkedin-client-secret", "LinkedIn client secret", ("linkedin",),
     f"[{_A}]{{16}}|[{_A}]{{14}}", _alnum(16), "LINKEDIN_CLIENT_SECRET"),
    ("lob-api-key", "Lob API key", ("lob",), "(?:live|test)_[a-fA-F0-9]{35}",
     _tok("live_", HEX, 35), "LOB_API_KEY"),
    ("looker-client-secret", "Looker API client secret", ("looker",),
     f"[{_A}]{{24}}|[{_A}]{{20}}", _alnum(24), "LOOKER_CLIENT_SECRET"),
    ("mailgun-signing-key", "Mailgun webhook signing key", ("mailgun",),
     "[a-fA-F0-9]{32}-[a-fA-F0-9]{8}-[a-fA-F0-9]{8}",
     lambda rng: f"{rand(rng, HEX, 32)}-{rand(rng, HEX, 8)}-{rand(rng, HEX, 8)}",
     "MAILGUN_SIGNING_KEY"),
    ("mattermost-token", "Mattermost access token", ("mattermost",), f"[{_A}]{{26}}",
     _alnum(26), "MATTERMOST_TOKEN"),
    ("messagebird-api-key", "MessageBird API key", ("messagebird", "message_bird", "message-bird"),
     f"[{_A}]{{25}}|{_UUID_RE}", _alnum(25), "MESSAGEBIRD_API_KEY"),
    ("netlify-token-named", "Netlify access token", ("netlify",), f"[{_A}=_-]{{40,46}}",
     _alnum(43), "NETLIFY_AUTH_TOKEN"),
    ("new-relic-api-key-named", "New Relic API key", ("newrelic", "new_relic", "new-relic"),
     f"[{_A}]{{64}}", _alnum(64), "NEW_RELIC_API_KEY"),
    ("nytimes-api-key", "New York Times API key", ("nytimes", "nyt_"), f"[{_A}=_-]{{32}}",
     _alnum(32), "NYTIMES_API_KEY"),
    ("okta-token-named", "Okta API token", ("okta",), f"[{_A}=_-]{{42}}",
     lambda rng: "00" + rand(rng, URLSAFE, 40), "OKTA_API_TOKEN"),
    ("plaid-secret", "Plaid secret or access token", ("plaid",),
     f"access-(?:sandbox|development|production)-{_UUID_RE}|[{_A}]{{30}}|[{_A}]{{24}}",
     _alnum(30), "PLAID_SECRET"),
    ("privateai-api-key", "Private AI API key", ("privateai", "private_ai", "private-ai"),
     f"[{_A}]{{32}}", _alnum(32), "PRIVATEAI_API_KEY"),
    ("rapidapi-key", "RapidAPI key", ("rapidapi",), f"[{_A}_-]{{50}}", _alnum(50),
     "RAPIDAPI_KEY"),
    ("sendbird-api-token", "Sendbird API token", ("sendbird",), f"[a-fA-F0-9]{{40}}|{_UUID_RE}",
     _tok("", HEX, 40), "SENDBIRD_API_TOKEN"),
    ("sentry-legacy-token", "Sentry auth token (legacy)", ("sentry",), "[a-fA-F0-9]{64}",
     _tok("", HEX, 64), "SENTRY_AUTH_TOKEN"),
    ("snyk-token", "Snyk API token", ("snyk",), _UUID_RE, _uuid, "SNYK_TOKEN"),
    ("squarespace-api-key", "Squarespace API key", ("squarespace",), _UUID_RE, _uuid,
     "SQUARESPACE_API_KEY"),
    ("sumologic-access-key", "Sumo Logic access id or key", ("sumo",),
     f"[{_A}]{{64}}|su[{_A}]{{12}}", _alnum(64), "SUMO_ACCESS_KEY"),
    ("travisci-token", "Travis CI token", ("travis",), f"[{_A}]{{22}}", _alnum(22),
     "TRAVIS_API_TOKEN"),
    ("twitch-api-token", "Twitch API token", ("twitch",), f"[{_A}]{{30}}", _alnum(30),
     "TWITCH_CLIENT_SECRET"),
    ("twitter-api-credentials", "X / Twitter API key, secret or access token",
     ("twitter",), rf"[0-9]{{15,25}}-[{_A}]{{20,40}}|[{_A}]{{50}}|[{_A}]{{45}}|[{_A}]{{25}}",
     _alnum(50), "TWITTER_API_SECRET"),
    ("yandex-cloud-credential", "Yandex Cloud key or token", ("yandex",),
     rf"t1\.[A-Z0-9a-z_-]+={{0,2}}\.[A-Z0-9a-z_-]{{86}}={{0,2}}|AQVN[{_A}_-]{{35,38}}"
     rf"|YC[{_A}_-]{{38}}", _tok("AQVN", URLSAFE, 36), "YANDEX_API_KEY"),
    ("zendesk-api-token", "Zendesk API token", ("zendesk",), f"[{_A}]{{40}}", _alnum(40),
     "ZENDESK_API_TOKEN"),
    ("telegram-bot-token-named", "Telegram bot token", ("telegram",),
     rf"[0-9]{{5,16}}:[{_A}_-]{{35}}",
     lambda rng: f"{rng.randrange(10**8, 10**10)}:A{rng.choice(ALNUM[1:])}{rand(rng, URLSAFE, 33)}",
     "TELEGRAM_BOT_TOKEN"),
))


CATALOGUE: tuple[SecretPattern, ...] = (
    # Private keys first: the most damaging, and their bodies contain other shapes.
    SecretPattern(
        "gcp-service-account-key", "Google Cloud service-account private key",
        r'"private_key"\s*:\s*"-----BEGIN PRIVATE KEY-----(?P<secret>(?:\\n|[A-Za-z0-9+/=])+?)'
        r"-----END PRIVATE KEY-----",
        ('"private_key"',), gen_pem("PRIVATE KEY"), context=r'"service_account"',
        context_lines=15, min_entropy=4.0, fake_check=False),
    _pem("private-key-rsa", "RSA private key", "RSA PRIVATE KEY"),
    _pem("private-key-ec", "EC private key", "EC PRIVATE KEY"),
    _pem("private-key-dsa", "DSA private key", "DSA PRIVATE KEY"),
    _pem("private-key-openssh", "OpenSSH private key", "OPENSSH PRIVATE KEY"),
    _pem("private-key-encrypted", "encrypted private key", "ENCRYPTED PRIVATE KEY"),
    _pem("private-key-pkcs8", "PKCS#8 private key", "PRIVATE KEY"),
    SecretPattern(
        "pgp-private-key", "PGP private key block",
        rf"-----BEGIN PGP PRIVATE KEY BLOCK-----{_PEM_BODY}-----END PGP PRIVATE KEY BLOCK-----",
        ("begin pgp private key block",), gen_pgp, min_entropy=4.0, fake_check=False),
    SecretPattern(
        "putty-private-key", "PuTTY private key",
        r"(?P<secret>PuTTY-User-Key-File-[23]: [\w-]+\r?\n(?:[^\n]*\n){1,40}?"
        r"[ \t]*Private-Lines: \d+\r?\n(?:[ \t]*[A-Za-z0-9+/=]+\r?\n?)+)",
        ("putty-user-key-file",), gen_putty, min_entropy=4.0, fake_check=False),
    SecretPattern(
        "base64-private-key", "base64-encoded PEM private key",
        _b(r"(?P<secret>LS0tLS1CRUdJTi[A-Za-z0-9+/]{100,}={0,2})", "A-Za-z0-9+/="),
        ("ls0tls1crudjti",), gen_base64_pem, validate=_base64_pem_valid, fake_check=False),

    # GitHub: prefix, base62 body, CRC32 in the last 6 chars.
    *(SecretPattern(
        type_id, name, _b(prefix + r"[A-Za-z0-9]{36,251}"), (prefix,),
        functools.partial(crc32_token, prefix), validate=_github_valid)
      for type_id, name, prefix in (
          ("github-pat-classic", "GitHub personal access token (classic)", "ghp_"),
          ("github-oauth-token", "GitHub OAuth access token", "gho_"),
          ("github-user-token", "GitHub App user-to-server token", "ghu_"),
          ("github-app-token", "GitHub App installation token", "ghs_"),
          ("github-refresh-token", "GitHub App refresh token", "ghr_"))),
    SecretPattern(
        "github-fine-grained-pat", "GitHub fine-grained personal access token",
        _b(r"github_pat_[A-Za-z0-9]{22,40}_[A-Za-z0-9]{50,80}"), ("github_pat_",),
        lambda rng: f"github_pat_{rand(rng, ALNUM, 22)}_{rand(rng, ALNUM, 59)}"),

    # GitLab: documented token prefixes.
    SecretPattern(
        "gitlab-pat", "GitLab personal/project/group access token",
        _b(r"glpat-(?:[A-Za-z0-9_-]{27,300}\.[0-9a-z]{2}\.[0-9a-z]{7,9}|[A-Za-z0-9_-]{20})",
           "A-Za-z0-9_-"), ("glpat-",), _tok("glpat-", URLSAFE, 20)),
    *(SecretPattern(type_id, name, _b(prefix + body, "A-Za-z0-9_-"), (prefix,), gen)
      for type_id, name, prefix, body, gen in (
          ("gitlab-pipeline-trigger-token", "GitLab pipeline trigger token", "glptt-",
           r"[0-9a-f]{40}", _tok("glptt-", HEX, 40)),
          ("gitlab-runner-token", "GitLab runner authentication token", "glrt-",
           r"[A-Za-z0-9_-]{20,}", _tok("glrt-", URLSAFE, 27)),
          ("gitlab-deploy-token", "GitLab deploy token", "gldt-", r"[A-Za-z0-9_-]{20,}",
           _tok("gldt-", URLSAFE, 20)),
          ("gitlab-oauth-app-secret", "GitLab OAuth application secret", "gloas-",
           r"[A-Za-z0-9_-]{64}", _tok("gloas-", URLSAFE, 64)),
          ("gitlab-cicd-job-token", "GitLab CI/CD job token", "glcbt-",
           r"(?:[0-9a-fA-F]{1,5}_)?[A-Za-z0-9_-]{20,}", _tok("glcbt-", URLSAFE, 20)),
          ("gitlab-feed-token", "GitLab feed token", "glft-", r"[A-Za-z0-9_-]{20,}",
           _tok("glft-", URLSAFE, 20)),
          ("gitlab-incoming-mail-token", "GitLab incoming mail token", "glimt-",
           r"[A-Za-z0-9_-]{25,}", _tok("glimt-", URLSAFE, 25)),
          ("gitlab-agent-token", "GitLab agent for Kubernetes token", "glagent-",
           r"[A-Za-z0-9_-]{50,}", _tok("glagent-", URLSAFE, 50)),
          ("gitlab-scim-token", "GitLab SCIM token", "glsoat-", r"[A-Za-z0-9_-]{20,}",
           _tok("glsoat-", URLSAFE, 20)),
      )),
    SecretPattern(
        "gitlab-runner-registration-token", "GitLab runner registration token",
        _b(r"GR1348941[A-Za-z0-9_-]{20}", "A-Za-z0-9_-"), ("gr1348941",),
        _tok("GR1348941", URLSAFE, 20)),

    # Slack.
    SecretPattern(
        "slack-bot-token", "Slack bot token",
        _b(r"xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24,34}", "A-Za-z0-9-"), ("xoxb-",),
        lambda rng: f"xoxb-{_digits(rng, 12)}-{_digits(rng, 13)}-{rand(rng, ALNUM, 24)}"),
    SecretPattern(
        "slack-user-token", "Slack user token",
        _b(r"xoxp-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-f0-9]{32}", "A-Za-z0-9-"),
        ("xoxp-",),
        lambda rng: (f"xoxp-{_digits(rng, 12)}-{_digits(rng, 12)}-{_digits(rng, 13)}-"
                     f"{rand(rng, HEX, 32)}")),
    SecretPattern(
        "slack-app-token", "Slack app-level token",
        _b(r"xapp-\d-[A-Z0-9]{9,12}-\d{10,13}-[a-f0-9]{64}", "A-Za-z0-9-"), ("xapp-",),
        gen_slack_app),
    SecretPattern(
        "slack-config-token", "Slack configuration token",
        _b(r"xoxe\.xox[bp]-\d-[A-Za-z0-9]{150,180}"), ("xoxe.xox",),
        lambda rng: "xoxe.xoxp-1-" + rand(rng, ALNUM, 163)),
    SecretPattern(
        "slack-webhook-url", "Slack incoming webhook URL",
        r"(?P<secret>https://hooks\.slack\.com/(?:services|workflows|triggers)/"
        r"T[A-Z0-9]{8,12}/[A-Z0-9]{8,12}/(?P<body>[A-Za-z0-9]{24,}))",
        ("hooks.slack.com/",),
        lambda rng: (f"https://hooks.slack.com/services/T{rand(rng, UPPER_ALNUM, 10)}/"
                     f"B{rand(rng, UPPER_ALNUM, 10)}/{rand(rng, ALNUM, 24)}")),

    # Stripe and payments.
    SecretPattern("stripe-secret-key", "Stripe live secret key",
                  _b(r"sk_live_[A-Za-z0-9]{24,247}"), ("sk_live_",), _tok("sk_live_", ALNUM, 24)),
    SecretPattern("stripe-restricted-key", "Stripe live restricted key",
                  _b(r"rk_live_[A-Za-z0-9]{24,247}"), ("rk_live_",), _tok("rk_live_", ALNUM, 24)),
    SecretPattern("stripe-test-key", "Stripe test-mode secret key",
                  _b(r"[sr]k_test_[A-Za-z0-9]{24,247}"), ("k_test_",), _tok("sk_test_", ALNUM, 24)),
    SecretPattern("stripe-webhook-secret", "Stripe webhook signing secret",
                  _b(r"whsec_[A-Za-z0-9+/=]{32,}", "A-Za-z0-9_+/="), ("whsec_",),
                  _tok("whsec_", ALNUM, 32)),
    SecretPattern("square-access-token", "Square access token",
                  _b(r"(?:EAAA[A-Za-z0-9_-]{60}|sq0atp-[A-Za-z0-9_-]{22})", "A-Za-z0-9_-"),
                  ("eaaa", "sq0atp-"), _tok("EAAA", URLSAFE, 60)),
    SecretPattern("braintree-access-token", "Braintree / PayPal access token",
                  _b(r"access_token\$production\$[a-z0-9]{16}\$[a-f0-9]{32}"),
                  ("access_token$production$",),
                  lambda rng: (f"access_token$production${rand(rng, LOWER_ALNUM, 16)}$"
                               f"{rand(rng, HEX, 32)}")),
    SecretPattern("shippo-api-token", "Shippo API token",
                  _b(r"shippo_(?:live|test)_[a-f0-9]{40}"), ("shippo_",),
                  _tok("shippo_live_", HEX, 40)),

    # Google.
    SecretPattern("google-api-key", "Google API key", _b(r"AIza[0-9A-Za-z_-]{35}", "A-Za-z0-9_-"),
                  ("aiza",), _tok("AIza", URLSAFE, 35), validate=_google_key_valid),
    SecretPattern("google-oauth-client-secret", "Google OAuth client secret",
                  _b(r"GOCSPX-[A-Za-z0-9_-]{28}", "A-Za-z0-9_-"), ("gocspx-",),
                  _tok("GOCSPX-", URLSAFE, 28)),
    SecretPattern("google-oauth-access-token", "Google OAuth access token",
                  _b(r"ya29\.[A-Za-z0-9_-]{30,}", "A-Za-z0-9_-"), ("ya29.",),
                  _tok("ya29.a0", URLSAFE, 120)),
    SecretPattern("google-oauth-refresh-token", "Google OAuth refresh token",
                  _b(r"1//0[A-Za-z0-9_-]{40,}", "A-Za-z0-9_:/-"), ("1//0",),
                  _tok("1//0", URLSAFE, 99)),
    SecretPattern("firebase-fcm-server-key", "Firebase Cloud Messaging server key",
                  _b(r"AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134}", "A-Za-z0-9_-"),
                  (":apa91b",),
                  lambda rng: f"AAAA{rand(rng, URLSAFE, 7)}:APA91b{rand(rng, URLSAFE, 134)}"),

    # AWS.
    SecretPattern("aws-access-key-id", "AWS access key id",
                  _b(r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}", "A-Za-z0-9"),
                  ("akia", "asia", "abia", "acca"), _tok("AKIA", BASE32, 16)),
    SecretPattern(
        "aws-secret-access-key", "AWS secret access key",
        _b(r"(?P<secret>[A-Za-z0-9/+]{40})", "A-Za-z0-9/+="),
        ("akia", "asia", "secret_access", "secretaccess", "aws_secret", "secret-access"),
        gen_aws_secret, validate=_aws_secret_valid,
        context=r"(?:AKIA|ASIA)[A-Z2-7]{16}|aws.?secret|secret.?access.?key",
        context_lines=3, min_entropy=4.2, var="AWS_SECRET_ACCESS_KEY"),
    SecretPattern("aws-session-token", "AWS session token",
                  _b(r"(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE)[A-Za-z0-9/+=]{100,}", "A-Za-z0-9/+="),
                  ("iqojb3jpz2lux2vj", "fwogzxivyxdze"), _tok("IQoJb3JpZ2luX2Vj", B64, 300)),
    SecretPattern("aws-bedrock-api-key", "Amazon Bedrock API key",
                  _b(r"ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/=]{40,}", "A-Za-z0-9+/="),
                  ("absk",), _tok("ABSKQmVkcm9ja0FQSUtleS", B64, 110)),
    SecretPattern("amazon-mws-token", "Amazon MWS auth token",
                  _b(r"amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                     "A-Za-z0-9-"), ("amzn.mws.",),
                  lambda rng: "amzn.mws." + "-".join(rand(rng, HEX, n) for n in (8, 4, 4, 4, 12))),

    # Azure.
    SecretPattern("azure-storage-account-key", "Azure storage account key",
                  r"AccountKey=(?P<secret>[A-Za-z0-9+/]{86}==)", ("accountkey=",),
                  lambda rng: rand(rng, B64, 86) + "==",
                  shape=("DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey={};"
                         "EndpointSuffix=core.windows.net")),
    SecretPattern("azure-ad-client-secret", "Azure AD (Entra ID) client secret",
                  _b(r"[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}", "A-Za-z0-9_~.-"), ("q~",),
                  gen_ad_secret),
    SecretPattern("azure-sas-token", "Azure shared access signature",
                  r"[?&]sig=(?P<secret>[A-Za-z0-9%+/]{40,100}?(?:%3D|=){0,2})(?=[&\s\"'<]|$)",
                  ("sig=",), gen_azure_sig, context=r"[?&]sv=\d{4}-\d\d-\d\d", context_lines=0,
                  flags=re.M,
                  shape=("https://acmedata.blob.core.windows.net/data?sv=2022-11-02&ss=b&srt=co"
                         "&sp=rl&se=2030-01-01T00:00:00Z&spr=https&sig={}")),
    SecretPattern("azure-devops-pat", "Azure DevOps personal access token",
                  _b(r"[A-Za-z0-9]{52}JQQJ99[A-Za-z0-9]{3}AZDO[A-Za-z0-9]{4}"), ("azdo",),
                  gen_azure_devops),
    SecretPattern("azure-sas-key", "Azure Service Bus / Event Hubs shared access key",
                  r"SharedAccessKey=(?P<secret>[A-Za-z0-9+/]{42,43}=)", ("sharedaccesskey=",),
                  lambda rng: rand(rng, B64, 43) + "=",
                  shape=("Endpoint=sb://acme.servicebus.windows.net/;"
                         "SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={}")),
    SecretPattern("azure-app-config-secret", "Azure App Configuration connection secret",
                  r"\.azconfig\.io;Id=[^;\s]+;Secret=(?P<secret>[A-Za-z0-9+/]{43}=)",
                  (".azconfig.io",), lambda rng: rand(rng, B64, 43) + "=",
                  shape="Endpoint=https://acme.azconfig.io;Id=Ab12-l0-s0:Xy9zQ;Secret={}"),

    # Package registries and build tooling.
    SecretPattern("npm-access-token", "npm access token", _b(r"npm_[A-Za-z0-9]{36}"), ("npm_",),
                  lambda rng: crc32_token("npm_", rng), validate=_npm_valid),
    SecretPattern("pypi-upload-token", "PyPI upload token",
                  _b(r"pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,}",
                     "A-Za-z0-9_-"), ("pypi-age",), _tok("pypi-AgEIcHlwaS5vcmcC", URLSAFE, 160)),
    SecretPattern("rubygems-api-key", "RubyGems API key", _b(r"rubygems_[0-9a-f]{48}"),
                  ("rubygems_",), _tok("rubygems_", HEX, 48)),
    SecretPattern("nuget-api-key", "NuGet API key", _b(r"oy2[a-z0-9]{43}"), ("oy2",),
                  _tok("oy2", LOWER_ALNUM, 43)),
    SecretPattern("docker-hub-pat", "Docker Hub personal access token",
                  _b(r"dckr_pat_[A-Za-z0-9_-]{27}", "A-Za-z0-9_-"), ("dckr_pat_",),
                  _tok("dckr_pat_", URLSAFE, 27)),
    SecretPattern("clojars-token", "Clojars deploy token", _b(r"CLOJARS_[a-z0-9]{60}"),
                  ("clojars_",), _tok("CLOJARS_", LOWER_ALNUM, 60)),
    SecretPattern("sonarqube-token", "SonarQube token", _b(r"sq[uap]_[0-9a-f]{40}"),
                  ("squ_", "sqp_", "sqa_"), _tok("squ_", HEX, 40)),
    SecretPattern("npmrc-auth-token", "registry auth token in .npmrc",
                  r"//[^\s=]+/:_authToken=(?P<secret>[A-Za-z0-9_.+/=-]{20,})", ("_authtoken=",),
                  lambda rng: rand(rng, URLSAFE, 40),
                  shape="//npm.pkg.example-corp.io/:_authToken={}"),
    SecretPattern("docker-config-auth", "registry credentials in a Docker config",
                  r'"auth"\s*:\s*"(?P<secret>[A-Za-z0-9+/]{12,}={0,2})"', ('"auth"',),
                  gen_user_pass_b64, validate=_user_pass_valid, context=r'"auths"\s*:',
                  context_lines=30, shape='{{"auths": {{"ghcr.io": {{"auth": "{}"}}}}}}'),
    SecretPattern("pulumi-access-token", "Pulumi access token", _b(r"pul-[a-f0-9]{40}"),
                  ("pul-",), _tok("pul-", HEX, 40)),
    SecretPattern("terraform-cloud-token", "Terraform Cloud / HCP Terraform API token",
                  _b(r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}", "A-Za-z0-9_=-"),
                  (".atlasv1.",),
                  lambda rng: f"{rand(rng, ALNUM, 14)}.atlasv1.{rand(rng, ALNUM, 67)}"),
    SecretPattern("vault-service-token", "HashiCorp Vault service token",
                  _b(r"hvs\.[A-Za-z0-9_-]{24,}", "A-Za-z0-9_-"), ("hvs.",),
                  _tok("hvs.CAESI", URLSAFE, 86)),
    SecretPattern("vault-batch-token", "HashiCorp Vault batch token",
                  _b(r"hvb\.[A-Za-z0-9_-]{24,}", "A-Za-z0-9_-"), ("hvb.",),
                  _tok("hvb.AAAAAQ", URLSAFE, 130)),
    SecretPattern("vault-recovery-token", "HashiCorp Vault recovery token",
                  _b(r"hvr\.[A-Za-z0-9_-]{24,}", "A-Za-z0-9_-"), ("hvr.",),
                  _tok("hvr.", URLSAFE, 90)),
    SecretPattern("doppler-token", "Doppler token",
                  _b(r"dp\.(?:pt|st|ct|sa|scim|audit)\.(?:[a-z0-9_-]{2,35}\.)?[A-Za-z0-9]{40,44}",
                     "A-Za-z0-9_.-"),
                  ("dp.pt.", "dp.st.", "dp.ct.", "dp.sa.", "dp.scim.", "dp.audit."),
                  _tok("dp.pt.", ALNUM, 43)),
    SecretPattern("databricks-token", "Databricks personal access token",
                  _b(r"dapi[a-f0-9]{32}(?:-\d)?", "A-Za-z0-9_-"), ("dapi",),
                  _tok("dapi", HEX, 32)),

    # Email and messaging.
    SecretPattern("sendgrid-api-key", "SendGrid API key",
                  _b(r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}", "A-Za-z0-9_.-"), ("sg.",),
                  lambda rng: f"SG.{rand(rng, URLSAFE, 22)}.{rand(rng, URLSAFE, 43)}"),
    SecretPattern("twilio-api-key", "Twilio API key SID", _b(r"SK[0-9a-f]{32}"), (),
                  _tok("SK", HEX, 32)),
    SecretPattern(
        "twilio-auth-token", "Twilio auth token",
        r"(?i:auth|token|secret)[\w.-]*[\"']?\s*[:=]\s*[\"']?(?P<secret>[0-9a-f]{32})(?![0-9a-f])",
        ("twilio",), _tok("", HEX, 32), context="twilio", context_lines=2,
        var="TWILIO_AUTH_TOKEN"),
    SecretPattern("mailgun-api-key", "Mailgun API key", _b(r"key-[0-9a-f]{32}", "A-Za-z0-9_-"),
                  ("mailgun",), _tok("key-", HEX, 32), context="mailgun", context_lines=3,
                  var="MAILGUN_API_KEY"),
    SecretPattern("discord-webhook-url", "Discord webhook URL",
                  r"(?P<secret>https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/"
                  r"\d{17,20}/(?P<body>[A-Za-z0-9_-]{60,68}))", ("discord",),
                  lambda rng: (f"https://discord.com/api/webhooks/{_digits(rng, 18)}/"
                               f"{rand(rng, URLSAFE, 68)}")),
    SecretPattern("teams-webhook-url", "Microsoft Teams incoming webhook URL",
                  r"(?P<secret>https://[a-z0-9-]+\.webhook\.office\.com/webhookb2/[0-9a-f-]{36}@"
                  r"[0-9a-f-]{36}/IncomingWebhook/(?P<body>[0-9a-f]{32})/[0-9a-f-]{36}"
                  r"(?:/[A-Za-z0-9_-]+)?)", ("webhook.office.com",), gen_teams_webhook),

    # AI providers.
    SecretPattern("anthropic-api-key", "Anthropic API key",
                  _b(r"sk-ant-(?:api|oat)0\d-[A-Za-z0-9_-]{80,120}", "A-Za-z0-9_-"),
                  ("sk-ant-api", "sk-ant-oat"), _tok("sk-ant-api03-", URLSAFE, 93, "AA")),
    SecretPattern("anthropic-admin-key", "Anthropic admin API key",
                  _b(r"sk-ant-admin0\d-[A-Za-z0-9_-]{80,120}", "A-Za-z0-9_-"), ("sk-ant-admin",),
                  _tok("sk-ant-admin01-", URLSAFE, 93, "AA")),
    SecretPattern("openai-admin-key", "OpenAI admin key",
                  _b(r"sk-admin-[A-Za-z0-9_-]{40,250}", "A-Za-z0-9_-"), ("sk-admin-",),
                  lambda rng: f"sk-admin-{rand(rng, URLSAFE, 58)}T3BlbkFJ{rand(rng, URLSAFE, 58)}"),
    SecretPattern("openai-service-account-key", "OpenAI service-account key",
                  _b(r"sk-svcacct-[A-Za-z0-9_-]{40,250}", "A-Za-z0-9_-"), ("sk-svcacct-",),
                  lambda rng: (f"sk-svcacct-{rand(rng, URLSAFE, 74)}T3BlbkFJ"
                               f"{rand(rng, URLSAFE, 74)}")),
    SecretPattern("openai-api-key", "OpenAI API key",
                  _b(r"sk-(?:proj-[A-Za-z0-9_-]{40,250}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})",
                     "A-Za-z0-9_-"), ("sk-proj-", "t3blbkfj"),
                  lambda rng: f"sk-proj-{rand(rng, URLSAFE, 74)}T3BlbkFJ{rand(rng, URLSAFE, 74)}"),
    SecretPattern("huggingface-token", "Hugging Face access token",
                  _b(r"(?:hf_|api_org_)[A-Za-z]{34}"), ("hf_", "api_org_"),
                  _tok("hf_", string.ascii_letters, 34)),
    SecretPattern("groq-api-key", "Groq API key", _b(r"gsk_[A-Za-z0-9]{52}"), ("gsk_",),
                  _tok("gsk_", ALNUM, 52)),
    SecretPattern("perplexity-api-key", "Perplexity API key",
                  _b(r"pplx-[A-Za-z0-9]{48}", "A-Za-z0-9_-"),
                  ("pplx-",), _tok("pplx-", ALNUM, 48)),
    SecretPattern("replicate-api-token", "Replicate API token", _b(r"r8_[A-Za-z0-9]{37}"),
                  ("r8_",), _tok("r8_", ALNUM, 37)),
    SecretPattern("xai-api-key", "xAI API key", _b(r"xai-[A-Za-z0-9]{80}", "A-Za-z0-9_-"),
                  ("xai-",), _tok("xai-", ALNUM, 80)),
    SecretPattern("langsmith-api-key", "LangSmith API key",
                  _b(r"lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}"), ("lsv2_",),
                  lambda rng: f"lsv2_pt_{rand(rng, HEX, 32)}_{rand(rng, HEX, 10)}"),

    # SaaS and infrastructure.
    SecretPattern("digitalocean-token", "DigitalOcean token", _b(r"do[por]_v1_[a-f0-9]{64}"),
                  ("dop_v1_", "doo_v1_", "dor_v1_"), _tok("dop_v1_", HEX, 64)),
    SecretPattern("shopify-token", "Shopify access token or shared secret",
                  _b(r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}"),
                  ("shpat_", "shpca_", "shppa_", "shpss_"), _tok("shpat_", HEX, 32)),
    SecretPattern("atlassian-api-token", "Atlassian API token",
                  _b(r"ATATT3[A-Za-z0-9_=-]{150,250}", "A-Za-z0-9_=-"), ("atatt3",),
                  lambda rng: ("ATATT3xFfGF0" + rand(rng, URLSAFE, 170) + "="
                               + rand(rng, HEX.upper(), 8))),
    SecretPattern("linear-api-key", "Linear API key", _b(r"lin_api_[A-Za-z0-9]{40}"),
                  ("lin_api_",), _tok("lin_api_", ALNUM, 40)),
    SecretPattern("notion-token", "Notion integration token", _b(r"ntn_[0-9]{11}[A-Za-z0-9]{35}"),
                  ("ntn_",), lambda rng: f"ntn_{_digits(rng, 11)}{rand(rng, ALNUM, 35)}"),
    SecretPattern("postman-api-key", "Postman API key",
                  _b(r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}", "A-Za-z0-9_-"), ("pmak-",),
                  lambda rng: f"PMAK-{rand(rng, HEX, 24)}-{rand(rng, HEX, 34)}"),
    SecretPattern("sentry-user-token", "Sentry user auth token", _b(r"sntryu_[a-f0-9]{64}"),
                  ("sntryu_",), _tok("sntryu_", HEX, 64)),
    SecretPattern("sentry-org-token", "Sentry organization auth token",
                  _b(r"sntrys_eyJ[A-Za-z0-9+/=_-]{30,}_[A-Za-z0-9+/]{43}", "A-Za-z0-9+/=_-"),
                  ("sntrys_",), gen_sentry_org_token),
    SecretPattern("new-relic-user-key", "New Relic user API key",
                  _b(r"NRAK-[A-Z0-9]{27}", "A-Za-z0-9_-"), ("nrak-",),
                  _tok("NRAK-", UPPER_ALNUM, 27)),
    SecretPattern("new-relic-license-key", "New Relic ingest license key",
                  _b(r"(?:eu01xx)?[a-f0-9]{30,36}NRAL"), ("nral",), _tok("", HEX, 36, "NRAL")),
    SecretPattern("grafana-service-account-token", "Grafana service account token",
                  _b(r"glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}"), ("glsa_",),
                  lambda rng: f"glsa_{rand(rng, ALNUM, 32)}_{rand(rng, HEX, 8)}"),
    SecretPattern("grafana-cloud-token", "Grafana Cloud access policy token",
                  _b(r"glc_[A-Za-z0-9+/]{32,400}={0,2}", "A-Za-z0-9+/=_"), ("glc_",),
                  _tok("glc_eyJvIjoi", B64, 120)),
    SecretPattern("heroku-api-key", "Heroku API key",
                  _b(r"HRKU-AA[0-9A-Za-z_-]{58}", "A-Za-z0-9_-"),
                  ("hrku-",), _tok("HRKU-AA", URLSAFE, 58)),
    SecretPattern("dynatrace-token", "Dynatrace API token",
                  _b(r"dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}"), ("dt0c01.",),
                  lambda rng: f"dt0c01.{rand(rng, UPPER_ALNUM, 24)}.{rand(rng, UPPER_ALNUM, 64)}"),
    SecretPattern("cloudflare-origin-ca-key", "Cloudflare Origin CA key",
                  _b(r"v1\.0-[a-f0-9]{24}-[a-f0-9]{146}", "A-Za-z0-9_-"), ("v1.0-",),
                  lambda rng: f"v1.0-{rand(rng, HEX, 24)}-{rand(rng, HEX, 146)}"),
    SecretPattern("okta-api-token", "Okta API token",
                  r"SSWS\s+(?P<secret>00[A-Za-z0-9_-]{40})(?![\w-])",
                  ("ssws",), _tok("00", URLSAFE, 40), shape="Authorization: SSWS {}"),
    SecretPattern("contentful-pat", "Contentful personal access token",
                  _b(r"CFPAT-[A-Za-z0-9_-]{43}", "A-Za-z0-9_-"), ("cfpat-",),
                  _tok("CFPAT-", URLSAFE, 43)),
    SecretPattern("figma-pat", "Figma personal access token",
                  _b(r"figd_[A-Za-z0-9_-]{40}", "A-Za-z0-9_-"),
                  ("figd_",), _tok("figd_", URLSAFE, 40)),
    SecretPattern("airtable-pat", "Airtable personal access token",
                  _b(r"pat[A-Za-z0-9]{14}\.[a-f0-9]{64}"), (),
                  lambda rng: f"pat{rand(rng, ALNUM, 14)}.{rand(rng, HEX, 64)}"),
    SecretPattern("mapbox-secret-token", "Mapbox secret token",
                  _b(r"sk\.eyJ1Ijoi[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{22}", "A-Za-z0-9_.-"),
                  ("sk.eyj1ijoi",),
                  lambda rng: (f"sk.eyJ1Ijoi{rand(rng, URLSAFE, 30)}IiwiYSI6Im"
                               f"{rand(rng, URLSAFE, 22)}"
                               f".{rand(rng, URLSAFE, 22)}")),
    SecretPattern("supabase-access-token", "Supabase access token", _b(r"sbp_[a-f0-9]{40}"),
                  ("sbp_",), _tok("sbp_", HEX, 40)),
    SecretPattern("supabase-secret-key", "Supabase secret API key",
                  _b(r"sb_secret_[A-Za-z0-9_-]{31,}", "A-Za-z0-9_-"), ("sb_secret_",),
                  _tok("sb_secret_", URLSAFE, 31)),
    SecretPattern("netlify-token", "Netlify personal access token", _b(r"nfp_[A-Za-z0-9]{36,40}"),
                  ("nfp_",), _tok("nfp_", ALNUM, 36)),
    SecretPattern("tailscale-key", "Tailscale auth or API key",
                  _b(r"tskey-(?:auth|api|client|webhook|scim)-[A-Za-z0-9]{8,20}-[A-Za-z0-9]{20,40}",
                     "A-Za-z0-9_-"), ("tskey-",),
                  lambda rng: f"tskey-auth-k{rand(rng, ALNUM, 11)}CNTRL-{rand(rng, ALNUM, 33)}"),
    SecretPattern("onepassword-service-account-token", "1Password service account token",
                  _b(r"ops_eyJ[A-Za-z0-9+/=_-]{100,}", "A-Za-z0-9+/=_-"), ("ops_eyj",),
                  _tok("ops_eyJzaWduSW5BZGRyZXNzIjoi", B64, 300)),
    SecretPattern("onepassword-secret-key", "1Password account secret key",
                  _b(r"A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}"
                     r"-[A-Z0-9]{5}-[A-Z0-9]{5}", "A-Za-z0-9-"), ("a3-",),
                  gen_onepassword_secret_key),
    SecretPattern("planetscale-token", "PlanetScale token or password",
                  _b(r"pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{43}", "A-Za-z0-9_.-"), ("pscale_",),
                  _tok("pscale_tkn_", URLSAFE, 43)),
    SecretPattern("prefect-api-key", "Prefect API key", _b(r"pnu_[A-Za-z0-9]{36}"), ("pnu_",),
                  _tok("pnu_", ALNUM, 36)),
    SecretPattern("age-secret-key", "age secret key",
                  _b(rf"AGE-SECRET-KEY-1[{BECH32}]{{58}}", "A-Za-z0-9-"), ("age-secret-key-1",),
                  _tok("AGE-SECRET-KEY-1", BECH32, 58)),
    SecretPattern("dropbox-token", "Dropbox access token",
                  _b(r"sl\.(?:u\.)?[A-Za-z0-9_-]{130,}", "A-Za-z0-9_.-"), ("sl.",),
                  _tok("sl.B", URLSAFE, 135)),
    SecretPattern("twitter-bearer-token", "X / Twitter bearer token",
                  _b(r"(?P<secret>A{20,22}(?P<body>[A-Za-z0-9%]{40,}))", "A-Za-z0-9%"),
                  ("aaaaaaaaaaaaaaaaaaaa",),
                  lambda rng: "A" * 22 + rand(rng, ALNUM, 60) + "%3D" + rand(rng, ALNUM, 50)),

    # More provider prefixes, each from the provider's documentation of its key format.
    SecretPattern("adobe-client-secret", "Adobe OAuth client secret",
                  _b(r"p8e-[A-Za-z0-9_-]{32}", "A-Za-z0-9_-"), ("p8e-",),
                  lambda rng: "p8e-" + _with_digit(rng, rand(rng, ALNUM, 32)), validate=_mixed),
    SecretPattern("alibaba-access-key-id", "Alibaba Cloud AccessKey ID",
                  _b(r"LTAI[A-Za-z0-9]{12,20}"), ("ltai",),
                  lambda rng: "LTAI" + _with_digit(rng, rand(rng, ALNUM, 20)), validate=_mixed),
    SecretPattern("artifactory-reference-token", "JFrog Artifactory reference token",
                  _b(r"cmVmd[A-Za-z0-9]{59}"), ("cmvmd",), _tok("cmVmdDox", ALNUM, 56)),
    SecretPattern("authress-access-key", "Authress service client access key",
                  _b(r"sc_[A-Za-z0-9]{5,30}\.[A-Za-z0-9]{4,6}\.acc[_-][A-Za-z0-9-]{10,32}"
                     r"\.[A-Za-z0-9+/_=-]{30,120}", "A-Za-z0-9_.+/=-"), (".acc_", ".acc-"),
                  lambda rng: (f"sc_{rand(rng, LOWER_ALNUM, 10)}.{rand(rng, LOWER_ALNUM, 4)}."
                               f"acc_{rand(rng, LOWER_ALNUM, 10)}.{rand(rng, URLSAFE, 48)}")),
    SecretPattern("aws-bedrock-short-term-key", "Amazon Bedrock short-term API key",
                  _b(r"bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/%=_-]{16,}",
                     "A-Za-z0-9+/%=_-"), ("bedrock-api-key-",),
                  _tok("bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb249", B64, 200),
                  min_entropy=3.5),
    SecretPattern("clickhouse-cloud-api-secret", "ClickHouse Cloud API secret key",
                  _b(r"4b1d[A-Za-z0-9]{38}"), ("4b1d",),
                  lambda rng: "4b1d" + _mixed_sample(rng, 38), validate=_mixed_case),
    SecretPattern("defined-networking-api-token", "Defined Networking API token",
                  _b(r"dnkey-[A-Za-z0-9=_-]{26}-[A-Za-z0-9=_-]{52}", "A-Za-z0-9=_-"), ("dnkey-",),
                  lambda rng: f"dnkey-{rand(rng, URLSAFE, 26)}-{rand(rng, URLSAFE, 52)}"),
    SecretPattern("duffel-api-token", "Duffel API token",
                  _b(r"duffel_(?:test|live)_[A-Za-z0-9=_-]{43}", "A-Za-z0-9=_-"), ("duffel_",),
                  _tok("duffel_live_", URLSAFE, 43)),
    SecretPattern("easypost-api-key", "EasyPost API key",
                  _b(r"EZ[AT]K[A-Za-z0-9]{54}"), ("ezak", "eztk"), _tok("EZAK", ALNUM, 54)),
    SecretPattern("facebook-access-token", "Facebook access token",
                  _b(r"EAA[BCDGM][A-Za-z0-9]{100,}"), ("eaab", "eaac", "eaad", "eaag", "eaam"),
                  _tok("EAAG", ALNUM, 150)),
    SecretPattern("flutterwave-secret-key", "Flutterwave secret or encryption key",
                  _b(r"FLWSECK(?:_TEST)?-(?:[a-fA-F0-9]{32}-X|[a-fA-F0-9]{12})", "A-Za-z0-9_-"),
                  ("flwseck",), lambda rng: f"FLWSECK-{rand(rng, HEX, 32)}-X"),
    SecretPattern("flyio-token", "Fly.io access token",
                  _b(r"(?:fo1_[A-Za-z0-9_-]{43}|fm(?:1[ar]|2)_[A-Za-z0-9+/]{100,}={0,3})",
                     "A-Za-z0-9_+/=-"), ("fo1_", "fm1a_", "fm1r_", "fm2_"),
                  _tok("fo1_", URLSAFE, 43)),
    SecretPattern("frameio-api-token", "Frame.io API token",
                  _b(r"fio-u-[A-Za-z0-9=_-]{64}", "A-Za-z0-9=_-"), ("fio-u-",),
                  _tok("fio-u-", URLSAFE, 64)),
    SecretPattern("gitlab-feature-flag-client-token", "GitLab feature flags client token",
                  _b(r"glffct-[A-Za-z0-9_-]{20}", "A-Za-z0-9_-"), ("glffct-",),
                  _tok("glffct-", URLSAFE, 20)),
    SecretPattern("gitlab-session-cookie", "GitLab session cookie",
                  r"_gitlab_session=(?P<secret>[0-9a-z]{32})(?![A-Za-z0-9])", ("_gitlab_session=",),
                  _tok("", LOWER_ALNUM, 32), shape="Cookie: _gitlab_session={}"),
    SecretPattern("grafana-api-key", "Grafana API key (legacy)",
                  _b(r"eyJrIjoi[A-Za-z0-9+/]{70,400}={0,2}", "A-Za-z0-9+/="), ("eyjrijoi",),
                  _tok("eyJrIjoi", ALNUM, 92)),
    SecretPattern("harness-access-token", "Harness personal or service account token",
                  _b(r"(?:pat|sat)\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20}",
                     "A-Za-z0-9_.-"), ("pat.", "sat."),
                  lambda rng: (f"pat.{rand(rng, URLSAFE, 22)}.{rand(rng, HEX, 24)}."
                               f"{rand(rng, ALNUM, 20)}")),
    SecretPattern("infracost-api-key", "Infracost API key", _b(r"ico-[A-Za-z0-9]{32}", "A-Za-z0-9.-"),
                  ("ico-",), lambda rng: "ico-" + _with_digit(rng, rand(rng, ALNUM, 32)),
                  validate=_mixed),
    SecretPattern("intra42-client-secret", "42 Intra client secret",
                  _b(r"s-s4t2(?:ud|af)-[a-f0-9]{64}", "A-Za-z0-9-"), ("s-s4t2",),
                  _tok("s-s4t2ud-", HEX, 64)),
    SecretPattern("maxmind-license-key", "MaxMind license key",
                  _b(r"[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk"), ("_mmk",),
                  lambda rng: f"{rand(rng, ALNUM, 6)}_{rand(rng, ALNUM, 29)}_mmk"),
    SecretPattern("new-relic-insert-key", "New Relic insert key",
                  _b(r"NRII-[A-Za-z0-9_-]{32}", "A-Za-z0-9_-"), ("nrii-",),
                  _tok("NRII-", URLSAFE, 32)),
    SecretPattern("octopus-deploy-api-key", "Octopus Deploy API key",
                  _b(r"API-[A-Z0-9]{26}", "A-Za-z0-9-"), ("api-",),
                  lambda rng: "API-" + _with_digit(rng, rand(rng, UPPER_ALNUM, 26)),
                  validate=_mixed),
    SecretPattern("openshift-user-token", "OpenShift OAuth access token",
                  _b(r"sha256~[A-Za-z0-9_-]{43}", "A-Za-z0-9_~-"), ("sha256~",),
                  _tok("sha256~", URLSAFE, 43)),
    SecretPattern("readme-api-key", "ReadMe API key", _b(r"rdme_[a-z0-9]{70}"), ("rdme_",),
                  _tok("rdme_", LOWER_ALNUM, 70)),
    SecretPattern("scalingo-api-token", "Scalingo API token",
                  _b(r"tk-us-[A-Za-z0-9_-]{48}", "A-Za-z0-9_-"), ("tk-us-",),
                  _tok("tk-us-", URLSAFE, 48)),
    SecretPattern("brevo-api-key", "Brevo (Sendinblue) API key",
                  _b(r"xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}", "A-Za-z0-9-"), ("xkeysib-",),
                  lambda rng: f"xkeysib-{rand(rng, HEX, 64)}-{rand(rng, ALNUM, 16)}"),
    SecretPattern("settlemint-token", "SettleMint access token",
                  _b(r"sm_(?:aat|pat|sat)_[A-Za-z0-9]{16}"), ("sm_aat_", "sm_pat_", "sm_sat_"),
                  lambda rng: "sm_pat_" + _with_digit(rng, rand(rng, ALNUM, 16))),
    SecretPattern("sidekiq-enterprise-credentials", "Sidekiq Pro / Enterprise gem credentials",
                  r"BUNDLE_(?:ENTERPRISE|GEMS)__CONTRIBSYS__COM[\"']?[ \t]*[:=][ \t]*[\"']?"
                  r"(?P<secret>[0-9a-fA-F]{8}:[0-9a-fA-F]{8})(?![A-Za-z0-9])",
                  ("__contribsys__com",),
                  lambda rng: f"{rand(rng, HEX, 8)}:{rand(rng, HEX, 8)}", min_entropy=2.0,
                  shape="BUNDLE_ENTERPRISE__CONTRIBSYS__COM={}"),
    SecretPattern("sidekiq-enterprise-url", "Sidekiq Pro / Enterprise gem server credentials",
                  r"https?://(?P<secret>[0-9a-fA-F]{8}:[0-9a-fA-F]{8})@"
                  r"(?:gems|enterprise)\.contribsys\.com", ("contribsys.com",),
                  lambda rng: f"{rand(rng, HEX, 8)}:{rand(rng, HEX, 8)}", min_entropy=2.0,
                  shape="source 'https://{}@gems.contribsys.com/'"),
    SecretPattern("slack-config-refresh-token", "Slack configuration refresh token",
                  _b(r"xoxe-\d-[A-Za-z0-9]{146}", "A-Za-z0-9-"), ("xoxe-",),
                  _tok("xoxe-1-", ALNUM, 146)),
    SecretPattern("slack-legacy-token", "Slack legacy token",
                  _b(r"(?:xox[os]-\d+-\d+-\d+-[a-fA-F0-9]{8,}|xoxb-[0-9]{8,14}-[A-Za-z0-9]{18,26}"
                     r"|xox[ar]-(?:\d+-)*[A-Za-z0-9]{8,48})", "A-Za-z0-9-"),
                  ("xoxo-", "xoxs-", "xoxa-", "xoxr-", "xoxb-"),
                  lambda rng: f"xoxb-{_digits(rng, 11)}-{_with_digit(rng, rand(rng, ALNUM, 24))}"),
    SecretPattern("sourcegraph-access-token", "Sourcegraph access token",
                  _b(r"sgp_(?:(?:[a-fA-F0-9]{16}|local)_)?[a-fA-F0-9]{40}"), ("sgp_",),
                  lambda rng: f"sgp_{rand(rng, HEX, 16)}_{rand(rng, HEX, 40)}"),
    SecretPattern("typeform-api-token", "Typeform personal access token",
                  _b(r"tfp_[A-Za-z0-9_.=-]{59}", "A-Za-z0-9_.=-"), ("tfp_",),
                  _tok("tfp_", URLSAFE, 59)),
    SecretPattern("vault-legacy-service-token", "HashiCorp Vault service token (legacy)",
                  _b(r"s\.[A-Za-z0-9]{24}", "A-Za-z0-9_.-"), ("s.",),
                  lambda rng: "s." + _with_digit(rng, rand(rng, ALNUM, 24)),
                  validate=_mixed_case, context=r"vault", context_lines=2, var="VAULT_TOKEN"),
    SecretPattern("jwt-base64", "base64-encoded JSON Web Token",
                  _b(r"(?P<secret>ZXlK[A-Za-z0-9+/]{60,}={0,2})", "A-Za-z0-9+/="), ("zxlk",),
                  lambda rng: base64.b64encode(gen_jwt(rng).encode()).decode(),
                  validate=_base64_jwt_valid, min_entropy=4.0),
    *_NAMED,

    # Generic shapes, last: anything specific above wins when they overlap.
    SecretPattern("jwt", "JSON Web Token",
                  _b(r"(?P<secret>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})",
                     "A-Za-z0-9_.-"), ("eyj",), gen_jwt, validate=_jwt_valid),
    SecretPattern("url-credentials", "password in a URL",
                  r"(?<=[a-zA-Z0-9])://(?P<user>[^\s:/@'\"`<>{}$\\]{0,64}):"
                  r"(?P<secret>[^\s:/@'\"`<>{}$\\]{3,128})@(?P<host>[A-Za-z0-9.-]+)",
                  ("://",), gen_password, validate=_url_creds_valid, min_entropy=2.5,
                  shape="postgres://app_user:{}@db.internal:5432/app"),
    SecretPattern("connection-string-password", "password in a connection string",
                  r"(?i)(?:^|[;\"'\s])(?:password|pwd)\s*=\s*"
                  r"(?P<secret>[^;,\"'\s$%{]{4,128})(?=[;,\"']|\s|$)",
                  ("password=", "pwd=", "password =", "pwd ="), gen_password,
                  shape=("Server=tcp:acme.database.windows.net,1433;Database=app;User Id=svc_app;"
                         "Password={};Encrypt=True;"),
                  validate=_conn_password_valid,
                  context=r"(?:server|data source|host|uid|user id|database)\s*=", context_lines=0,
                  min_entropy=2.5, flags=re.M),
    SecretPattern("http-basic-auth", "HTTP Basic credentials",
                  r"(?i:authorization)[\"']?\s*[:=,]\s*[\"']?Basic\s+"
                  r"(?P<secret>[A-Za-z0-9+/]{12,}={0,2})",
                  ("basic ",), gen_user_pass_b64, validate=_user_pass_valid,
                  shape="Authorization: Basic {}"),
    SecretPattern("http-bearer-token", "bearer token in an Authorization header",
                  r"(?i:authorization)[\"']?\s*[:=,]\s*[\"']?Bearer\s+"
                  r"(?P<secret>[A-Za-z0-9._~+/-]{24,}=*)(?![A-Za-z0-9._~+/=-])",
                  ("bearer ",), _tok("", ALNUM, 40), min_entropy=3.5,
                  shape="Authorization: Bearer {}"),
)
