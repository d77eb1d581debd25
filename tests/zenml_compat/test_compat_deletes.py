"""Deleting what the pipeline layer creates: runs, artifacts, artifact versions, and a model
version's artifact links (gap 13)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pytest

from zenml_cli import ArtifactConfig, Client, Model, pipeline, save_artifact, step
from zenml_cli.errors import NotFoundError


@step
def make() -> tuple[
    Annotated[list, ArtifactConfig("features")],
    Annotated[dict, ArtifactConfig("clf", is_model_artifact=True)],
]:
    return [1, 2], {"w": 3}


@pipeline(model=Model(name="deletable", version="v1"), enable_cache=False)
def produce():
    make()


def _objects(root: Path) -> list[Path]:
    return [p for p in (root / ".zenml" / "artifact_store").rglob("*") if p.is_file()]


# --------------------------------------------------------------------------- runs
def test_list_get_and_delete_pipeline_runs():
    first = produce()
    second = produce.with_options(run_name="second_run")()
    client = Client()
    assert [r.id for r in client.list_pipeline_runs()] == [first.id, second.id]
    assert [r.id for r in client.list_pipeline_runs(sort_by="desc:created")][0] == second.id
    assert client.get_pipeline_run("second_run").id == second.id
    assert client.get_pipeline_run(first.id).name == first.name
    client.delete_pipeline_run(first.id)
    with pytest.raises(KeyError):
        client.get_pipeline_run(first.id)
    assert [r.id for r in client.list_pipeline_runs(pipeline_name="produce")] == [second.id]
    version = client.get_model_version("deletable", "v1")
    assert (
        first.id not in version.pipeline_run_ids.values()
    )  # the version stays, the run is forgotten
    assert version.get_artifact("clf") is not None


# --------------------------------------------------------------------------- artifacts
def test_delete_artifact_version_removes_its_links():
    produce()
    client = Client()
    client.delete_artifact_version("clf")
    with pytest.raises(KeyError):
        client.get_artifact_version("clf")
    version = client.get_model_version("deletable", "v1")
    assert version.get_model_artifact("clf") is None
    assert version.get_data_artifact("features") is not None


def test_delete_artifact_deletes_every_version():
    save_artifact(1, "counted")
    save_artifact(2, "counted")
    client = Client()
    client.delete_artifact("counted")
    assert len(client.list_artifact_versions(name="counted")) == 0


def test_payloads_go_only_when_asked_and_unshared(fresh_project: Path):
    save_artifact({"same": 1}, "one")
    save_artifact({"same": 1}, "two")  # the same bytes: one shared object
    save_artifact({"own": 2}, "three")
    client = Client()
    assert len(_objects(fresh_project)) == 2
    client.delete_artifact("three")  # links and manifest only
    assert len(_objects(fresh_project)) == 2
    save_artifact({"own": 2}, "three")
    client.delete_artifact("three", delete_from_artifact_store=True)
    assert len(_objects(fresh_project)) == 1
    client.delete_artifact("one", delete_from_artifact_store=True)  # "two" still needs it
    assert len(_objects(fresh_project)) == 1
    assert client.get_artifact_version("two").load() == {"same": 1}
    client.delete_artifact("two", delete_from_artifact_store=True)
    assert _objects(fresh_project) == []


# --------------------------------------------------------------------------- model links
def test_model_delete_artifact_only_unlinks_by_default():
    produce()
    model = Model(name="deletable", version="v1")
    model.delete_artifact("clf")
    assert model.get_model_artifact("clf") is None
    assert Client().get_artifact_version("clf").load() == {"w": 3}


def test_model_delete_artifact_can_delete_the_artifact_version():
    produce()
    model = Model(name="deletable", version="v1")
    model.delete_artifact("clf", only_link=False)
    with pytest.raises(NotFoundError):
        Client().get_artifact_version("clf")


def test_model_delete_all_artifacts():
    produce()
    model = Model(name="deletable", version="v1")
    model.delete_all_artifacts()
    version = Client().get_model_version("deletable", "v1")
    assert version.data_artifact_ids == [] and version.model_artifact_ids == []
    assert len(Client().list_artifact_versions()) == 2  # unlinked, not deleted
    produce()  # version v1 again, links again
    Model(name="deletable", version="v1").delete_all_artifacts(only_link=False)
    assert len(Client().list_artifact_versions()) == 2  # the first run's, unlinked before


# --------------------------------------------------------------------------- model versions
def test_delete_model_version_by_zenml_keyword_and_by_model_and_version():
    from uuid import UUID

    client = Client()
    client.create_model("m")
    first, second, third = (client.create_model_version("m") for _ in range(3))
    client.delete_model_version(model_version_id=first.id)
    client.delete_model_version(UUID(second.id))  # ZenML passes ids as UUIDs
    assert [v.number for v in client.list_model_versions("m")] == [3]
    client.create_model_version("m")
    client.delete_model_version("m", 4)  # the (model, version) form still works
    assert [v.id for v in client.list_model_versions("m")] == [third.id]
    with pytest.raises(NotFoundError):
        client.delete_model_version(model_version_id=first.id)
