"""Unit behaviour of the secret rules: formats, checksums, hand-offs, positions, laziness."""

from __future__ import annotations

import random
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from gates.checks import secret_literal, secrets
from gates.checks.secret_patterns import CATALOGUE, base62, crc32_ok, crc32_token
from gates.checks.secret_values import looks_fake, quiet_literal
from gates.documents import Document
from gates.redact import redact
from gates_testing import located, scan

BOTH = ("hardcoded-secret", "secret-literal")


def value(type_id: str, seed: int = 1) -> str:
    pattern = next(p for p in CATALOGUE if p.id == type_id)
    return pattern.generate(random.Random(seed))


def types_in(text: str) -> list[str]:
    return [d.type_id for d in secrets.detect(text)]


# -- redaction ---------------------------------------------------------------------------------

@pytest.mark.parametrize("secret, shown", [
    ("ghp_" + "a1B2" * 9, "ghp_… (40 chars)"),
    ("changeme", "ch… (8 chars)"),
    ("abc", "… (3 chars)"),
    ("x", "… (1 char)"),
    ("\nMIIEabc", "?M… (8 chars)"),
])
def test_redact_shows_at_most_four_chars_and_a_quarter(secret: str, shown: str) -> None:
    assert redact(secret) == shown


# -- formats and validators --------------------------------------------------------------------

def test_github_checksum_is_crc32_of_the_body_in_base62() -> None:
    token = crc32_token("ghp_", random.Random(3))
    body = token[4:34]
    assert token[34:] == base62(zlib.crc32(body.encode()), 6)
    assert crc32_ok(token, 4)
    wrong = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert not crc32_ok(wrong, 4)
    assert types_in(f'T = "{token}"') == ["github-pat-classic"]
    assert types_in(f'T = "{wrong}"') == []


def test_every_type_detects_its_own_generated_values() -> None:
    rng = random.Random(11)
    misses = []
    for pattern in CATALOGUE:
        if pattern.id == "gcp-service-account-key":
            continue  # needs its JSON file: covered by the corpus
        for _ in range(20):
            text = pattern.shape.format(pattern.generate(rng))
            line = text if "\n" in text else f'{pattern.variable} = "{text}"'
            if pattern.id not in types_in(line + "\n"):
                misses.append(pattern.id)
    assert misses == []


@pytest.mark.parametrize("text", [
    'GITHUB_TOKEN = "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
    'AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"',
    'key = "sk_live_abcdefghijklmnopqrstuvwx"',  # a counting sequence, typed by a person
    'token = "xoxb-123456789012-123456789012-<redacted>"',
    'url = "postgres://user:${DB_PASSWORD}@db:5432/app"',
    'url = "https://user:password@example.com/x.git"',
    'header = "Authorization: Bearer ${API_TOKEN}"',
    "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
    '"integrity": "sha512-' + "Zm9v" * 22 + '=="',
    "commit: 8f14e45fceea167a5a36dedd4bea2543a1b2c3d4",
    "request_id: 3f2b6c1e-9a7d-4e2b-8c1f-5d6e7f8a9b0c",
    "STRIPE_PUBLISHABLE_KEY=pk_live_4xQm8r2NpL0cVbW9zTgH1kYe",
])
def test_placeholders_references_and_public_values_are_quiet(text: str) -> None:
    assert types_in(text) == []


def test_aws_secret_key_needs_its_id_or_its_name_nearby() -> None:
    secret = value("aws-secret-access-key")
    key_id = value("aws-access-key-id")
    assert types_in(f'signature = "{secret}"') == []
    assert types_in(f'AWS_SECRET_ACCESS_KEY = "{secret}"') == ["aws-secret-access-key"]
    near = f'id = "{key_id}"\nvalue = "{secret}"\n'
    far = f'id = "{key_id}"\n' + "\n" * 5 + f'value = "{secret}"\n'
    assert types_in(near) == ["aws-access-key-id", "aws-secret-access-key"]
    assert types_in(far) == ["aws-access-key-id"]
    assert types_in(f'AWS_SECRET_ACCESS_KEY = "{"0123456789abcdef" * 2}01234567"') == []  # hex: a SHA


def test_the_more_specific_type_wins_an_overlap() -> None:
    token = value("github-pat-classic")
    assert types_in(f"https://x-access-token:{token}@github.com/acme/app.git") == [
        "github-pat-classic"]


def test_private_key_is_reported_once_at_its_begin_line() -> None:
    block = value("private-key-rsa")
    doc = Document("k.pem", "# key\n" + block + "\n", "other")
    found = secrets.detect(doc.text)
    assert [(d.type_id, doc.position(d.start)) for d in found] == [("private-key-rsa", (2, 1))]


