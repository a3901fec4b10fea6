"""Config: ``.gates.yml`` or ``[tool.gates]``, validated with messages that say where and what."""

from __future__ import annotations

from pathlib import Path

import pytest

from gates.config import (
    DEFAULT_DEPLOY_PATHS,
    DEFAULT_MAX_FILE_SIZE,
    Config,
    RuleSettings,
    find_config,
    load_config,
)
from gates.errors import GatesError
from gates.model import Severity
from gates.project import open_project
from gates.yamlio import MAX_NODES, line_of, load_yaml, plain


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def config_error(path: Path) -> GatesError:
    with pytest.raises(GatesError) as info:
        load_config(path)
    return info.value


# --- finding and reading -----------------------------------------------------------------------


def test_defaults_when_absent(tmp_path):
    assert find_config(tmp_path) is None
    config = load_config(None)
    assert config == Config()
    assert config.fail_on is Severity.WARNING
    assert config.deploy_paths == DEFAULT_DEPLOY_PATHS
    assert config.max_file_size == DEFAULT_MAX_FILE_SIZE
    assert config.rules == {} and config.exclude == () and config.apps == ()


def test_gates_yml_full(tmp_path):
    path = write(tmp_path / ".gates.yml", """\
fail_on: error
exclude: [generated/, "*.lock"]
deploy_paths: [ops/, "services/*/deploy"]
max_file_size: 4096
rules_dir: policy/rules
rules:
  untagged-default: off
  secret-default: on
  dotenv-in-deploy-path:
    severity: warning
    options: {allowed_suffixes: [example]}
    exclude: [legacy/]
  parse-error: false
apps:
  - path: services/api/
    secrets: eso
  - path: services/worker
""")
    assert find_config(tmp_path) == path
    config = load_config(path)
    assert config.path == path
    assert config.fail_on is Severity.ERROR
    assert config.exclude == ("generated/", "*.lock")
    assert config.deploy_paths == ("ops", "services/*/deploy")
    assert config.max_file_size == 4096
    assert config.rules_dir == "policy/rules"
    assert config.rules["untagged-default"] == RuleSettings(enabled=False)
    assert config.rules["secret-default"] == RuleSettings(enabled=True)
    assert config.rules["parse-error"].enabled is False
    dotenv = config.rules["dotenv-in-deploy-path"]
    assert dotenv.severity is Severity.WARNING and dotenv.enabled is None
    assert dict(dotenv.options) == {"allowed_suffixes": ["example"]}
    assert dotenv.exclude == ("legacy/",)
    assert [(a.path, a.secrets) for a in config.apps] == [("services/api", "eso"),
                                                          ("services/worker", None)]


def test_gates_yaml_spelling_and_empty_file(tmp_path):
    path = write(tmp_path / ".gates.yaml", "# nothing yet\n")
    assert find_config(tmp_path) == path
    assert load_config(path) == Config(path=path)


def test_gates_yml_wins_over_pyproject(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.gates]\nfail_on = 'note'\n")
    yml = write(tmp_path / ".gates.yml", "fail_on: error\n")
    assert find_config(tmp_path) == yml


def test_pyproject_tool_gates(tmp_path):
    path = write(tmp_path / "pyproject.toml", """\
[project]
name = "demo"

[tool.gates]
fail_on = "error"
exclude = ["gen/"]

[tool.gates.rules]
untagged-default = "off"

[tool.gates.rules.secret-default]
severity = "warning"
""")
    assert find_config(tmp_path) == path
    config = load_config(path)
    assert config.fail_on is Severity.ERROR
    assert config.exclude == ("gen/",)
    assert config.rules["untagged-default"].enabled is False
    assert config.rules["secret-default"].severity is Severity.WARNING


@pytest.mark.parametrize("text", [
    "[tool.gates.rules]\nuntagged-default = 'off'\n",
    "[tool]\ngates = { fail_on = 'error' }\n",
    "tool.gates.fail_on = 'error'\n",
    '[tool."gates"]\nfail_on = "error"\n',
])
def test_pyproject_any_toml_spelling_of_tool_gates_is_found(tmp_path, text):
    """Only ``[tool.gates.rules]`` (no bare ``[tool.gates]``) must not be silently ignored."""
    path = write(tmp_path / "pyproject.toml", text)
    assert find_config(tmp_path) == path
    config = load_config(path)
    assert config.fail_on is Severity.ERROR or config.rules["untagged-default"].enabled is False


