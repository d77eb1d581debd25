"""Implicit registration: a training pipeline with a model creates the model and a new
version per run, and links every step output to that version.

Run it in a fresh folder (or with ZENML_PROJECT_DIR set): ``python implicit_registration.py``.
Uses scikit-learn when installed, else a tiny standard-library "model".
"""

from __future__ import annotations

import random
from typing import Annotated, Any

from zenml_cli import ArtifactConfig, Model, log_metadata, pipeline, step
from zenml_cli.client import Client


@step
def load_data() -> tuple[
    Annotated[list[list[float]], ArtifactConfig("features")],
    Annotated[list[int], ArtifactConfig("labels")],
]:
    rng = random.Random(42)
    features = [[rng.random(), rng.random()] for _ in range(60)]
    labels = [int(x + y > 1.0) for x, y in features]
    return features, labels


@step
def train(
    features: list[list[float]], labels: list[int]
) -> Annotated[Any, ArtifactConfig("trained_model", is_model_artifact=True)]:
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:  # stdlib fallback: a threshold on x + y
        return {"kind": "threshold", "threshold": 1.0}
    return LogisticRegression().fit(features, labels)


@step
def evaluate(
    model: Any, features: list[list[float]], labels: list[int]
) -> Annotated[float, ArtifactConfig("accuracy")]:
    if isinstance(model, dict):
        predictions = [int(x + y > model["threshold"]) for x, y in features]
    else:
        predictions = list(model.predict(features))
    accuracy = sum(p == t for p, t in zip(predictions, labels, strict=True)) / len(labels)
    log_metadata({"accuracy": accuracy}, infer_model=True)
    return accuracy


@step
def deploy() -> Annotated[str, ArtifactConfig("deployment_uri", is_deployment_artifact=True)]:
    return "https://models.example.com/demo"


@pipeline(
    enable_cache=False,
    model=Model(name="demo", license="Apache", description="Show case Model Control Plane."),
)
def train_and_register() -> None:
    features, labels = load_data()
    model = train(features, labels)
    evaluate(model, features, labels)
    deploy(after=[evaluate])


if __name__ == "__main__":
    first = train_and_register()
    second = train_and_register()
    version = Client().get_model_version("demo")  # latest
    print(f"runs {first.status} and {second.status}; demo is now at version {version.number}")
    print(f"accuracy logged on it: {version.run_metadata['accuracy']:.2f}")
    assert [link.name for link in version.artifacts["model"]] == ["trained_model"]
