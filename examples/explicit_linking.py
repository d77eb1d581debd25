"""Linking artifacts explicitly, inside a step and outside any step.

Run it in a fresh folder (or with ZENML_PROJECT_DIR set).
"""

from __future__ import annotations

from zenml_cli import Model, link_artifact_to_model, pipeline, save_artifact, step
from zenml_cli.client import Client


@step
def f_() -> None:
    # produce a new artifact ...
    new_artifact = save_artifact(data="Hello, World!", name="manual_artifact")
    # ... and link it inside a step
    link_artifact_to_model(
        artifact_version_id=new_artifact.id,
        model=Model(name="MyModel", version="0.0.42"),
    )


@pipeline
def linking_pipeline() -> None:
    f_()


if __name__ == "__main__":
    linking_pipeline()
    save_artifact(data=[1, 2, 3], name="existing_artifact")
    # use an existing artifact ...
    existing_artifact = Client().get_artifact_version(name_id_or_prefix="existing_artifact")
    # ... and link it outside of a step (twice: linking is idempotent)
    for _ in range(2):
        link_artifact_to_model(
            artifact_version_id=existing_artifact.id,
            model=Model(name="MyModel", version="0.2.42"),
        )
    print(Model(name="MyModel", version="0.0.42").load_artifact("manual_artifact"))
    assert Model(name="MyModel", version="0.2.42").load_artifact("existing_artifact") == [1, 2, 3]
    assert len(Client().get_model_version("MyModel", "0.2.42").data_artifact_ids) == 1
