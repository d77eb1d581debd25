"""Metadata as ZenML code logs it: ``log_metadata(model_version_id=...)``, the special types of
``zenml.metadata.metadata_types`` and sets, stored as plain values."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest

from zenml_cli import Client, log_metadata
from zenml_cli.errors import InvalidInputError, NotFoundError
from zenml_cli.metadata.metadata_types import DType, StorageSize, Uri
from zenml_cli.metadata.metadata_types import Path as PathType

from support.running import snapshot


@pytest.fixture
def two() -> Client:
    client = Client()
    client.create_model("m")
    client.create_model_version("m")
    client.create_model_version("m")
    return client


def test_log_metadata_targets_a_model_version_by_zenml_keyword(two: Client):
    first = two.get_model_version("m", 1)
    log_metadata({"a": 1}, model_version_id=first.id)
    log_metadata({"b": 2}, model_version_id=UUID(first.id))  # ZenML passes a UUID
    assert two.get_model_version("m", 1).run_metadata == {"a": 1, "b": 2}
    assert two.get_model_version("m", 2).run_metadata == {}


def test_log_metadata_model_version_id_bad_input_changes_nothing(two: Client, sdk_project: Path):
    first = two.get_model_version("m", 1)
    before = snapshot(sdk_project)
    with pytest.raises(NotFoundError):
        log_metadata({"a": 1}, model_version_id="00000000-0000-0000-0000-000000000000")
    with pytest.raises(InvalidInputError, match="not both"):
        log_metadata({"a": 1}, model_version_id=first.id, model_id=first.id)
    with pytest.raises(InvalidInputError, match="not both"):
        log_metadata({"a": 1}, model_version_id=first.id, model_name="m")
    assert snapshot(sdk_project) == before


def test_special_metadata_types_are_stored_as_plain_values(two: Client):
    log_metadata(
        {
            "uri": Uri("s3://bucket/key"),
            "path": PathType("/data/train.csv"),
            "dtype": DType("float64"),
            "bytes": StorageSize(1024),
        },
        model_name="m",
        model_version=1,
    )
    stored = two.get_model_version("m", 1).run_metadata
    assert stored == {
        "uri": "s3://bucket/key",
        "path": "/data/train.csv",
        "dtype": "float64",
        "bytes": 1024,
    }
    assert type(stored["uri"]) is str and type(stored["bytes"]) is int


@pytest.mark.parametrize(
    ("logged", "stored"),
    [
        ({"b", "c", "a"}, ["a", "b", "c"]),
        (frozenset({3, 1, 2}), [1, 2, 3]),
        ({"a", 1}, [1, "a"]),  # not comparable: by type name, then text
        ({(2, 1), (1, 2)}, [[1, 2], [2, 1]]),
        ((1, {2}), [1, [2]]),
    ],
)
def test_sets_are_stored_as_sorted_lists(two: Client, logged: object, stored: list[object]):
    log_metadata({"s": logged}, model_name="m", model_version=1)
    assert two.get_model_version("m", 1).run_metadata == {"s": stored}