@pytest.mark.parametrize("text", [
    "[project]\nname = 'x'\n",
    "[project]\nname = 'gates-plugin'\n[tool.black]\nline-length = 100\n",
    "[project\nname = 'not ours and broken'\n",
    "[project\ndependencies = ['gates']\n",
])
def test_pyproject_without_tool_gates_is_not_a_config(tmp_path, text):
    write(tmp_path / "pyproject.toml", text)
    assert find_config(tmp_path) is None


def test_broken_pyproject_that_configures_gates_is_an_error_with_line(tmp_path):
    path = write(tmp_path / "pyproject.toml", "[tool.gates]\nfail_on = \n")
    with pytest.raises(GatesError) as info:
        find_config(tmp_path)
    assert f"{path}:2:" in str(info.value)
    assert info.value.hint


def test_pyproject_tool_gates_not_a_table(tmp_path):
    path = write(tmp_path / "pyproject.toml", "[tool]\ngates = 1\n")
    message = str(config_error(path))
    assert f"{path}:2:" in message and "not of type 'object'" in message


def test_unreadable_or_missing_config_file(tmp_path):
    error = config_error(tmp_path / "nope.yml")
    assert "not found" in str(error) and "nope.yml" in str(error)
    bad = tmp_path / ".gates.yml"
    bad.write_bytes(b"fail_on: \xff\xfe\n")
    error = config_error(bad)
    assert str(bad) in str(error) and "UnicodeDecodeError" in str(error)


# --- validation messages -----------------------------------------------------------------------


@pytest.mark.parametrize("text, line, key, words", [
    ("fail_on: error\nbogus: 1\n", 2, "bogus", "unknown key 'bogus'"),
    ("max_file_size: big\n", 1, "max_file_size", "not of type 'integer'"),
    ("max_file_size: 10\n", 1, "max_file_size", "less than the minimum"),
    ("fail_on: fatal\n", 1, "fail_on", "'fatal' is not one of error, warning, note"),
    ("exclude:\n  - ok/\n  - 3\n", 3, "exclude.1", "not of type 'string'"),
    ("rules:\n  untagged-default:\n    severity: fatal\n", 3,
     "rules.untagged-default.severity", "not one of error, warning, note"),
    ("rules:\n  untagged-default:\n    sevrity: error\n", 3,
     "rules.untagged-default.sevrity", "did you mean 'severity'?"),
    ("rules:\n  untagged-default: maybe\n", 2, "rules.untagged-default",
     "expected one of off, on, false, true or a mapping with keys"),
    ("rules:\n  untagged-default:\n    options: [a]\n", 3,
     "rules.untagged-default.options", "not of type 'object'"),
    ("apps:\n  - secrets: eso\n", 2, "apps.0", "'path' is a required property"),
    ("apps:\n  - path: x\n    secrets: vault\n", 3, "apps.0.secrets",
     "not one of eso, direct-vault"),
])
def test_invalid_yaml_config_names_file_line_key_and_hint(tmp_path, text, line, key, words):
    path = write(tmp_path / ".gates.yml", text)
    error = config_error(path)
    message = error.message
    assert f"{path}:{line}: {key}: " in message
    assert words in message
    assert error.hint and "gates rules" in error.hint


def test_every_problem_is_listed(tmp_path):
    path = write(tmp_path / ".gates.yml", "fail_on: x\nbogus: 1\nmax_file_size: y\n")
    message = config_error(path).message
    assert f"{path}:1: fail_on" in message
    assert f"{path}:2: bogus" in message
    assert f"{path}:3: max_file_size" in message


def test_top_level_not_a_mapping(tmp_path):
    path = write(tmp_path / ".gates.yml", "- a\n- b\n")
    message = config_error(path).message
    assert str(path) in message and "(top level)" in message and "not of type 'object'" in message


@pytest.mark.parametrize("text, line, key, words", [
    ("[tool.gates]\nfail_on = 'error'\nbogus = 1\n", 3, "bogus", "unknown key 'bogus'"),
    ("[tool.gates.rules.untagged-default]\nseverity = 'fatal'\n", 2,
     "rules.untagged-default.severity", "not one of"),
    ("[project]\nname = 'x'\n\n[tool.gates]\nrules = { untagged-default = { sevrity = 'x' } }\n",
     5, "rules.untagged-default.sevrity", "did you mean 'severity'?"),
    ("[tool.gates]\nmax_file_size = 'big'\n", 2, "max_file_size", "not of type 'integer'"),
])
def test_invalid_pyproject_config_names_file_line_and_key(tmp_path, text, line, key, words):
    path = write(tmp_path / "pyproject.toml", text)
    message = config_error(path).message
    assert f"{path}:{line}: {key}: " in message
    assert words in message


