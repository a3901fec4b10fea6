"""A ``Document`` is one decoded file with its kind; parsed forms are computed once, lazily.

Decoding never loses a file: BOMs (UTF-8, UTF-16) are honoured, invalid UTF-8 is decoded with
replacement characters and a note, NUL bytes mean binary (skipped with a note).
"""

from __future__ import annotations

import bisect
import codecs
import re
from functools import cached_property
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from gates.model import Note
from gates.sources import SourceFile

if TYPE_CHECKING:
    from gates.parse.deploy_values import InterpolationScan
    from gates.parse.templated import TemplatedYaml
    from gates.parse.yaml import YamlError, YamlResult

BINARY_SNIFF = 8192
YAML_SUFFIXES = (".yml", ".yaml")
_COMPOSE_NAME = re.compile(r"^(docker-)?compose[\w.-]*\.ya?ml$")
_VALUES_NAME = re.compile(r"^values[\w.-]*\.ya?ml$")
_TOP_SERVICES = re.compile(r"^services:", re.M)
_TOP_API_VERSION = re.compile(r"^apiVersion:", re.M)
_TOP_KIND = re.compile(r"^kind:", re.M)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what git, editors and SARIF count as a line end
# Chart metadata and dependency lists live under charts/ but are not values files.
_CHART_METADATA = ("chart.yaml", "chart.yml", "requirements.yaml", "requirements.yml")
_EXTENSION_KINDS = {
    ".py": "python", ".pyi": "python",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".tsx": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".go": "go", ".java": "java", ".kt": "java", ".rb": "ruby",
    ".sh": "shell", ".bash": "shell", ".zsh": "shell", ".ksh": "shell",
    ".md": "markdown", ".markdown": "markdown", ".tf": "hcl", ".hcl": "hcl", ".tfvars": "hcl",
    ".json": "json", ".toml": "toml",
}


class Document:
    """One file's text, kind and lazily parsed forms. ``path`` is root-relative POSIX."""

    undecodable = ""  # what decoding replaced with U+FFFD, said as a note (``load_document``)

    def __init__(self, path: str, text: str, kind: str,
                 changed_lines: frozenset[int] | None = None) -> None:
        self.path = path
        self.text = text
        self.kind = kind
        self.changed_lines = changed_lines

    @cached_property
    def lines(self) -> list[str]:
        """The text split on CR LF, CR and LF only, the same breaks as ``position``.

        Not ``str.splitlines``: it also breaks on form feed, U+2028 and other separators, so a
        file holding one would shift every later line against ``position`` and inline ignores
        would cover the wrong line. Like ``splitlines``, a final line break adds no empty line.
        """
        lines = _LINE_BREAK.split(self.text)
        if lines and lines[-1] == "":
            lines.pop()
        return lines

    @cached_property
    def _line_starts(self) -> list[int]:
        starts = [0]
        for match in _LINE_BREAK.finditer(self.text):
            starts.append(match.end())
        return starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset; columns count code points."""
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def line_start(self, line: int) -> int:
        """Offset of the first character of 1-based ``line``."""
        return self._line_starts[line - 1]

    @cached_property
    def yaml(self) -> YamlResult:
        """Every YAML document in the file, or the parse error (see ``parse/yaml.py``)."""
        from gates.parse.yaml import load_documents

        return load_documents(self.text)

    @cached_property
    def yaml_error(self) -> YamlError | None:
        """``yaml.error``, without building the round-trip tree when the file is valid.

        ``parse-error`` asks this of every compose file and manifest, most of which no check
        reads as a tree: libyaml validates them (``parse/yaml.py: check``). When ruamel had to
        decide, its result is kept as ``yaml``, so nothing is parsed twice.
        """
        if "yaml" in self.__dict__:
            return self.yaml.error
        from gates.parse.yaml import check

        result = check(self.text)
        if result is None:
            return None
        self.__dict__["yaml"] = result
        return result.error

    @property
    def holds_parse(self) -> bool:
        """True when a YAML parse is cached here: keeping the document saves parsing it again."""
        return "yaml" in self.__dict__ or "templated" in self.__dict__

    @cached_property
    def templated(self) -> TemplatedYaml:
        """The YAML documents that can be read with template actions neutralised.

        The same trees as ``yaml`` when the text has no template markers (one parse serves the
        file checks and the repo-scope rules); see ``parse/templated.py``.
        """
        from gates.parse.templated import read

        return read(self)

    @cached_property
    def generated(self) -> str | None:
        """"lockfile" or "minified" when a tool wrote this file (``generated.py``), else None;
        asked by the engine and both secret rules, worked out once."""
        from gates.generated import generated

        return generated(self)

    @cached_property
    def interpolations(self) -> InterpolationScan:
        """``${...}`` expressions where deployment tooling interpolates them, with comments."""
        from gates.parse.deploy_values import scan

        return scan(self)


def load_document(source: SourceFile, max_size: int) -> Document | Note:
    """Read and decode ``source``, or say why it is not scanned."""
    if source.size > max_size:
        return Note("skipped-file", f"larger than {max_size} bytes (max_file_size)", source.path)
    try:
        data = source.read()
    except OSError as exc:
        return Note("error", f"cannot read: {exc.strerror or exc.__class__.__name__}", source.path)
    if len(data) > max_size:
        return Note("skipped-file", f"larger than {max_size} bytes (max_file_size)", source.path)
    text = decode(data)
    if text is None:
        return Note("skipped-file", "binary (contains NUL bytes)", source.path)
    document = Document(source.path, text, detect_kind(source.path, text), source.changed_lines)
    if "\ufffd" in text:
        document.undecodable = undecodable(data, text)
    return document


def decode_note(doc: Document) -> Note | None:
    """A note when decoding replaced bytes with U+FFFD: those bytes were not checked.

    The rest of the file was, so this is not an error; but a secret written in Latin-1 bytes
    could hide in what was replaced, and a run must say what it did not look at.
    """
    return Note("skipped-file", doc.undecodable, doc.path) if doc.undecodable else None


def undecodable(data: bytes, text: str) -> str:
    """Why ``text`` is not exactly ``data`` ("" when it is; a file may hold U+FFFD itself)."""
    codec = next((codec for bom, codec in _BOMS if data.startswith(bom)), "utf-8")
    added = text.count("\ufffd") - data.count("\ufffd".encode(codec))
    if added <= 0:
        return ""
    # codec[:6]: "utf-8", "utf-16" or "utf-32", without the byte order
    return (f"invalid {codec[:6].upper()} ({added} byte sequence(s) read as U+FFFD and not "
            "checked; the rest of the file was)")


# UTF-32 before UTF-16: the UTF-32 LE BOM starts with the UTF-16 LE BOM.
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"),
         (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode(data: bytes) -> str | None:
    """Text of ``data``, or None for binary. Invalid UTF-8 becomes U+FFFD, never an error."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace")
    if b"\0" in data[:BINARY_SNIFF]:
        return None
    return data.decode("utf-8", errors="replace")


