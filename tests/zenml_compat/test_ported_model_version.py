"""Cases ported from ZenML's ``tests/integration/functional/model/test_model_version.py``.

Each case keeps what ZenML asserts. The adaptations, all of them documented differences:
ZenML's private ``Model._get_or_create_model_version()`` is reached here through the public
properties that resolve a ``Model`` (``.id``, ``.number``) and ``Client.get_model_version``;
ZenML's metadata values carry ``.value`` where ours are the plain values (README, "Where this
differs"); ZenML's ``logger`` mocks are left out (no logging contract here)."""

from __future__ import annotations

import pytest

from zenml_cli import get_step_context, pipeline, save_artifact, step
from zenml_cli.client import Client
from zenml_cli.enums import ModelStages
from zenml_cli.model.model import Model
from zenml_cli.model.utils import log_model_metadata


def _resolved(model: Model):  # type: ignore[no-untyped-def]
    """The version a ``Model`` resolves to (creating it where ZenML would)."""
    return Client().get_model_version(model.name, model.number)


def test_model_and_version_are_created_with_the_objects_tags() -> None:
    version = _resolved(Model(name="mdl", tags=["tag1", "tag2"]))
    assert version.name == str(version.number)
    assert {t.name for t in version.tags} == {"tag1", "tag2"}
    assert {t.name for t in Client().get_model("mdl").tags} == {"tag1", "tag2"}


def test_each_new_version_gets_its_own_tags_and_the_model_keeps_its_first() -> None:
    _resolved(Model(name="mdl", tags=["tag1", "tag2"]))
    second = _resolved(Model(name="mdl", tags=["tag3", "tag4"]))
    assert second.name == str(second.number)
    assert {t.name for t in second.tags} == {"tag3", "tag4"}
    assert {t.name for t in Client().get_model("mdl").tags} == {"tag1", "tag2"}


def test_fetch_by_version_name_and_by_stage() -> None:
    client = Client()
    client.create_model("mdl")
    existing = client.create_model_version("mdl", name="1.0.0")
    assert _resolved(Model(name="mdl", version="1.0.0")).id == existing.id
    existing.set_stage(ModelStages.PRODUCTION)
    assert _resolved(Model(name="mdl", version=ModelStages.PRODUCTION)).id == existing.id


def test_a_missing_stage_is_a_key_error() -> None:
    client = Client()
    client.create_model("mdl")
    client.create_model_version("mdl", name="1.0.0")
    with pytest.raises(KeyError):
        _ = Model(name="mdl", version=ModelStages.PRODUCTION).id


def test_latest_is_the_newest_version() -> None:
    client = Client()
    client.create_model("mdl")
    client.create_model_version("mdl", name="1.0.0")
    assert _resolved(Model(name="mdl", version=ModelStages.LATEST)).name == "1.0.0"


def test_a_new_model_object_recovers_the_same_version_by_number() -> None:
    first = _resolved(Model(name="mdl"))
    again = _resolved(Model(name="mdl", version=1))
    assert first.id == again.id


def test_tags_follow_client_updates_on_model_and_version() -> None:
    client = Client()
    model = Model(name="mdl", tags=["foo", "bar"])
    model_id = _resolved(model).model_id
    client.update_model(model_id, add_tags=["tag1", "tag2"])
    assert {t.name for t in client.get_model("mdl").tags} == {"foo", "bar", "tag1", "tag2"}
    client.update_model_version("mdl", "1", add_tags=["tag3", "tag4"])
    version = client.get_model_version("mdl", "1")
    assert {t.name for t in version.tags} == {"foo", "bar", "tag3", "tag4"}
    client.update_model(model_id, remove_tags=["tag1", "tag2"])
    assert {t.name for t in client.get_model("mdl").tags} == {"foo", "bar"}
    client.update_model_version("mdl", "1", remove_tags=["tag3", "tag4"])
    assert {t.name for t in client.get_model_version("mdl", "1").tags} == {"foo", "bar"}


