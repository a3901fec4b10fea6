"""Startup validation of required env, per language: what ``bootstrap-schema`` accepts.

An idiom is a set of regexes that must all match one source file (``BaseSettings`` *and* an
import of pydantic; ``@ConfigurationProperties`` *and* ``@Validated``), so a word in passing is
not mistaken for a schema. Repos add their own idioms with the rule option ``extra_patterns``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Callable, Iterable

from gates.documents import Document

_KIND_LANGUAGES = {"python": "python", "javascript": "js", "typescript": "js", "go": "go",
                   "java": "java", "ruby": "ruby"}
_SUFFIX_LANGUAGES = {".cs": "dotnet", ".fs": "dotnet", ".vb": "dotnet", ".rs": "rust"}
_ENV = r"(?:process\.env|import\.meta\.env)\b"


@dataclass(frozen=True)
class Validator:
    name: str
    language: str
    hints: tuple[str, ...]  # one of these literals occurs wherever the idiom does: a cheap test
    all_of: tuple[re.Pattern[str], ...]

    def used_in(self, text: str, near_env: Callable[[], str]) -> bool:
        """All its patterns match; one that names ``process.env`` is tried only on the text
        around each occurrence (``near_env``): a regex over a whole bundle costs milliseconds."""
        return any(hint in text for hint in self.hints) and \
            all(p.search(near_env() if _ENV in p.pattern else text) for p in self.all_of)


def _v(name: str, language: str, hints: tuple[str, ...], *patterns: str) -> Validator:
    """A validator; patterns naming ``process.env`` first: the cheapest, and the rarest."""
    ordered = sorted(patterns, key=lambda p: _ENV not in p)
    return Validator(name, language, hints, tuple(re.compile(p, re.M) for p in ordered))


VALIDATORS: tuple[Validator, ...] = (
    _v("zod", "js", ("process.env", "import.meta.env"),
       r"\bz\.object\s*\(|\bfrom\s+['\"]zod['\"]|require\(\s*['\"]zod['\"]",
       rf"\.(?:safeParse|parse|parseAsync|safeParseAsync)\s*\(\s*{_ENV}"),
    _v("t3-env", "js", ("createEnv",), r"['\"]@t3-oss/env-[\w-]+['\"]", r"\bcreateEnv\s*\("),
    _v("envalid", "js", ("cleanEnv",), r"\bcleanEnv\s*\("),
    _v("env-var", "js", ("env-var",), r"['\"]env-var['\"]", r"\.required\s*\("),
    _v("joi / yup", "js", ("process.env", "import.meta.env"),
       rf"\.(?:validate|validateSync|assert|attempt)\s*\(\s*{_ENV}"),
    _v("valibot", "js", ("process.env", "import.meta.env"),
       rf"\b(?:v\.)?(?:parse|safeParse)\s*\(\s*\w+\s*,\s*{_ENV}"),
    _v("@nestjs/config", "js", ("ConfigModule",),
       r"ConfigModule\.forRoot\s*\(", r"\b(?:validationSchema|validate)\s*:"),
    _v("convict", "js", ("convict",), r"\bconvict\s*\(", r"\.validate\s*\("),
    _v("envsafe", "js", ("envsafe",), r"\benvsafe\s*\("),
    _v("pydantic-settings", "python", ("BaseSettings",),
       r"\bBaseSettings\b", r"^\s*(?:from|import)\s+pydantic"),
    _v("environs", "python", ("environs",),
       r"^\s*(?:from\s+environs\s+import\b|import\s+environs\b)"),
    _v("environ-config", "python", ("@environ.config",), r"@environ\.config\b"),
    _v("django-environ", "python", ("environ.Env",), r"\benviron\.Env\s*\("),
    _v("dynaconf Validator", "python", ("dynaconf",), r"\bdynaconf\b", r"\bValidator\s*\("),
    _v("envconfig", "go", ("envconfig.",),
       r"\benvconfig\.(?:Process|MustProcess|ProcessWith)\s*\("),
    _v("caarlos0/env", "go", ("caarlos0/env",), r"\"github\.com/caarlos0/env(?:/v\d+)?\"",
       r"\benv\.(?:Parse|ParseWithOptions|ParseAs|ParseAsWithOptions|Must)\b"),
    _v("cleanenv", "go", ("cleanenv.Read",), r"\bcleanenv\.Read(?:Env|Config)\s*\("),
    _v("envdecode", "go", ("envdecode.",),
       r"\benvdecode\.(?:Decode|StrictDecode|MustDecode|MustStrictDecode)\s*\("),
    _v("Spring @ConfigurationProperties + @Validated", "java", ("@ConfigurationProperties",),
       r"@ConfigurationProperties\b",
       r"@Validated\b"),
    _v("Quarkus @ConfigMapping", "java", ("@ConfigMapping",), r"@ConfigMapping\b"),
    _v("dry-schema / dry-validation", "ruby", ("Dry::",),
       r"\bDry::(?:Schema|Validation)\b", r"\bENV\b"),
    _v("envied", "ruby", ("ENVied",), r"\bENVied\b"),
    _v("anyway_config", "ruby", ("Anyway::Config",), r"<\s*Anyway::Config\b", r"^\s*required\b"),
    _v("dotenv require_keys", "ruby", ("Dotenv.require_keys",), r"\bDotenv\.require_keys\s*\("),
    _v("options ValidateOnStart", "dotnet", (".ValidateOnStart",), r"\.ValidateOnStart\s*\("),
    _v("envy", "rust", ("envy::",), r"\benvy::(?:from_env|prefixed)\b"),
)

# What to suggest when nothing is found, by the app's main language.
SUGGESTIONS = {
    "python": "a pydantic-settings BaseSettings class instantiated at startup",
    "js": "a zod schema parsed at startup: z.object({...}).parse(process.env) (or envalid cleanEnv)",
    "go": "a config struct loaded with envconfig.Process (or caarlos0/env) in main",
    "java": "a @ConfigurationProperties class annotated @Validated",
    "ruby": "a dry-schema contract over ENV run at boot (or anyway_config with required)",
    "dotnet": "options bound with ValidateDataAnnotations().ValidateOnStart()",
    "rust": "a config struct deserialised with envy::from_env at startup",
}


def language(path: str, kind: str | None) -> str | None:
    """The source language of a file for schema idioms, or None (decided before reading it)."""
    if kind in _KIND_LANGUAGES:
        return _KIND_LANGUAGES[kind]
    return _SUFFIX_LANGUAGES.get(PurePosixPath(path).suffix.lower()) if kind == "other" else None


_WINDOW = 160  # characters before ``process.env`` that an idiom's call may take


def _around_env(text: str) -> str:
    """The text around every ``process.env`` / ``import.meta.env``; a NUL between windows, so
    no ``\\s*`` of a pattern joins two of them."""
    parts = []
    for literal in ("process.env", "import.meta.env"):
        at = text.find(literal)
        while at >= 0:
            parts.append(text[max(0, at - _WINDOW):at + len(literal) + 1])
            at = text.find(literal, at + 1)
    return "\n\0\n".join(parts)


def found_validator(doc: Document, extra: Iterable[re.Pattern[str]] = ()) -> str | None:
    """The name of the first validation idiom ``doc`` uses, or None."""
    lang = language(doc.path, doc.kind)
    if lang is None:
        return None
    text = doc.text
    windows: list[str] = []

    def near_env() -> str:
        if not windows:
            windows.append(_around_env(text))
        return windows[0]

    for validator in VALIDATORS:
        if validator.language == lang and validator.used_in(text, near_env):
            return validator.name
    for pattern in extra:
        if pattern.search(doc.text):
            return f"extra pattern {pattern.pattern!r}"
    return None
