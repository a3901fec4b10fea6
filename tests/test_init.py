"""`gates init`: a commented, schema-valid .gates.yml from what the repo holds; never clobbers."""

from __future__ import annotations

import shutil
from pathlib import Path

from gates_testing import FIXTURES, materialise

from gates.cli import main
from gates.config import load_config

ESO = FIXTURES / "repos" / "eso-monorepo"


def test_init_writes_the_apps_deploy_paths_and_workflows(tmp_path: Path, capsys,
                                                         snapshot) -> None:
    repo = materialise(ESO, tmp_path / "eso", git_repo=False)
    (repo / ".gates.yml").unlink()
    shutil.copytree(FIXTURES / "repos" / "ci-gates" / ".github", repo / ".github")
    (repo / "ops" / "manifests").mkdir(parents=True)
    (repo / "ops" / "manifests" / "cron.yaml").write_text(
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\n")
    assert main(["init", str(repo)]) == 0
    assert "7 apps" in capsys.readouterr().err
    text = (repo / ".gates.yml").read_text()
    assert text == snapshot
    config = load_config(repo / ".gates.yml")
    assert [(a.path, a.secrets) for a in config.apps][:2] == [("services/catalog", "eso"),
                                                              ("services/ledger", "direct-vault")]
    assert "manifests" in config.deploy_paths
    assert "#   gates protection snapshot --declare" in text


def test_init_refuses_to_overwrite_without_force(tmp_path: Path, capsys) -> None:
    repo = materialise(ESO, tmp_path / "eso", git_repo=False)
    before = (repo / ".gates.yml").read_text()
    assert main(["init", str(repo)]) == 2
    assert "--force" in capsys.readouterr().err
    assert (repo / ".gates.yml").read_text() == before
    assert main(["init", str(repo), "--force"]) == 0
    apps = {a.path: a.secrets for a in load_config(repo / ".gates.yml").apps}
    assert apps["services/payments"] == "direct-vault"  # the replaced config's declaration


def test_init_on_a_repo_without_apps_still_checks_the_same(tmp_path: Path) -> None:
    repo = materialise(FIXTURES / "repos" / "example", tmp_path / "example")
    (repo / ".gates.yml").unlink()
    assert main(["init", str(repo)]) == 0
    text = (repo / ".gates.yml").read_text()
    assert "# None found" in text and "# No CI workflows found" in text
    assert "Found here: charts/ (1 file), deploy/ (1 file)." in text
    assert main(["check", str(repo)]) == 1
