"""ZenML's run and step targets of ``log_metadata``: ``step_name=`` with
``run_id_name_or_prefix=``, ``step_id=``, and ``run_id_name_or_prefix=`` alone.

Metadata on a step run is shown on its run as ``step::key`` (``PipelineRunResponse.run_metadata``,
as ZenML's docs describe), so a step target writes the step only; a run target writes the
run's own metadata. Runs are found by exact id or name: this package never matches prefixes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zenml_cli.errors import InvalidInputError
from zenml_cli.pipelines.context import current_step

if TYPE_CHECKING:
    from zenml_cli.core.runs import RunRecord
    from zenml_cli.registry import Registry


def find_run(registry: Registry, name_or_id: Any) -> RunRecord:
    """The run by id or name; the running pipeline's live record when it is that run, since
    the runner rewrites its file after each step and would drop a write made to a copy."""
    wanted = str(getattr(name_or_id, "id", name_or_id))
    step = current_step()
    if step is not None and wanted in (step.run_record.id, step.run_record.name):
        return step.run_record
    return registry.find_run(wanted)


def log_run_target(
    registry: Registry,
    metadata: dict[str, Any],
    step_id: Any = None,
    step_name: str | None = None,
    run_id_name_or_prefix: Any = None,
) -> None:
    """Write ``metadata`` to the step run or run these name (at least one is given)."""
    if step_id is not None:
        if step_name is not None or run_id_name_or_prefix is not None:
            raise InvalidInputError("give step_id= or step_name= with run_id_name_or_prefix=")
        text = str(getattr(step_id, "id", step_id))
        run_id, _, step_name = text.partition("/")
        if not step_name:
            raise InvalidInputError(
                f"step id '{text}' is not '<run id>/<step name>' (a step run's .id)"
            )
        registry.log_step_run_metadata(find_run(registry, run_id), step_name, metadata)
    elif run_id_name_or_prefix is None:
        raise InvalidInputError("log_metadata(step_name=...) needs run_id_name_or_prefix= too")
    elif step_name is not None:
        run = find_run(registry, run_id_name_or_prefix)
        registry.log_step_run_metadata(run, step_name, metadata)
    else:
        registry.log_run_metadata(find_run(registry, run_id_name_or_prefix), metadata)
