"""Issue 20: a project written as real ZenML projects are (``tests/zenml_projects/starter``:
``run.py`` with click options, ``configs/*.yaml`` per pipeline, `zenml` renamed `zenml_cli`)
runs end to end in a fresh git folder, in subprocesses, and what it made is checked through
the installed ``zenml ... -o json``.

The sequence: a training run (feature engineering composed into training, model and
parameters from ``configs/training.yaml``, a promoter comparing with production, an
``HTMLString`` report), the same run again (cached), once more with ``--no-cache``, then an
inference run that loads ``Model(version="production")`` from ``configs/inference.yaml``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from support.git import git, isolated_git_env
from support.running import REPO_ROOT, run_zenml

PROJECT = REPO_ROOT / "tests" / "zenml_projects" / "starter"
MODEL = "threshold_classifier"
TRAINING_STEPS = [
    "data_loader",
    "data_splitter",
    "model_trainer",
    "model_evaluator",
    "model_promoter",
    "evaluation_report",
]


def run_project(root: Path, *options: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZENML_")}
    env.update(isolated_git_env(root.parent), ZENML_ACTOR="tester")
    done = subprocess.run(
        [sys.executable, "run.py", *options],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "stack default (local), project repo, user tester" in done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def zenml_json(root: Path, *args: str) -> Any:
    done = run_zenml(*args, "-o", "json", cwd=root)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def runs(root: Path) -> list[dict[str, Any]]:
    """Every run that used the model, oldest first."""
    found: dict[str, dict[str, Any]] = {}
    for version in zenml_json(root, "model", "version", "list", MODEL)["items"]:
        for run in zenml_json(root, "model", "runs", MODEL, "--version", str(version["number"]))[
            "items"
        ]:
            found[run["id"]] = run
    return sorted(found.values(), key=lambda run: run["start_time"])


def artifact(root: Path, name: str, version: str) -> dict[str, Any]:
    described: dict[str, Any] = zenml_json(root, "artifact", "describe", name, version)
    return described


def versions_of(root: Path, name: str) -> list[str]:
    items = zenml_json(root, "artifact", "list", "--name", name)["items"]
    return [item["version"] for item in items]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project copied into a fresh git folder (no store yet: the first run makes it)."""
    root = tmp_path_factory.mktemp("zenml_project") / "repo"
    shutil.copytree(PROJECT, root, ignore=shutil.ignore_patterns("__pycache__"))
    git(root, "init", "-q")
    return root


@pytest.fixture(scope="module")
def first(repo: Path) -> dict[str, Any]:
    return run_project(repo, "--training-pipeline")


@pytest.fixture(scope="module")
def cached(repo: Path, first: dict[str, Any]) -> dict[str, Any]:
    return run_project(repo, "--training-pipeline")


@pytest.fixture(scope="module")
def uncached(repo: Path, cached: dict[str, Any]) -> dict[str, Any]:
    return run_project(repo, "--training-pipeline", "--no-cache")


@pytest.fixture(scope="module")
def inferred(repo: Path, uncached: dict[str, Any]) -> dict[str, Any]:
    return run_project(repo, "--inference-pipeline")


@pytest.mark.slow
def test_training_run_composes_and_applies_its_config(repo: Path, first: dict[str, Any]) -> None:
    assert (repo / ".zenml" / "config.yaml").is_file()  # made at the git top on first write
    assert list(first["steps"]) == TRAINING_STEPS  # feature engineering's steps joined
    assert set(first["steps"].values()) == {"completed"}
    assert first["model_version"] == 1 and first["run"].startswith("training_")
    assert first["report"].startswith("<h1>Evaluation</h1>")
    model = zenml_json(repo, "model", "describe", MODEL)
    assert model["license"] == "Apache 2.0" and set(model["tags"]) == {"starter", "toy"}
    [version] = zenml_json(repo, "model", "version", "list", MODEL)["items"]
    assert version["stage"] == "production"  # no holder yet: the promoter promoted it
    assert "test_accuracy" in version["run_metadata"]
    data = {a["name"] for a in zenml_json(repo, "model", "data_artifacts", MODEL)["items"]}
    assert {"dataset", "dataset_trn", "dataset_tst", "evaluation_report"} <= data
    models = zenml_json(repo, "model", "model_artifacts", MODEL)["items"]
    assert [a["name"] for a in models] == ["model"]


@pytest.mark.slow
def test_metadata_for_the_running_steps_own_outputs(repo: Path, first: dict[str, Any]) -> None:
    """Item 1: log_metadata(infer_artifact=True), log_artifact_metadata(artifact_name=an
    output) and log_artifact_metadata(metadata) in a one-output step."""
    assert artifact(repo, "dataset", "1")["run_metadata"] == {"rows": 40}
    assert artifact(repo, "model", "1")["run_metadata"] == {"grid_size": 5}
    accuracy = artifact(repo, "test_accuracy", "1")["run_metadata"]["accuracy"]
    assert 0 < accuracy <= 1
    report = artifact(repo, "evaluation_report", "1")
    assert report["type"] == "DataAnalysisArtifact"


