"""Versions: numbering, references, stages, policies, history, deletes (DESIGN section 3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from zenml_cli import Client, ConflictError, InvalidInputError, ModelStages, NotFoundError
from zenml_cli.core import history, versions
from zenml_cli.core import model_describe as model_views
from zenml_cli.core.refs import VersionRef
from zenml_cli.store import Store
from zenml_cli.store.config import StoreConfig

from support.running import snapshot


def test_every_version_gets_the_next_number_named_or_not(iris: Client) -> None:
    page = iris.list_model_versions("iris")
    assert [(v.number, v.name) for v in page] == [(1, "1"), (2, "v2"), (3, "3")]


def test_numbers_are_never_reused_even_after_deleting_the_highest(iris: Client) -> None:
    iris.delete_model_version("iris", 3)
    assert iris.create_model_version("iris").number == 4
    iris.delete_model_version("iris", 4)
    iris.delete_model_version("iris", 2)
    assert iris.create_model_version("iris", name="again").number == 5
    assert [v.number for v in iris.list_model_versions("iris")] == [1, 5]


@pytest.mark.parametrize(
    ("ref", "number"),
    [(1, 1), ("2", 2), ("v2", 2), ("latest", 3), ("LATEST", 3), (None, 3), (ModelStages.LATEST, 3)],
)
def test_references_resolve_by_number_name_and_stage(
    iris: Client, ref: object, number: int
) -> None:
    assert iris.get_model_version("iris", ref).number == number  # type: ignore[arg-type]


def test_stage_references_are_case_insensitive(iris: Client) -> None:
    iris.update_model_version("iris", 1, stage="Production")
    iris.update_model_version("iris", "v2", stage=ModelStages.STAGING)
    assert iris.get_model_version("iris", "PRODUCTION").number == 1
    assert iris.get_model_version("iris", "staging").name == "v2"
    assert iris.get_model_version("iris", "none").number == 3


def test_version_id_resolves(iris: Client) -> None:
    version = iris.get_model_version("iris", 2)
    assert iris.get_model_version("iris", version.id).number == 2


def test_missing_version_names_the_range(iris: Client) -> None:
    with pytest.raises(NotFoundError, match=r"no version named '1\.0\.5' \(versions: 1\.\.3\)"):
        iris.get_model_version("iris", "1.0.5")
    with pytest.raises(NotFoundError, match="no version number 9"):
        iris.get_model_version("iris", 9)
    with pytest.raises(NotFoundError, match="no version in stage 'production'"):
        iris.get_model_version("iris", "production")
    with pytest.raises(NotFoundError):
        iris.get_model_version("iris", "v")  # never by prefix


def test_duplicate_and_reserved_version_names_are_refused(iris: Client) -> None:
    with pytest.raises(ConflictError, match="already has a version named 'v2'"):
        iris.create_model_version("iris", name="v2")
    for bad in ("7", "Production", "latest"):
        with pytest.raises(InvalidInputError):
            iris.create_model_version("iris", name=bad)
        with pytest.raises(InvalidInputError):
            iris.update_model_version("iris", 1, name=bad)
    with pytest.raises(ConflictError):
        iris.update_model_version("iris", 1, name="v2")


def test_promotion_archives_the_previous_holder_in_one_write(iris: Client, project: Path) -> None:
    iris.update_model_version("iris", 1, stage="production")
    before = snapshot(project)
    result = versions.update_version(iris.registry.store, "iris", 2, stage="production")
    after = snapshot(project)
    assert result.stage_change is not None and result.stage_change.archived == 1
    changed = {path for path in after if before.get(path) != after[path]}
    assert changed == {"models/iris/model.yaml", "models/iris/history.jsonl"}
    assert iris.get_model_version("iris", 1).stage == ModelStages.ARCHIVED
    assert iris.get_model_version("iris", "production").number == 2


def test_only_one_holder_of_staging_and_production(iris: Client) -> None:
    iris.update_model_version("iris", 1, stage="staging")
    iris.update_model_version("iris", 2, stage="staging")
    iris.update_model_version("iris", 3, stage="production")
    stages = {v.number: v.stage for v in iris.list_model_versions("iris")}
    assert stages == {1: ModelStages.ARCHIVED, 2: ModelStages.STAGING, 3: ModelStages.PRODUCTION}


def test_moving_back_is_allowed_and_archived_holds_many(iris: Client) -> None:
    iris.update_model_version("iris", 1, stage="archived")
    iris.update_model_version("iris", 2, stage="archived")
    iris.update_model_version("iris", 1, stage="staging")
    iris.update_model_version("iris", 1, stage="none")
    stages = {v.number: v.stage for v in iris.list_model_versions("iris")}
    assert stages == {1: None, 2: ModelStages.ARCHIVED, 3: None}  # no stage: None, as in ZenML


@pytest.mark.parametrize("stage", ["latest", "prod", "", "deployed"])
def test_unknown_or_virtual_stages_are_refused(iris: Client, stage: str) -> None:
    with pytest.raises(InvalidInputError, match="none, staging, production, archived"):
        iris.update_model_version("iris", 1, stage=stage)


def test_registering_adds_one_file_and_rewrites_nothing(iris: Client, project: Path) -> None:
    before = snapshot(project)
    iris.create_model_version("iris", name="fresh")
    after = snapshot(project)
    assert set(after) - set(before) == {"models/iris/versions/4.yaml"}
    assert all(after[path] == data for path, data in before.items())


def test_writing_the_same_state_twice_gives_identical_bytes(iris: Client, project: Path) -> None:
    before = snapshot(project)
    model = iris.registry.store.read_model("iris")
    assert model is not None
    iris.registry.store.write_model("iris", model.data)
    version = versions.get_version(iris.registry.store, "iris", 2)
    versions.write_version(iris.registry.store, version)
    assert snapshot(project) == before


def test_history_records_who_when_what_and_why(iris: Client) -> None:
    versions.update_version(
        iris.registry.store, "iris", 1, stage="production", message="first release"
    )
    versions.update_version(iris.registry.store, "iris", 2, stage="production")
    versions.update_version(iris.registry.store, "iris", 3, name="three")
    iris.delete_model_version("iris", 3)
    events = model_views.history_of(iris.registry.store, "iris")
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert [e.event for e in events] == ["stage", "stage", "rename", "delete"]
    assert (events[0].from_, events[0].to, events[0].message) == (
        "none",
        "production",
        "first release",
    )
    assert (events[1].version, events[1].archived) == (2, 1)
    assert (events[2].from_, events[2].to) == ("3", "three")
    assert all(e.actor == "tester" and e.time.endswith("Z") for e in events)
    only_three = model_views.history_of(iris.registry.store, "iris", VersionRef(number=3))
    assert [e.version for e in only_three] == [3, 3]


def test_history_answers_what_was_in_production_at_a_time(project: Path) -> None:
    moments = iter(datetime(2026, 1, day, tzinfo=UTC) for day in range(1, 30))
    store = Store(project, clock=lambda: next(moments))
    store.ensure_created()
    client = Client(project)
    client.registry.store = store
    client.create_model("iris")
    for _ in range(3):
        client.create_model_version("iris")
    versions.update_version(store, "iris", 1, stage="production")  # day 5
    versions.update_version(store, "iris", 2, stage="production")  # day 6
    versions.update_version(store, "iris", 3, stage="staging")  # day 7
    events = history.read(store, "iris")
    at = datetime(2026, 1, 5, 12, tzinfo=UTC)
    assert history.holders_at(events, at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")) == {
        "staging": None,
        "production": 1,
    }
    later = (at + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert history.holders_at(events, later) == {"staging": 3, "production": 2}


def test_ci_run_id_is_recorded(iris: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_RUN_ID", "4242")
    versions.update_version(iris.registry.store, "iris", 1, stage="staging")
    assert model_views.history_of(iris.registry.store, "iris")[-1].ci_run == "GITHUB_RUN_ID=4242"


def _with_policies(project: Path, **policies: bool) -> Client:
    Store(project).set_config(StoreConfig(policies=policies))
    client = Client(project)
    client.create_model("iris")
    for _ in range(3):
        client.create_model_version("iris")
    return client


def test_strict_force_policy_needs_force_to_replace_a_holder(project: Path) -> None:
    client = _with_policies(project, strict_force=True)
    client.update_model_version("iris", 1, stage="production")  # vacant: no force needed
    with pytest.raises(ConflictError, match="strict_force.*--force"):
        client.update_model_version("iris", 2, stage="production")
    assert client.get_model_version("iris", "production").number == 1
    client.update_model_version("iris", 2, stage="production", force=True)
    assert client.get_model_version("iris", 1).stage == ModelStages.ARCHIVED


def test_production_requires_staging_policy(project: Path) -> None:
    client = _with_policies(project, production_requires_staging=True)
    with pytest.raises(ConflictError, match="promote it to staging first"):
        client.update_model_version("iris", 1, stage="production")
    client.update_model_version("iris", 1, stage="staging")
    client.update_model_version("iris", 1, stage="production")
    client.update_model_version("iris", 2, stage="production", force=True)
    assert client.get_model_version("iris", "production").number == 2


def test_listing_filters_by_stage_number_name_and_tag(iris: Client) -> None:
    iris.update_model_version("iris", 1, stage="production", add_tags=["gold"])
    iris.create_model("wine")
    iris.create_model_version("wine", name="w1")
    assert [v.number for v in iris.list_model_versions("iris", stage="production")] == [1]
    assert [v.number for v in iris.list_model_versions("iris", stage="latest")] == [3]
    assert [v.number for v in iris.list_model_versions("iris", number=2)] == [2]
    assert [v.name for v in iris.list_model_versions("iris", name="contains:v")] == ["v2"]
    assert [v.number for v in iris.list_model_versions(model="iris", tag="gold")] == [1]
    assert [(v.model, v.number) for v in iris.list_model_versions()] == [
        ("iris", 1),
        ("iris", 2),
        ("iris", 3),
        ("wine", 1),
    ]
    assert [v.number for v in iris.list_model_versions("iris", sort_by="desc:number")] == [3, 2, 1]
    assert [v.name for v in iris.list_model_versions("iris", sort_by="name")] == ["1", "3", "v2"]
    with pytest.raises(InvalidInputError, match="cannot sort by"):
        iris.list_model_versions("iris", sort_by="colour")


def test_interrupted_delete_counts_as_deleted(iris: Client, project: Path) -> None:
    """A delete retires the number before removing the file; a crash between leaves a file
    that every reader treats as gone, and the number stays retired."""
    model = iris.get_model("iris")
    model.retired_numbers = [3]
    iris.registry.store.write_model("iris", model.to_manifest())
    assert [v.number for v in iris.list_model_versions("iris")] == [1, 2]
    with pytest.raises(NotFoundError):
        iris.get_model_version("iris", 3)
    assert iris.create_model_version("iris").number == 4


def test_a_refused_promotion_also_refuses_the_rename_in_the_same_call(project: Path) -> None:
    client = _with_policies(project, strict_force=True)
    client.update_model_version("iris", 1, stage="production")
    before = snapshot(project)
    with pytest.raises(ConflictError):
        client.update_model_version("iris", 2, stage="production", name="renamed", description="d")
    assert snapshot(project) == before


def test_lock_names_cannot_escape_the_store(client: Client, project: Path) -> None:
    with pytest.raises(NotFoundError):
        client.create_model_version("../../outside")
    assert not (project.parent / "outside.lock").exists()
    assert all(p.parent.name == ".locks" for p in (project / ".zenml/.locks").rglob("*.lock"))
