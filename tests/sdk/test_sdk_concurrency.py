"""Concurrent pipeline runs in separate processes get distinct model and artifact versions,
and every link lands on the right version (no lost update of a version file)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from zenml_cli import Client

from support.sdk import subprocess_env

pytestmark = pytest.mark.slow

RUNNER = """
import sys
from typing import Annotated
from zenml_cli import ArtifactConfig, Model, pipeline, save_artifact, step

@step
def train(worker: str) -> Annotated[str, ArtifactConfig("weights", is_model_artifact=True)]:
    for epoch in range(3):
        save_artifact(f"{worker}-{epoch}", "checkpoint")
    return worker

@pipeline(model=Model(name="demo"), enable_cache=False)  # each run saves, uncached
def training(worker: str) -> None:
    train(worker)

for _ in range(2):
    training(sys.argv[1])
"""

WORKERS = 4


@pytest.mark.slow
def test_concurrent_pipeline_runs_get_distinct_versions(sdk_project: Path) -> None:
    script = sdk_project.parent / "runner.py"
    script.write_text(RUNNER)
    env = subprocess_env(sdk_project)
    env["ZENML_LOCK_TIMEOUT"] = "60"
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), f"w{i}"],
            cwd=sdk_project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(WORKERS)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    client = Client(sdk_project)
    runs = WORKERS * 2
    versions = list(client.list_model_versions("demo", size=100))
    assert [v.number for v in versions] == list(range(1, runs + 1))
    weights = list(client.list_artifact_versions(name="weights", size=100))
    checkpoints = list(client.list_artifact_versions(name="checkpoint", size=100))
    assert sorted(int(a.version) for a in weights) == list(range(1, runs + 1))
    assert sorted(int(a.version) for a in checkpoints) == list(range(1, runs * 3 + 1))
    for version in versions:  # each version links its own run's outputs, all of them
        assert len(version.model_artifact_ids) == 1 and len(version.data_artifact_ids) == 3
        weight = client.get_artifact_version(version.model_artifact_ids[0])
        assert weight.producing_run == version.producing_run
        for checkpoint_id in version.data_artifact_ids:
            checkpoint = client.get_artifact_version(checkpoint_id)
            assert checkpoint.load().startswith(weight.load() + "-")
