"""Queued writes (core/intents.py) as data: what a runner may queue (only what survives JSON
exactly), how a lander decodes a request from the untrusted remote (every malformed field is
refused before anything is written), and that applying then resuming gives the owner the
result it would have had. A store in a temporary folder; no git, no subprocess."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from zenml_cli import Client
from zenml_cli.core import history, intents
from zenml_cli.core.intents import Request
from zenml_cli.core.refs import VersionRef
from zenml_cli.core.stages.gates import Gate, IfCurrent
from zenml_cli.enums import ModelStages
from zenml_cli.errors import InvalidInputError, RefusedError
from zenml_cli.registry import Registry
from zenml_cli.store import Store

from support.running import snapshot


@pytest.fixture
def store(tmp_path: Path) -> Store:
    Registry(tmp_path, require_store=False).init()
    client = Client(tmp_path)
    client.create_model("iris")
    client.create_model_version("iris", metadata={"auc": 0.7})
    client.update_model_version("iris", 1, stage="production")
    return Store(tmp_path)


# ------------------------------------------------------------------ building requests


def test_a_create_request_carries_the_model_name_and_fields() -> None:
    request = intents.create_request("iris", "v9", {"description": "d", "tags": ["a"]})
    assert request == Request(
        intents.CREATE, {"model": "iris", "name": "v9", "description": "d", "tags": ["a"]}
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"unknown": 1},
        {"metadata": {"auc": math.nan}},  # NaN does not survive JSON
        {"tags": ("a", "b")},  # a tuple would land as a list
        {"metadata": {"when": object()}},
        {"metadata": {1: "int key"}},  # JSON keys are text
    ],
)
def test_a_write_that_is_not_exact_json_is_not_queued(fields: dict[str, Any]) -> None:
    assert intents.create_request("iris", None, fields) is None


def test_an_update_request_spells_the_reference_and_the_gates_as_data() -> None:
    request = intents.update_request(
        "iris",
        VersionRef(stage=ModelStages.STAGING),
        {
            "stage": ModelStages.PRODUCTION,
            "message": "ship",
            "if_better": Gate("loss", higher_is_better=False),
            "if_current": IfCurrent(None),
        },
    )
    assert request is not None and request.kind == intents.UPDATE
    assert request.args == {
        "model": "iris",
        "ref": {"stage": "staging"},
        "changes": {"stage": "production", "message": "ship"},
        "if_better": {"key": "loss", "higher": False},
        "if_current": {"number": None},
    }


@pytest.mark.parametrize(
    ("ref", "spelled"),
    [
        (VersionRef(number=3), {"number": 3}),
        (VersionRef(name="v3"), {"name": "v3"}),
        (VersionRef(stage=ModelStages.LATEST), {"stage": "latest"}),
    ],
)
def test_a_metadata_request_names_its_version_one_way(
    ref: VersionRef, spelled: dict[str, Any]
) -> None:
    request = intents.metadata_request("iris", ref, {"auc": 0.9})
    assert request is not None and request.args["ref"] == spelled


def test_an_update_with_a_field_the_queue_does_not_know_is_not_queued() -> None:
    assert intents.update_request("iris", VersionRef(number=1), {"producing_run": "r"}) is None


# ------------------------------------------------------------------ decoding untrusted requests


MALFORMED = [
    Request("drop_table", {"model": "iris"}),
    Request(intents.CREATE, {"name": "v2"}),
    Request(intents.CREATE, {"model": 7}),
    Request(intents.CREATE, {"model": "iris", "name": 3}),
    Request(intents.CREATE, {"model": "iris", "shell": "rm -rf /"}),
    Request(intents.UPDATE, {"model": "iris", "ref": {"number": 1}}),
    Request(intents.UPDATE, {"model": "iris", "ref": {"number": 1}, "changes": []}),
    Request(intents.UPDATE, {"model": "iris", "ref": {"number": 1}, "changes": {"x": 1}}),
    Request(intents.UPDATE, {"model": "iris", "ref": {"number": 0}, "changes": {}}),
    Request(intents.UPDATE, {"model": "iris", "ref": {"number": True}, "changes": {}}),
    Request(intents.UPDATE, {"model": "iris", "ref": {"stage": "prod"}, "changes": {}}),
    Request(intents.UPDATE, {"model": "iris", "ref": {"name": ""}, "changes": {}}),
    Request(intents.UPDATE, {"model": "iris", "ref": {"number": 1, "name": "a"}, "changes": {}}),
    Request(intents.UPDATE, {"model": "iris", "ref": "1", "changes": {}}),
    Request(
        intents.UPDATE,
        {"model": "iris", "ref": {"number": 1}, "changes": {}, "if_better": "auc"},
    ),
    Request(intents.METADATA, {"model": "iris", "ref": {"number": 1}, "metadata": [1]}),
    Request(intents.METADATA, {"model": "iris", "ref": {"number": 1}, "metadata": {}, "x": 1}),
]


@pytest.mark.parametrize("request_", MALFORMED, ids=range(len(MALFORMED)))
def test_a_malformed_request_is_refused_before_anything_is_written(
    store: Store, request_: Request
) -> None:
    before = snapshot(store.root)
    with pytest.raises(InvalidInputError) as caught:
        intents.apply(store, request_)
    assert "queued write" in str(caught.value)
    assert snapshot(store.root) == before


# ------------------------------------------------------------------ applying and resuming


def test_a_queued_registration_lands_as_its_owner(store: Store) -> None:
    request = intents.create_request("iris", "from-ci", {"metadata": {"auc": 0.8}})
    assert request is not None
    created, outcome = intents.apply_as(store, request, "runner-7", "ci-42")
    assert outcome == {"number": 2} and created.name == "from-ci"
    assert created.created_by == "runner-7"
    again = intents.resume(store, request, outcome)
    assert again.id == created.id and again.run_metadata == {"auc": 0.8}


def test_a_queued_gated_promotion_lands_with_its_outcome(store: Store) -> None:
    intents.apply(store, Request(intents.CREATE, {"model": "iris", "metadata": {"auc": 0.9}}))
    request = intents.update_request(
        "iris",
        VersionRef(number=2),
        {"stage": "production", "if_better": Gate("auc"), "if_current": IfCurrent(1)},
    )
    assert request is not None
    done, outcome = intents.apply_as(store, request, "runner-7", "ci-42")
    assert outcome["number"] == 2 and outcome["change"] == ["none", "production", 1]
    assert outcome["gate"]["holder_value"] == 0.7
    last = history.read(store, "iris")[-1]
    assert (last.actor, last.ci_run, last.version, last.to) == (
        "runner-7",
        "ci-42",
        2,
        "production",
    )
    resumed = intents.resume(store, request, outcome)
    assert resumed.stage_change == done.stage_change and resumed.gate == done.gate


def test_a_queued_promotion_whose_gate_no_longer_passes_raises_the_refusal(store: Store) -> None:
    intents.apply(store, Request(intents.CREATE, {"model": "iris", "metadata": {"auc": 0.5}}))
    request = intents.update_request(
        "iris", VersionRef(number=2), {"stage": "production", "if_better": Gate("auc")}
    )
    assert request is not None
    before = snapshot(store.root)
    with pytest.raises(RefusedError):
        intents.apply(store, request)
    assert snapshot(store.root) == before


def test_queued_metadata_merges_into_the_version(store: Store) -> None:
    request = intents.metadata_request("iris", VersionRef(stage=ModelStages.PRODUCTION), {"f1": 1})
    assert request is not None
    record, outcome = intents.apply(store, request)
    assert outcome == {"number": 1} and record.run_metadata == {"auc": 0.7, "f1": 1}


@pytest.mark.parametrize("outcome", [{}, {"number": "1"}, {"number": True}])
def test_resume_needs_the_number_the_landing_commit_recorded(
    store: Store, outcome: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInputError, match="names no version number"):
        intents.resume(store, Request(intents.CREATE, {"model": "iris"}), outcome)
