"""ZenML's ``ExternalArtifact``: a value handed to a step from outside the pipeline.

``my_step(data=ExternalArtifact(value=df))`` passes ``df`` to the step; the step's cache key
takes it as a parameter (its JSON or the hash of its pickle). Differs from ZenML: the value is
not uploaded as an artifact version of its own (save it with ``save_artifact`` and pass the
returned version when it should be one); ``ExternalArtifact(id=...)`` or ``(name=...,
version=...)`` pass that artifact version, loaded.
"""

from __future__ import annotations

from typing import Any

from zenml_cli.errors import InvalidInputError


class ExternalArtifact:
    def __init__(
        self,
        value: Any = None,
        id: str | None = None,
        name: str | None = None,
        version: str | int | None = None,
        **ignored: Any,
    ) -> None:
        given = [value is not None, id is not None, name is not None]
        if sum(given) != 1:
            raise InvalidInputError(
                "ExternalArtifact takes one of value=, id= or name= (with version=)"
            )
        if version is not None and name is None:
            raise InvalidInputError("ExternalArtifact(version=...) needs name= too")
        self.value, self.id, self.name, self.version = value, id, name, version

    def resolved(self) -> Any:
        """The value, or the artifact version it names (an ArtifactVersionResponse)."""
        if self.value is not None:
            return self.value
        from zenml_cli.pipelines.context import registry_in_context

        return registry_in_context().get_artifact_version(str(self.id or self.name), self.version)

    def __repr__(self) -> str:
        return f"ExternalArtifact(id={self.id!r}, name={self.name!r}, version={self.version!r})"
