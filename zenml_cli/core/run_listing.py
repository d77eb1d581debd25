"""Listing pipeline runs and pipelines (ZenML's ``Client.list_pipeline_runs`` and
``list_pipelines``): filters, order and pages decided here, once, for every front end.

A pipeline is known by the runs recorded under its name; its id is derived from the name
(``pipeline_id``), the same on every machine.
"""

from __future__ import annotations

import uuid

from zenml_cli.core.listing import DEFAULT_PAGE_SIZE, Page, check_paging, paginate
from zenml_cli.core.runs import RunRecord
from zenml_cli.core.runs import list_runs as all_runs
from zenml_cli.enums import ExecutionStatus
from zenml_cli.errors import InvalidInputError
from zenml_cli.store import Store

PIPELINE_NAMESPACE = uuid.UUID("5b0c53f4-2a51-4b8e-9c7e-6f1d3a0c2b11")
RUN_SORTS = ("created", "asc:created", "desc:created")


def pipeline_id(name: str) -> str:
    return str(uuid.uuid5(PIPELINE_NAMESPACE, name))


def pipeline_names(store: Store) -> list[str]:
    """Every pipeline that has run here, sorted by name."""
    return sorted({run.pipeline for run in all_runs(store)})


def pipeline_name(store: Store, given: str) -> str:
    """The pipeline a name or a pipeline id names (``given`` itself when none has run)."""
    for known in pipeline_names(store):
        if given in (known, pipeline_id(known)):
            return known
    return given


def list_runs(
    store: Store,
    pipeline: str | None = None,
    *,
    name: str | None = None,
    status: str | ExecutionStatus | None = None,
    sort_by: str = "asc:created",
    page: int = 1,
    size: int = DEFAULT_PAGE_SIZE,
) -> Page[RunRecord]:
    """Runs (of ``pipeline``), oldest first (``desc:created``: newest first), by exact run
    name or status."""
    check_paging(page, size)
    if sort_by not in RUN_SORTS:
        raise InvalidInputError(f"cannot sort runs by {sort_by!r}; use asc:created or desc:created")
    runs = [
        run
        for run in all_runs(store, pipeline)
        if (name is None or run.name == name) and (status is None or run.status == status)
    ]
    if sort_by == "desc:created":
        runs.reverse()
    return paginate(runs, page, size)


def list_pipelines(
    store: Store, name: str | None = None, page: int = 1, size: int = DEFAULT_PAGE_SIZE
) -> Page[str]:
    """The names of the pipelines that have run here (``name``: only that one)."""
    check_paging(page, size)
    return paginate([n for n in pipeline_names(store) if name in (None, n)], page, size)