def detect_kind(path: str, text: str) -> str:
    """The document kind, from the name first and, for YAML, from the top-level keys."""
    name, parts = _split(path)
    lower = name.lower()
    if name == ".env" or name.startswith(".env.") or name.endswith(".env"):
        return "env-file"
    if _is_dockerfile(lower):
        return "dockerfile"
    if lower in ("makefile", "gnumakefile") or lower.endswith(".mk"):
        return "makefile"
    if lower.endswith(YAML_SUFFIXES):
        return _yaml_kind(lower, parts, text)
    dot = lower.rfind(".")
    kind = _EXTENSION_KINDS.get(lower[dot:] if 0 < dot < len(lower) - 1 else "")  # the suffix
    if kind:
        return kind
    if text.startswith("#!") and re.match(r"#!.*\b(ba|z|k|da)?sh\b", text):
        return "shell"
    return "other"


def _split(path: str) -> tuple[str, tuple[str, ...]]:
    """``PurePosixPath(path)``'s name and folders, by string operations for a normalised path.

    Kinds are asked for every path of a tree (10,000 on a staged run's view); building a
    ``PurePosixPath`` is most of what that costs.
    """
    if "//" in path or "/./" in path or path.startswith(("/", "./")) or \
            path.endswith(("/", "/.")) or path in ("", "."):
        pure = PurePosixPath(path)
        return pure.name, pure.parts[:-1]
    parts = path.split("/")
    return parts[-1], tuple(parts[:-1])


def _is_dockerfile(lower: str) -> bool:
    """``Dockerfile``, ``Dockerfile.prod``, ``api.Dockerfile`` and the Podman ``Containerfile``s."""
    return any(lower == base or lower.startswith(base + ".") or lower.endswith("." + base)
               for base in ("dockerfile", "containerfile"))


def _yaml_kind(name: str, folders: tuple[str, ...], text: str) -> str:
    """Kind of a YAML file; ``name`` is lower-cased."""
    if len(folders) >= 2 and folders[-2] in (".github", ".gitea", ".forgejo") \
            and folders[-1] == "workflows":
        return "workflow"
    if "charts" in folders:
        if "templates" in folders[folders.index("charts"):]:
            return "helm-template"
        return "yaml" if name in _CHART_METADATA else "helm-values"
    if _VALUES_NAME.match(name):
        return "helm-values"
    if _COMPOSE_NAME.match(name) or _TOP_SERVICES.search(text):
        return "compose"
    if _TOP_API_VERSION.search(text) and _TOP_KIND.search(text):
        return "k8s"
    return "yaml"


def yaml_kinds() -> tuple[str, ...]:
    """Kinds whose files are YAML that gates parses (templates are Go templates, not YAML)."""
    return ("compose", "k8s", "helm-values", "workflow", "yaml")


