"""Every GitHub Actions workflow in ``examples/`` is checked: it parses, it triggers on what
its comment says, and its ``zenml`` steps run here against a real store."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from zenml_cli import Client

from support.running import REPO_ROOT, run_zenml

pytestmark = pytest.mark.slow  # the workflows' zenml steps in real processes

WORKFLOWS = sorted((REPO_ROOT / "examples").rglob("*.yml"))
PUBLISH = REPO_ROOT / "examples" / "github-pages" / "publish-dashboard.yml"


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


def zenml_steps(workflow: dict[Any, Any]) -> list[list[str]]:
    return [
        shlex.split(step["run"])
        for job in workflow["jobs"].values()
        for step in job.get("steps", [])
        if str(step.get("run", "")).startswith("zenml ")
    ]


CI_WORKFLOWS = [
    REPO_ROOT / "examples" / "github-actions" / "deploy-on-promotion.yml",
    REPO_ROOT / "examples" / "github-actions" / "train-and-promote.yml",
    REPO_ROOT / "examples" / "gitlab-ci" / ".gitlab-ci.yml",
]


def test_every_workflow_example_is_checked() -> None:
    """The publish workflow here; the CI ones in tests/docs/test_examples_ci.py and, copied into a
    fresh repository and run, in tests/docs/test_examples_copied.py."""
    assert sorted(WORKFLOWS) == sorted([PUBLISH, *CI_WORKFLOWS])


def test_publish_dashboard_runs_on_pushes_that_touch_the_registry() -> None:
    workflow = load(PUBLISH)
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["paths"] == [".zenml/**"]
    assert ["zenml", "dashboard", "build", "--out", "site"] in zenml_steps(workflow)
    jobs = workflow["jobs"]
    upload = [s for s in jobs["build"]["steps"] if "upload-pages-artifact" in s.get("uses", "")]
    assert upload and upload[0]["with"]["path"] == "site"
    assert jobs["deploy"]["needs"] == "build"
    assert any("deploy-pages" in s.get("uses", "") for s in jobs["deploy"]["steps"])
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


@pytest.mark.parametrize("workflow", [PUBLISH], ids=lambda p: p.stem)
def test_the_workflows_zenml_steps_succeed_on_a_store(workflow: Path, client: Client) -> None:
    client.create_model("iris", description="published")
    client.create_model_version("iris")
    for argv in zenml_steps(load(workflow)):
        result = run_zenml(*argv[1:], cwd=client.registry.store.root, timeout=60)
        assert result.returncode == 0, f"{argv}: {result.stderr}"
    assert "published" in (client.registry.store.root / "site" / "index.html").read_text()
