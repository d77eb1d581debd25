"""Records and ids at the core, without a store: model.yaml's mapping round-trips and names
every referenced version by number and id (core/model_records.py), a reference whose id is not
the file's is named as a collision (core/identity.py), and the key-by-key three-way merge of
one manifest (core/merge/keys.py)."""

from __future__ import annotations

from typing import Any

import pytest

from zenml_cli.core.identity import RESOLVE_HINT, check_version, mismatch
from zenml_cli.core.merge.keys import merge_keys
from zenml_cli.core.records import ModelRecord, StageHolders
from zenml_cli.errors import CorruptManifestError


def model(**fields: Any) -> ModelRecord:
    record = ModelRecord(name="iris", id="m-1", created="2026-01-01T00:00:00.000000Z")
    for key, value in fields.items():
        setattr(record, key, value)
    return record


# ------------------------------------------------------------------ model.yaml


def test_model_yaml_names_each_reference_by_number_and_id() -> None:
    record = model(
        stages=StageHolders(staging=3, production=2, archived=[1, 1]),
        retired_numbers=[4],
        version_ids={1: "a", 2: "b", 3: "c", 4: None},
    )
    data = record.to_manifest()
    assert data["format"] == 2 and "name" not in data  # the folder name is the name
    assert data["stages"] == {
        "staging": {"number": 3, "id": "c"},
        "production": {"number": 2, "id": "b"},
        "archived": [{"number": 1, "id": "a"}],
    }
    assert data["retired"] == [{"number": 4, "id": None}]
    again = ModelRecord.from_manifest("iris", data, "model.yaml")
    assert again.to_manifest() == data
    assert again.version_ids == {1: "a", 2: "b", 3: "c", 4: None}
    assert again.referenced_numbers() == {1, 2, 3, 4}


def test_a_format_1_model_yaml_reads_bare_numbers() -> None:
    data = {
        "format": 1,
        "id": "m-1",
        "stages": {"staging": 2, "production": None, "archived": [1]},
        "retired_numbers": [3],
    }
    record = ModelRecord.from_manifest("iris", data, "model.yaml")
    assert record.format == 1 and record.version_ids == {}
    assert (record.stages.staging, record.stages.archived, record.retired_numbers) == (2, [1], [3])


@pytest.mark.parametrize(
    ("stages", "fragment"),
    [
        ({"staging": "3"}, "stages.staging"),
        ({"production": {"number": "2", "id": "x"}}, "stages.production"),
        ({"archived": {"number": 1}}, "stages.archived"),
    ],
)
def test_a_holder_of_the_wrong_shape_is_a_corrupt_manifest(
    stages: dict[str, Any], fragment: str
) -> None:
    data = {"format": 2, "id": "m-1", "stages": stages}
    with pytest.raises(CorruptManifestError) as caught:
        ModelRecord.from_manifest("iris", data, "model.yaml")
    assert fragment in str(caught.value) and "model.yaml" in str(caught.value)


def test_a_model_yaml_without_an_id_is_corrupt() -> None:
    with pytest.raises(CorruptManifestError, match="id"):
        ModelRecord.from_manifest("iris", {"format": 2, "stages": {}}, "model.yaml")


# ------------------------------------------------------------------ ids beside numbers


@pytest.mark.parametrize(
    ("number", "role"),
    [(1, "archived"), (2, "production holder"), (3, "staging holder"), (4, "retired (deleted)")],
)
def test_a_reference_to_another_id_is_named_with_its_role(number: int, role: str) -> None:
    record = model(
        stages=StageHolders(staging=3, production=2, archived=[1]),
        retired_numbers=[4],
        version_ids={1: "a", 2: "b", 3: "c", 4: "d"},
    )
    problem = mismatch(record, number, "other")
    assert problem is not None
    assert f"model.yaml's {role} reference to number {number}" in problem
    assert problem.endswith(RESOLVE_HINT)
    with pytest.raises(CorruptManifestError) as caught:
        check_version(record, number, "other", "versions/x.yaml")
    assert caught.value.exit_code == 6


def test_an_agreeing_or_unnamed_reference_is_no_problem() -> None:
    record = model(stages=StageHolders(production=2), version_ids={2: "b", 5: None})
    assert mismatch(record, 2, "b") is None
    assert mismatch(record, 5, "anything") is None  # a format 1 leftover: no id to compare
    assert mismatch(record, 7, "anything") is None  # not referenced at all
    check_version(record, 2, "b", "versions/2.yaml")


# ------------------------------------------------------------------ three-way merge of keys


@pytest.mark.parametrize(
    ("base", "ours", "theirs", "merged", "clashes"),
    [
        ({"a": 1}, {"a": 1}, {"a": 2}, {"a": 2}, []),
        ({"a": 1}, {"a": 2}, {"a": 1}, {"a": 2}, []),
        ({"a": 1}, {"a": 2}, {"a": 2}, {"a": 2}, []),
        ({"a": 1}, {"a": 2}, {"a": 3}, {"a": 2}, ["a"]),
        ({"a": 1}, {}, {"a": 1}, {}, []),  # ours removed it
        ({"a": 1}, {"a": 1}, {}, {}, []),  # theirs removed it
        ({"a": 1}, {}, {"a": 3}, {}, ["a"]),  # removed here, changed there: ours stands
        ({}, {"a": 1}, {"b": 2}, {"a": 1, "b": 2}, []),
        (None, {"a": 1}, {"a": 2}, {"a": 1}, ["a"]),
        (
            {"m": {"x": 1, "y": 1}},
            {"m": {"x": 2, "y": 1}},
            {"m": {"x": 1, "y": 3}},
            {"m": {"x": 2, "y": 3}},
            [],
        ),
        ({"m": {"x": 1}}, {"m": {"x": 2}}, {"m": {"x": 3}}, {"m": {"x": 2}}, ["m.x"]),
        ({"t": ["a", "b"]}, {"t": ["b", "c"]}, {"t": ["a", "b", "d"]}, {"t": ["b", "c", "d"]}, []),
        ({"t": []}, {"t": ["z"]}, {"t": ["a"]}, {"t": ["a", "z"]}, []),
        ({"l": [1]}, {"l": [1, 3]}, {"l": [2, 1]}, {"l": [1, 3, 2]}, []),
        ({"a": 1}, {"a": [1]}, {"a": 2}, {"a": [1]}, ["a"]),
    ],
)
def test_keys_merge_by_what_each_side_changed(
    base: dict[str, Any] | None,
    ours: dict[str, Any],
    theirs: dict[str, Any],
    merged: dict[str, Any],
    clashes: list[str],
) -> None:
    assert merge_keys(base, ours, theirs) == (merged, clashes)


def test_merged_keys_keep_ours_order_then_theirs_new_ones() -> None:
    merged, _ = merge_keys({}, {"z": 1, "a": 1}, {"b": 1, "z": 1})
    assert list(merged) == ["z", "a", "b"]


def test_a_merge_leaves_its_inputs_as_they_were() -> None:
    base, ours, theirs = {"t": ["a"]}, {"t": ["a", "b"]}, {"t": ["c"]}
    merge_keys(base, ours, theirs)
    assert (base, ours, theirs) == ({"t": ["a"]}, {"t": ["a", "b"]}, {"t": ["c"]})
