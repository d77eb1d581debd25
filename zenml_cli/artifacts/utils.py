"""``save_artifact``, ``load_artifact``, ``link_artifact_to_model``, ``log_metadata``: ZenML's
artifact utilities over the local store. Inside a running step they use the step's run and
model; outside they work on the project found from the current folder."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zenml_cli.artifacts.run_targets import find_run, log_run_target
from zenml_cli.enums import ArtifactType
from zenml_cli.errors import InvalidInputError, MissingTargetError
from zenml_cli.pipelines.context import current_step, registry_in_context
from zenml_cli.pipelines.outputs import save_in_context

if TYPE_CHECKING:
    from zenml_cli.core.artifacts.records import ArtifactVersionRecord
    from zenml_cli.model import Model


def save_artifact(
    data: Any,
    name: str,
    version: str | int | None = None,
    artifact_type: ArtifactType | None = None,
    tags: list[str] | None = None,
    extract_metadata: bool = True,
    include_visualizations: bool = False,
    user_metadata: dict[str, Any] | None = None,
    is_model_artifact: bool = False,
    is_deployment_artifact: bool = False,
) -> ArtifactVersionRecord:
    """Save ``data`` as a new version of artifact ``name`` (numbered unless ``version``).

    Inside a step with a model, the version is linked to the step's model version (as a model
    artifact if ``is_model_artifact`` or its type is ``ModelArtifact``). Differs from ZenML:
    ``extract_metadata`` and ``include_visualizations`` are accepted and ignored.
    """
    del extract_metadata, include_visualizations
    return save_in_context(
        current_step(),
        data,
        name,
        version=version,
        artifact_type=artifact_type,
        tags=tags,
        metadata=user_metadata,
        is_model_artifact=is_model_artifact,
        is_deployment_artifact=is_deployment_artifact,
    )


def load_artifact(name_or_id: str, version: str | int | None = None) -> Any:
    """The value of an artifact version: by exact name (latest without ``version``) or id."""
    return registry_in_context().get_artifact_version(str(name_or_id), version).load()


def link_artifact_to_model(
    artifact_version: Any = None,
    model: Model | None = None,
    is_model_artifact: bool = False,
    is_deployment_artifact: bool = False,
    *,
    artifact_version_id: Any = None,
) -> None:
    """Link an artifact version to a model version. ``artifact_version`` is the object
    ``save_artifact`` or ``Client().get_artifact_version`` returned, or its id (ZenML's older
    keyword ``artifact_version_id=`` works too). ``model=None`` means the running step's
    model. Idempotent."""
    if (artifact_version is None) == (artifact_version_id is None):
        raise InvalidInputError(
            "pass the artifact version to link: artifact_version= (or artifact_version_id=)"
        )
    given = artifact_version if artifact_version is not None else artifact_version_id
    target = model if model is not None else _step_model("link_artifact_to_model")
    registry = registry_in_context()
    wanted = getattr(given, "id", given)
    record = registry.get_artifact_version(str(wanted))
    kind = registry.link_kind(record.type, is_model_artifact, is_deployment_artifact)
    registry.link_artifact(target.name, target.number, record, kind)


def log_metadata(
    metadata: dict[str, Any],
    model_name: str | None = None,
    model_version: str | int | None = None,
    infer_model: bool = False,
    artifact_name: str | None = None,
    artifact_version: str | None = None,
    artifact_version_id: str | None = None,
    infer_artifact: bool = False,
    model_id: str | None = None,
    model_version_id: Any = None,
    step_id: Any = None,
    step_name: str | None = None,
    run_id_name_or_prefix: Any = None,
) -> None:
    """Attach metadata to a step run, a run, a model version, an artifact version, or the
    running step.

    Targets, in order: ``step_name`` with ``run_id_name_or_prefix`` (a run id or name) or
    ``step_id`` (a step run's ``.id``): that step run, shown on its run as ``step::key``;
    ``run_id_name_or_prefix`` alone: the run; ``model_name`` (with ``model_version``, default
    the latest) or ``model_version_id`` (ZenML's keyword: a model version id, text or UUID;
    ``model_id`` is our older name for it), ``infer_model`` (the step's model), an output of
    the running step (``infer_artifact=True``, or ``artifact_name`` naming one of its outputs:
    attached to the artifact version when the step returns, as ZenML does), another
    ``artifact_name``/``artifact_version_id``, else the running step's run. Outside a step a
    target is required.
    """
    if model_id is not None and model_version_id is not None:
        raise InvalidInputError("give model_version_id= or model_id=, not both")
    version_id = model_version_id if model_version_id is not None else model_id
    if version_id is not None and model_name is not None:
        raise InvalidInputError("give model_name= or model_version_id=, not both")
    registry = registry_in_context()
    step = current_step()
    if step_id is not None or step_name is not None or run_id_name_or_prefix is not None:
        log_run_target(registry, metadata, step_id, step_name, run_id_name_or_prefix)
    elif model_name is not None:
        registry.log_version_metadata(model_name, model_version, metadata)
    elif model_version is not None:
        raise InvalidInputError("model_version= needs model_name= too")
    elif version_id is not None:
        found = registry.find_version_by_id(str(version_id))
        registry.log_version_metadata(found.model, found.number, metadata)
    elif infer_model:
        target = _step_model("log_metadata(infer_model=True)")
        registry.log_version_metadata(target.name, target.number, metadata)
    elif infer_artifact or _is_running_output(artifact_name, artifact_version):
        if step is None:
            raise MissingTargetError(
                "log_metadata(infer_artifact=True) works only inside a step; pass "
                "artifact_name= and artifact_version= outside one"
            )
        output = step.output_name(artifact_name, "log_metadata(infer_artifact=True)")
        if output is None:
            raise InvalidInputError(
                f"step '{step.step_name}' has no output '{artifact_name}' to infer; name one "
                "of its outputs, or leave infer_artifact out to target an existing artifact"
            )
        step.add_output_metadata(metadata, output)
    elif artifact_name is not None or artifact_version_id is not None:
        name_or_id = artifact_name if artifact_name is not None else str(artifact_version_id)
        registry.log_artifact_metadata(name_or_id, artifact_version, metadata)
    else:
        if step is None:
            raise MissingTargetError(
                "log_metadata outside a step needs a target: pass run_id_name_or_prefix=, "
                "model_name= (and model_version=) or artifact_name="
            )
        registry.log_step_run_metadata(step.run_record, step.step_run.name, metadata)


def _is_running_output(artifact_name: str | None, artifact_version: str | None) -> bool:
    """Whether ``artifact_name`` (without a version) names an output of the running step."""
    step = current_step()
    if step is None or artifact_name is None or artifact_version is not None:
        return False
    return step.output_name(artifact_name, "log_metadata") is not None


def log_model_metadata(
    metadata: dict[str, Any],
    model_name: str | None = None,
    model_version: str | int | None = None,
) -> None:
    """ZenML's older form: metadata for a model version, by ``Model(model_name,
    model_version)`` (so a new version name is created, as in ZenML), else the running step's
    model. Outside a step without both, MissingTargetError (a ValueError, as in ZenML)."""
    if model_name is not None and model_version is not None:
        from zenml_cli.model.model import Model

        Model(name=model_name, version=model_version).log_metadata(metadata)
    elif model_name is not None:
        log_metadata(metadata, model_name=model_name)
    elif model_version is not None:
        raise InvalidInputError("model_version= needs model_name= too")
    else:
        log_metadata(metadata, infer_model=True)


def log_artifact_metadata(
    metadata: dict[str, Any],
    artifact_name: str | None = None,
    artifact_version: str | None = None,
) -> None:
    """ZenML's older form: metadata for an artifact version (default: its latest). Inside a
    step, an ``artifact_name`` that is one of the step's outputs (or no name, in a step with
    one output) means the output being produced: attached when the step returns."""
    if artifact_name is None:
        if current_step() is None:
            raise MissingTargetError(
                "log_artifact_metadata without artifact_name works only inside a step with "
                "one output; pass artifact_name="
            )
        log_metadata(metadata, infer_artifact=True)
        return
    log_metadata(metadata, artifact_name=artifact_name, artifact_version=artifact_version)


def log_step_metadata(
    metadata: dict[str, Any],
    step_name: str | None = None,
    pipeline_name_id_or_prefix: str | None = None,
    run_id: str | None = None,
) -> None:
    """ZenML's older form: metadata for a step run, in the run manifest. Without names, the
    running step; else step ``step_name`` of run ``run_id`` (a run id or name), or of the
    latest run of pipeline ``pipeline_name_id_or_prefix``, or of the running pipeline."""
    registry = registry_in_context()
    step = current_step()
    if step_name is None:
        if step is None:
            raise MissingTargetError(
                "log_step_metadata outside a step needs step_name= and run_id= (or "
                "pipeline_name_id_or_prefix=)"
            )
        log_metadata(metadata)
        return
    if run_id is not None:
        run = find_run(registry, run_id)
    elif pipeline_name_id_or_prefix is not None:
        pipeline = registry.pipeline_name(str(pipeline_name_id_or_prefix))
        newest = registry.list_runs(pipeline, sort_by="desc:created", size=1)
        if not newest.items:
            raise MissingTargetError(f"pipeline '{pipeline_name_id_or_prefix}' has no runs")
        run = newest.items[0]
    elif step is not None:
        run = step.run_record
    else:
        raise MissingTargetError("log_step_metadata(step_name=...) needs run_id= outside a run")
    registry.log_step_run_metadata(run, step_name, metadata)


def _step_model(what: str) -> Model:
    step = current_step()
    if step is None:
        raise MissingTargetError(
            f"{what} without model= works only inside a step; pass model=Model(name=..., "
            "version=...)"
        )
    return step.model
