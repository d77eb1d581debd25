"""Pipelines configured the ZenML way: ``with_options``, ``get_pipeline_context`` and name
templates with ``{date}``, ``{time}`` and custom substitutions (gaps 1, 4 and 10)."""

from __future__ import annotations

import re
from typing import Annotated

import pytest

from zenml_cli import (
    ArtifactConfig,
    Client,
    Model,
    get_pipeline_context,
    get_step_context,
    pipeline,
    step,
)
from zenml_cli.errors import InvalidInputError


@step
def produce() -> Annotated[dict, ArtifactConfig("trained_model", is_model_artifact=True)]:
    return {"weights": [1, 2]}


@step
def read_model_name() -> str:
    return get_step_context().model.name


@pipeline(enable_cache=False)
def plain_pipeline():
    produce()


# --------------------------------------------------------------------------- with_options
def test_with_options_sets_the_run_name():
    run = plain_pipeline.with_options(run_name="custom_pipeline_run_name")()
    assert run.name == "custom_pipeline_run_name"
    assert Client().get_pipeline_run(run.id).name == "custom_pipeline_run_name"


def test_run_name_placeholders_are_filled():
    configured = plain_pipeline.with_options(
        run_name="custom_{experiment_name}_{date}_{time}",
        substitutions={"experiment_name": "lr_sweep"},
    )
    run = configured()
    assert re.fullmatch(r"custom_lr_sweep_\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}_\d{6}", run.name)


def test_with_options_model_creates_a_version_and_leaves_the_original_alone():
    configured = plain_pipeline.with_options(model=Model(name="options_model"))
    configured()
    configured()
    versions = Client().list_model_versions("options_model")
    assert [v.number for v in versions] == [1, 2]
    assert plain_pipeline.model is None
    linked = Client().get_model_version("options_model", 2).model_artifact_ids
    assert len(linked) == 1


def test_with_options_keeps_settings_and_extra_merged():
    seen: dict = {}

    @step
    def look() -> None:
        context = get_pipeline_context()
        seen.update(extra=context.extra, settings=context.settings, cache=context.enable_cache)

    @pipeline(extra={"owner": "ml"}, settings={"docker": {"parent_image": "x"}})
    def configured_pipeline():
        look()

    configured_pipeline.with_options(extra={"tier": "gold"}, enable_cache=False)()
    assert seen == {
        "extra": {"owner": "ml", "tier": "gold"},
        "settings": {"docker": {"parent_image": "x"}},
        "cache": False,
    }
    configured_pipeline.with_options(extra={"tier": "bronze"}, merge=False, enable_cache=False)()
    assert seen["extra"] == {"tier": "bronze"}


def test_with_options_accepts_remote_only_options():
    run = plain_pipeline.with_options(schedule=None, config_path=None, unlisted=True)()
    assert run.status == "completed"


# --------------------------------------------------------------------------- pipeline context
def test_pipeline_context_gives_the_pipeline_model_to_the_pipeline_body():
    @step
    def consume(model: dict) -> int:
        return len(model["weights"])

    results = []

    @pipeline(model=Model(name="ctx_model"), enable_cache=False)
    def producer():
        produce()

    @pipeline(model=Model(name="ctx_model", version="latest"), enable_cache=False)
    def consumer():
        artifact = get_pipeline_context().model.get_model_artifact("trained_model")
        results.append(consume(artifact))

    producer()
    consumer()
    assert results == [2]


def test_pipeline_context_outside_a_pipeline_is_a_runtime_error():
    with pytest.raises(RuntimeError):
        get_pipeline_context()


def test_pipeline_context_names_the_pipeline():
    names = []

    @pipeline
    def named_pipeline():
        names.append(get_pipeline_context().name)

    named_pipeline()
    assert names == ["named_pipeline"]


# --------------------------------------------------------------------------- name templates
def test_model_name_and_version_use_pipeline_substitutions():
    @pipeline(
        model=Model(name="{team}_model", version="v_{date}_{time}"),
        substitutions={"team": "fraud"},
    )
    def templated():
        produce()
        assert read_model_name() == "fraud_model"

    templated()
    client = Client()
    assert [m.name for m in client.list_models()] == ["fraud_model"]
    version = client.get_model_version("fraud_model", "latest")
    assert re.fullmatch(r"v_\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}_\d{6}", version.name)


def test_with_options_substitutions_override_the_decorator():
    @pipeline(model=Model(name="{team}_model"), substitutions={"team": "a"})
    def templated():
        produce()

    templated.with_options(substitutions={"team": "b"})()
    templated()
    assert sorted(m.name for m in Client().list_models()) == ["a_model", "b_model"]


def test_every_step_of_a_run_sees_the_same_date_and_time():
    @step(model=Model(name="stamped", version="{date}_{time}"))
    def first() -> None:
        pass

    @step(model=Model(name="stamped", version="{date}_{time}"))
    def second() -> None:
        pass

    @pipeline
    def two_steps():
        first()
        second()

    two_steps()
    assert len(Client().list_model_versions("stamped")) == 1


def test_a_model_outside_a_pipeline_fills_date_and_time():
    model = Model(name="dated", version="build_{date}")
    assert re.fullmatch(r"build_\d{4}_\d{2}_\d{2}", model.version if model.number else "")


def test_an_unknown_placeholder_is_refused_not_kept():
    @pipeline(model=Model(name="{nobody}_model"))
    def templated():
        produce()

    with pytest.raises(InvalidInputError, match="nobody"):
        templated()
    assert list(Client().list_models()) == []
