"""Intermediate artifacts: a slow training step saves a checkpoint per epoch with
``save_artifact``; inside a step with a model they are linked to that model version.

Run it in a fresh folder (or with ZENML_PROJECT_DIR set).
"""

from __future__ import annotations

from typing import Annotated

from zenml_cli import ArtifactConfig, Model, pipeline, step
from zenml_cli.artifacts.utils import load_artifact, save_artifact


@step(model=Model(name="MyModel", version="1.2.42"))
def trainer(
    epochs: int,
) -> Annotated[dict[str, float], ArtifactConfig("trained_model", is_model_artifact=True)]:
    """Step running slow training."""
    weights = {"w": 0.0}
    for epoch in range(epochs):
        weights = {"w": weights["w"] + 0.5}
        # Each checkpoint is a distinct version of `training_checkpoint`: 1.2.42_0, 1.2.42_1 ...
        save_artifact(data=weights, name="training_checkpoint", version=f"1.2.42_{epoch}")
    return weights


@pipeline
def slow_training() -> None:
    trainer(epochs=3)


if __name__ == "__main__":
    slow_training()
    model = Model(name="MyModel", version="1.2.42")
    print("latest checkpoint:", model.load_artifact("training_checkpoint"))
    assert model.get_artifact("training_checkpoint", "1.2.42_1").load() == {"w": 1.0}
    assert load_artifact("training_checkpoint", "1.2.42_2") == {"w": 1.5}
    assert model.get_model_artifact("trained_model").load() == {"w": 1.5}
