"""Documents: safe decoding, line/column arithmetic, and the kind of every file."""

from __future__ import annotations

import codecs

import pytest

from gates.documents import Document, decode, detect_kind, load_document
from gates.model import Note
from gates.sources import SourceFile

# --- decode ------------------------------------------------------------------------------------


def test_plain_utf8():
    assert decode("héllo: wörld\n".encode()) == "héllo: wörld\n"


def test_utf8_bom_is_stripped():
    assert decode(codecs.BOM_UTF8 + b"services:\n") == "services:\n"


@pytest.mark.parametrize("bom, codec", [(codecs.BOM_UTF16_LE, "utf-16-le"),
                                        (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_utf16_with_bom_is_text_not_binary(bom, codec):
    """UTF-16 is full of NUL bytes; the BOM must win over the binary sniff."""
    data = bom + "A=${X:-ü}\r\n".encode(codec)
    assert b"\0" in data
    assert decode(data) == "A=${X:-ü}\r\n"


@pytest.mark.parametrize("bom, codec", [(codecs.BOM_UTF32_LE, "utf-32-le"),
                                        (codecs.BOM_UTF32_BE, "utf-32-be")])
def test_utf32_with_bom(bom, codec):
    """The UTF-32 LE BOM starts with the UTF-16 LE BOM: it must not be read as UTF-16."""
    assert decode(bom + "k: v\n".encode(codec)) == "k: v\n"


def test_invalid_utf8_becomes_replacement_characters():
    text = decode(b"name: caf\xe9\nnext: \xff\xfe ok\n")
    assert text is not None
    assert text.splitlines() == ["name: caf\ufffd", "next: \ufffd\ufffd ok"]


def test_truncated_utf16_never_raises():
    assert decode(codecs.BOM_UTF16_LE + b"a\x00b") == "a\ufffd"


def test_nul_byte_means_binary():
    assert decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") is None
    assert decode(b"text\x00more") is None


def test_nul_after_the_sniff_window_is_still_text():
    """Only the first 8 KiB are sniffed (cost); such a file is decoded, never crashed on."""
    text = decode(b"a" * 9000 + b"\x00")
    assert text is not None and len(text) == 9001


def test_empty_file_is_text():
    assert decode(b"") == ""


# --- lines and positions -----------------------------------------------------------------------


def _doc(text: str, path: str = "compose.yml") -> Document:
    return Document(path, text, detect_kind(path, text))


def test_bom_crlf_compose_positions():
    data = codecs.BOM_UTF8 + b"services:\r\n  api:\r\n    image: app:${TAG:-latest}\r\n"
    loaded = load_document(SourceFile("deploy/compose.yml", len(data), lambda: data), 1 << 20)
    assert isinstance(loaded, Document)
    assert loaded.kind == "compose"
    assert not loaded.text.startswith("\ufeff")
    offset = loaded.text.index("${TAG")
    assert loaded.position(offset) == (3, 16)
    assert loaded.position(0) == (1, 1)
    assert loaded.line_start(3) == loaded.text.index("    image")
    assert loaded.lines[2] == "    image: app:${TAG:-latest}"


def test_position_counts_code_points_and_old_mac_line_ends():
    doc = _doc("é: 1\rkey: ${X:-ü}\n日本: ${Y-1}")
    assert doc.position(doc.text.index("${X")) == (2, 6)
    assert doc.position(doc.text.index("${Y")) == (3, 5)
    assert doc.lines == ["é: 1", "key: ${X:-ü}", "日本: ${Y-1}"]


@pytest.mark.parametrize("odd", ["\x0c", "\x0b", "\x1c", "\x85", "\u2028", "\u2029"])
def test_lines_and_positions_agree_on_what_a_line_is(odd):
    """``str.splitlines`` also splits on form feed, U+2028 and friends; ``position`` does not.

    If they disagree, a hit's line (from ``position``) points at a different ``lines`` entry,
    and inline ignores (which read ``lines``) cover the wrong line.
    """
    doc = _doc(f"a: 1 {odd} still line one\nb: ${{X:-1}}\n", "app.env")
    line, _ = doc.position(doc.text.index("${X"))
    assert line == 2
    assert doc.lines[line - 1] == "b: ${X:-1}"
    assert len(doc.lines) == 2


# --- load_document -----------------------------------------------------------------------------


def _source(path: str, data: bytes, size: int | None = None) -> SourceFile:
    return SourceFile(path, len(data) if size is None else size, lambda: data)


def test_oversized_by_stat_is_skipped_without_reading():
    def read() -> bytes:
        raise AssertionError("an oversized file must not be read")

    note = load_document(SourceFile("big.yml", 5000, read), max_size=1024)
    assert isinstance(note, Note)
    assert (note.kind, note.path) == ("skipped-file", "big.yml")
    assert "1024" in note.message


def test_file_that_grew_after_stat_is_skipped():
    note = load_document(_source("grew.yml", b"x" * 2000, size=10), max_size=1024)
    assert isinstance(note, Note) and note.kind == "skipped-file"


def test_unreadable_file_is_an_error_note_without_content():
    def read() -> bytes:
        raise PermissionError(13, "Permission denied", "/repo/secret.env")

    note = load_document(SourceFile("secret.env", 10, read), max_size=1024)
    assert isinstance(note, Note)
    assert (note.kind, note.path) == ("error", "secret.env")
    assert "Permission denied" in note.message


def test_binary_file_is_skipped_with_a_note():
    note = load_document(_source("logo.png", b"\x89PNG\x00\x00"), max_size=1024)
    assert isinstance(note, Note)
    assert note.kind == "skipped-file" and "binary" in note.message


def test_changed_lines_are_carried():
    source = SourceFile("a.env", 4, lambda: b"A=1\n", frozenset({1}))
    doc = load_document(source, 1024)
    assert isinstance(doc, Document)
    assert doc.changed_lines == frozenset({1})
    assert (doc.path, doc.kind) == ("a.env", "env-file")


# --- detect_kind -------------------------------------------------------------------------------

KINDS = [
    # compose: by name, and by a top-level services: key
    ("docker-compose.yml", "", "compose"),
    ("deploy/compose.yaml", "", "compose"),
    ("compose.prod.yml", "", "compose"),
    ("docker-compose.override.yaml", "", "compose"),
    ("stack.yml", "version: '3'\nservices:\n  a: {}\n", "compose"),
    ("stack.yml", "---\nservices:\n  a: {}\n", "compose"),
    ("notes.yml", "x:\n  services: 1\n", "yaml"),
    # k8s: apiVersion and kind at the top level
    ("k8s/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\n", "k8s"),
    ("m.yaml", "---\nkind: ConfigMap\napiVersion: v1\n", "k8s"),
    ("m.yaml", "apiVersion: v1\n", "yaml"),
    ("m.yaml", "spec:\n  apiVersion: v1\n  kind: X\n", "yaml"),
    # helm values: by name anywhere, and any YAML under charts/ outside templates
    ("values.yaml", "", "helm-values"),
    ("deploy/values-prod.yml", "", "helm-values"),
    ("charts/api/values.yaml", "", "helm-values"),
    ("charts/api/envs/prod.yaml", "", "helm-values"),
    ("charts/api/Chart.yaml", "apiVersion: v2\nname: api\n", "yaml"),
    # helm templates: Go templates under charts/*/templates
    ("charts/api/templates/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\n",
     "helm-template"),
    ("deploy/charts/api/templates/cm.yml", "", "helm-template"),
    # env files
    (".env", "", "env-file"),
    (".env.prod", "", "env-file"),
    ("deploy/.env.example", "", "env-file"),
    ("config/app.env", "", "env-file"),
    (".envrc", "", "other"),
    ("environment.txt", "", "other"),
    # workflows
    (".github/workflows/ci.yml", "", "workflow"),
    (".gitea/workflows/deploy.yaml", "", "workflow"),
    (".forgejo/workflows/x.yml", "", "workflow"),
    (".github/ci.yml", "", "yaml"),
    ("workflows/ci.yml", "", "yaml"),
    # dockerfiles
    ("Dockerfile", "", "dockerfile"),
    ("docker/Dockerfile.prod", "", "dockerfile"),
    ("api.dockerfile", "", "dockerfile"),
    ("api.Dockerfile", "", "dockerfile"),
    ("dockerfile", "", "dockerfile"),
    ("Containerfile", "", "dockerfile"),
    # shell: by extension and by shebang
    ("scripts/run.sh", "", "shell"),
    ("x.bash", "", "shell"),
    ("bin/deploy", "#!/usr/bin/env bash\nset -e\n", "shell"),
    ("bin/deploy", "#!/bin/sh\n", "shell"),
    ("bin/deploy", "#! /bin/zsh -e\n", "shell"),
    ("bin/tool", "#!/usr/bin/env python3\n", "other"),
    ("bin/tool", "#!/usr/bin/fish\n", "other"),
    ("bin/tool", "echo hi\n#!/bin/sh\n", "other"),
    # source and docs
    ("README.md", "", "markdown"),
    ("docs/GUIDE.MD", "", "markdown"),
    ("app/main.py", "", "python"),
    ("web/app.tsx", "", "typescript"),
    ("main.go", "", "go"),
    ("infra/main.tf", "", "hcl"),
    ("COMPOSE.YML", "services:\n", "compose"),
    # everything else
    ("LICENSE", "", "other"),
    ("image.png", "", "other"),
]


@pytest.mark.parametrize("path, text, kind", KINDS)
def test_detect_kind(path, text, kind):
    assert detect_kind(path, text) == kind


def test_kind_is_detected_after_bom_strip():
    data = codecs.BOM_UTF8 + b"apiVersion: v1\nkind: Secret\n"
    doc = load_document(_source("secret.yaml", data), 1024)
    assert isinstance(doc, Document) and doc.kind == "k8s"


def test_yaml_is_parsed_once_and_lazily():
    doc = _doc("services:\n  a:\n    image: x\n")
    assert "yaml" not in doc.__dict__
    first = doc.yaml
    assert doc.yaml is first
