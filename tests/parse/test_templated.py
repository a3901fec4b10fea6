"""Template-tolerant YAML: Helm and Jinja actions are neutralised, line numbers are kept."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gates.documents import Document
from gates.parse.templated import detemplate, is_templated, load, readable

CHART = """\
{{- if .Values.enabled }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "x.fullname" . }}
  labels:
    {{- include "x.labels" . | nindent 4 }}
data:
  key: "{{ .Values.key }}-suffix"
{{- end }}
---
{% raw %}
kind: Secret
metadata: {name: plain}
{% endraw %}
---
broken: [
---
kind: Pod
"""


def test_reads_what_can_be_read_and_counts_the_rest() -> None:
    loaded = load(CHART)
    assert loaded.templated and loaded.unreadable == 1
    kinds = [(d["kind"], d.lc.line + 1) for d in loaded.documents]
    assert kinds == [("ConfigMap", 2), ("Secret", 13), ("Pod", 19)]
    config = loaded.documents[0]
    assert is_templated(config["metadata"]["name"])
    assert config["metadata"]["labels"] is None
    assert is_templated(config["data"]["key"])


def test_detemplate_keeps_every_line_break() -> None:
    text = "a: {{ x }}\n{{- /* multi\nline */ -}}\nb: 1\n"
    assert detemplate(text).count("\n") == text.count("\n")
    assert load(text).documents[0]["b"] == 1


def test_plain_yaml_is_untouched() -> None:
    loaded = load("a: 1\n---\nb: 2\n")
    assert not loaded.templated and loaded.unreadable == 0 and len(loaded.documents) == 2


def test_is_templated() -> None:
    assert all(is_templated(v) for v in ("{{ .Values.x }}", "$(POD)-x", "${NAME}"))
    assert not any(is_templated(v) for v in ("orders-db", None, 3))


YAMLISH = st.lists(st.sampled_from([
    "{{", "}}", "{%", "%}", "{#", "#}", "-", " ", "\n", "---\n", "a:", "[", "]", "{", "}", ":",
    "kind: ExternalSecret\n", "  ", "'", '"', "|", ">", "&a", "*a", "!!str",
]), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_never_raises(text: str) -> None:
    loaded = load(text)
    assert loaded.unreadable >= 0
    assert detemplate(text).count("\n") == text.count("\n")


def test_a_document_without_actions_is_read_from_its_own_parse() -> None:
    doc = Document("deploy/pod.yaml", "kind: Pod\nmetadata: {name: p}\n", "k8s")
    assert doc.templated.documents[0] is doc.yaml.documents[0]  # one tree for every reader
    assert doc.templated == load(doc.text)


def test_readable_decides_without_building_trees() -> None:
    plain = Document("deploy/pod.yaml", "kind: Pod\n", "k8s")
    assert readable(plain) and "yaml" not in plain.__dict__
    assert readable(Document("deploy/a.yaml", "{{- if .x }}\nkind: Pod\n{{- end }}\n", "k8s"))
    broken = Document("deploy/b.yaml", "{{- if .x }}\nkind: [Pod\n---\nkind: Job\n", "k8s")
    assert not readable(broken)
    assert broken.templated.unreadable == 1 and broken.templated.error is not None
    assert [d["kind"] for d in broken.templated.documents] == ["Job"]
