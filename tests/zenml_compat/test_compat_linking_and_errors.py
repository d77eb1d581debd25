"""Linking, model metadata, the builtin error types ZenML code catches, tag filters and the
``-s BOOLEAN`` CLI option (gaps 6, 7, 9, 11, 12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zenml_cli import Client, Model, link_artifact_to_model, save_artifact
from zenml_cli.cli.app import mount
from zenml_cli.enums import ModelStages
from zenml_cli.model.utils import log_model_metadata

app = mount()  # every command, as the whole CLI has them


# --------------------------------------------------------------------------- linking (6)
def test_link_with_the_artifact_version_keyword():
    artifact = save_artifact({"w": 1}, name="weights")
    link_artifact_to_model(artifact_version=artifact, model=Model(name="linked", version="v1"))
    version = Client().get_model_version("linked", "v1")
    assert version.get_artifact("weights").id == artifact.id


def test_link_with_the_older_id_keyword_and_positionally():
    first = save_artifact(1, name="a")
    second = save_artifact(2, name="b")
    target = Model(name="linked", version="v1")
    link_artifact_to_model(artifact_version_id=first.id, model=target)
    link_artifact_to_model(second, model=target)
    link_artifact_to_model(second, model=target)  # idempotent
    version = Client().get_model_version("linked", "v1")
    assert sorted(version.data_artifact_ids) == sorted([first.id, second.id])


def test_link_outside_a_step_without_a_model_is_refused():
    artifact = save_artifact(1, name="lonely")
    with pytest.raises(RuntimeError):
        link_artifact_to_model(artifact_version=artifact)


# --------------------------------------------------------------------------- metadata (7, 9)
def test_log_model_metadata_creates_a_missing_named_version():
    Client().create_model("meta_model")
    log_model_metadata({"f1": 0.8}, model_name="meta_model", model_version="brand_new")
    version = Client().get_model_version("meta_model", "brand_new")
    assert version.run_metadata == {"f1": 0.8}


def test_log_model_metadata_creates_the_model_too():
    log_model_metadata({"k": "v"}, model_name="from_nothing", model_version="1.0")
    assert Client().get_model_version("from_nothing", "1.0").run_metadata == {"k": "v"}


def test_log_model_metadata_outside_a_step_without_a_model_is_a_value_error():
    with pytest.raises(ValueError):
        log_model_metadata({"a": 1})


# --------------------------------------------------------------------------- strict force (9)
def test_strict_force_refusal_is_a_runtime_error(fresh_project: Path):
    client = Client()
    client.create_model("strict")
    client.create_model_version("strict")
    client.create_model_version("strict")
    # a project opting into ZenML's strict promotions (the default archives without force)
    config = fresh_project / ".zenml" / "config.yaml"
    text = config.read_text()
    assert "strict_force: false" in text
    config.write_text(text.replace("strict_force: false", "strict_force: true"))
    client = Client()
    client.get_model_version("strict", 1).set_stage(ModelStages.PRODUCTION)
    with pytest.raises(RuntimeError):
        client.get_model_version("strict", 2).set_stage(ModelStages.PRODUCTION)
    with pytest.raises(RuntimeError):
        Model(name="strict", version=2).set_stage(ModelStages.PRODUCTION, force=False)
    Model(name="strict", version=2).set_stage(ModelStages.PRODUCTION, force=True)
    assert client.get_model_version("strict", ModelStages.PRODUCTION).number == 2


# --------------------------------------------------------------------------- tag filter (12)
def test_an_empty_tag_filter_filters_nothing_for_models_and_versions():
    client = Client()
    client.create_model("one", tags=["x"])
    client.create_model("two")
    client.create_model_version("one", tags=["y"])
    client.create_model_version("two")
    assert len(client.list_models(tag="")) == 2
    assert len(client.list_model_versions(tag="")) == 2
    assert [m.name for m in client.list_models(tag="x")] == ["one"]


# --------------------------------------------------------------------------- CLI option (11)
@pytest.mark.parametrize(
    ("given", "saved"),
    [
        (["--save-models-to-registry", "true"], True),
        (["--save-models-to-registry", "false"], False),
        (["--save-models-to-registry", "True"], True),
        ([], True),
    ],
)
def test_register_save_models_to_registry_takes_a_value(given: list[str], saved: bool):
    result = CliRunner().invoke(app, ["model", "register", "cli_model", *given, "-o", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["save_models_to_registry"] is saved


def test_update_save_models_to_registry_takes_a_value():
    runner = CliRunner()
    assert runner.invoke(app, ["model", "register", "cli_model"]).exit_code == 0
    result = runner.invoke(
        app, ["model", "update", "cli_model", "--save-models-to-registry", "false", "-o", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["save_models_to_registry"] is False


def test_a_non_boolean_value_is_a_usage_error():
    result = CliRunner().invoke(
        app, ["model", "register", "cli_model", "--save-models-to-registry", "maybe"]
    )
    assert result.exit_code == 2
