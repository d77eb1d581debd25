"""``ArtifactConfig``: how a step output is named, versioned and linked to the model version."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zenml_cli.enums import ArtifactType
from zenml_cli.errors import InvalidInputError


@dataclass
class ArtifactConfig:
    """Put on a step output with ``Annotated[T, ArtifactConfig(...)]``.

    ``is_model_artifact`` links the output as a model artifact (and types it ``ModelArtifact``
    unless ``artifact_type`` says otherwise); ``is_deployment_artifact`` links it as a
    deployment artifact; otherwise it is a data artifact, unless its type is ``ModelArtifact``.
    ``version`` fixes the artifact version's name (a second run then conflicts); without it
    versions are numbered. Differs from ZenML: no ``model_name``/``model_version`` fields (use
    ``link_artifact_to_model``).
    """

    name: str | None = None
    version: str | int | None = None
    tags: list[str] | None = None
    run_metadata: dict[str, Any] | None = field(default=None)
    artifact_type: ArtifactType | None = None
    is_model_artifact: bool = False
    is_deployment_artifact: bool = False

    def __post_init__(self) -> None:
        if self.is_model_artifact and self.is_deployment_artifact:
            raise InvalidInputError(
                "an artifact is either a model or a deployment artifact, not both; "
                "set only one of is_model_artifact / is_deployment_artifact"
            )
        from zenml_cli.registry import Registry

        self.artifact_type = Registry.artifact_type(self.artifact_type)

    @property
    def effective_type(self) -> ArtifactType | None:
        from zenml_cli.registry import Registry

        return Registry.artifact_type(self.artifact_type, self.is_model_artifact)