def test_placeholder_check_is_not_fooled_by_long_random_text() -> None:
    assert not looks_fake("IQoJb3JpZ2luX2Vj" + "fakeXXXXdummy" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z" * 3)
    assert looks_fake("ghp_fakefakefakefakefakefakefakefakefake")


# -- the detect-secrets adapter ----------------------------------------------------------------

def test_detect_secrets_plugins_fill_the_gaps_without_touching_its_settings() -> None:
    from detect_secrets.settings import get_settings

    before = get_settings().json()
    token = next(d for d in secrets.PLUGIN_DETECTORS if d.id == "telegram-bot-token").generate(
        random.Random(5))
    assert types_in(f'BOT = "https://api.telegram.org/bot{token}/getMe"') == ["telegram-bot-token"]
    assert types_in(f'id = "x{token}"') == []  # glued to a word: not a token boundary
    assert get_settings().json() == before


def _imports_detect_secrets(root: Path, *paths: str) -> tuple[int, bool]:
    code = ("import sys; from pathlib import Path; from gates.api import check; "
            "r, _ = check([Path(p) for p in sys.argv[1:]]); "
            "print(len(r.findings), 'detect_secrets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, *paths], cwd=root, check=True,
                         capture_output=True, text=True).stdout.split()
    return int(out[0]), out[1] == "True"


def test_a_run_without_candidates_never_imports_detect_secrets(make_repo) -> None:
    token = next(d for d in secrets.PLUGIN_DETECTORS if d.id == "mailchimp-api-key").generate(
        random.Random(2))
    repo = make_repo({"app.py": "print('hello')\n", "README.md": "# app\n",
                      "deploy/compose.yml": "services:\n  a:\n    image: a:1\n",
                      "mail.py": f'MAILCHIMP = "{token}"\n'})
    assert _imports_detect_secrets(repo, "app.py", "README.md", "deploy/compose.yml") == (0, False)
    found, imported = _imports_detect_secrets(repo, "mail.py")
    assert imported and found >= 1


# -- the check and its options -----------------------------------------------------------------

def test_hits_are_exact_and_never_carry_the_value(make_repo) -> None:
    token = value("slack-bot-token")
    repo = make_repo({"bot.py": f'import os\n\nSLACK = "{token}"\n'})
    result = scan(repo, select=BOTH)
    assert located(result) == [("hardcoded-secret", "bot.py", 3, 10)]
    finding = result.findings[0]
    assert token not in finding.message and token[4:] not in finding.message
    assert "xoxb… (" in finding.message


def test_fingerprints_follow_the_secret_not_the_line(make_repo) -> None:
    a, b = value("stripe-secret-key", 1), value("stripe-secret-key", 2)
    first = scan(make_repo({"s.py": f'A = "{a}"\nB = "{b}"\n'}), select=BOTH)
    moved = scan(make_repo({"s.py": f'# moved\n\nA = "{a}"\nB = "{b}"\n'}), select=BOTH)
    assert [f.fingerprint for f in first.findings] == [f.fingerprint for f in moved.findings]
    assert len({f.fingerprint for f in first.findings}) == 2


def test_ignore_types_option_and_unknown_types(make_repo) -> None:
    token = value("stripe-secret-key")
    repo = make_repo({
        ".gates.yml": "rules:\n  hardcoded-secret:\n    options: {ignore_types: [stripe-secret-key]}\n",
        "s.py": f'KEY = "{token}"\n'})
    assert scan(repo, select=("hardcoded-secret",)).findings == ()
    bad = make_repo({".gates.yml": "rules:\n  hardcoded-secret:\n    options: {ignore_types: [nope]}\n",
                     "s.py": f'KEY = "{token}"\n'})
    from gates.cli import main
    assert main(["check", str(bad)]) == 2


def test_hardcoded_secret_wins_over_secret_literal_on_the_same_value(make_repo) -> None:
    token = value("sendgrid-api-key")
    repo = make_repo({"settings.py": f'SENDGRID_API_KEY = "{token}"\nDB_PASSWORD = "changeme"\n'})
    assert [(f.rule_id, f.location.line) for f in scan(repo, select=BOTH).findings] == [
        ("hardcoded-secret", 1), ("secret-literal", 2)]
    # alone, secret-literal reports both literals
    assert len(scan(repo, select=("secret-literal",)).findings) == 2


def test_inline_ignore_suppresses_a_secret(make_repo) -> None:
    token = value("npm-access-token")
    repo = make_repo({".npmrc": "# gates: ignore[hardcoded-secret] revoked in INC-42, kept for a test\n"
                                f"//registry.npmjs.org/:_authToken={token}\n"})
    result = scan(repo, select=BOTH)
    assert result.findings == () and len(result.suppressed) == 1


def test_lockfiles_and_minified_bundles_are_not_read_for_literals(make_repo) -> None:
    long_line = "var a=1;" * 800
    repo = make_repo({
        "package-lock.json": '{"packages": {"x": {"password": "hunter22"}}}\n',
        "app.min.js": 'var password="hunter22";\n',
        "dist-bundle.js": long_line + 'var password="hunter22";\n'})
    result = scan(repo, select=("secret-literal",))
    assert result.findings == ()
    assert sorted((n.path, n.message.split(" (")[0]) for n in result.notes) == [
        ("app.min.js", "minified"), ("dist-bundle.js", "minified"),
        ("package-lock.json", "lockfile")]


def test_generated_files_keep_distinctive_formats_and_say_what_passes_over_them(
        make_repo) -> None:
    token = value("github-pat-classic")
    repo = make_repo({"package-lock.json": f'{{"resolved": "https://x/?t={token}"}}\n',
                      "src/app.py": "x = 1\n"})
    result = scan(repo, select=BOTH)
    assert [(f.rule_id, f.location.path) for f in result.findings] == [
        ("hardcoded-secret", "package-lock.json")]  # a token in a lockfile URL is a leak
    [note] = result.notes
    assert note.kind == "skipped-file" and note.path == "package-lock.json"
    assert "not read by secret-literal" in note.message
    assert "scan_generated: true" in note.message


def test_in_generated_files_name_found_formats_wait_for_all_formats(make_repo) -> None:
    keyed = next(p for p in CATALOGUE if p.keyed)
    line = f'var {keyed.variable}="{value(keyed.id)}";'
    repo = make_repo({"app.min.js": line + "\n", "app.js": line + "\n"})
    found = {(f.rule_id, f.location.path) for f in scan(repo, select=("hardcoded-secret",)).findings}
    assert found == {("hardcoded-secret", "app.js")}
    (repo / ".gates.yml").write_text(
        "rules:\n  hardcoded-secret:\n    options:\n      all_formats_in_generated: true\n")
    found = {(f.rule_id, f.location.path) for f in scan(repo, select=("hardcoded-secret",)).findings}
    assert found == {("hardcoded-secret", "app.js"), ("hardcoded-secret", "app.min.js")}


# -- secret-literal: names, values, syntaxes ---------------------------------------------------

@pytest.mark.parametrize("key, secret", [
    ("DB_PASSWORD", True), ("stripeApiKey", True), ("SECRET_KEY_BASE", True),
    ("spring.datasource.password", True), ("SMTP_PASS", True), ("api_key_2", True),
    ("password_hash", False), ("existingSecret", False), ("passwordKey", False),
    ("token_placement", False), ("AWS::MSK::BatchScramSecret", False), ("pass", False),
    ("TokenIsInUse", False), ("PASSWORD_FILE", False), ("TOKEN_URL", False),
    ("publicKeyToken", False), ("input_token", False),
])
def test_secret_key_names(key: str, secret: bool) -> None:
    assert secret_literal.is_secret_key(key) is secret


@pytest.mark.parametrize("literal, quiet", [
    ("changeme", False), ("P@ssw0rd", False), ("4f9c2e8a1b7d3f60", False),
    ("", True), ("${DB_PASSWORD}", True), ("{{ .Values.password }}", True), ("<your-token>", True),
    ("xxxxxxxx", True), ("***", True), ("/run/secrets/db", True), ("OPENAI_API_KEY", True),
    ("Enter your password", True), ("%s:%s", True), (r"(?:key|pwd)", True), ("NextToken", True),
    ("3f2b6c1e-9a7d-4e2b-8c1f-5d6e7f8a9b0c", True), ("#d8dee9", True), ("[UNK]", True),
    ("vault:secret/data/app#password", True), ("sha256:" + "a" * 64, True), ("12345", True),
])
def test_literal_values(literal: str, quiet: bool) -> None:
    assert quiet_literal(literal, "password") is quiet


@pytest.mark.parametrize("path, kind, text, line", [
    ("a.py", "python", 'x = 1\nDB_PASSWORD: str = "changeme"\n', 2),
    ("a.js", "javascript", 'const cfg = { apiKey: `k3yV4lue99` };\n', 1),
    ("a.go", "go", 'var token string = "t0kenV4lue"\n', 1),
    ("A.java", "java", 'ds.setPassword("j4vaPassw0rd");\n', 1),
    ("a.rb", "ruby", "config.api_key = 'rubyK3yVal'\n", 1),
    ("run.sh", "shell", "mysql --password=sh3llPass db\n", 1),
    ("Dockerfile", "dockerfile", "FROM x\nENV ADMIN_PASSWORD admin123\n", 2),
    ("app.json", "json", '{"db": {"password": "js0nPass!"}}\n', 1),
    ("app.toml", "toml", '[db]\npassword = "t0mlPass"\n', 2),
    ("app.ini", "other", "[db]\npassword = in1Pass\n", 2),
    ("app.properties", "other", "db.password=pr0psPass\n", 1),
    ("App.config", "other", '<add key="DbPassword" value="x4mlPass" />\n', 1),
    (".netrc", "other", "machine api.lan login ci password n3trcPass\n", 1),
    ("main.tf", "hcl", 'variable "admin" {\n  sensitive = true\n  default = "s3nsitive"\n}\n', 3),
    ("app.env", "env-file", "API_KEY='env-Val-123'\n", 1),
    ("values.yaml", "helm-values", "db:\n  password: helmPass1\n", 2),
])
def test_literal_syntaxes(path: str, kind: str, text: str, line: int) -> None:
    doc = Document(path, text, kind)
    hits = list(secret_literal.secret_literal(doc, _ctx()))
    assert [h.line for h in hits] == [line]


def test_kubernetes_and_compose_shapes(make_repo) -> None:
    repo = make_repo({
        "k8s/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n"
                           "  any-key: c2VjcmV0\n  tpl: '{{ .Values.x }}'\n  empty: ''\n",
        "k8s/job.yaml": "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n"
                        "    spec:\n      containers:\n        - name: j\n          env:\n"
                        "            - {name: API_TOKEN, value: t0k3nValue}\n"
                        "            - {name: MODE, value: batch}\n",
        "compose.yml": "services:\n  db:\n    environment:\n      - DB_PASSWORD=changeme\n"
                       "      - OTHER_PASSWORD=${OTHER:?required}\n",
    })
    assert located(scan(repo, select=("secret-literal",))) == [
        ("secret-literal", "compose.yml", 4, 21),
        ("secret-literal", "k8s/job.yaml", 10, 40),
        ("secret-literal", "k8s/secret.yaml", 5, 12),
    ]


def _ctx():
    from gates.config import Config
    from gates.context import CheckContext
    from gates.rules import builtin_rules

    rule = next(r for r in builtin_rules() if r.id == "secret-literal")
    return CheckContext(rule, dict(rule.options), Config(), Path("."), None, frozenset({rule.id}))


# -- provider name next to a value of its shape --------------------------------------------------

_ALGOLIA = value("algolia-admin-key")


@pytest.mark.parametrize("text", [
    f'ALGOLIA_ADMIN_KEY = "{_ALGOLIA}"',
    f"algoliaApiKey := `{_ALGOLIA}`",
    f'var algoliaToken string = "{_ALGOLIA}"',
    f"<algoliaAdminKey>\n    {_ALGOLIA}\n</algoliaAdminKey>",
    f'System.setProperty("ALGOLIA_API_KEY", "{_ALGOLIA}")',
    f"algolia api key: {_ALGOLIA}",
    f'{{"config.ini": "ALGOLIA_API_KEY={_ALGOLIA}\\nDEBUG=0"}}',
])
def test_provider_name_and_shape_fire_in_any_syntax(text: str) -> None:
    assert types_in(text) == ["algolia-admin-key"]


@pytest.mark.parametrize("text", [
    f'ALGOLIA_APP_ID = "{_ALGOLIA}"',          # a name about the provider, not a secret
    f'ALGOLIA_INDEX = "{_ALGOLIA}"',           # no secret word in the name
    f'GLOBAL_API_KEY = "live_{"0a1b" * 8}123"',  # "lob" inside "global" is not Lob
    'ALGOLIA_API_KEY = "abcdefabcdefabcdefabcdefabcdefab"',  # no digit: not random
    f'ALGOLIA_API_KEY = "{_ALGOLIA}ff"',       # longer than the format
])
def test_provider_name_near_misses_stay_quiet(text: str) -> None:
    assert types_in(text) == []


def test_plain_text_assignments_are_literals_but_prose_is_not(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text(
        "db_password = Zq8vLr2mWx\nThe password: is rotated monthly by ops.\n"
        "api_token: ${API_TOKEN}\n")
    (tmp_path / "guide.rst").write_text('   "Password": "Zq8vLr2mWx",\n')
    result = scan(tmp_path, select=BOTH)
    assert located(result) == [("secret-literal", "notes.txt", 1, 15)]