@pytest.mark.slow
def test_run_records_config_settings_and_cache_keys(repo: Path, first: dict[str, Any]) -> None:
    run = runs(repo)[0]
    config = run["config"]
    assert config["parameters"] == {"random_state": 17, "target_stage": "production"}
    assert config["enable_cache"] is True and config["extra"] == {"team": "ml-platform"}
    # the file's and the decorator's docker settings merge, field by field
    assert config["settings"]["docker"] == {
        "required_integrations": ["sklearn"],
        "requirements": ["scikit-learn"],
    }
    assert config["schedule"] == {"cron_expression": "0 3 * * *"}  # recorded, not run
    steps = {step["name"]: step for step in run["steps"]}
    trainer = steps["model_trainer"]
    assert trainer["config"]["parameters"]["threshold_grid"] == [0.2, 0.35, 0.5, 0.65, 0.8]
    assert trainer["config"]["settings"] == {"resources": {"cpu_count": 2, "memory": "1GB"}}
    assert trainer["config"]["experiment_tracker"] == "mlflow_tracker"
    assert all(len(step["cache_key"]) == 64 for step in run["steps"])
    assert artifact(repo, "model", "1")["cache_key"] == trainer["cache_key"]


@pytest.mark.slow
def test_a_rerun_is_cached_and_makes_no_new_artifact_versions(
    repo: Path, cached: dict[str, Any]
) -> None:
    """Item 10: unchanged steps are not run again; their outputs are the earlier artifact
    versions, linked to the new model version; the promoter (enable_cache=False) runs."""
    assert cached["steps"] == {
        "data_loader": "cached",
        "data_splitter": "cached",
        "model_trainer": "cached",
        "model_evaluator": "cached",
        "model_promoter": "completed",
        "evaluation_report": "cached",
    }
    assert cached["model_version"] == 2
    for name in ("dataset", "model", "evaluation_report"):
        assert versions_of(repo, name) == ["1"]
    linked = zenml_json(repo, "model", "model_artifacts", MODEL, "--version", "2")["items"]
    assert [(a["name"], a["version"]) for a in linked] == [("model", "1")]
    second = runs(repo)[1]
    trainer = {step["name"]: step for step in second["steps"]}["model_trainer"]
    assert trainer["cached_from"] == {"run": runs(repo)[0]["id"], "step": "model_trainer"}
    stages = {
        v["number"]: v["stage"]
        for v in zenml_json(repo, "model", "version", "list", MODEL)["items"]
    }
    assert stages == {1: "archived", 2: "production"}  # as good as production: promoted


@pytest.mark.slow
def test_no_cache_runs_every_step(repo: Path, uncached: dict[str, Any]) -> None:
    assert set(uncached["steps"].values()) == {"completed"}
    assert versions_of(repo, "dataset") == ["1", "2"]
    assert versions_of(repo, "model") == ["1", "2"]


@pytest.mark.slow
def test_inference_loads_the_production_model_from_its_config(
    repo: Path, inferred: dict[str, Any]
) -> None:
    production = zenml_json(repo, "model", "version", "describe", MODEL, "production")
    assert inferred["model_version"] == production["number"] == 3
    assert inferred["predictions"] == 40
    linked = zenml_json(repo, "model", "data_artifacts", MODEL, "--version", "production")
    assert "predictions" in {a["name"] for a in linked["items"]}
    assert versions_of(repo, "dataset") == ["1", "2", "3"]  # enable_cache: false in the file


TEAMMATE_PROGRAM = """
from typing import Annotated
from zenml_cli import pipeline, step

@step
def prepare(n: int) -> Annotated[list, "prepared"]:
    return list(range(n))

@pipeline
def prep() -> None:
    prepare(5)

print(prep().steps["prepare"].status.value)
"""


@pytest.mark.slow
@pytest.mark.parametrize(("shared", "expected"), [(True, "cached"), (False, "completed")])
def test_a_teammates_run_is_reused_only_when_its_payloads_are_shared(
    tmp_path: Path, shared: bool, expected: str
) -> None:
    """The cache key travels through git in the run manifest; a teammate's clone reuses the
    step only when the payloads are in a shared artifact store (else they cannot load)."""
    from support.git import BRANCH, clone, make_remote

    remote = make_remote(tmp_path)
    mine, theirs = clone(remote, tmp_path / "mine"), clone(remote, tmp_path / "theirs")
    config = mine / ".zenml" / "config.yaml"
    if shared:
        store_url = (tmp_path / "shared").as_uri()
        text = config.read_text().replace(
            "artifact_store: .zenml/artifact_store", f"artifact_store: {store_url}"
        )
        config.write_text(text)
        for clone_ in (mine, theirs):  # each teammate accepts the team's store once
            subprocess.run([sys.executable, "-m", "zenml_cli", "artifact", "trust", store_url],
                           cwd=clone_, check=True, capture_output=True)  # fmt: skip
    (mine / "prep.py").write_text(TEAMMATE_PROGRAM)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZENML_")}
    env["ZENML_ACTOR"] = "tester"

    def run_in(root: Path) -> str:
        done = subprocess.run(
            [sys.executable, "prep.py"], cwd=root, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert run_in(mine) == "completed"
    git(mine, "add", "-A")
    git(mine, "commit", "-q", "-m", "a run of prep")
    git(mine, "push", "-q", "origin", BRANCH)
    git(theirs, "pull", "-q", "--ff-only", "origin", BRANCH)
    assert run_in(theirs) == expected
