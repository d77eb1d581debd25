"""The model version record (``models/<name>/versions/<n>``), its artifact links, the fast
path that builds it from a manifest zenml-cli wrote, and the cached public form listings read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zenml_cli.core.manifest_check import ManifestChecker
from zenml_cli.core.model_records import FORMAT, StageHolders
from zenml_cli.core.schema import BAD, VERSION_FIELDS, VERSION_TRAILING_FIELDS
from zenml_cli.enums import LinkKind, ModelStages
from zenml_cli.errors import CorruptManifestError


@dataclass
class ArtifactLink:
    """A model version's reference to one artifact version."""

    name: str
    version: str
    id: str

    def to_manifest(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "id": self.id}


@dataclass
class ModelVersionRecord:
    model: str
    number: int
    name: str
    id: str
    model_id: str = ""
    stage: ModelStages = ModelStages.NONE
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    created: str = ""
    created_by: str = ""
    #: Id of the pipeline run that produced this version, if any.
    producing_run: str | None = None
    #: True when the producing run failed: the version is kept, but marked.
    from_failed_run: bool = False
    run_metadata: dict[str, Any] = field(default_factory=dict)
    artifacts: dict[LinkKind, list[ArtifactLink]] = field(
        default_factory=lambda: {kind: [] for kind in LinkKind}
    )
    pipeline_run_ids: list[str] = field(default_factory=list)

    @property
    def model_name(self) -> str:
        return self.model

    @property
    def data_artifact_ids(self) -> list[str]:
        return [link.id for link in self.artifacts[LinkKind.DATA]]

    @property
    def model_artifact_ids(self) -> list[str]:
        return [link.id for link in self.artifacts[LinkKind.MODEL]]

    @property
    def deployment_artifact_ids(self) -> list[str]:
        return [link.id for link in self.artifacts[LinkKind.DEPLOYMENT]]

    def to_manifest(self) -> dict[str, Any]:
        """The versions/<n>.yaml mapping. Stage is not stored here (model.yaml holds stages)."""
        data: dict[str, Any] = {"format": FORMAT}
        for attr, key, dump in _DUMPED_FIELDS:
            value = getattr(self, attr)
            data[key] = value if dump is None else dump(value)
            if key == "metadata":  # the nested links sit between metadata and runs
                data["artifacts"] = {
                    kind.value: [link.to_manifest() for link in self.artifacts[kind]]
                    for kind in LinkKind
                }
        return data

    @classmethod
    def from_manifest(
        cls, model: str, data: dict[str, Any], path: str, stages: StageHolders | None = None
    ) -> ModelVersionRecord:
        fast = _fast_version(cls, model, data, stages)
        if fast is not None:
            return fast
        check = ManifestChecker(data, path)  # the slow path: finds and names the bad field
        values = {f.attr: f.kind.checked(check, f.key) for f in _ALL_VERSION_FIELDS}
        links = check.mapping("artifacts")
        number = values["number"]
        return cls(
            model=model,
            stage=stages.stage_of(number) if stages else ModelStages.NONE,
            artifacts={kind: _links(links.get(kind.value) or [], path) for kind in LinkKind},
            **values,
        )

    @classmethod
    def from_public_form(
        cls, form: dict[str, Any], model: str, model_id: str, stage: ModelStages
    ) -> ModelVersionRecord:
        """The record whose ``to_dict()`` is ``form`` (from ``public_form``), with its model
        context filled in. The form is trusted as is: ``public_form`` only builds one from a
        manifest that passed every check of the fast path, and its index is named after the
        fields of ``to_dict`` (``PUBLIC_FORM_INDEX``). Takes the form's lists and mappings
        without copying: hand it a form nobody else keeps."""
        values = {
            "model": model,
            "number": form["number"],
            "name": form["name"],
            "id": form["id"],
            "model_id": model_id,
            "stage": stage,
            "description": form["description"],
            "tags": form["tags"],
            "created": form["created"],
            "created_by": form["created_by"],
            "producing_run": form["producing_run"],
            "from_failed_run": form["from_failed_run"],
            "run_metadata": form["run_metadata"],
            "artifacts": {
                _DATA: list(map(_link, form["data_artifacts"])),
                _MODEL: list(map(_link, form["model_artifacts"])),
                _DEPLOYMENT: list(map(_link, form["deployment_artifacts"])),
            },
            "pipeline_run_ids": form["pipeline_run_ids"],
        }
        if cls is not ModelVersionRecord:  # a subclass's __init__ may do more
            return cls(**values)
        record = cls.__new__(cls)  # every field, as __init__ would set it, without its calls
        record.__dict__.update(values)
        return record

    @classmethod
    def output_fields(cls) -> list[str]:
        """The keys of ``to_dict()``, in order (a CSV header when no version is listed)."""
        return list(cls(model="", number=1, name="x", id="x").to_dict())

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "model": self.model,
            "model_id": self.model_id,
            "number": self.number,
            "name": self.name,
            "stage": self.stage._value_,  # not .value: an enum property costs ~1 us
            "description": self.description,
            "tags": sorted(set(self.tags)),
            "created": self.created,
            "created_by": self.created_by,
            "producing_run": self.producing_run,
            "from_failed_run": self.from_failed_run,
            "run_metadata": self.run_metadata,
            "data_artifacts": [link.to_manifest() for link in self.artifacts[_DATA]],
            "model_artifacts": [link.to_manifest() for link in self.artifacts[_MODEL]],
            "deployment_artifacts": [link.to_manifest() for link in self.artifacts[_DEPLOYMENT]],
            "pipeline_run_ids": list(self.pipeline_run_ids),
        }


