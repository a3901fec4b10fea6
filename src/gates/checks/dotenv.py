"""``dotenv-in-deploy-path`` and ``dotenv-not-ignored``: where ``.env`` files may live."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any, Iterator

from gates.context import CheckContext
from gates.documents import Document
from gates.fixers.gitignore import ignore
from gates.model import Hit

_ENV_FILE_FLAG = re.compile(r"--env-file(?:=|\s+)(?P<q>['\"]?)(?P<path>[^\s'\"]+)(?P=q)")


def is_dotenv(path: str, allowed_suffixes: list[str]) -> bool:
    """``.env`` and ``.env.<stage>`` files, except templates like ``.env.example``."""
    name = PurePosixPath(path).name
    if name == ".env":
        return True
    return name.startswith(".env.") and name[len(".env."):] not in allowed_suffixes


def dotenv_in_deploy_path(doc: Document, ctx: CheckContext) -> Iterator[Hit]:
    """A ``.env`` file under a deploy path, or one that a deploy-path file loads."""
    if not ctx.in_deploy_path(doc.path):
        return
    allowed = list(ctx.options["allowed_suffixes"])
    if doc.kind == "env-file" and is_dotenv(doc.path, allowed):
        yield Hit(1, 1, f"{PurePosixPath(doc.path).name} is committed under a production deploy "
                  "path: deployments must not read secrets or settings from a .env file",
                  evidence="file")
    elif doc.kind == "compose":
        yield from _compose_env_files(doc, allowed)
    elif doc.kind not in ("env-file", "compose"):
        yield from _env_file_flags(doc, allowed)


def _compose_env_files(doc: Document, allowed: list[str]) -> Iterator[Hit]:
    if "env_file" not in doc.text and "\\" not in doc.text:
        return  # no such key (only an escape could spell it): skip building the YAML tree
    for data in doc.yaml.documents:
        services = data.get("services") if isinstance(data, dict) else None
        if not isinstance(services, dict):
            continue
        for name, service in services.items():
            if isinstance(service, dict) and "env_file" in service:
                yield from _env_file_entries(service, name, allowed)


def _env_file_entries(service: Any, name: str, allowed: list[str]) -> Iterator[Hit]:
    value: Any = service["env_file"]
    items = value if isinstance(value, list) else [value]
    for index, item in enumerate(items):
        target = item.get("path") if isinstance(item, dict) else item
        if not isinstance(target, str) or not is_dotenv(target, allowed):
            continue
        line, col = _position(value, index) if isinstance(value, list) else \
            _position(service, "env_file", value=True)
        yield Hit(line + 1, col + 1, f"service {name} loads {target} with env_file: in a "
                  "production deploy path", evidence=f"env_file:{name}:{target}")


def _position(node: Any, key: Any, value: bool = False) -> tuple[int, int]:
    """0-based (line, col) that ruamel recorded for a list item or a mapping value."""
    lc = node.lc
    line, col = lc.value(key) if value else lc.item(key)
    return int(line), int(col)


def _env_file_flags(doc: Document, allowed: list[str]) -> Iterator[Hit]:
    if "--env-file" not in doc.text:
        return
    for number, line in enumerate(doc.lines, start=1):
        for match in _ENV_FILE_FLAG.finditer(line):
            target = match.group("path")
            if is_dotenv(target, allowed):
                yield Hit(number, match.start() + 1, f"--env-file {target} in a production "
                          "deploy path", evidence=f"--env-file:{target}")


def dotenv_not_ignored(doc: Document, ctx: CheckContext) -> Iterator[Hit]:
    """A local ``.env`` that git tracks, or that no .gitignore covers."""
    if doc.kind != "env-file" or not is_dotenv(doc.path, list(ctx.options["allowed_suffixes"])):
        return
    if "dotenv-in-deploy-path" in ctx.enabled and ctx.in_deploy_path(doc.path):
        return  # reported as dotenv-in-deploy-path, which asks for more than an ignore line
    name = PurePosixPath(doc.path).name
    ignored = ctx.git is not None and ctx.git.is_ignored(doc.path)
    fixes = () if ignored else tuple(f for f in (ignore(ctx.root, doc.path),) if f is not None)
    if ctx.git is None:
        yield Hit(1, 1, f"{name} is not covered by a .gitignore: one `git add .` commits it",
                  evidence="not-ignored", fixes=fixes)
    elif ctx.git.is_tracked(doc.path):
        # The ignore line is half the fix; `git rm --cached` and rotating stay with a human.
        yield Hit(1, 1, f"{name} is committed to git: local env files hold local secrets and "
                  "settings", evidence="tracked",
                  fix=f"Run `git rm --cached {doc.path}`, add it to .gitignore, and rotate any "
                  "secret it held", fixes=fixes)
    elif not ignored:
        yield Hit(1, 1, f"{name} is not covered by .gitignore: one `git add .` commits it",
                  evidence="not-ignored", fixes=fixes)
