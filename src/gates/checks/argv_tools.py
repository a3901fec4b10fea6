"""The programs ``secret-in-argv`` knows: which arguments carry a secret, and the safe form.

An explicit table (no guessing from flag names alone): ``-p`` is a password for ``docker
login`` and ``sshpass`` but a port for ``ssh``, ``docker run`` and ``redis-cli``, so a flag only
counts for the program (and subcommand) listed with it. Every entry names the form that keeps
the secret out of the process list: stdin, an environment variable, or a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from gates.parse.shell import Word


@dataclass(frozen=True)
class ArgvTool:
    """A program (and subcommand) that accepts a secret as an argument.

    ``flags`` take the secret as the next word, ``--flag=value`` or (two-character flags)
    ``-fVALUE``; with ``attached_only`` only the last two count (``mysql -p`` alone prompts).
    ``value`` is a regex the value must match to be a secret (``curl -u user`` prompts, only
    ``user:pass`` carries one). ``kv_keys`` are ``key=value`` arguments (``vault write``),
    ``positional`` the first bare argument (``vault login TOKEN``), ``flag_pattern`` a regex for
    flags spelled with their own names (``--//registry/:_authToken=VALUE``).
    """

    programs: tuple[str, ...]
    safe: str
    subcommand: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    attached_only: bool = False
    value: str = ""
    kv_keys: tuple[str, ...] = ()
    positional: bool = False
    flag_pattern: str = ""
    what: str = "password"


_STDIN = ("`--password-stdin` (`printf '%s' \"$PASSWORD\" | {program} login -u USER "
          "--password-stdin`)")
_MYSQL = ("an option file: `--defaults-extra-file=FILE` with `[client]` and `password=...` "
          "(mode 600), written from the secret at run time")

TOOLS: tuple[ArgvTool, ...] = (
    ArgvTool(("docker", "podman", "nerdctl", "buildah", "skopeo", "oras"), _STDIN,
             subcommand=("login",), flags=("-p", "--password")),
    ArgvTool(("helm",), "`--password-stdin`", subcommand=("registry", "login"),
             flags=("-p", "--password")),
    ArgvTool(("crane",), "`--password-stdin`", subcommand=("auth", "login"),
             flags=("-p", "--password")),
    ArgvTool(("mysql", "mysqldump", "mysqladmin", "mysqlimport", "mysqlcheck", "mysqlshow",
              "mariadb", "mariadb-dump"), _MYSQL, flags=("-p", "--password"),
             attached_only=True),
    ArgvTool(("curl",), "`--netrc-file FILE` (or `-K FILE` holding `user = \"name:password\"`)",
             flags=("-u", "--user", "-U", "--proxy-user"), value=r":.", what="user:password"),
    ArgvTool(("wget",), "`--use-askpass` or a .netrc file",
             flags=("--password", "--http-password", "--ftp-password", "--proxy-password")),
    ArgvTool(("sshpass",),
             "`sshpass -e` (the password in the SSHPASS variable) or `sshpass -f FILE`",
             flags=("-p",)),
    ArgvTool(("redis-cli",), "the REDISCLI_AUTH environment variable", flags=("-a", "--pass")),
    ArgvTool(("openssl",), "`-passin env:VAR` or `-passin file:PATH`",
             flags=("-passin", "-passout", "-pass"), value=r"^pass:", what="passphrase"),
    ArgvTool(("vault",), "`vault login -` (the token on stdin) or the VAULT_TOKEN variable",
             subcommand=("login",), positional=True, kv_keys=("password", "token"),
             what="token"),
    ArgvTool(("vault",), "`key=-` (the value on stdin) or `key=@FILE`", subcommand=("write",),
             kv_keys=("password", "secret_id", "token"), what="secret"),
    ArgvTool(("twine",), "the TWINE_PASSWORD variable (or PyPI trusted publishing)",
             subcommand=("upload",), flags=("-p", "--password")),
    ArgvTool(("npm", "npx", "pnpm", "yarn"),
             "an .npmrc line `//registry/:_authToken=${NPM_TOKEN}` (npm reads the variable)",
             flag_pattern=r"--\S*:_(?:authToken|auth|password)=(?P<value>.*)", what="token"),
    ArgvTool(("glab",), "`glab auth login --stdin` or the GITLAB_TOKEN variable",
             subcommand=("auth", "login"), flags=("-t", "--token"), what="token"),
    ArgvTool(("doctl",), "the DIGITALOCEAN_ACCESS_TOKEN variable",
             flags=("-t", "--access-token"), what="token"),
    ArgvTool(("codecov", "codecovcli"), "the CODECOV_TOKEN variable", flags=("-t", "--token"),
             what="token"),
    ArgvTool(("fly", "flyctl"), "the FLY_API_TOKEN variable", flags=("-t", "--access-token"),
             what="token"),
    ArgvTool(("vercel",), "the VERCEL_TOKEN variable", flags=("-t", "--token"), what="token"),
    ArgvTool(("netlify",), "the NETLIFY_AUTH_TOKEN variable", flags=("--auth",), what="token"),
    ArgvTool(("argocd",), "the ARGOCD_AUTH_TOKEN variable",
             flags=("--auth-token", "--password"), what="token"),
    ArgvTool(("kubectl",), "a kubeconfig (KUBECONFIG) with the token, written at run time",
             flags=("--token",), what="token"),
    ArgvTool(("jf", "jfrog"), "`--password-stdin` / `--access-token-stdin`",
             flags=("--password", "--access-token")),
    ArgvTool(("sonar-scanner", "mvn", "mvnw", "gradle", "gradlew"), "the SONAR_TOKEN variable",
             flag_pattern=r"-Dsonar\.(?:login|token|password)=(?P<value>.*)", what="token"),
)

_BY_PROGRAM: dict[str, tuple[ArgvTool, ...]] = {
    program: tuple(t for t in TOOLS if program in t.programs)
    for tool in TOOLS for program in tool.programs
}
# A text that names none of the programs cannot hold a finding: the check's prefilter.
PROGRAM_NAMES = re.compile("|".join(re.escape(p) for p in sorted(_BY_PROGRAM, key=len,
                                                                     reverse=True)))

# Words before the program: keywords, wrappers, and wrapper options that take a value.
_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "}",
                       "exec", "time", "nohup", "command", "builtin", "sudo", "env", "nice"})
_WRAPPER_VALUE_OPTIONS = frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-n"})
_ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")


@dataclass(frozen=True)
class ArgvSecret:
    """A secret on a command line: the argument that carries it and what it is."""

    word: Word  # the flag (or the argument) to point at
    program: str
    spelled: str  # how the finding names it: "docker login -p"
    value: str  # the value as written (a literal or a reference); never shown
    tool: ArgvTool


def program_index(words: list[Word]) -> int | None:
    """Index of the program word: after assignments, keywords and wrappers like ``sudo -u x``."""
    i = 0
    while i < len(words):
        text = words[i].text.lstrip("@-+") if i == 0 else words[i].text
        if _ASSIGNMENT.match(text):
            i += 1
        elif text in _KEYWORDS:
            i += 1
            while i < len(words) and words[i].text.startswith("-"):
                i += 2 if words[i].text in _WRAPPER_VALUE_OPTIONS else 1
        elif text:
            return i
        else:
            i += 1
    return None


def find_secrets(words: list[Word]) -> Iterator[ArgvSecret]:
    """Every secret-carrying argument of one simple command."""
    start = program_index(words)
    if start is None:
        return
    name = words[start].text.lstrip("@-+").rsplit("/", 1)[-1]
    for tool in _BY_PROGRAM.get(name, ()):
        args = _after_subcommand(words[start + 1:], tool.subcommand)
        if args is not None:
            for word, spelled_flag, value in _arguments(tool, args):
                if value.strip() and (not tool.value or re.search(tool.value, value)):
                    spelled = " ".join((name, *tool.subcommand, spelled_flag)).strip()
                    yield ArgvSecret(word, name, spelled, value, tool)


def _after_subcommand(args: list[Word], subcommand: tuple[str, ...]) -> list[Word] | None:
    """The words after the subcommand (in order, anywhere after the program), or None."""
    i = 0
    for part in subcommand:
        while i < len(args) and args[i].text != part:
            i += 1
        if i == len(args):
            return None
        i += 1
    return args[i:]


def _arguments(tool: ArgvTool, args: list[Word]) -> Iterator[tuple[Word, str, str]]:
    """(word to point at, flag as spelled, value) for each secret-carrying argument."""
    positional_seen = False
    for i, word in enumerate(args):
        text = word.text
        if text in tool.flags and not tool.attached_only:
            following = args[i + 1] if i + 1 < len(args) else None
            if following is not None and not _is_flag(following.text):
                yield word, text, following.text
            continue
        flag, value = _joined(tool, text)
        if flag:
            yield word, flag, value
        elif tool.flag_pattern and (found := re.fullmatch(tool.flag_pattern, text)):
            yield word, text.split("=", 1)[0], found.group("value")
        elif tool.kv_keys and "=" in text and text.split("=", 1)[0] in tool.kv_keys:
            key, value = text.split("=", 1)
            if value != "-" and not value.startswith("@"):
                yield word, f"{key}=", value
        elif tool.positional and not positional_seen and not _is_flag(text) and "=" not in text:
            positional_seen = True
            if text != "-":
                yield word, "TOKEN", text


def _is_flag(text: str) -> bool:
    """``-x`` / ``--xy``; a lone ``-`` means stdin and is a value."""
    return text.startswith("-") and text != "-"


def _joined(tool: ArgvTool, text: str) -> tuple[str, str]:
    """(flag, value) of ``--flag=value`` or ``-fVALUE``; ("", "") when neither."""
    for flag in tool.flags:
        if text.startswith(flag + "=") and len(flag) > 2:
            return flag, text[len(flag) + 1:]
        if len(flag) == 2 and flag[0] == "-" and text.startswith(flag) and len(text) > 2:
            return flag, text[2:]
    return "", ""
