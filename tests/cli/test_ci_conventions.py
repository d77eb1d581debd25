"""CI conventions (issue 14, item 6): the pre-commit hook through ``pre-commit try-repo``, the
GitHub Action's script run locally, and the promotion summary in ``$GITHUB_STEP_SUMMARY``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from zenml_cli import Client

from support.ci_runner import parse_outputs, run_action_script
from support.git import git
from support.running import REPO_ROOT, run_zenml


def run_action(project: Path, command: str, tmp_path: Path) -> tuple[int, dict[str, str]]:
    code, output, _ = run_action_script(project, command, tmp_path)
    return code, parse_outputs(output)


def test_action_yml_is_a_composite_action_running_the_script() -> None:
    action = yaml.safe_load((REPO_ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert any("pip install" in step["run"] for step in steps)
    assert any("action/run.py" in step["run"] for step in steps)
    assert {"json", "exit-code", "number", "stage"} <= set(action["outputs"])
    assert action["inputs"]["command"]["required"] is True


@pytest.mark.slow
def test_action_script_exposes_the_json_as_step_outputs(
    project: Path, client: Client, tmp_path: Path
) -> None:
    client.create_model("iris")
    client.create_model_version("iris")
    client.create_model_version("iris")
    client.update_model_version("iris", 1, stage="production")
    code, out = run_action(project, "model version update iris 2 --stage production", tmp_path)
    assert code == 0
    assert out["exit-code"] == "0" and out["number"] == "2" and out["stage"] == "production"
    assert out["previous_stage"] == "none" and out["archived_version"] == "1"
    assert json.loads(out["json"])["model"] == "iris"
    # a refused gate: the step fails with the command's exit code, and says so as an output
    code, out = run_action(
        project, "zenml model version update iris 1 -s production --if-current none", tmp_path
    )
    assert code == 4 and out["exit-code"] == "4"


@pytest.mark.slow
def test_promotion_writes_a_markdown_summary_when_github_asks(
    project: Path, client: Client, tmp_path: Path
) -> None:
    client.create_model("iris")
    client.create_model_version("iris")
    client.create_model_version("iris", name="1.0.5")
    client.update_model_version("iris", 1, stage="production")
    summary = tmp_path / "summary.md"
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    promoted = run_zenml(
        "model",
        "version",
        "update",
        "iris",
        "1.0.5",
        "-s",
        "production",
        "-m",
        "better recall",
        cwd=project,
        env=env,
    )
    assert promoted.returncode == 0, promoted.stderr
    text = summary.read_text()
    assert text.startswith("### `iris` version 2 (`1.0.5`): none → **production**")
    assert "archived version 1" in text and "better recall" in text
    assert len(text.splitlines()) < 8
    run_zenml("model", "version", "update", "iris", "2", "-d", "x", cwd=project, env=env)
    assert summary.read_text() == text  # only promotions are summarised


@pytest.mark.slow
def test_pre_commit_try_repo_runs_the_zenml_doctor_hook(
    project: Path, client: Client, tmp_path: Path
) -> None:
    client.create_model("iris")
    client.create_model_version("iris")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "registry")
    env = {k: v for k, v in os.environ.items() if k != "ZENML_PROJECT_DIR"}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    pre_commit = [sys.executable, "-m", "pre_commit", "try-repo", str(REPO_ROOT), "zenml-doctor"]

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*pre_commit, "--all-files"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    passed = run()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "zenml doctor" in passed.stdout and "Passed" in passed.stdout
    git(project, "rm", "-q", ".zenml/models/iris/versions/1.yaml")  # a version lost
    lost = run()
    assert lost.returncode == 1 and "version 1 of model 'iris'" in lost.stdout, lost.stdout
    git(project, "reset", "-q", "--hard")
    (project / ".zenml/models/iris/model.yaml").write_text("name: [unclosed\n")
    git(project, "add", "-A")
    failed = run()
    assert failed.returncode == 1 and "Failed" in failed.stdout
    assert "model.yaml" in failed.stdout
