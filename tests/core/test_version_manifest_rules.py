"""A version manifest as the core reads it (core/version_records.py, core/manifest_check.py),
without a store: it round-trips; the fast path and the checking path give the same record;
a field of the wrong type names the file and the field (exit 6) on either path; and
``public_form`` declines anything not of the exact shape zenml writes."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from zenml_cli.core.manifest_check import ManifestChecker
from zenml_cli.core.records import ModelVersionRecord, StageHolders
from zenml_cli.core.version_records import ArtifactLink, public_form
from zenml_cli.enums import LinkKind, ModelStages
from zenml_cli.errors import CorruptManifestError

PATH = "models/iris/versions/3.yaml"


def record() -> ModelVersionRecord:
    version = ModelVersionRecord(
        model="iris",
        number=3,
        name="v3",
        id="id-3",
        description="third",
        tags=["a", "b"],
        created="2026-01-01T00:00:00.000000Z",
        created_by="ann",
        producing_run="run-1",
        from_failed_run=True,
        run_metadata={"auc": 0.9, "nested": {"k": [1, 2]}},
        pipeline_run_ids=["run-1", "run-2"],
    )
    version.artifacts[LinkKind.DATA].append(ArtifactLink("features", "2", "art-2"))
    return version


def manifest(**changes: Any) -> dict[str, Any]:
    data = record().to_manifest()
    data.update(changes)
    return data


def test_a_version_round_trips_through_its_manifest() -> None:
    original = record()
    data = original.to_manifest()
    assert data["format"] == 1 and "stage" not in data  # model.yaml holds stages
    assert list(data)[-2:] == ["artifacts", "runs"]
    again = ModelVersionRecord.from_manifest("iris", data, PATH)
    assert again == original


def test_the_stage_comes_from_model_yaml() -> None:
    holders = StageHolders(staging=1, production=3)
    read = ModelVersionRecord.from_manifest("iris", manifest(), PATH, holders)
    assert read.stage is ModelStages.PRODUCTION


def test_the_fast_and_the_checking_paths_agree() -> None:
    """An extra key sends a manifest down the checking path; the record must not differ."""
    fast = ModelVersionRecord.from_manifest("iris", manifest(), PATH)
    slow = ModelVersionRecord.from_manifest("iris", manifest(extra_key="x"), PATH)
    assert fast == slow


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("id", "", "non-empty text"),
        ("id", 7, "non-empty text"),
        ("name", None, "non-empty text"),
        ("number", 0, "a positive whole number"),
        ("number", "3", "a positive whole number"),
        ("number", True, "a positive whole number"),
        ("description", ["x"], "text"),
        ("tags", "a", "a list of text"),
        ("tags", ["a", 1], "a list of text"),
        ("from_failed_run", "yes", "true or false"),
        ("metadata", [], "a mapping"),
        ("runs", [1], "a list of text"),
    ],
)
@pytest.mark.parametrize("extra", [False, True], ids=["fast-path-input", "checking-path-input"])
def test_a_field_of_the_wrong_type_names_the_file_and_the_field(
    field: str, value: Any, expected: str, extra: bool
) -> None:
    data = manifest(**{field: value})
    if extra:
        data["extra_key"] = 1
    with pytest.raises(CorruptManifestError) as caught:
        ModelVersionRecord.from_manifest("iris", data, PATH)
    message = str(caught.value)
    assert PATH in message and f"field '{field}' must be {expected}" in message
    assert caught.value.exit_code == 6


@pytest.mark.parametrize(
    ("artifacts", "fragment"),
    [
        ({"data": "features"}, "artifacts.<kind> must be a list"),
        ({"data": [{"name": "f", "version": 2, "id": "x"}]}, "text name, version and id"),
        ({"data": ["features"]}, "text name, version and id"),
    ],
)
def test_a_link_of_the_wrong_shape_is_corrupt(artifacts: dict[str, Any], fragment: str) -> None:
    with pytest.raises(CorruptManifestError, match=fragment):
        ModelVersionRecord.from_manifest("iris", manifest(artifacts=artifacts), PATH)


def test_public_form_is_the_records_dict_for_the_shape_zenml_writes() -> None:
    form = public_form(manifest())
    assert form is not None
    expected = record().to_dict()
    assert {k: v for k, v in form.items() if k not in ("model", "model_id", "stage")} == {
        k: v for k, v in expected.items() if k not in ("model", "model_id", "stage")
    }


@pytest.mark.parametrize(
    "changes",
    [{"extra_key": 1}, {"number": "3"}, {"tags": "a"}, {"id": ""}, {"from_failed_run": 1}],
)
def test_public_form_declines_any_other_shape(changes: dict[str, Any]) -> None:
    assert public_form(manifest(**changes)) is None


def test_reading_a_manifest_leaves_it_as_it_was() -> None:
    data = manifest()
    before = copy.deepcopy(data)
    ModelVersionRecord.from_manifest("iris", data, PATH)
    ModelVersionRecord.from_manifest("iris", {**data, "extra_key": 1}, PATH)
    assert data == before


# ------------------------------------------------------------------ the checker itself


@pytest.mark.parametrize(
    ("method", "args", "value", "result"),
    [
        ("text", (), None, None),
        ("text", (), "x", "x"),
        ("number", (), None, None),
        ("number", (), 5, 5),
        ("boolean", (True,), None, True),  # absent: the default
        ("boolean", (False,), False, False),
        ("mapping", (), None, {}),
        ("text_list", (), None, []),
        ("number_list", (), [1, 2], [1, 2]),
        ("number_list", (), None, []),
    ],
)
def test_the_checker_reads_what_is_there_or_the_empty_value(
    method: str, args: tuple[Any, ...], value: Any, result: Any
) -> None:
    data = {} if value is None else {"k": value}
    assert getattr(ManifestChecker(data, PATH), method)("k", *args) == result


@pytest.mark.parametrize(
    ("method", "value", "expected"),
    [
        ("boolean", None, "true or false"),  # an explicit null is not a flag
        ("number_list", [1, 0], "a list of positive whole numbers"),
        ("number_list", [True], "a list of positive whole numbers"),
        ("text", 1.5, "text"),
    ],
)
def test_the_checker_names_the_prefixed_field(method: str, value: Any, expected: str) -> None:
    checker = ManifestChecker({"k": value}, PATH, prefix="stages.")
    args = (True,) if method == "boolean" else ()
    with pytest.raises(CorruptManifestError) as caught:
        getattr(checker, method)("k", *args)
    assert f"field 'stages.k' must be {expected}" in str(caught.value)


def test_a_reference_list_records_each_id_and_refuses_two_ids_for_one_number() -> None:
    ids: dict[int, str | None] = {}
    checker = ManifestChecker({"a": [{"number": 1, "id": "x"}, {"number": 2}]}, PATH)
    assert checker.ref_list("a", ids) == [1, 2]
    assert ids == {1: "x", 2: None}
    clash = ManifestChecker({"b": {"number": 1, "id": "y"}}, PATH)
    with pytest.raises(CorruptManifestError, match="named with two ids"):
        clash.ref("b", ids)


@pytest.mark.parametrize(
    "value", [3, [3], {"number": 3, "name": "v3"}, {"id": "x"}, {"number": 0, "id": "x"}]
)
def test_a_reference_is_a_number_and_an_id(value: Any) -> None:
    with pytest.raises(CorruptManifestError):
        ManifestChecker({"r": value}, PATH).ref("r", {})
