"""``hardcoded-secret``: credentials recognisable by their shape, wherever they are committed.

Two sources of detectors, one pipeline:

* our catalogue (``secret_patterns.py``): provider token formats with checksums and context;
* detect-secrets plugins, used as a library for the formats we do not write ourselves. This is
  the only module that imports ``detect_secrets``, and only when a file has a candidate for one
  of those plugins: a pre-commit run over files without one never pays for the import. Only the
  plugins' pure ``analyze_string`` is called, on plugin objects made for this call: no global
  settings are read or changed, nothing is verified over the network.

Every file goes through one cheap prefilter first (lowercase keyword substrings for our
patterns, one small regex per plugin), so the per-pattern regexes run only where they can match.
Each candidate must then pass the same quality gate: a plausible entropy, no placeholder words,
no long runs or counting sequences (``ghp_xxxx…``, ``AKIA…EXAMPLE``), a valid checksum or
structure where the format has one. Values are never shown: messages carry ``redact(value)``
and the engine hashes ``Hit.secret`` into the fingerprint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator

from gates.checks import secret_values as values
from gates.checks.secret_patterns import (
    ALNUM, CATALOGUE, HEX, LOWER_ALNUM, URLSAFE, Rng, SecretPattern, rand,
)
from gates.context import CheckContext
from gates.documents import Document
from gates.errors import GatesError
from gates.model import Hit
from gates.redact import redact


@dataclass(frozen=True)
class Detection:
    """A credential found in a text: its type and where its value sits (offsets)."""

    type_id: str
    name: str
    start: int
    end: int
    secret: str


@dataclass(frozen=True)
class PluginDetector:
    """A detect-secrets plugin, with the prefilter and context that make it precise enough.

    ``prefilter`` runs on the whole file; only lines it matches are handed to the plugin.
    ``line_context`` (case-insensitive) must also occur on the line: several plugins match
    generic ``key = value`` shapes and are only specific with their provider's name nearby.
    ``lower``: the plugin's regexes are lowercase-only, so it reads the lowercased line.
    """

    id: str
    name: str
    plugin: str  # class name in detect_secrets.plugins.<module>
    module: str
    keywords: tuple[str, ...]  # lowercase, for the one-pass prefilter; () = always (regex only)
    prefilter: str  # then this regex (if any) finds the candidate lines
    generate: Callable[[Rng], str]
    line_context: str | None = None
    lower: bool = False
    shape: str = "{}"
    var: str = ""
    glued_after: str = ""  # a word the value may directly follow (Telegram: ``.../bot<token>``)

    @property
    def variable(self) -> str:
        return self.var or self.id.upper().replace("-", "_")


PLUGIN_DETECTORS: tuple[PluginDetector, ...] = (
    PluginDetector("artifactory-token", "JFrog Artifactory API token", "ArtifactoryDetector",
                   "artifactory", ("akc",), r"AKC[a-zA-Z0-9]{10,}",
                   lambda rng: "AKCp" + rand(rng, ALNUM, 69)),
    PluginDetector("cloudant-credentials", "IBM Cloudant credentials", "CloudantDetector",
                   "cloudant", ("cloudant",), "",
                   lambda rng: rand(rng, HEX, 64), line_context="cloudant", lower=True,
                   var="CLOUDANT_PASSWORD"),
    PluginDetector("discord-bot-token", "Discord bot token", "DiscordBotTokenDetector", "discord",
                   (), r"\.[a-zA-Z\d_-]{6}\.[a-zA-Z\d_-]{27}",
                   lambda rng: (f"M{rand(rng, URLSAFE, 25)}.{rand(rng, URLSAFE, 6)}."
                                f"{rand(rng, URLSAFE, 27)}")),
    PluginDetector("ibm-cloud-iam-key", "IBM Cloud IAM API key", "IbmCloudIamDetector",
                   "ibm_cloud_iam", ("ibm", "iam"), "", lambda rng: rand(rng, URLSAFE, 44),
                   line_context="ibm|iam", lower=True, var="IBM_CLOUD_IAM_API_KEY"),
    PluginDetector("ibm-cos-hmac-secret", "IBM Cloud Object Storage HMAC secret",
                   "IbmCosHmacDetector", "ibm_cos_hmac", ("cos", "hmac"), "",
                   lambda rng: rand(rng, HEX, 48), line_context="cos|hmac", lower=True,
                   var="IBM_COS_HMAC_SECRET_ACCESS_KEY"),
    PluginDetector("mailchimp-api-key", "Mailchimp API key", "MailchimpDetector", "mailchimp",
                   ("-us",), r"-us\d",
                   lambda rng: f"{rand(rng, HEX, 32)}-us{rng.randrange(1, 21)}"),
    PluginDetector("softlayer-api-key", "IBM SoftLayer API key", "SoftlayerDetector", "softlayer",
                   ("softlayer", "sl_api", "slapi", "sl-api"), "",
                   lambda rng: rand(rng, LOWER_ALNUM, 64), line_context="softlayer|sl_?api",
                   lower=True, var="SOFTLAYER_API_KEY"),
    PluginDetector("square-oauth-secret", "Square OAuth secret", "SquareOAuthDetector",
                   "square_oauth", ("sq0csp-",), r"sq0csp-",
                   lambda rng: "sq0csp-" + rand(rng, URLSAFE, 43)),
    PluginDetector("telegram-bot-token", "Telegram bot token", "TelegramBotTokenDetector",
                   "telegram_token", (":aa",), r":AA[0-9A-Za-z_-]{33}",
                   lambda rng: f"{rng.randrange(10**9, 10**10)}:AA{rand(rng, URLSAFE, 33)}",
                   glued_after="bot"),
)

# Characters that delimit values in code but that detect-secrets' regexes do not expect:
# mapped to what they do expect, one for one, so offsets stay valid.
_PLUGIN_NORMALISE = str.maketrans({"'": '"', "`": '"', ",": " ", ";": " ", "(": " ", ")": " ",
                                   "[": " ", "]": " ", "{": " ", "}": " ", "<": " ", ">": " "})
_PLUGIN_DELIMS = " \t\"'=:,;()[]{}<>`"


@lru_cache(maxsize=1)
def type_ids() -> tuple[str, ...]:
    """Every credential type id this rule reports, catalogue first."""
    return tuple(p.id for p in CATALOGUE) + tuple(d.id for d in PLUGIN_DETECTORS)


# -- the check ---------------------------------------------------------------------------------

def hardcoded_secret(doc: Document, ctx: CheckContext) -> Iterator[Hit]:
    """Every credential in ``doc`` recognisable by its format, redacted."""
    ignored = _ignored_types(ctx.options.get("ignore_types") or ())
    for found in detections(doc, bool(ctx.options.get("all_formats_in_generated"))):
        if found.type_id in ignored:
            continue
        line, col = doc.position(found.start)
        end_line, end_col = doc.position(found.end)
        shown = redact(_displayed(found.secret))
        yield Hit(
            line=line, col=col, end_line=end_line, end_col=end_col,
            message=f"{found.name} {shown} is hardcoded: anyone who can read this file can use it",
            evidence=found.type_id, secret=found.secret,
        )


def _displayed(secret: str) -> str:
    """The value as a person would name it: a key block without its leading line break."""
    return re.sub(r"^(?:\s|\\[nr])+", "", secret).rstrip()


def _ignored_types(names: Iterable[str]) -> frozenset[str]:
    if not names:
        return frozenset()
    known = set(type_ids())
    unknown = sorted(set(names) - known)
    if unknown:
        raise GatesError(f"hardcoded-secret: unknown type id(s) in ignore_types: "
                         f"{', '.join(unknown)}", "`gates explain hardcoded-secret` lists them")
    return frozenset(names)


# -- detection ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Compiled:
    pattern: SecretPattern
    regex: re.Pattern[str]
    context: re.Pattern[str] | None
    not_after: re.Pattern[str] | None  # the match must not follow one of these characters
    after: re.Pattern[str] | None = None  # the match must follow one of these characters


_LEADING_LOOKBEHIND = re.compile(r"\(\?<([!=])(\[[^\]]*\])\)")


@lru_cache(maxsize=None)
def _compiled(index: int) -> _Compiled:
    """The catalogue's pattern ``index``, compiled on first use and kept (a cache of constants).

    Compiling on demand keeps a pre-commit run cheap: only patterns whose keywords occur in
    the staged files are ever compiled. A leading ``(?<![...])`` or ``(?<=[...])`` is checked in
    Python instead: in front of a literal prefix it would stop ``re`` from using its fast
    literal search (50 times slower on large files; ``://`` in a lockfile's every URL).
    """
    p = CATALOGUE[index]
    lookbehind = _LEADING_LOOKBEHIND.match(p.regex)
    regex = p.regex[lookbehind.end():] if lookbehind else p.regex
    chars = re.compile(lookbehind.group(2)) if lookbehind else None
    negative = lookbehind is not None and lookbehind.group(1) == "!"
    return _Compiled(p, re.compile(regex, p.flags),
                     re.compile(p.context, re.I) if p.context else None,
                     chars if negative else None, None if negative else chars)


@lru_cache(maxsize=1)
def _plugin_prefilters() -> tuple[tuple[PluginDetector, re.Pattern[str] | None,
                                         re.Pattern[str] | None], ...]:
    return tuple((d, re.compile(d.prefilter) if d.prefilter else None,
                  re.compile(d.line_context, re.I) if d.line_context else None)
                 for d in PLUGIN_DETECTORS)


def detections(doc: Document, all_formats: bool = False) -> list[Detection]:
    """What ``hardcoded-secret`` reports in ``doc``: every format, or in a generated file (a
    lockfile, a minified bundle: ``generated.py``) the distinctive formats only, unless
    ``all_formats`` (option ``all_formats_in_generated``). A token in a lockfile's registry URL or an API key built into a bundle
    is a real leak; the generic detectors there find only hash-shaped noise and cost double."""
    return detect(doc.text, distinctive_only=not all_formats and doc.generated is not None)


def detect(text: str, distinctive_only: bool = False) -> list[Detection]:
    """Every credential in ``text``, in order, overlaps resolved by catalogue priority.

    ``distinctive_only``: only formats known by their own shape (a prefix, a checksum), not
    those found by a provider's name nearby nor detect-secrets' keyword and entropy plugins.
    """
    present = keywords_in(text)
    always, by_keyword = _patterns_by_keyword()
    indexes = set(always).union(*(by_keyword[k] for k in present if k in by_keyword))
    if distinctive_only:
        indexes = {i for i in indexes if _distinctive(CATALOGUE[i])}
    found: list[Detection] = []
    for index in sorted(indexes):  # catalogue order, as before: overlaps resolve by priority
        found.extend(_pattern_matches(_compiled(index), text))
    if not distinctive_only:
        found.extend(_plugin_matches(text, present))
    return _without_overlaps(found)


def _distinctive(pattern: SecretPattern) -> bool:
    return not pattern.keyed and pattern.context is None


@lru_cache(maxsize=1)
def _patterns_by_keyword() -> tuple[tuple[int, ...], dict[str, tuple[int, ...]]]:
    """Catalogue indexes of the patterns without keywords, and of those each keyword gates."""
    by_keyword: dict[str, list[int]] = {}
    for index, pattern in enumerate(CATALOGUE):
        for keyword in pattern.keywords:
            by_keyword.setdefault(keyword, []).append(index)
    always = tuple(i for i, p in enumerate(CATALOGUE) if not p.keywords)
    return always, {k: tuple(v) for k, v in by_keyword.items()}


def keywords_in(text: str) -> frozenset[str]:
    """The prefilter: which detectors' keywords occur in ``text`` (lowercased), in one pass.

    An Aho-Corasick automaton over every keyword (ahocorasick_rs: Rust, ~8 ns a character, ten
    times a ``re`` trie tried at each position), overlapping matches included, so a keyword
    inside or across another is seen too.
    """
    automaton, words = _keyword_automaton()
    found = {match[0] for match in
             automaton.find_matches_as_indexes(text.lower(), overlapping=True)}
    return frozenset(words[index] for index in found)


@lru_cache(maxsize=1)
def _keyword_automaton() -> tuple[Any, tuple[str, ...]]:
    import ahocorasick_rs

    words = tuple(sorted({k for p in CATALOGUE for k in p.keywords}
                         | {k for d in PLUGIN_DETECTORS for k in d.keywords}))
    return ahocorasick_rs.AhoCorasick(list(words)), words


def _pattern_matches(compiled: _Compiled, text: str) -> Iterator[Detection]:
    pattern = compiled.pattern
    has_secret = "secret" in compiled.regex.groupindex
    has_body = "body" in compiled.regex.groupindex
    for match in compiled.regex.finditer(text):
        if compiled.after is not None and (
                match.start() == 0 or not compiled.after.match(text, match.start() - 1)):
            continue
        if compiled.not_after is not None and match.start() > 0 \
                and compiled.not_after.match(text, match.start() - 1):
            continue
        group = "secret" if has_secret else 0
        secret = match.group(group)
        body = match.group("body") if has_body else secret
        if not _plausible(pattern, body):
            continue
        if pattern.validate is not None and not pattern.validate(match):
            continue
        if compiled.context is not None and not _near(text, match.start(group), match.end(group),
                                                      compiled.context, pattern.context_lines):
            continue
        block = secret[:1].isspace() or secret.startswith("\\n")  # a key block: at its BEGIN
        start = match.start() if block else match.start(group)
        yield Detection(pattern.id, pattern.name, start, match.end(group), secret)


def _plausible(pattern: SecretPattern, body: str) -> bool:
    """The quality gate: random enough, and not a person's stand-in for a token."""
    if not pattern.fake_check:
        return _plausible_block(body, pattern.min_entropy or 4.0)
    if values.looks_fake(body):
        return False
    threshold = pattern.min_entropy if pattern.min_entropy is not None \
        else values.default_min_entropy(len(body))
    return values.shannon(body) >= threshold


_BLOCK_HEADERS = re.compile(r"^[^\n:]*:[^\n]*$", re.M)
_BLOCK_BREAKS = re.compile(r"\\[nr]|\s")
_BASE64_BLOCK = re.compile(r"[A-Za-z0-9+/=]{64,}")


def _plausible_block(body: str, threshold: float) -> bool:
    """A key block: only base64 once headers and line breaks are gone, long and random enough.

    Stand-ins (``...``, ``<your key>``, ``XXXXXXXX``) leave non-base64 characters or long runs;
    documentation keys carry ``EXAMPLE``. Other words are not looked for: a kilobyte of real
    base64 spells ``fake`` now and then.
    """
    compact = _BLOCK_BREAKS.sub("", _BLOCK_HEADERS.sub("", body))
    return (bool(_BASE64_BLOCK.fullmatch(compact)) and not re.search(r"(?i)x{8}|EXAMPLE", compact)
            and values.shannon(compact) >= threshold)


def _near(text: str, start: int, end: int, context: re.Pattern[str], lines: int) -> bool:
    """Does ``context`` occur on the match's lines or ``lines`` lines around them?

    The match itself is left out: a 40-character value must not vouch for itself.
    """
    lo = text.rfind("\n", 0, start) + 1
    for _ in range(lines):
        if lo == 0:
            break
        lo = text.rfind("\n", 0, lo - 1) + 1
    hi = text.find("\n", end)
    hi = len(text) if hi < 0 else hi
    for _ in range(lines):
        if hi >= len(text):
            break
        nxt = text.find("\n", hi + 1)
        hi = len(text) if nxt < 0 else nxt
    return bool(context.search(text[lo:start] + " " + text[end:hi]))


def _plugin_matches(text: str, present: frozenset[str]) -> Iterator[Detection]:
    """Run the detect-secrets plugins whose prefilter matched, on the lines it matched.

    A plugin with a ``line_context`` reads the lines holding one of its keywords; the others
    read the lines where their prefilter regex matches.
    """
    wanted = [(d, pre, ctx) for d, pre, ctx in _plugin_prefilters()
              if (not d.keywords or not present.isdisjoint(d.keywords))
              and (pre is None or pre.search(text))]
    if not wanted:
        return
    starts = _line_starts(text)
    lowered = text.lower()
    for detector, prefilter, line_context in wanted:
        if prefilter is None:
            offsets = [at for k in detector.keywords for at in _occurrences(lowered, k)]
        else:
            offsets = [m.start() for m in prefilter.finditer(text)]
        candidate_lines = sorted({_line_of(starts, at) for at in offsets})
        if not candidate_lines:
            continue
        plugin = _plugin(detector)
        for line_start in candidate_lines:
            line_end = text.find("\n", line_start)
            line = text[line_start:line_end if line_end >= 0 else len(text)]
            if line_context is not None and not line_context.search(line):
                continue
            yield from _plugin_line(detector, plugin, line, line_start)


def _occurrences(text: str, word: str) -> Iterator[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


def _plugin_line(detector: PluginDetector, plugin: Any, line: str,
                 line_start: int) -> Iterator[Detection]:
    scanned = line.translate(_PLUGIN_NORMALISE)
    if detector.lower:
        scanned = scanned.lower()
        if len(scanned) != len(line):
            return  # lowercasing changed lengths (rare Unicode): offsets would lie
    seen: set[int] = set()
    for raw in plugin.analyze_string(scanned):
        value = raw.strip(_PLUGIN_DELIMS)
        at = scanned.find(value)
        while at >= 0 and at in seen:
            at = scanned.find(value, at + 1)
        if not value or at < 0:
            continue
        seen.add(at)
        secret = line[at:at + len(value)]
        glued = bool(detector.glued_after) and line[:at].endswith(detector.glued_after)
        if not _plugin_value_ok(secret, line[at - 1] if at > 0 and not glued else " ",
                                line[at + len(secret):at + len(secret) + 1] or " "):
            continue
        yield Detection(detector.id, detector.name, line_start + at,
                        line_start + at + len(secret), secret)


def _plugin_value_ok(secret: str, before: str, after: str) -> bool:
    """The plugins' regexes are unanchored: demand a token boundary and the usual quality gate."""
    if before.isalnum() or after.isalnum() or before in "_-" or after in "_-":
        return False
    if values.looks_fake(secret):
        return False
    return values.shannon(secret) >= values.default_min_entropy(len(secret))


def _plugin(detector: PluginDetector) -> Any:
    """A fresh plugin object: detect-secrets is imported here, and only here, on demand."""
    import importlib

    module = importlib.import_module(f"detect_secrets.plugins.{detector.module}")
    return getattr(module, detector.plugin)()


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\n", text)]


def _line_of(starts: list[int], offset: int) -> int:
    import bisect

    return starts[bisect.bisect_right(starts, offset) - 1]


def _without_overlaps(found: list[Detection]) -> list[Detection]:
    """Keep, for overlapping spans, the detection whose type comes first in priority order."""
    priority = _priority()
    kept: list[Detection] = []
    for det in sorted(found, key=lambda d: (priority[d.type_id], d.start)):
        if all(det.end <= k.start or det.start >= k.end for k in kept):
            kept.append(det)
    return sorted(kept, key=lambda d: (d.start, d.end))


@lru_cache(maxsize=1)
def _priority() -> dict[str, int]:
    return {type_id: i for i, type_id in enumerate(type_ids())}


