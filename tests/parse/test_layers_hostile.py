"""Fuzzing the text layers a second way: generated well-formed input must read back exactly,
line ends must not matter, and hostile shapes must cost linear time.

``test_interpolation.py``, ``test_markdown.py`` and ``test_hcl.py`` already check that each
parser never raises on arbitrary text. Here: ``${...}`` located in whole documents of every kind
(what the rules report), README sections and Vault policies generated with known keys, paths and
lines, the same input with LF, CR LF and CR line ends, and template actions (``{{ }}``) that
never close, which took time quadratic in their number (40,000 took 27 s).
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gates.documents import Document
from gates.parse.hcl import policies
from gates.parse.markdown import secrets_section
from gates.parse.templated import _blank, _placeholder, detemplate, without_actions

# --- interpolation, located in documents ----------------------------------------------------------

PIECES = st.sampled_from([
    "services:\n", "  api:\n", "    image: app:${TAG:-latest}\n", "    environment:\n",
    "      A: ${A:-1}  # safe-default: local only\n", "      - B=${B:-${C:-x}}\n", "x: '${Q:-1}'\n",
    'y: "${D:?required}"\n', "z: |\n  ${E:-block}\n  more\n", "# ${COMMENTED:-1}\n", "$$", "${",
    "}", ":-", "A=${A-1}\n", "export B=${B:=bad}\n", "C='${C:-literal}'\n", "é", "\t", " ", "#",
    "\r\n", "\n", "${#X}", "${X/a/b}", "{{ .Values.x }}", "- ${L:-1}\n", "[${M:-1}]\n",
])
KINDS = ["compose", "k8s", "helm-values", "helm-template", "env-file", "yaml", "other"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(KINDS), st.lists(PIECES, max_size=25).map("".join))
def test_every_located_expression_points_at_its_dollar(kind: str, text: str) -> None:
    doc = Document("deploy/compose.yml", text, kind)
    scan = doc.interpolations
    lines = len(doc.lines) + 1
    for located in scan.exprs:
        offset = doc.line_start(located.line) + located.col - 1
        assert text[offset] == "$" and offset == located.expr.start
        assert (located.line, located.col) <= (located.end_line, located.end_col) <= (lines, 10**6)
    for error in scan.errors:
        assert text[doc.line_start(error.line) + error.col - 1] == "$"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["compose", "k8s", "env-file", "other"]),
       st.lists(PIECES.filter(lambda p: "\r" not in p), max_size=20).map("".join))
def test_line_ends_do_not_move_expressions(kind: str, text: str) -> None:
    def places(body: str) -> list[tuple[int, int, str]]:
        doc = Document("deploy/compose.yml", body, kind)
        return [(e.line, e.col, e.expr.name) for e in doc.interpolations.exprs]

    assert places(text.replace("\n", "\r\n")) == places(text)


# --- README sections ----------------------------------------------------------------------------

NAMES = st.from_regex(r"[A-Z]{2,6}(_[A-Z0-9]{2,6}){1,2}", fullmatch=True)
WORDS = st.lists(st.sampled_from(["database", "password", "token", "for", "the", "api", "key"]),
                 min_size=1, max_size=4).map(" ".join)
PROSE = st.lists(st.sampled_from(["Some text.", "", "## Running", "# Title", "    indented",
                                  "```", "```", "<!-- x -->", "- item", "| a | b |"]), max_size=6)


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(NAMES, WORDS, min_size=1, max_size=6), PROSE, st.sampled_from(["## ", "# ", "### "]),
       st.sampled_from(["\n", "\r\n", "\r"]))
def test_a_generated_secrets_table_reads_back_exactly(keys: dict[str, str], before: list[str],
                                                      level: str, newline: str) -> None:
    if before.count("```") % 2:  # an unclosed fence hides the rest, by design
        before = [line for line in before if line != "```"]
    head = [*before, "", f"{level}Secrets architecture", "", "Mode: ESO bridge.", "",
            "| Vault path | Key | Purpose |", "|---|---|---|"]
    rows = [f"| `secret/data/app` | `{name}` | {purpose} |" for name, purpose in keys.items()]
    tail = ["", f"{level}Other section", "", "| Key | Purpose |", "|---|---|",
            "| `NOT_IN_SECTION` | no |"]
    section = secrets_section(newline.join(head + rows + tail) + newline)
    assert section is not None and section.line == len(before) + 2
    first_row = len(head) + 1
    assert [(k.name, k.purpose, k.line) for k in section.keys] == [
        (name, purpose, first_row + i) for i, (name, purpose) in enumerate(keys.items())]
    assert [(p.path, p.line) for p in section.paths] == [("secret/data/app", first_row)]
    assert section.mode == "eso"


# --- Vault policies -----------------------------------------------------------------------------

PATHS = st.from_regex(r"(secret|kv)/data/[a-z]{1,6}(/[a-z+*]{1,4}){0,2}(/\*)?", fullmatch=True)
CAPABILITIES = st.lists(st.sampled_from(["create", "read", "update", "delete", "list", "deny"]),
                        min_size=1, max_size=4, unique=True)
GAPS = st.sampled_from(["\n", "\n\n", "\n# note\n", "\n// note\n", "\n/* a\n b */\n", " "])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(PATHS, CAPABILITIES, st.booleans()), min_size=1, max_size=5), GAPS,
       st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_generated_policies_read_back_with_their_lines(rules: list[tuple[str, list[str], bool]],
                                                       gap: str, newline: str,
                                                       heredoc: bool) -> None:
    blocks, expected, line = [], [], 2 if heredoc else 1
    for path, capabilities, multiline in rules:
        caps = ", ".join(f'"{c}"' for c in capabilities)
        body = f"\n  capabilities = [{caps}]\n" if multiline else f" capabilities = [{caps}] "
        blocks.append(f'path "{path}" {{{body}}}')
        expected.append((path, line, tuple(capabilities)))
        line += blocks[-1].count("\n") + gap.count("\n")
    text = gap.join(blocks) + "\n"
    if heredoc:
        text = 'resource "vault_policy" "p" {\n  policy = <<EOT\n' + text + "EOT\n}\n"
        expected = [(p, n + 1, c) for p, n, c in expected]
    text = text.replace("\n", newline)
    found = [(r.path, r.line, r.capabilities) for p in policies(text) for r in p.rules]
    assert found == expected


# --- template actions ---------------------------------------------------------------------------

_REFERENCE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def reference_detemplate(text: str) -> str:
    """The regex implementation ``detemplate`` replaced (correct, but quadratic)."""
    out, last = [], 0
    for match in _REFERENCE.finditer(text):
        out.append(text[last:match.start()])
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end < 0 else line_end
        alone = not text[line_start:match.start()].strip() and \
            not _REFERENCE.sub("", text[match.end():line_end]).strip()
        out.append(_blank(match.group(0)) if alone else _placeholder(match.group(0)))
        last = match.end()
    out.append(text[last:])
    return "".join(out)


TEMPLATE_BITS = st.sampled_from(["{{", "}}", "{%", "%}", "{#", "#}", "{", "}", "%", "#", " ",
                                 "\n", "a", "-", ": ", "\t", "- ", "\r\n"])


@settings(max_examples=500, deadline=None)
@given(st.lists(TEMPLATE_BITS, max_size=40).map("".join))
def test_template_actions_are_found_as_the_regex_found_them(text: str) -> None:
    assert detemplate(text) == reference_detemplate(text)
    assert without_actions(text) == _REFERENCE.sub("", text)


@pytest.mark.parametrize("text", [
    "a: x\n" + "{{" * 200_000,  # openers that never close
    "x: " + "{{ a }} " * 200_000 + "\n",  # one line, many actions
    "{% x %}" + "{{" * 200_000 + "%}",
    "{{ .a }}\n" * 100_000,
], ids=["unclosed", "one-long-line", "mixed", "many-lines"])
def test_template_actions_cost_linear_time(text: str) -> None:
    started = time.perf_counter()
    detemplate(text)
    without_actions(text)
    assert time.perf_counter() - started < 5
