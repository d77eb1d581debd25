"""The artifact version record and its manifest form (``artifacts/<name>/<version>.yaml``).

Attribute names follow ZenML's ``ArtifactVersionResponse`` (``name``, ``version``, ``type``,
``uri``, ``materializer``, ``data_type``, ``tags``, ``run_metadata``), plus ``sha256`` and
``size`` that ZenML does not keep. ``from_manifest`` is the schema check.

A manifest names its payload by ``sha256`` and ``size`` alone; ``uri`` is derived for display
and never read from. Manifests written before content addressing carry a ``uri`` of the form
``<artifact_store>/<name>/<id>``: it is kept (as ``legacy_uri``) only when it has that shape,
and checked against the configured store before anything is read. Any field that could steer a
read elsewhere (a path, a URL, ``..``) makes the manifest corrupt (exit 6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zenml_cli.core.manifest_check import ManifestChecker
from zenml_cli.core.model_records import FORMAT, as_tags, plain_tags
from zenml_cli.enums import ArtifactType
from zenml_cli.errors import CorruptManifestError
from zenml_cli.store.payloads.local_files import Digest, is_sha256

if TYPE_CHECKING:
    from zenml_cli.store import Store


@dataclass
class ArtifactVersionRecord:
    name: str
    version: str
    number: int
    id: str
    type: ArtifactType
    materializer: str
    data_type: str
    sha256: str
    size: int
    #: For path payloads: the file or folder name it had when saved.
    entry: str | None = None
    #: Only in manifests from before content addressing: ``<artifact_store>/<name>/<id>``.
    legacy_uri: str | None = None
    tags: list[str] = field(default_factory=list)
    run_metadata: dict[str, Any] = field(default_factory=dict)
    environment: dict[str, str] = field(default_factory=dict)
    producing_run: str | None = None
    producing_step: str | None = None
    created: str = ""
    created_by: str = ""
    #: The cache key of the step run that produced it (step caching; None outside a step).
    cache_key: str | None = None
    store: Store | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.tags = as_tags(self.tags)  # ``.name`` for ZenML code

    @property
    def artifact_name(self) -> str:
        return self.name

    @property
    def producer_pipeline_run_id(self) -> str | None:
        return self.producing_run

    @property
    def digest(self) -> Digest:
        return Digest(self.sha256, self.size)

    @property
    def uri(self) -> str:
        """Where the payload is, for people to read (loading goes by hash, never by this)."""
        if self.store is None:
            return f"sha256:{self.sha256}"
        from zenml_cli.store.payloads.artifact_store import display_uri

        return display_uri(self.store, self.sha256, self.legacy_uri)

    def load(self) -> Any:
        """The stored value, after checking the payload's sha256 against the manifest."""
        from zenml_cli.core.artifacts.loading import load_payload

        if self.store is None:
            raise CorruptManifestError(self.name, "record is not attached to a store")
        return load_payload(self.store, self)

    def read(self) -> Any:
        """ZenML's older name for ``load``."""
        return self.load()

    def to_manifest(self) -> dict[str, Any]:
        data = {
            "format": FORMAT,
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "number": self.number,
            "type": self.type.value,
            "materializer": self.materializer,
            "data_type": self.data_type,
            "entry": self.entry,
            "sha256": self.sha256,
            "size": self.size,
            "tags": plain_tags(self.tags),
            "metadata": self.run_metadata,
            "environment": self.environment,
            "producing_run": self.producing_run,
            "producing_step": self.producing_step,
            "created": self.created,
            "created_by": self.created_by,
        }
        if self.legacy_uri is not None:
            data["uri"] = self.legacy_uri
        if self.cache_key is not None:  # only when set: older manifests keep their bytes
            data["cache_key"] = self.cache_key
        return data

    @classmethod
    def from_manifest(
        cls, data: dict[str, Any], source: str, store: Store
    ) -> ArtifactVersionRecord:
        check = ManifestChecker(data, source)
        raw_type = check.text("type") or ArtifactType.DATA.value
        try:
            kind = ArtifactType(raw_type)
        except ValueError:
            raise CorruptManifestError(source, f"unknown artifact type {raw_type!r}") from None
        size = data.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise CorruptManifestError(source, "field 'size' must be a whole number of bytes")
        number = check.number("number", required=True)
        assert number is not None
        sha256 = data.get("sha256")
        if not is_sha256(sha256):
            raise CorruptManifestError(
                source,
                "field 'sha256' must be 64 lowercase hex digits (a payload is named by its "
                "hash, never by a path or URL)",
            )
        name = check.text("name", required=True) or ""
        artifact_id = check.text("id", required=True) or ""
        environment = check.mapping("environment")
        return cls(
            name=name,
            version=check.text("version", required=True) or "",
            number=number,
            id=artifact_id,
            type=kind,
            materializer=check.text("materializer", required=True) or "",
            data_type=check.text("data_type") or "",
            sha256=str(sha256),
            size=size,
            entry=_plain_entry(check.text("entry"), source),
            legacy_uri=_legacy_uri(check.text("uri"), name, artifact_id, source),
            tags=check.text_list("tags"),
            run_metadata=check.mapping("metadata"),
            environment={str(k): str(v) for k, v in environment.items()},
            producing_run=check.text("producing_run"),
            producing_step=check.text("producing_step"),
            created=check.text("created") or "",
            created_by=check.text("created_by") or "",
            cache_key=check.text("cache_key"),
            store=store,
        )

    @classmethod
    def output_fields(cls) -> list[str]:
        """Every key ``to_dict()`` may have, in order (a CSV header: the optional
        ``cache_key`` of a pipeline's outputs gets a column, empty for the others)."""
        return list(cls("", "", 1, "", ArtifactType.DATA, "", "", "", 0, cache_key="").to_dict())

    def to_dict(self) -> dict[str, Any]:
        """The public (JSON/YAML output) form."""
        data = self.to_manifest()
        del data["format"]
        data["uri"] = self.uri
        data["run_metadata"] = data.pop("metadata")
        return data


def _plain_entry(entry: str | None, source: str) -> str | None:
    """The saved file or folder name: one plain name, or the manifest is refused."""
    if entry is None or _is_plain_name(entry):
        return entry
    raise CorruptManifestError(
        source, f"field 'entry' must be a plain file name, not {entry!r} (it would steer a path)"
    )


def _is_plain_name(text: str) -> bool:
    return bool(text) and text not in (".", "..") and not any(c in text for c in "/\\:\0")


def _legacy_uri(uri: str | None, name: str, artifact_id: str, source: str) -> str | None:
    """An old manifest's ``<artifact_store>/<name>/<id>``; any other uri is refused."""
    if uri is None:
        return None
    parts = uri.replace("\\", "/").split("/")
    if (
        "://" in uri
        or ".." in parts
        or len(parts) < 3
        or parts[-2:] != [name, artifact_id]
        or not _is_plain_name(artifact_id)
    ):
        raise CorruptManifestError(
            source,
            f"field 'uri' {uri!r} is not allowed: a manifest names its payload by sha256 "
            "only (nothing was read)",
        )
    return uri