def test_metadata_logged_on_the_object_accumulates() -> None:
    model = Model(name="mdl", description="foo")
    model.log_metadata({"foo": "bar"})
    assert len(model.run_metadata) == 1 and model.run_metadata["foo"] == "bar"
    model.log_metadata({"bar": "foo"})
    assert len(model.run_metadata) == 2
    assert model.run_metadata["foo"] == "bar" and model.run_metadata["bar"] == "foo"


def test_functional_metadata_logging_needs_a_target_outside_a_step() -> None:
    model = Model(name="mdl", description="foo")
    _resolved(model)
    log_model_metadata({"foo": "bar"}, model_name=model.name, model_version=model.number)
    assert len(model.run_metadata) == 1 and model.run_metadata["foo"] == "bar"
    with pytest.raises(ValueError):
        log_model_metadata({"foo": "bar"})
    log_model_metadata({"bar": "foo"}, model_name=model.name, model_version="latest")
    assert len(model.run_metadata) == 2 and model.run_metadata["bar"] == "foo"


@step
def _log_in_step(model_name: str) -> None:
    log_model_metadata({"foo": "bar"})
    assert get_step_context().model.run_metadata["foo"] == "bar"
    log_model_metadata({"foo": "bar"}, model_name=model_name, model_version="other")


def test_metadata_logging_in_a_step_also_creates_a_named_version() -> None:
    @pipeline(model=Model(name="mdl"), enable_cache=False)
    def _pipeline() -> None:
        _log_in_step("mdl")

    _pipeline()
    version = Client().get_model_version("mdl", "other")
    assert version.run_metadata["foo"] == "bar"
    assert Client().get_model_version("mdl", 1).run_metadata["foo"] == "bar"


@step
def _linker(
    artifact_name: str, is_model_artifact: bool = False, is_deployment_artifact: bool = False
) -> None:
    save_artifact(
        data="Hello, World!",
        name=artifact_name,
        is_model_artifact=is_model_artifact,
        is_deployment_artifact=is_deployment_artifact,
    )


def test_save_artifact_in_a_step_links_to_the_runs_model_by_kind() -> None:
    @pipeline(enable_cache=False)
    def _inner(is_model_artifact: bool = False, is_deployment_artifact: bool = False) -> None:
        _linker("art", is_model_artifact, is_deployment_artifact)

    _inner()  # no model: saved, linked to nothing
    in_pipe = Model(name="mdl")
    _inner.with_options(model=in_pipe)()
    latest = Model(name="mdl", version="latest")
    assert latest.number == 1 and latest.get_artifact("art").load() == "Hello, World!"
    _inner.with_options(model=in_pipe)(is_model_artifact=True)
    latest = Model(name="mdl", version="latest")
    assert latest.number == 2 and latest.get_model_artifact("art").load() == "Hello, World!"
    _inner.with_options(model=in_pipe)(is_deployment_artifact=True)
    latest = Model(name="mdl", version="latest")
    assert latest.number == 3
    assert latest.get_deployment_artifact("art").load() == "Hello, World!"


@step
def _produce() -> str:
    return "foo"


@pytest.mark.parametrize("delete_artifacts", [False, True])
def test_deleting_links_with_and_without_their_artifacts(delete_artifacts: bool) -> None:
    @pipeline(model=Model(name="mdl"), enable_cache=False)
    def _twice() -> None:
        _produce()
        _produce(id="other_named_producer")

    _twice()
    client = Client()
    latest = Model(name="mdl", version="latest")
    version = client.get_model_version("mdl", latest.number)
    assert len(version.data_artifact_ids) == 2
    run = client.get_pipeline_run(version.producing_run)
    client.delete_pipeline_run(run.id)
    other = [a for a in version.data_artifact_ids if "other_named_producer" in
             client.get_artifact_version(a).name]  # fmt: skip
    name = client.get_artifact_version(other[0]).name
    latest.delete_artifact(name=name, only_link=not delete_artifacts)
    assert len(client.get_model_version("mdl", latest.number).data_artifact_ids) == 1
    if delete_artifacts:
        with pytest.raises(KeyError):
            client.get_artifact_version(other[0])
    else:
        assert client.get_artifact_version(other[0]).id == other[0]
