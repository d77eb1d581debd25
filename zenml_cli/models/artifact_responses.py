"""An artifact as ZenML's ``Client().get_artifact`` hands it out.

Artifacts have no record of their own here: an artifact is a name and its versions, read
when the response is made, so it is a snapshot like every other response. Its id is derived
from the name (``core/artifacts/named.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zenml_cli.core.records import Tag

if TYPE_CHECKING:
    from zenml_cli.core.artifacts.records import ArtifactVersionRecord
    from zenml_cli.registry import Registry


class ArtifactResponse:
    """ZenML's ``name``, ``id``, ``tags``, ``has_custom_name``, ``versions`` ({version name:
    artifact version}, oldest first) and ``latest_version_id``/``latest_version_name``."""

    def __init__(self, name: str, versions: list[ArtifactVersionRecord], artifact_id: str):
        self.name = name
        self.id = artifact_id
        self.versions = {record.version: record for record in versions}
        # the artifact's tags are its versions' here: no artifact record holds tags of its own
        self.tags = [Tag(tag) for tag in sorted({str(t) for v in versions for t in v.tags})]
        self.has_custom_name = True  # every artifact here is named (a default name too)

    @classmethod
    def of(cls, name_or_id: str, registry: Registry) -> ArtifactResponse:
        name, versions = registry.artifact_versions(name_or_id)
        return cls(name, versions, registry.artifact_id(name))

    @property
    def _latest(self) -> ArtifactVersionRecord | None:
        return max(self.versions.values(), key=lambda v: v.number, default=None)

    @property
    def latest_version_id(self) -> str | None:
        latest = self._latest
        return latest.id if latest is not None else None

    @property
    def latest_version_name(self) -> str | None:
        latest = self._latest
        return latest.version if latest is not None else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "tags": [str(tag) for tag in self.tags],
            "latest_version_name": self.latest_version_name,
            "latest_version_id": self.latest_version_id,
            "versions": list(self.versions),
        }

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArtifactResponse) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"ArtifactResponse(name={self.name!r}, versions={list(self.versions)!r})"
