"""A pipeline run as it happens: each step started, finished or failed, the run finished or
failed, the model versions it used, metadata and tags on it. Each is one ``Registry``
operation (``registry/runs.py``), so the pipeline runner never saves a raw run record: the
rules (which status a finish means, the end time from the store's clock, checked metadata)
are decided here, and the run's file is rewritten after each (see ``core/runs.py``).
"""

from __future__ import annotations

from typing import Any

from zenml_cli.core.actor import timestamp
from zenml_cli.core.metadata import checked_metadata
from zenml_cli.core.records import ModelVersionRecord
from zenml_cli.core.runs import RunRecord, StepRunRecord, write_run
from zenml_cli.enums import ExecutionStatus
from zenml_cli.errors import InvalidInputError
from zenml_cli.store import Store


def _now(store: Store) -> str:
    return timestamp(store.clock())


def start_step(store: Store, run: RunRecord, step: StepRunRecord) -> StepRunRecord:
    """``step`` joins ``run`` as running, started now."""
    step.start_time = _now(store)
    run.steps[step.name] = step
    write_run(store, run)
    return step


def finish_step(store: Store, run: RunRecord, step: StepRunRecord) -> StepRunRecord:
    """``step`` ended without an error: completed (or cached, if it reused outputs)."""
    if step.status is ExecutionStatus.RUNNING:
        step.status = ExecutionStatus.COMPLETED
    step.end_time = _now(store)
    write_run(store, run)
    return step


def fail_step(store: Store, run: RunRecord, step: StepRunRecord, error: str) -> StepRunRecord:
    step.status = ExecutionStatus.FAILED
    step.error = error
    step.end_time = _now(store)
    write_run(store, run)
    return step


def finish_run(store: Store, run: RunRecord) -> RunRecord:
    run.status = ExecutionStatus.COMPLETED
    run.end_time = _now(store)
    write_run(store, run)
    return run


def fail_run(store: Store, run: RunRecord, error: str) -> RunRecord:
    run.status = ExecutionStatus.FAILED
    run.error = error
    run.end_time = _now(store)
    write_run(store, run)
    return run


def record_model_version(store: Store, run: RunRecord, version: ModelVersionRecord) -> RunRecord:
    """Note a model version the run used (the runner asks once per model reference)."""
    run.model_versions.append(
        {"model": version.model, "number": version.number, "name": version.name, "id": version.id}
    )
    write_run(store, run)
    return run


def log_step_metadata(
    store: Store, run: RunRecord, step_name: str, metadata: dict[str, Any]
) -> RunRecord:
    """Metadata on step run ``step_name`` of ``run`` (kept in the run's file)."""
    if step_name not in run.steps:
        raise InvalidInputError(f"run '{run.name}' has no step '{step_name}'")
    run.steps[step_name].run_metadata.update(checked_metadata(metadata))
    write_run(store, run)
    return run


def log_run_metadata(store: Store, run: RunRecord, metadata: dict[str, Any]) -> RunRecord:
    """Metadata on ``run`` itself (kept in the run's file)."""
    run.metadata.update(checked_metadata(metadata))
    write_run(store, run)
    return run


def tag_run(store: Store, run: RunRecord, tags: list[str], *, remove: bool = False) -> RunRecord:
    """Add ``tags`` to the run's configured tags (or remove them), kept sorted."""
    current = set(run.config.get("tags") or [])
    changed = current - set(tags) if remove else current | set(tags)
    run.config["tags"] = sorted(changed)
    write_run(store, run)
    return run
