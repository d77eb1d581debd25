"""Step outputs: reading them from the return annotation, and saving them as artifacts.

``-> T`` is one output named ``output``; ``-> Tuple[A, B]`` is outputs ``output_0``,
``output_1``; ``Annotated[T, ArtifactConfig("x")]`` (or ``Annotated[T, "x"]``) names an output
``x``; ``-> None`` has none. An unannotated step has one output if it returns something.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from zenml_cli.artifacts.artifact_config import ArtifactConfig
from zenml_cli.enums import ArtifactType
from zenml_cli.errors import InvalidInputError
from zenml_cli.pipelines.context import StepContext, registry_in_context
from zenml_cli.pipelines.signature import OutputSignature, OutputSpec

if TYPE_CHECKING:
    from zenml_cli.core.artifacts.records import ArtifactVersionRecord

NO_ANNOTATION = object()


def signature_of(func: Callable[..., Any]) -> OutputSignature:
    try:
        hints = typing.get_type_hints(func, include_extras=True)
    except Exception:  # unresolvable forward references: treat as unannotated
        hints = {}
    annotation = hints.get("return", NO_ANNOTATION)
    if annotation is NO_ANNOTATION:
        return OutputSignature([OutputSpec("output", ArtifactConfig())], False, implicit=True)
    if annotation is None or annotation is type(None):
        return OutputSignature([], False)
    if typing.get_origin(annotation) is tuple:
        items = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        specs = [_spec(item, f"output_{index}") for index, item in enumerate(items)]
        _refuse_duplicates(specs, func)
        return OutputSignature(specs, True)
    return OutputSignature([_spec(annotation, "output")], False)


def _spec(annotation: Any, default_name: str) -> OutputSpec:
    if typing.get_origin(annotation) is Annotated:
        for extra in annotation.__metadata__:
            if isinstance(extra, ArtifactConfig):
                return OutputSpec(extra.name or default_name, extra)
            if isinstance(extra, str):
                return OutputSpec(extra, ArtifactConfig(name=extra))
    return OutputSpec(default_name, ArtifactConfig())


def _refuse_duplicates(specs: list[OutputSpec], func: Callable[..., Any]) -> None:
    names = [spec.name for spec in specs]
    if len(names) != len(set(names)):
        raise InvalidInputError(
            f"step '{func.__name__}' has two outputs with the same name ({', '.join(names)}); "
            "give each ArtifactConfig its own name"
        )


def split_values(signature: OutputSignature, result: Any, step: str) -> list[Any]:
    """The returned value(s), one per output spec."""
    if signature.implicit:
        return [] if result is None else [result]
    if not signature.outputs:
        return []
    if not signature.is_tuple:
        return [result]
    count = len(signature.outputs)
    if not isinstance(result, tuple | list) or len(result) != count:
        got = len(result) if isinstance(result, tuple | list) else 1
        raise InvalidInputError(
            f"step '{step}' is annotated with {count} outputs but returned {got} value(s); "
            "return a tuple matching the annotation"
        )
    return list(result)


def save_in_context(
    step: StepContext | None,
    data: Any,
    name: str,
    *,
    version: str | int | None = None,
    artifact_type: ArtifactType | None = None,
    tags: list[str] | None = None,
    metadata: dict[str, Any] | None = None,
    is_model_artifact: bool = False,
    is_deployment_artifact: bool = False,
) -> ArtifactVersionRecord:
    """Save, recording the producing run and step, and link to the step's model if any."""
    registry = step.run_context.registry if step else registry_in_context()
    artifact_type = registry.artifact_type(artifact_type, is_model_artifact)
    record = registry.save_artifact(
        data,
        name,
        version=version,
        artifact_type=artifact_type,
        tags=tags,
        metadata=metadata,
        producing_run=step.run_record.id if step else None,
        producing_step=step.step_run.name if step else None,
        cache_key=step.step_run.cache_key if step else None,
    )
    if step is not None and step.step_model is not None:
        model = step.step_model
        kind = registry.link_kind(record.type, is_model_artifact, is_deployment_artifact)
        registry.link_artifact(model.name, model.number, record, kind)
    return record
