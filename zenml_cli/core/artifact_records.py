"""The artifact version record and its manifest form (``artifacts/<name>/<version>.yaml``).

Attribute names follow ZenML's ``ArtifactVersionResponse`` (``name``, ``version``, ``type``,
``uri``, ``materializer``, ``data_type``, ``tags``, ``run_metadata``), plus ``sha256`` and
``size`` that ZenML does not keep. ``from_manifest`` is the schema check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zenml_cli.core.records import FORMAT, _Checker
from zenml_cli.enums import ArtifactType
from zenml_cli.errors import CorruptManifestError

if TYPE_CHECKING:
    from zenml_cli.store import Store


@dataclass
class ArtifactVersionRecord:
    name: str
    version: str
    number: int
    id: str
    type: ArtifactType
    #: Where the payload folder is: absolute in the record, project-relative in the manifest
    #: when it lies inside the project (so manifests committed to git stay portable).
    uri: str
    materializer: str
    data_type: str
    sha256: str
    size: int
    #: For copied paths: the file or folder name inside the payload folder.
    entry: str | None = None
    tags: list[str] = field(default_factory=list)
    run_metadata: dict[str, Any] = field(default_factory=dict)
    environment: dict[str, str] = field(default_factory=dict)
    producing_run: str | None = None
    producing_step: str | None = None
    created: str = ""
    created_by: str = ""
    store: Store | None = field(default=None, repr=False, compare=False)

    @property
    def artifact_name(self) -> str:
        return self.name

    @property
    def producer_pipeline_run_id(self) -> str | None:
        return self.producing_run

    def load(self) -> Any:
        """The stored value, after checking the payload's sha256 against the manifest."""
        from zenml_cli.core.artifacts import load_payload

        if self.store is None:
            raise CorruptManifestError(self.uri, "record is not attached to a store")
        return load_payload(self.store, self)

    def read(self) -> Any:
        """ZenML's older name for ``load``."""
        return self.load()

    def to_manifest(self, root: Path) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "number": self.number,
            "type": self.type.value,
            "uri": _portable(Path(self.uri), root),
            "materializer": self.materializer,
            "data_type": self.data_type,
            "entry": self.entry,
            "sha256": self.sha256,
            "size": self.size,
            "tags": sorted(set(self.tags)),
            "metadata": self.run_metadata,
            "environment": self.environment,
            "producing_run": self.producing_run,
            "producing_step": self.producing_step,
            "created": self.created,
            "created_by": self.created_by,
        }

    @classmethod
    def from_manifest(cls, data: dict[str, Any], path: Path, store: Store) -> ArtifactVersionRecord:
        check = _Checker(data, path)
        raw_type = check.text("type") or ArtifactType.DATA.value
        try:
            kind = ArtifactType(raw_type)
        except ValueError:
            raise CorruptManifestError(path, f"unknown artifact type {raw_type!r}") from None
        size = data.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise CorruptManifestError(path, "field 'size' must be a whole number of bytes")
        number = check.number("number", required=True)
        assert number is not None
        uri = Path(check.text("uri", required=True) or "")
        environment = check.mapping("environment")
        return cls(
            name=check.text("name", required=True) or "",
            version=check.text("version", required=True) or "",
            number=number,
            id=check.text("id", required=True) or "",
            type=kind,
            uri=str(uri if uri.is_absolute() else (store.root / uri)),
            materializer=check.text("materializer", required=True) or "",
            data_type=check.text("data_type") or "",
            sha256=check.text("sha256", required=True) or "",
            size=size,
            entry=check.text("entry"),
            tags=check.text_list("tags"),
            run_metadata=check.mapping("metadata"),
            environment={str(k): str(v) for k, v in environment.items()},
            producing_run=check.text("producing_run"),
            producing_step=check.text("producing_step"),
            created=check.text("created") or "",
            created_by=check.text("created_by") or "",
            store=store,
        )

    def to_dict(self) -> dict[str, Any]:
        """The public (JSON/YAML output) form."""
        data = {key: value for key, value in self.to_manifest(Path("/")).items()}
        del data["format"]
        data["uri"] = self.uri
        data["run_metadata"] = data.pop("metadata")
        return data


def _portable(uri: Path, root: Path) -> str:
    try:
        return uri.relative_to(root.resolve()).as_posix()
    except ValueError:
        return uri.as_posix()
