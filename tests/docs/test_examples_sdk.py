"""Every ``examples/*.py`` runs in a fresh project, and leaves the store its scenario
describes, checked through the CLI's JSON output."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from support.paths import REPO_ROOT
from support.sdk import run_in_project, zenml_json

pytestmark = pytest.mark.slow  # each example in its own process

EXAMPLES = sorted((REPO_ROOT / "examples").glob("*.py"))


def names(body: dict[str, Any]) -> list[str]:
    return [item["name"] for item in body["items"]]


def check_implicit_registration(root: Path) -> None:
    versions = zenml_json(root, "model", "version", "list", "demo")["items"]
    assert [v["number"] for v in versions] == [1, 2]
    assert names(zenml_json(root, "model", "data_artifacts", "demo")) == [
        "features",
        "labels",
        "accuracy",
    ]
    assert names(zenml_json(root, "model", "model_artifacts", "demo", "--version", "1")) == [
        "trained_model"
    ]
    assert names(zenml_json(root, "model", "deployment_artifacts", "demo")) == ["deployment_uri"]
    runs = zenml_json(root, "model", "runs", "demo", "--version", "2")["items"]
    assert len(runs) == 1 and runs[0]["status"] == "completed"
    assert zenml_json(root, "model", "describe", "demo")["license"] == "Apache"


def check_explicit_versions(root: Path) -> None:
    versions = zenml_json(root, "model", "version", "list", "my_model")["items"]
    by_name = {v["name"]: v["number"] for v in versions}
    assert by_name["really_good_version"] == 5 and by_name["even_better_version"] == 6
    assert by_name["1.0.5"] == 8
    linked = zenml_json(root, "model", "data_artifacts", "my_model", "--version", "1.0.5")
    assert names(linked) == ["training_pipeline__svc_trainer__output"]


def check_promotion(root: Path) -> None:
    versions = zenml_json(root, "model", "version", "list", "iris_logistic_regression")["items"]
    assert {v["number"]: v["stage"] for v in versions} == {
        1: "archived",
        2: "production",
        3: "staging",
    }


def check_checkpoints(root: Path) -> None:
    linked = zenml_json(root, "model", "data_artifacts", "MyModel", "--version", "1.2.42")
    assert [i["version"] for i in linked["items"]] == ["1.2.42_0", "1.2.42_1", "1.2.42_2"]
    assert names(zenml_json(root, "model", "model_artifacts", "MyModel")) == ["trained_model"]
    described = zenml_json(root, "artifact", "describe", "training_checkpoint", "1.2.42_1")
    assert described["producing_step"] == "trainer" and len(described["sha256"]) == 64


def check_explicit_linking(root: Path) -> None:
    assert names(zenml_json(root, "model", "data_artifacts", "MyModel", "--version", "0.0.42")) == [
        "manual_artifact"
    ]
    assert names(zenml_json(root, "model", "data_artifacts", "MyModel", "--version", "0.2.42")) == [
        "existing_artifact"
    ]


CHECKS: dict[str, Callable[[Path], None]] = {
    "implicit_registration": check_implicit_registration,
    "explicit_versions": check_explicit_versions,
    "promotion": check_promotion,
    "checkpoints": check_checkpoints,
    "explicit_linking": check_explicit_linking,
}


def test_every_example_has_a_check() -> None:
    assert sorted(path.stem for path in EXAMPLES) == sorted(CHECKS)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_example_runs_and_leaves_the_store_it_describes(example: Path, tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    # ZENML_PROJECT_DIR names the folder, so it must hold a store (issue 20 item 12)
    assert run_in_project(root, "-m", "zenml_cli", "init", timeout=60).returncode == 0
    result = run_in_project(root, str(example), timeout=120)
    assert result.returncode == 0, result.stderr
    CHECKS[example.stem](root)
    doctor = run_in_project(root, "-m", "zenml_cli", "doctor", timeout=60)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