def test_malformed_yaml_names_file_line_and_column(tmp_path):
    path = write(tmp_path / ".gates.yml", "fail_on: error\nexclude: [a\n")
    error = config_error(path)
    assert str(error).startswith(f"{path}:3:1: ")
    assert error.hint


def test_duplicate_key_is_a_yaml_error_with_line(tmp_path):
    path = write(tmp_path / ".gates.yml", "fail_on: error\nfail_on: note\n")
    assert f"{path}:2:" in str(config_error(path))


def test_deeply_nested_yaml_is_a_user_error_not_a_crash(tmp_path):
    path = write(tmp_path / ".gates.yml", "exclude: " + "[" * 500 + "]" * 500 + "\n")
    error = config_error(path)
    assert str(path) in str(error) and "nested too deeply" in str(error)


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefg", "bcdefgh"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    path = write(tmp_path / ".gates.yml", "\n".join(lines) + "\n")
    error = config_error(path)
    assert str(path) in str(error) and str(MAX_NODES) in str(error)


def test_recursive_alias_does_not_hang(tmp_path):
    path = write(tmp_path / ".gates.yml", "exclude: &x [*x]\n")
    assert "exclude.0" in config_error(path).message


# --- yamlio helpers ----------------------------------------------------------------------------


def test_plain_and_line_of():
    source = load_yaml("a:\n  b:\n    - x\n    - y: 1\n", "t.yml")
    assert plain(source) == {"a": {"b": ["x", {"y": 1}]}}
    assert type(plain(source)) is dict
    assert line_of(source, ("a",)) == 1
    assert line_of(source, ("a", "b")) == 2
    assert line_of(source, ("a", "b", 1)) == 4
    assert line_of(source, ("a", "b", 1, "y")) == 4
    assert line_of(source, ("a", "missing")) == 1
    assert line_of(None, ("a",)) is None


# --- config through the project ----------------------------------------------------------------


def test_project_finds_config_in_a_subfolder_below_the_git_top(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path / "svc" / ".gates.yml", "fail_on: error\n")
    write(tmp_path / "svc" / "a.env", "A=1\n")
    project = open_project([tmp_path / "svc" / "a.env"], None)
    assert project.root == tmp_path / "svc"
    assert project.config.fail_on is Severity.ERROR
    assert project.git is not None and project.git.top == tmp_path


def test_project_does_not_read_config_above_the_git_top(tmp_path):
    write(tmp_path / ".gates.yml", "fail_on: error\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    project = open_project([repo], None)
    assert project.root == repo
    assert project.config.path is None


def test_project_dotdot_path_is_normalised(tmp_path, monkeypatch):
    write(tmp_path / "sub" / ".gates.yml", "fail_on: error\n")
    write(tmp_path / "top.env", "A=1\n")
    monkeypatch.chdir(tmp_path / "sub")
    project = open_project([Path("..")], None)
    assert project.root == tmp_path
    assert ".." not in project.root.parts
    assert project.config.path is None


def test_project_explicit_config_file(tmp_path):
    config = write(tmp_path / "ci" / "gates.yml", "fail_on: note\n")
    write(tmp_path / "a.env", "A=1\n")
    project = open_project([tmp_path], config)
    assert project.config.fail_on is Severity.NOTE and project.config.path == config


def test_project_missing_path_is_a_user_error(tmp_path):
    with pytest.raises(GatesError) as info:
        open_project([tmp_path / "nope"], None)
    assert "nope" in str(info.value) and info.value.hint


def test_validated_config_is_cached_and_invalid_config_never_is(tmp_path, monkeypatch):
    """A config that passed once skips jsonschema next time; an invalid one is never cached."""
    from gates.config import load_config

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("GATES_NO_CACHE", raising=False)
    good = tmp_path / "good.yml"
    good.write_text("fail_on: error\n")
    assert load_config(good).fail_on.value == "error"
    stamps = list((tmp_path / "cache" / "gates" / "valid-config").iterdir())
    assert len(stamps) == 1
    bad = tmp_path / "bad.yml"
    bad.write_text("fail_on: sometimes\n")
    for _ in range(2):
        with pytest.raises(GatesError):
            load_config(bad)
    assert len(list(stamps[0].parent.iterdir())) == 1
