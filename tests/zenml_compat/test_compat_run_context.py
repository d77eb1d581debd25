"""The run as a step sees it and the run and step targets of ``log_metadata``, as ZenML's
e2e template uses them (``steps/alerts/notify_on.py``) and ZenML's docs "Attach metadata to
a step" / "Attach metadata to a run" describe them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from zenml_cli import Client, Model, get_step_context, log_metadata, pipeline, step
from zenml_cli.errors import InvalidInputError

SEEN: dict[str, Any] = {}


@step
def look() -> None:
    context = get_step_context()
    run = context.pipeline_run
    SEEN.update(
        name=context.pipeline.name,
        id=context.pipeline.id,
        extra=run.config.extra.get("notify_on_failure"),
        cache=run.config.enable_cache,
        settings=run.config.settings,
        parameters=run.config.parameters,
        config_name=run.config.name,
        run_pipeline=run.pipeline.name,
        dict_style=run.config.get("extra"),
        model_version=run.model_version,
    )


def test_step_context_pipeline_and_run_read_as_in_zenml():
    @pipeline(extra={"notify_on_failure": True}, enable_cache=False)
    def alerts():
        look()

    SEEN.clear()
    run = alerts()
    assert SEEN["name"] == SEEN["config_name"] == SEEN["run_pipeline"] == "alerts"
    assert SEEN["id"] == Client().get_pipeline("alerts").id
    assert SEEN["extra"] is True and SEEN["dict_style"] == {"notify_on_failure": True}
    assert SEEN["cache"] is False
    assert SEEN["settings"] == {} and SEEN["parameters"] == {}
    assert SEEN["model_version"] is None
    fetched = Client().get_pipeline_run(run.id)
    assert fetched.config.extra == {"notify_on_failure": True}
    with pytest.raises(AttributeError):
        fetched.config.no_such_field  # noqa: B018


def test_step_context_run_has_the_model_version():
    @pipeline(model=Model(name="ctx_model"), enable_cache=False)
    def modelled():
        look()

    SEEN.clear()
    modelled()
    found = SEEN["model_version"]
    assert (found.model, found.number) == ("ctx_model", 1)
    assert found.id == Client().get_model_version("ctx_model", 1).id


def test_on_failure_hook_reads_the_run_config_extra():
    notified: list[bool] = []

    def notify(exc: BaseException) -> None:
        run = get_step_context().pipeline_run
        notified.append(run.config.extra["notify_on_failure"])

    @step(on_failure=notify)
    def broken() -> None:
        raise ValueError("boom")

    @pipeline(extra={"notify_on_failure": True}, enable_cache=False)
    def failing():
        broken()

    with pytest.raises(ValueError, match="boom"):
        failing()
    assert notified == [True]


@step
def train() -> int:
    log_metadata(metadata={"acc": 0.9})
    return 1


@step
def mark_run() -> int:
    log_metadata(metadata={"live": True}, run_id_name_or_prefix=get_step_context().run_record.id)
    return 2


@pipeline(enable_cache=False)
def training():
    train()
    mark_run()


def test_step_metadata_shows_on_the_run_as_step_key():
    run = training()
    fetched = Client().get_pipeline_run(run.id)
    assert fetched.steps["train"].run_metadata == {"acc": 0.9}
    assert fetched.run_metadata["train::acc"] == 0.9


def test_log_metadata_targets_a_step_by_name_or_id_and_a_run():
    run = training()
    log_metadata(metadata={"by_name": 1}, step_name="train", run_id_name_or_prefix=run.name)
    log_metadata(metadata={"by_id": 2}, step_id=run.steps["train"].id)
    log_metadata(metadata={"on_run": 3}, run_id_name_or_prefix=run.id)
    fetched = Client().get_pipeline_run(run.name)
    assert fetched.steps["train"].run_metadata == {"acc": 0.9, "by_name": 1, "by_id": 2}
    assert fetched.run_metadata == {
        "train::acc": 0.9,
        "train::by_name": 1,
        "train::by_id": 2,
        "live": True,
        "on_run": 3,
    }


def test_run_metadata_logged_inside_the_run_survives_later_writes():
    run = training()  # mark_run logs on its own run; the runner writes the file after it
    assert Client().get_pipeline_run(run.id).run_metadata["live"] is True


def test_step_name_needs_a_run_and_a_bad_step_id_is_refused():
    run = training()
    with pytest.raises(InvalidInputError):
        log_metadata(metadata={"a": 1}, step_name="train")
    with pytest.raises(InvalidInputError):
        log_metadata(metadata={"a": 1}, step_id=run.id)


def test_a_run_without_run_metadata_writes_no_metadata_key(sdk_project: Path):
    @pipeline(enable_cache=False)
    def plain():
        look()

    run = plain()
    files = [p for p in sdk_project.rglob(f"{run.id}.yaml")]
    assert len(files) == 1
    assert "metadata" not in yaml.safe_load(files[0].read_text())
    assert Client().get_pipeline_run(run.id).run_metadata == {}
