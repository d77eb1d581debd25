"""Promotion in a step and from code. Moving a version into an occupied staging or
production archives the previous holder.

Run it in a fresh folder (or with ZENML_PROJECT_DIR set).
"""

from __future__ import annotations

from zenml_cli import Model, get_step_context, pipeline, step
from zenml_cli.client import Client
from zenml_cli.enums import ModelStages

MODEL_NAME = "iris_logistic_regression"


@step
def train_and_evaluate() -> float:
    return 0.97


@step
def promote_to_staging() -> None:
    model = get_step_context().model
    model.set_stage(ModelStages.STAGING, force=True)


@pipeline(model=Model(name=MODEL_NAME), enable_cache=False)
def train_and_promote_model() -> None:
    train_and_evaluate()
    promote_to_staging(after=["train_and_evaluate"])


if __name__ == "__main__":
    client = Client()
    train_and_promote_model()  # version 1 -> staging
    model = Model(name=MODEL_NAME, version="1.2.3")  # version 2, created by name
    model.set_stage(stage=ModelStages.PRODUCTION)
    train_and_promote_model()  # version 3 -> staging, version 1 archived

    latest_model = Model(name=MODEL_NAME, version=ModelStages.LATEST)
    latest_model.set_stage(stage=ModelStages.STAGING)  # already staging: nothing moves
    stages = {v.number: v.stage.value for v in client.list_model_versions(MODEL_NAME)}
    print(stages)
    assert stages == {1: "archived", 2: "production", 3: "staging"}
