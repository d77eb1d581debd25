"""The fast path must give exactly what the slow path gives: records built by
``_fast_version`` equal those of the checking path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from zenml_cli.core import records
from zenml_cli.core.records import (
    FAST_PATH_KEYS,
    ArtifactLink,
    ModelVersionRecord,
    StageHolders,
)
from zenml_cli.enums import LinkKind
from zenml_cli.errors import CorruptManifestError

PATH = Path("versions/7.yaml")


def full_record() -> ModelVersionRecord:
    record = ModelVersionRecord(
        model="m",
        number=7,
        name="seven",
        id="0b6e2a1c-1111-2222-3333-444455556666",
        description="d",
        tags=["a", "b"],
        created="2026-01-01T00:00:00.000000Z",
        created_by="me",
        producing_run="run-1",
        from_failed_run=True,
        run_metadata={"acc": 0.9, "nested": {"k": [1, 2]}},
        pipeline_run_ids=["run-1", "run-2"],
    )
    record.artifacts[LinkKind.DATA].append(ArtifactLink("ds", "1", "id-1"))
    record.artifacts[LinkKind.MODEL].append(ArtifactLink("clf", "2", "id-2"))
    return record


def slow(data: dict[str, Any], stages: StageHolders | None = None) -> ModelVersionRecord:
    data = dict(data, _force_slow_path=True)  # an unknown key sends it down the checking path
    return ModelVersionRecord.from_manifest("m", data, PATH, stages)


def test_manifest_keys_are_all_known_to_the_fast_path() -> None:
    assert set(full_record().to_manifest()) <= FAST_PATH_KEYS


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"tags": None, "runs": None, "metadata": None, "artifacts": None},
        {"description": None, "producing_run": None, "created": None},
        {"artifacts": {"data": None}},
    ],
)
def test_fast_and_checking_paths_build_the_same_record(change: dict[str, Any]) -> None:
    data = dict(full_record().to_manifest(), **change)
    stages = StageHolders(staging=7)
    fast = records._fast_version(ModelVersionRecord, "m", data, stages)
    assert fast is not None
    assert fast == slow(data, stages)
    assert ModelVersionRecord.from_manifest("m", data, PATH, stages) == fast


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tags": ""}, "tags"),
        ({"tags": [1]}, "tags"),
        ({"name": ""}, "name"),
        ({"number": True}, "number"),
        ({"number": 0}, "number"),
        ({"metadata": []}, "metadata"),
        ({"from_failed_run": None}, "from_failed_run"),
        ({"created": 5}, "created"),
        ({"artifacts": {"data": [{"name": "x"}]}}, "artifact"),
        ({"artifacts": []}, "artifacts"),
    ],
)
def test_malformed_manifests_still_fail_naming_the_field(
    change: dict[str, Any], field: str
) -> None:
    data = dict(full_record().to_manifest(), **change)
    assert records._fast_version(ModelVersionRecord, "m", data, None) is None
    with pytest.raises(CorruptManifestError) as caught:
        ModelVersionRecord.from_manifest("m", data, PATH)
    assert field in str(caught.value) and str(PATH) in str(caught.value)
