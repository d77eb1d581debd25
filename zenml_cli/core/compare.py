"""Two versions of one model side by side (read-only): fields, tags, metadata with the numeric
difference, and linked artifacts added, removed or changed (by payload hash)."""

from __future__ import annotations

from typing import Any

from zenml_cli.core.artifacts import reads as artifact_reads
from zenml_cli.core.models import get_model
from zenml_cli.core.records import ModelVersionRecord
from zenml_cli.core.refs import RefInput
from zenml_cli.core.stages.gates import is_number
from zenml_cli.core.version_reads import resolve
from zenml_cli.enums import LinkKind
from zenml_cli.store import Store

COMPARED_FIELDS: tuple[str, ...] = (
    *("number", "name", "stage", "description", "created", "created_by"),
    *("producing_run", "from_failed_run"),
)


def compare_versions(store: Store, model: str, a: RefInput, b: RefInput) -> dict[str, Any]:
    """``{"model", "a", "b", "fields", "tags", "metadata", "artifacts"}``; every difference
    reads as going from ``a`` to ``b`` (``difference`` is b - a)."""
    record = get_model(store, model)
    first, second = resolve(store, record, a), resolve(store, record, b)
    return {
        "model": record.name,
        "a": first.number,
        "b": second.number,
        "fields": _fields(first.to_dict(), second.to_dict()),
        "tags": _tags(first.tags, second.tags),
        "metadata": _metadata(first.run_metadata, second.run_metadata),
        "artifacts": _artifacts(store, first, second),
    }


def _fields(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"field": name, "a": a[name], "b": b[name], "changed": a[name] != b[name]}
        for name in COMPARED_FIELDS
    ]


def _tags(a: list[str], b: list[str]) -> dict[str, list[str]]:
    return {
        "added": sorted(set(b) - set(a)),
        "removed": sorted(set(a) - set(b)),
        "common": sorted(set(a) & set(b)),
    }


def _metadata(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for key in sorted({*a, *b}):
        left, right = a.get(key), b.get(key)
        difference = None
        if is_number(left) and is_number(right):
            assert left is not None and right is not None  # is_number says so; mypy cannot
            difference = right - left
            if isinstance(difference, float):
                difference = round(difference, 12)  # 0.93 - 0.9 is not 0.030000000000000027
        rows.append(
            {
                "key": key,
                "a": left,
                "b": right,
                "difference": difference,
                "status": _status(key in a, key in b, left == right),
            }
        )
    return rows


def _status(in_a: bool, in_b: bool, same: bool) -> str:
    if not in_a:
        return "added"
    if not in_b:
        return "removed"
    return "same" if same else "changed"


def _artifacts(
    store: Store, a: ModelVersionRecord, b: ModelVersionRecord
) -> dict[str, list[dict[str, Any]]]:
    """Links matched by (kind, artifact name); a matched pair whose payload hash differs (or,
    without a readable manifest, whose artifact version id differs) is ``changed``."""
    left, right = _links(store, a), _links(store, b)
    result: dict[str, list[dict[str, Any]]] = {"added": [], "removed": [], "changed": []}
    result["unchanged"] = []
    for key in sorted({*left, *right}):
        old, new = left.get(key), right.get(key)
        kind, name = key
        row = {"kind": kind, "name": name, "a": old, "b": new}
        if old is None:
            result["added"].append(row)
        elif new is None:
            result["removed"].append(row)
        else:
            result["unchanged" if _same_payload(old, new) else "changed"].append(row)
    return result


def _same_payload(old: dict[str, Any], new: dict[str, Any]) -> bool:
    if old["sha256"] and new["sha256"]:
        return bool(old["sha256"] == new["sha256"])
    return bool(old["id"] == new["id"])


def _links(store: Store, version: ModelVersionRecord) -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for kind in LinkKind:
        for link in version.artifacts[kind]:
            artifact = artifact_reads.read_version(store, link.name, link.version)
            found[(kind.value, link.name)] = {
                "version": link.version,
                "id": link.id,
                "sha256": artifact.sha256 if artifact is not None else None,
            }
    return found
