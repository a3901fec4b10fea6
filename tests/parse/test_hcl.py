"""The Vault-policy HCL reader: paths with exact places, Terraform and heredocs, never raising."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gates.parse.hcl import policies, shell_policies, tokenize


def rules(text: str) -> list[tuple[str, int, int, tuple[str, ...]]]:
    return [(r.path, r.line, r.col, r.capabilities) for p in policies(text) for r in p.rules]


def test_path_blocks_with_comments() -> None:
    text = """\
# hash comment "path"
// slash comment
/* block
   path "secret/data/commented" { capabilities = ["read"] } */
path "secret/data/a/*" {
  capabilities = ["read", "list"]  # trailing
}
path "secret/data/a" { capabilities = ["read"] }
"""
    assert rules(text) == [("secret/data/a/*", 5, 7, ("read", "list")),
                           ("secret/data/a", 8, 7, ("read",))]


def test_terraform_heredoc_and_policy_document() -> None:
    text = """\
resource "vault_policy" "x" {
  name   = "x-${var.env}"
  policy = <<-EOT
    path "secret/data/x" {
      capabilities = ["read"]
    }
  EOT
}
data "vault_policy_document" "d" {
  rule {
    path         = "kv/data/d/*"
    capabilities = ["read", "update"]
  }
  rule {
    path = "kv/data/d"
    capabilities = ["read"]
  }
}
"""
    found = [[(r.path, r.line, r.col) for r in p.rules] for p in policies(text)]
    assert found == [[("secret/data/x", 4, 11)],
                     [("kv/data/d/*", 11, 21), ("kv/data/d", 15, 13)]]


def test_strings_with_interpolation_and_escapes() -> None:
    tokens = tokenize('a = "x-${lookup(m, "k")}-\\"q\\""\n')
    assert [t.value for t in tokens if t.kind == "string"] == ['x-${lookup(m, "k")}-"q"']


def test_shell_heredocs() -> None:
    lines = [
        "vault policy write a - <<'EOF'",
        'path "secret/data/a/*" { capabilities = ["read"] }',
        "EOF",
        "cat <<-POL | vault policy write b -",
        '\tpath "secret/data/b" { capabilities = ["read"] }',
        "\tPOL",
        "vault policy write c c.hcl",
        "cat <<EOF > unrelated.txt",
        "EOF",
    ]
    found = shell_policies(lines)
    assert found == [('path "secret/data/a/*" { capabilities = ["read"] }', 2),
                     ('\tpath "secret/data/b" { capabilities = ["read"] }', 5)]
    assert [(r.path, r.line, r.col) for text, line in found for p in policies(text, line)
            for r in p.rules] == [("secret/data/a/*", 2, 7), ("secret/data/b", 5, 8)]


def test_garbage_is_skipped_not_fatal() -> None:
    text = 'path "unterminated {\n}}} = [ ) ]\npath "secret/data/ok" { capabilities = ["read"] }\n'
    assert ("secret/data/ok", 3, 7, ("read",)) in rules(text)


HCLISH = st.lists(st.sampled_from([
    "path", '"secret/data/x/*"', '"', "{", "}", "[", "]", "(", ")", "=", ",", "capabilities",
    '"read"', "\n", " ", "#", "//", "/*", "*/", "<<EOF\n", "\nEOF\n", "<<-", "${", "\\", "policy",
    "rule", "resource", "1.5",
]), max_size=60).map("".join)


@settings(max_examples=500, deadline=None)
@given(HCLISH)
def test_never_raises_on_hclish_text(text: str) -> None:
    lines = text.count("\n") + 1
    for policy in policies(text):
        assert all(1 <= r.line <= lines for r in policy.rules)
    shell_policies(("vault policy write x - <<EOF\n" + text).split("\n"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_never_raises_on_any_text(text: str) -> None:
    policies(text)
