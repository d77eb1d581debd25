"""The artifact-type rules, once: parsing a type the user gave, and "a model artifact is of
type ``ModelArtifact``" (as in recent ZenML; the reverse, linking a ``ModelArtifact`` as a
model artifact, is ``links.link_kind``)."""

from __future__ import annotations

from zenml_cli.enums import ArtifactType
from zenml_cli.errors import InvalidInputError


def parse_artifact_type(value: ArtifactType | str | None) -> ArtifactType | None:
    """``value`` as an ArtifactType (None stays None); exit 5 naming the choices otherwise."""
    if value is None or isinstance(value, ArtifactType):
        return value
    try:
        return ArtifactType(value)
    except ValueError:
        choices = ", ".join(t.value for t in ArtifactType)
        raise InvalidInputError(f"unknown artifact type {value!r}; use one of {choices}") from None


def effective_artifact_type(
    artifact_type: ArtifactType | None, is_model_artifact: bool
) -> ArtifactType | None:
    """The type to save with: the explicit one, else ``ModelArtifact`` for a model artifact."""
    if artifact_type is not None:
        return artifact_type
    return ArtifactType.MODEL if is_model_artifact else None