_DATA, _MODEL, _DEPLOYMENT = LinkKind.DATA, LinkKind.MODEL, LinkKind.DEPLOYMENT
_LINK_KINDS = tuple((kind, kind.value) for kind in LinkKind)
_ALL_VERSION_FIELDS = VERSION_FIELDS + VERSION_TRAILING_FIELDS
#: Every key ``to_manifest`` writes. A manifest with any other key takes the checking path, so
#: a field added to the manifest later is never silently dropped by the fast path.
FAST_PATH_KEYS = frozenset(("format", "artifacts", *(f.key for f in _ALL_VERSION_FIELDS)))
_FAST_FIELDS = tuple((f.attr, f.key, f.absent, f.kind.fast) for f in _ALL_VERSION_FIELDS)
_DUMPED_FIELDS = tuple((f.attr, f.key, f.kind.dump) for f in _ALL_VERSION_FIELDS)


def _fast_version(
    cls: type[ModelVersionRecord],
    model: str,
    data: dict[str, Any],
    stages: StageHolders | None,
) -> ModelVersionRecord | None:
    """``from_manifest`` for a manifest whose every field has exactly the expected type (all
    that zenml-cli writes): the same record, ~4x faster. None sends anything else down the
    checking path, which accepts or rejects it exactly as before."""
    if not FAST_PATH_KEYS.issuperset(data):
        return None
    get = data.get
    values: dict[str, Any] = {}
    for attr, key, absent, fast in _FAST_FIELDS:
        value = fast(get(key, absent))
        if value is BAD:
            return None
        values[attr] = value
    raw_links = get("artifacts")
    raw_links = {} if raw_links is None else raw_links
    if type(raw_links) is not dict:
        return None
    artifacts: dict[LinkKind, list[ArtifactLink]] = {}
    for kind, key in _LINK_KINDS:
        items = raw_links.get(key) or []
        if type(items) is not list:
            return None
        links = []
        for item in items:
            if type(item) is not dict:
                return None
            link_name, version, link_id = item.get("name"), item.get("version"), item.get("id")
            if type(link_name) is not str or type(version) is not str or type(link_id) is not str:
                return None
            links.append(ArtifactLink(link_name, version, link_id))
        artifacts[kind] = links
    number = values["number"]
    return cls(
        model=model,
        stage=stages.stage_of(number) if stages else ModelStages.NONE,
        artifacts=artifacts,
        **values,
    )


def _link(item: dict[str, str]) -> ArtifactLink:
    return ArtifactLink(item["name"], item["version"], item["id"])


def _links(raw: object, path: str) -> list[ArtifactLink]:
    if not isinstance(raw, list):
        raise CorruptManifestError(path, "artifacts.<kind> must be a list")
    links = []
    for item in raw:
        if not isinstance(item, dict) or not all(
            isinstance(item.get(key), str) for key in ("name", "version", "id")
        ):
            raise CorruptManifestError(path, "each artifact link needs text name, version and id")
        links.append(ArtifactLink(item["name"], item["version"], item["id"]))
    return links


def public_form(data: dict[str, Any]) -> dict[str, Any] | None:
    """The ``to_dict()`` of the version manifest ``data``, with its model context (``model``,
    ``model_id``, ``stage``) left for the caller to fill in; None when the manifest is not of
    the exact shape zenml-cli writes (the caller then builds the record on the checking path,
    which accepts it or names what is wrong). Kept in a derived index by listings."""
    record = _fast_version(ModelVersionRecord, "", data, None)
    return None if record is None else record.to_dict()


#: Bump when ``to_dict`` changes how it computes a value (field changes are caught by the
#: checksum below), so cached public forms from the older code are never read.
PUBLIC_FORM_REVISION = 1


def _public_form_signature() -> str:
    """Names the public-form index after the revision and the output's fields, so code that
    changes ``to_dict`` never reads forms cached by an older one."""
    from zlib import crc32

    fields = ",".join(ModelVersionRecord.output_fields())
    return f"public-{PUBLIC_FORM_REVISION}-{crc32(fields.encode()):08x}"


#: The derived index of public forms (see ``public_form``).
PUBLIC_FORM_INDEX = _public_form_signature()
