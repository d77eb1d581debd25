"""Read-only views of one model: its description with a summary of its versions, and its
history (optionally of one version, which may since have been deleted)."""

from __future__ import annotations

from typing import Any

from zenml_cli.core import history
from zenml_cli.core.models import get_model
from zenml_cli.core.records import ModelRecord, ModelVersionRecord
from zenml_cli.core.refs import VersionRef
from zenml_cli.core.version_reads import live_numbers, read_number, resolve
from zenml_cli.store import Store


def describe_model(store: Store, model: str) -> dict[str, Any]:
    """A model's public fields plus its version count and latest version."""
    record = get_model(store, model)
    count, latest = version_summary(store, record)
    data = record.to_dict()
    data["version_count"] = count
    data["latest_version_number"] = latest.number if latest else None
    data["latest_version_name"] = latest.name if latest else None
    data["archived_versions"] = sorted(record.stages.archived)
    return data


def version_summary(store: Store, record: ModelRecord) -> tuple[int, ModelVersionRecord | None]:
    """How many live versions a model has, and its latest (reading only that one file)."""
    numbers = live_numbers(store, record)
    return len(numbers), read_number(store, record, numbers[-1]) if numbers else None


def history_of(
    store: Store, model: str, version: VersionRef | None = None
) -> list[history.HistoryEvent]:
    """A model's events, oldest first; with ``version``, only that version's (a number also
    works for a version that has since been deleted)."""
    record = get_model(store, model)
    events = history.read(store, record.name)
    if version is None:
        return events
    number = (
        version.number if version.number is not None else resolve(store, record, version).number
    )
    return [event for event in events if event.version == number]
