"""The README "Secrets architecture" reader: what it extracts, what it ignores, never raising."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gates.parse.markdown import classify_mode, headings, prose, secrets_section, split_lines

ESO_TABLE = """\
# orders

Intro.

## Secrets Architecture

**Mode:** ESO bridge.

| Vault path | Key | Purpose |
|---|---|---|
| `secret/data/orders` | `DB_PASSWORD` | Postgres password |
| `secret/data/orders` | `API_TOKEN` | |

## Running

`secret/data/not-in-section` and `OTHER_KEY` — outside the section.
"""


def test_table_section() -> None:
    section = secrets_section(ESO_TABLE)
    assert section is not None
    assert (section.line, section.title, section.mode, section.mode_line) == (
        5, "Secrets Architecture", "eso", 7)
    assert [p.path for p in section.paths] == ["secret/data/orders"]
    assert [(k.name, k.purpose, k.line) for k in section.keys] == [
        ("DB_PASSWORD", "Postgres password", 11), ("API_TOKEN", "", 12)]
    assert [k.name for k in section.keys_with_purpose] == ["DB_PASSWORD"]
    assert section.justification is None


def test_direct_vault_list_with_justification_paragraph() -> None:
    text = """\
### secrets architecture
- Mode: **Direct-Vault** (bootstrap creds through ESO)
- Paths: `database/creds/ledger`, kv/data/ledger/approle
- Justification: each request leases its own
  short-lived Postgres credentials.

- `VAULT_ROLE_ID` — AppRole role id
- VAULT_SECRET_ID: AppRole secret id
- `BARE_KEY`
"""
    section = secrets_section(text)
    assert section is not None
    assert section.mode == "direct-vault"
    assert {p.path for p in section.paths} == {"database/creds/ledger", "kv/data/ledger/approle"}
    assert section.justification == ("each request leases its own short-lived Postgres "
                                     "credentials.")
    assert section.justification_line == 4
    assert [(k.name, bool(k.purpose)) for k in section.keys] == [
        ("VAULT_ROLE_ID", True), ("VAULT_SECRET_ID", True), ("BARE_KEY", False)]


def test_justification_under_a_sub_heading_and_setext_headings() -> None:
    text = """\
Title
=====

Secrets architecture
--------------------
Direct-Vault.

### Why Direct-Vault

It signs with transit keys that ESO cannot use.

Other
-----
Justification: this is outside the section and does not count.
"""
    section = secrets_section(text)
    assert section is not None and section.line == 4
    assert section.justification == "It signs with transit keys that ESO cannot use."
    assert section.justification_line == 8


@pytest.mark.parametrize("text", [
    "```\n## Secrets architecture\nMode: ESO\n```\n",
    "~~~~md\n## Secrets architecture\n~~~~\n",
    "para\n\n    ## Secrets architecture\n",
    "<!--\n## Secrets architecture\n-->\n",
    "# Secrets\n\nArchitecture is elsewhere.\n",
])
def test_headings_in_code_or_comments_are_not_sections(text: str) -> None:
    assert secrets_section(text) is None


def test_code_blocks_name_no_path_or_key() -> None:
    text = """\
## Secrets architecture
ESO.

```sh
vault kv get secret/data/in-code
- `IN_CODE` — no
```

    vault read database/creds/indented
"""
    section = secrets_section(text)
    assert section is not None
    assert section.paths == () and section.keys == ()


def test_unclosed_fence_hides_the_rest() -> None:
    assert secrets_section("```\n## Secrets architecture\n") is None


def test_list_continuation_is_not_indented_code() -> None:
    lines = split_lines("- item\n\n    continued `secret/data/x`\n")
    assert prose(lines)[2].strip() == "continued `secret/data/x`"


def test_headings_levels_and_closing_hashes() -> None:
    marks = headings(prose(split_lines("# One #\n\nTwo\n---\n###### Six ##\n#7 not\n")))
    assert [(h.line, h.level, h.text) for h in marks] == [(1, 1, "One"), (3, 2, "Two"),
                                                         (5, 6, "Six")]


@pytest.mark.parametrize(("text", "mode"), [
    ("Mode: ESO bridge", "eso"),
    ("We use External Secrets Operator.", "eso"),
    ("Direct-Vault via AppRole; creds bootstrapped by ESO", "direct-vault"),
    ("direct vault", "direct-vault"),
    ("ESO bridge, not Direct-Vault", "eso"),
    ("never Direct-Vault", None),
    ("vault is great", None),
])
def test_classify_mode(text: str, mode: str | None) -> None:
    assert classify_mode(text) == mode


def test_mode_in_heading_counts() -> None:
    section = secrets_section("## Secrets architecture (Direct-Vault)\n")
    assert section is not None and section.mode == "direct-vault"


def test_label_words_and_paths_are_not_keys() -> None:
    text = "## Secrets architecture\n- **Mode**: ESO\n- Owner: team-a\n- `secret/data/x`: path\n"
    section = secrets_section(text)
    assert section is not None and section.keys == ()
    assert [p.path for p in section.paths] == ["secret/data/x"]


def test_crlf_lines_keep_numbers() -> None:
    section = secrets_section("# t\r\n\r\n## Secrets architecture\r\n- `A_KEY`: used\r\n")
    assert section is not None and section.line == 3 and section.keys[0].line == 4


TOKENS = st.sampled_from(list("#`~-=*|_:<>!() \n\tSsecrtAaVvD/{}+.\\") + [
    "Secrets architecture", "Direct-Vault", "ESO", "secret/data/", "    ", "```", "<!--", "-->",
    "| Key | Purpose |", "|---|---|", "Justification:", "\r\n", "- `KEY_A` — x"])
MARKDOWNISH = st.lists(TOKENS, max_size=80).map("".join)


@settings(max_examples=400, deadline=None)
@given(MARKDOWNISH)
def test_never_raises_on_markdownish_text(text: str) -> None:
    section = secrets_section("## Secrets architecture\n" + text)
    assert section is not None
    lines = len(split_lines("## Secrets architecture\n" + text))
    assert all(1 <= p.line <= lines for p in section.paths)
    assert all(1 <= k.line <= lines for k in section.keys)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_on_any_text(text: str) -> None:
    secrets_section(text)
    assert len(prose(split_lines(text))) == len(split_lines(text))
