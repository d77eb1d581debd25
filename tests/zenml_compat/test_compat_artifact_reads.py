"""Reading artifacts the way ported ZenML code does: ``list_artifact_versions`` sorted and
filtered by artifact or model, ``get_artifact``, and the links from an artifact version to
its artifact, step and run (found porting real projects)."""

from __future__ import annotations

import uuid

import pytest

from zenml_cli import Client, Model, link_artifact_to_model, save_artifact
from zenml_cli.errors import InvalidInputError, NotFoundError


# --------------------------------------------------------------------------- sort_by
@pytest.mark.parametrize("sort_by", ["desc:created", "desc:number", "desc:version"])
def test_newest_artifact_version_first(sort_by: str):
    for value in range(3):
        save_artifact(value, name="data")
    newest = Client().list_artifact_versions(name="data", sort_by=sort_by, size=1)
    assert [v.version for v in newest] == ["3"]


def test_sorting_by_name_and_created_ascending():
    save_artifact(1, name="b")
    save_artifact(2, name="a")
    client = Client()
    assert [v.name for v in client.list_artifact_versions(sort_by="created")] == ["b", "a"]
    assert [v.name for v in client.list_artifact_versions(sort_by="asc:name")] == ["a", "b"]


def test_an_unknown_sort_key_is_refused():
    with pytest.raises(InvalidInputError, match="created"):
        Client().list_artifact_versions(sort_by="desc:size")


# --------------------------------------------------------------------------- artifact=, model=
def test_filter_by_artifact_name():
    save_artifact(1, name="data")
    save_artifact(2, name="data")
    save_artifact(3, name="other")
    found = Client().list_artifact_versions(artifact="data")
    assert [v.version for v in found] == ["1", "2"]


def test_filter_by_an_unknown_artifact_is_not_found():
    with pytest.raises(NotFoundError, match="no artifact named 'nope'"):
        Client().list_artifact_versions(artifact="nope")


def test_filter_by_model_keeps_versions_linked_to_any_of_its_versions():
    first = save_artifact(1, name="weights")
    save_artifact(2, name="weights")  # not linked
    third = save_artifact(3, name="data")
    link_artifact_to_model(first, model=Model(name="m", version="a"))
    link_artifact_to_model(third, model=Model(name="m", version="b"))
    link_artifact_to_model(third, model=Model(name="other"))
    client = Client()
    found = client.list_artifact_versions(model="m")
    assert sorted(v.id for v in found) == sorted([first.id, third.id])
    assert len(client.list_artifact_versions(model=client.get_model("m").id, name="data")) == 1


# --------------------------------------------------------------------------- get_artifact
def test_get_artifact_by_name_or_id():
    save_artifact(1, name="data", tags=["raw"])
    second = save_artifact(2, name="data", version="v2")
    client = Client()
    artifact = client.get_artifact("data")
    assert artifact.name == "data"
    assert list(artifact.versions) == ["1", "v2"]
    assert artifact.versions["v2"].load() == 2
    assert (artifact.latest_version_name, artifact.latest_version_id) == ("v2", second.id)
    assert [tag.name for tag in artifact.tags] == ["raw"]
    assert client.get_artifact(uuid.UUID(artifact.id)) == artifact
    assert [v.version for v in client.list_artifact_versions(artifact=artifact.id)] == ["1", "v2"]


def test_get_artifact_is_exact():
    save_artifact(1, name="data")
    with pytest.raises(NotFoundError, match="no artifact named 'dat'"):
        Client().get_artifact("dat")


# --------------------------------------------------------------------------- model version
def test_model_version_artifacts_are_keyed_by_name():
    data = save_artifact(1, name="data")
    weights = save_artifact(2, name="weights")
    target = Model(name="m", version="a")
    link_artifact_to_model(data, model=target)
    link_artifact_to_model(weights, model=target, is_model_artifact=True)
    version = Client().get_model_version("m", "a")
    assert version.data_artifacts["data"]["1"].id == data.id
    assert list(version.model_artifacts) == ["weights"]
    assert version.deployment_artifacts == {}
