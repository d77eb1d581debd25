"""The CI examples (GitHub Actions and GitLab) read right: they parse, trigger where they say,
install zenml-cli from its source (it is not on PyPI), and hide no exit code. They are run
step by step, copied into a fresh repository, in tests/docs/test_examples_copied.py."""

from __future__ import annotations

import re

import pytest
import yaml

from support.running import REPO_ROOT

pytestmark = pytest.mark.slow

EXAMPLES = REPO_ROOT / "examples"
CI_FILES = sorted([*EXAMPLES.rglob("*.yml"), REPO_ROOT / "action.yml"])


def test_workflows_parse_and_trigger_where_they_say() -> None:
    deploy = yaml.safe_load((EXAMPLES / "github-actions" / "deploy-on-promotion.yml").read_text())
    assert ".zenml/models/iris/model.yaml" in deploy[True]["push"]["paths"]
    train = yaml.safe_load((EXAMPLES / "github-actions" / "train-and-promote.yml").read_text())
    assert train[True]["push"]["paths-ignore"] == [".zenml/**"]  # its own pushes: no retrain
    gitlab = yaml.safe_load((EXAMPLES / "gitlab-ci" / ".gitlab-ci.yml").read_text())
    assert {"train-and-promote", "deploy-on-promotion"} <= set(gitlab)


def test_nothing_installs_zenml_cli_from_the_package_index() -> None:
    """zenml-cli is not published: every example installs it from the action's own source,
    or from the one ZENML_CLI_SOURCE a team names."""
    for path in [*CI_FILES, REPO_ROOT / "README.md"]:
        text = path.read_text()
        assert not re.search(r"pip install[^\n]*\bzenml-cli\b(?![@/])", text), path
        assert "zenml-cli==" not in text, path


def test_no_step_swallows_an_exit_code_or_calls_a_script_of_this_repository() -> None:
    for path in CI_FILES:
        text = path.read_text()
        assert not re.search(r'echo "[^"]*\$\(', text), f"{path}: $(...) inside echo hides it"
        assert "examples/" not in text.replace("examples/github-actions", ""), path
        assert not re.search(r"\.sh\b", re.sub(r"#.*", "", text)), f"{path} calls a script"


def test_github_workflows_run_bash_with_pipefail_and_name_the_source_once() -> None:
    for path in (EXAMPLES / "github-actions").glob("*.yml"):
        workflow = yaml.safe_load(path.read_text())
        assert workflow["defaults"]["run"]["shell"] == "bash", path
        uses = {
            step["uses"]
            for job in workflow["jobs"].values()
            for step in job["steps"]
            if "zenml-cli@" in step.get("uses", "")
        }
        assert len(uses) == 1, f"{path}: one pinned source of zenml-cli, not {uses}"
