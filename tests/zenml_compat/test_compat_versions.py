"""Version and model records as ZenML's responses: methods on what ``Client`` returns, tags
with ``.name``, and ``stage is None`` for a version without a stage (gaps 2, 3, 8)."""

from __future__ import annotations

import json
from typing import Annotated

import pytest

from zenml_cli import ArtifactConfig, Client, Model, pipeline, save_artifact, step
from zenml_cli.enums import ModelStages


@step
def make_outputs() -> tuple[
    Annotated[list, ArtifactConfig("dataset")],
    Annotated[dict, ArtifactConfig("classifier", is_model_artifact=True)],
    Annotated[str, ArtifactConfig("endpoint", is_deployment_artifact=True)],
]:
    return [1, 2, 3], {"depth": 4}, "http://serve"


@pytest.fixture
def trained() -> Client:
    @pipeline(model=Model(name="trained", version="first"), enable_cache=False)
    def train():
        make_outputs()

    train()
    return Client()


# --------------------------------------------------------------------------- version methods
def test_set_stage_on_a_fetched_version(trained: Client):
    version = trained.get_model_version("trained", "first")
    assert version.set_stage(ModelStages.STAGING) is None
    assert version.stage is None  # a response is a snapshot, as in ZenML (issue 20 item 6)
    assert trained.get_model_version("trained", ModelStages.STAGING).id == version.id
    assert trained.get_model_version("trained", "first").stage == ModelStages.STAGING


def test_artifacts_by_kind_from_a_fetched_version(trained: Client):
    version = trained.get_model_version("trained", "first")
    assert version.get_model_artifact("classifier").load() == {"depth": 4}
    assert version.get_data_artifact("dataset").load() == [1, 2, 3]
    assert version.get_deployment_artifact("endpoint").load() == "http://serve"
    assert version.get_artifact("classifier").name == "classifier"
    assert version.get_data_artifact("classifier") is None
    assert version.get_artifact("unknown") is None
    assert version.load_artifact("dataset") == [1, 2, 3]


def test_log_metadata_and_run_metadata_on_a_version(trained: Client):
    version = trained.get_model_version("trained")
    version.log_metadata({"accuracy": 0.9})
    assert version.run_metadata["accuracy"] == 0.9
    assert trained.get_model_version("trained").run_metadata["accuracy"] == 0.9


def test_to_model_class_gives_the_same_version(trained: Client):
    created = trained.create_model_version("trained", name="second")
    model = created.to_model_class()
    assert isinstance(model, Model)
    assert model.name == "trained" and model.number == created.number == 2
    assert model.id == created.id
    model.set_stage("production")
    assert trained.get_model_version("trained", "production").name == "second"


def test_model_knows_its_latest_version():
    client = Client()
    client.create_model("latest_one")
    assert client.get_model("latest_one").latest_version_name is None
    client.create_model_version("latest_one", name="alpha")
    second = client.create_model_version("latest_one")
    model = client.get_model("latest_one")
    assert model.latest_version_name == "2"
    assert model.latest_version_id == second.id
    assert [v.name for v in model.versions] == ["alpha", "2"]


# --------------------------------------------------------------------------- tags
def test_tags_have_names_on_models_versions_and_artifacts():
    client = Client()
    model = client.create_model("tagged", tags=["a", "b"])
    version = client.create_model_version("tagged", tags=["c"])
    artifact = save_artifact(1, "tagged_artifact", tags=["d"])
    assert {t.name for t in model.tags} == {"a", "b"}
    assert {t.name for t in client.get_model("tagged").tags} == {"a", "b"}
    assert [t.name for t in version.tags] == ["c"]
    assert [t.name for t in client.get_model_version("tagged", 1).tags] == ["c"]
    assert [t.name for t in artifact.tags] == ["d"]
    assert [t.name for t in client.get_artifact_version("tagged_artifact").tags] == ["d"]


def test_tags_still_compare_and_serialise_as_strings():
    client = Client()
    client.create_model("tagged", tags=["prod"])
    tags = client.get_model("tagged").tags
    assert tags == ["prod"] and "prod" in tags and {"prod"} == set(tags)
    assert json.dumps(client.get_model("tagged").to_dict()["tags"]) == '["prod"]'
    updated = client.update_model("tagged", add_tags=["x"], remove_tags=["prod"])
    assert [t.name for t in updated.tags] == ["x"]


# --------------------------------------------------------------------------- no stage
def test_a_version_without_a_stage_has_stage_none():
    client = Client()
    version = client.create_model_version(client.create_model("staged").name)
    assert version.stage is None
    assert client.get_model_version("staged", 1).stage is None
    assert Model(name="staged", version=1).stage is None
    assert version.to_dict()["stage"] == "none"
    client.update_model_version("staged", 1, stage="archived")
    assert client.get_model_version("staged", 1).stage == ModelStages.ARCHIVED
