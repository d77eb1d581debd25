"""Issue 17 item 4: the front ends stand on the door. A pipeline run's start, steps, finish
and failure are ``Registry`` operations (the core decides statuses and times); runs and
pipelines are filtered and paged by the core; every listing the CLI pages comes back as a
``Page``; the door parses the time ``history --at`` gives and fills ``Model`` name templates."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from zenml_cli import Client
from zenml_cli.core.listing import Page
from zenml_cli.core.refs import VersionRef
from zenml_cli.core.runs import StepRunRecord
from zenml_cli.enums import ExecutionStatus, LinkKind
from zenml_cli.errors import InvalidInputError
from zenml_cli.registry import Registry

from support.running import Cli

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def ticking() -> Iterator[datetime]:
    return (START + timedelta(seconds=n) for n in itertools.count())


@pytest.fixture
def door(client: Client) -> Registry:
    registry = Registry()
    times = ticking()
    registry.store.clock = lambda: next(times)
    return registry


def test_the_door_has_no_raw_run_write() -> None:
    assert not hasattr(Registry, "write_run") and not hasattr(Registry, "now")


def test_a_run_as_it_happens(door: Registry) -> None:
    run = door.start_run("training", config={"enable_cache": False})
    assert door.get_run(run.id).config == {"enable_cache": False}
    step = door.start_step(run, StepRunRecord(name="load", cache_key="k1"))
    assert step.start_time == "2026-03-01T12:00:01.000000Z"
    assert door.get_run(run.id).steps["load"].status is ExecutionStatus.RUNNING
    door.finish_step(run, step)
    cached = door.start_step(run, StepRunRecord(name="train", status=ExecutionStatus.CACHED))
    door.finish_step(run, cached)
    door.finish_run(run)
    stored = door.get_run(run.id)
    assert stored.status is ExecutionStatus.COMPLETED
    assert stored.end_time == "2026-03-01T12:00:05.000000Z"
    assert stored.steps["load"].status is ExecutionStatus.COMPLETED
    assert stored.steps["load"].end_time == "2026-03-01T12:00:02.000000Z"
    assert stored.steps["train"].status is ExecutionStatus.CACHED


def test_a_failing_run(door: Registry) -> None:
    run = door.start_run("training")
    step = door.start_step(run, StepRunRecord(name="train"))
    door.fail_step(run, step, "ValueError: bad data")
    door.fail_run(run, "ValueError: bad data")
    stored = door.get_run(run.id)
    assert (stored.status, stored.error) == (ExecutionStatus.FAILED, "ValueError: bad data")
    assert stored.steps["train"].status is ExecutionStatus.FAILED
    assert stored.steps["train"].error == "ValueError: bad data"
    assert stored.end_time is not None


def test_step_metadata_and_run_tags_are_checked_by_the_core(door: Registry) -> None:
    run = door.start_run("training")
    door.start_step(run, StepRunRecord(name="train"))
    door.log_step_run_metadata(run, "train", {"loss": 0.1})
    door.tag_run(run, ["b", "a"])
    door.tag_run(run, ["b"], remove=True)
    stored = door.get_run(run.id)
    assert stored.steps["train"].run_metadata == {"loss": 0.1}
    assert stored.config["tags"] == ["a"]
    with pytest.raises(InvalidInputError, match="no step 'missing'"):
        door.log_step_run_metadata(run, "missing", {"loss": 0.1})
    with pytest.raises(InvalidInputError, match="metadata keys"):
        door.log_step_run_metadata(run, "train", {"": 1})


def test_a_run_notes_the_model_versions_it_used(door: Registry) -> None:
    door.create_model("iris")
    version = door.create_version("iris")
    run = door.start_run("training")
    door.record_run_model_version(run, version)
    used = door.get_run(run.id).model_versions
    assert used == [{"model": "iris", "number": 1, "name": "1", "id": version.id}]


def test_runs_are_filtered_sorted_and_paged_by_the_core(door: Registry) -> None:
    first = door.start_run("training")
    door.start_run("scoring")
    third = door.start_run("training")
    door.finish_run(third)
    page = door.list_runs("training", sort_by="desc:created", size=1)
    assert isinstance(page, Page)
    assert ([r.id for r in page], page.total, page.total_pages) == ([third.id], 2, 2)
    assert [r.id for r in door.list_runs(status="running")] == [
        first.id,
        door.list_runs("scoring").items[0].id,
    ]
    assert door.list_runs(name=first.name).items == [door.get_run(first.id)]
    assert door.list_pipelines().items == ["scoring", "training"]
    assert door.list_pipelines(size=1, page=2).items == ["training"]
    assert door.pipeline_name(Registry.pipeline_id("scoring")) == "scoring"
    with pytest.raises(InvalidInputError, match="cannot sort runs"):
        door.list_runs(sort_by="name")
    with pytest.raises(InvalidInputError, match="--page"):
        door.list_runs(page=0)


def test_the_linked_listings_are_pages(door: Registry) -> None:
    door.create_model("iris")
    door.create_version("iris")
    for name in ("a", "b", "c"):
        artifact = door.save_artifact([1], name)
        door.link_artifact("iris", 1, artifact, LinkKind.DATA)
    page = door.linked_artifacts("iris", 1, LinkKind.DATA, page=2, size=2)
    assert (len(page), page.total, page.index) == (1, 3, 2)
    run = door.start_run("training")
    door.attach_run("iris", 1, run.id)
    runs = door.runs_of_version("iris", 1, size=1)
    assert isinstance(runs, Page) and [r.id for r in runs] == [run.id]


def test_the_cli_pages_through_the_door(cli: Cli, door: Registry) -> None:
    door.create_model("iris")
    door.create_version("iris")
    for name in ("a", "b", "c"):
        door.link_artifact("iris", 1, door.save_artifact([1], name), LinkKind.DATA)
    code, out, err = cli("model", "data_artifacts", "iris", "--size", "2", "--page", "2")
    assert code == 0, err
    assert "page 2 of 2 (3 in all)" in err


def test_the_door_reads_the_time_of_history_at(door: Registry) -> None:
    door.create_model("iris")
    door.create_version("iris")
    door.update_version("iris", 1, stage="production")
    assert door.holders_at("iris", "2026-03-01T15:00:00+02:00")["production"] == 1
    assert door.holders_at("iris", "2026-03-01T11:00:00")["production"] is None
    with pytest.raises(InvalidInputError, match="cannot read time"):
        door.holders_at("iris", "yesterday")


def test_model_name_templates_are_filled_by_the_core(project: Path) -> None:
    name, ref = Registry.model_reference("{team}_model", "v_{date}")
    assert (name, ref) == ("{team}_model", VersionRef.parse("v_{date}"))
    filled = Registry.fill_model_reference(name, ref, {"team": "ml", "date": "2026_03_01"})
    assert filled == ("ml_model", VersionRef.parse("v_2026_03_01"))
    with pytest.raises(InvalidInputError, match="placeholder"):
        Registry.fill_model_reference(name, ref, {"date": "d"})
    with pytest.raises(InvalidInputError):
        Registry.model_reference("bad/name", None)


def test_artifact_versions_are_sorted_by_the_core(door: Registry) -> None:
    door.save_artifact([1], "a")
    assert door.list_artifact_versions(sort_by="asc:number").total == 1
    assert door.list_artifact_versions(sort_by="desc:created").total == 1
    with pytest.raises(InvalidInputError, match="cannot sort by 'size'"):
        door.list_artifact_versions(sort_by="size")


def test_history_and_versions_are_pages_too(door: Registry) -> None:
    model = door.create_model("iris")
    for _ in range(3):
        door.create_version("iris")
    door.update_version("iris", 1, stage="production")
    door.update_version("iris", 2, stage="production")
    whole = door.history("iris")
    assert isinstance(whole, Page) and whole.total == len(whole) >= 2
    second = door.history("iris", page=2, size=1)
    assert second.items == whole.items[1:2] and second.total_pages == whole.total
    assert [v.number for v in door.versions_of(model)] == [1, 2, 3]
    assert [v.number for v in door.versions_of(model, page=2, size=2)] == [3]
