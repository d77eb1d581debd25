"""The records the core hands out, and their manifest form.

Attribute names follow ZenML's response models (``name``, ``number``, ``stage``, ``license``,
``tags``, ``run_metadata`` ...), so code written against ZenML reads them unchanged.
``from_manifest`` is also the schema check: a manifest that does not fit raises
CorruptManifestError naming the file and the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zenml_cli.core.schema import (
    BAD,
    MODEL_TEXT_FIELDS,
    VERSION_FIELDS,
    VERSION_TRAILING_FIELDS,
)
from zenml_cli.enums import LinkKind, ModelStages
from zenml_cli.errors import CorruptManifestError
from zenml_cli.store.codec import FORMAT_VERSION, MODEL_FORMAT_VERSION

#: The manifests' format version, as the store's codec defines and checks it.
FORMAT = FORMAT_VERSION
#: model.yaml's format: references carry ``{number, id}`` (format 1 held bare numbers).
MODEL_FORMAT = MODEL_FORMAT_VERSION


class Tag(str):
    """A tag as ZenML code reads it (``{t.name for t in model.tags}``) that is still the plain
    string: equal to it, hashed like it, and turned back into it by ``str(tag)``."""

    __slots__ = ()

    @property
    def name(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return f"Tag({str(self)!r})"


def as_tags(values: list[str]) -> list[str]:
    """The same tags as :class:`Tag` objects (still ``str``, so the fields keep their type)."""
    return [value if type(value) is Tag else Tag(value) for value in values]


def plain_tags(values: list[str]) -> list[str]:
    """Sorted, unique, plain strings (what manifests and JSON output hold)."""
    return sorted({str(value) for value in values})


@dataclass
class StageHolders:
    """Who holds which stage. Kept in model.yaml so a promotion, including archiving the
    previous holder, is one atomic write of one file."""

    staging: int | None = None
    production: int | None = None
    archived: list[int] = field(default_factory=list)

    def stage_of(self, number: int) -> ModelStages:
        if self.production == number:
            return ModelStages.PRODUCTION
        if self.staging == number:
            return ModelStages.STAGING
        if number in self.archived:
            return ModelStages.ARCHIVED
        return ModelStages.NONE

    def without(self, number: int) -> StageHolders:
        """The same holders with ``number`` out of every stage."""
        return StageHolders(
            staging=None if self.staging == number else self.staging,
            production=None if self.production == number else self.production,
            archived=[n for n in self.archived if n != number],
        )

    def holder(self, stage: ModelStages) -> int | None:
        return self.staging if stage == ModelStages.STAGING else self.production

    def to_manifest(self) -> dict[str, Any]:
        return {
            "staging": self.staging,
            "production": self.production,
            "archived": sorted(set(self.archived)),
        }


@dataclass
class ModelRecord:
    name: str
    id: str
    license: str | None = None
    description: str | None = None
    audience: str | None = None
    use_cases: str | None = None
    limitations: str | None = None
    trade_offs: str | None = None
    ethics: str | None = None
    tags: list[str] = field(default_factory=list)
    save_models_to_registry: bool = True
    created: str = ""
    created_by: str = ""
    stages: StageHolders = field(default_factory=StageHolders)
    retired_numbers: list[int] = field(default_factory=list)
    #: The id of every version model.yaml names (holders, archived, retired), by number: a
    #: number is only unique on one branch, the id everywhere (DESIGN section 11). None: not
    #: known (a number retired by a format 1 store, which recorded no id).
    version_ids: dict[int, str | None] = field(default_factory=dict)
    #: The format the manifest was read in (1: no ids yet; upgraded on the next write).
    format: int = MODEL_FORMAT

    def referenced_numbers(self) -> set[int]:
        """Every number model.yaml names: stage holders, archived and retired versions."""
        held = {self.stages.staging, self.stages.production, *self.stages.archived}
        return {n for n in held if n is not None} | set(self.retired_numbers)

    def to_manifest(self) -> dict[str, Any]:
        """The model.yaml mapping (format 2). The name is not stored: the folder name is."""
        data: dict[str, Any] = {"format": MODEL_FORMAT, "id": self.id}
        data.update({key: getattr(self, key) for key in MODEL_TEXT_FIELDS})
        data["tags"] = plain_tags(self.tags)
        data["save_models_to_registry"] = self.save_models_to_registry
        data["created"] = self.created
        data["created_by"] = self.created_by
        ref = self._ref
        data["stages"] = {
            "staging": ref(self.stages.staging),
            "production": ref(self.stages.production),
            "archived": [ref(n) for n in sorted(set(self.stages.archived))],
        }
        data["retired"] = [ref(n) for n in sorted(set(self.retired_numbers))]
        return data

    def _ref(self, number: int | None) -> dict[str, Any] | None:
        if number is None:
            return None
        return {"number": number, "id": self.version_ids.get(number)}

    @classmethod
    def from_manifest(cls, name: str, data: dict[str, Any], path: str) -> ModelRecord:
        check = _Checker(data, path)
        stages = check.mapping("stages")
        record = cls(
            name=name,
            id=check.text("id", required=True) or "",
            tags=check.text_list("tags"),
            save_models_to_registry=check.boolean("save_models_to_registry", True),
            created=check.text("created") or "",
            created_by=check.text("created_by") or "",
            format=data.get("format", FORMAT),
        )
        for key in MODEL_TEXT_FIELDS:
            setattr(record, key, check.text(key))
        held = _Checker(stages, path, "stages.")
        if record.format == 1:  # bare numbers, no ids (upgraded on the next write)
            record.stages = StageHolders(
                staging=held.number("staging"),
                production=held.number("production"),
                archived=held.number_list("archived"),
            )
            record.retired_numbers = check.number_list("retired_numbers")
            return record
        ids = record.version_ids
        record.stages = StageHolders(
            staging=held.ref("staging", ids),
            production=held.ref("production", ids),
            archived=held.ref_list("archived", ids),
        )
        record.retired_numbers = check.ref_list("retired", ids)
        return record

    def to_dict(self) -> dict[str, Any]:
        """The public (JSON/YAML output) form."""
        data: dict[str, Any] = {"id": self.id, "name": self.name}
        data.update({key: getattr(self, key) for key in MODEL_TEXT_FIELDS})
        data["tags"] = plain_tags(self.tags)
        data["save_models_to_registry"] = self.save_models_to_registry
        data["created"] = self.created
        data["created_by"] = self.created_by
        data["staging_version"] = self.stages.staging
        data["production_version"] = self.stages.production
        return data


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
        check = _Checker(data, path)  # the slow path: finds and names the bad field
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
        return cls(
            model=model,
            number=form["number"],
            name=form["name"],
            id=form["id"],
            model_id=model_id,
            stage=stage,
            description=form["description"],
            tags=form["tags"],
            created=form["created"],
            created_by=form["created_by"],
            producing_run=form["producing_run"],
            from_failed_run=form["from_failed_run"],
            run_metadata=form["run_metadata"],
            artifacts={
                _DATA: [_link(item) for item in form["data_artifacts"]],
                _MODEL: [_link(item) for item in form["model_artifacts"]],
                _DEPLOYMENT: [_link(item) for item in form["deployment_artifacts"]],
            },
            pipeline_run_ids=form["pipeline_run_ids"],
        )

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


class _Checker:
    """Typed field access over a decoded manifest; a wrong type names the file and field."""

    def __init__(self, data: dict[str, Any], path: str, prefix: str = "") -> None:
        self.data, self.path, self.prefix = data, path, prefix

    def _fail(self, key: str, expected: str) -> CorruptManifestError:
        got = type(self.data.get(key)).__name__
        return CorruptManifestError(
            self.path, f"field '{self.prefix}{key}' must be {expected}, not {got}"
        )

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or (required and not value):
            raise self._fail(key, "non-empty text" if required else "text")
        return value

    def number(self, key: str, required: bool = False) -> int | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self._fail(key, "a positive whole number")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self._fail(key, "true or false")
        return value

    def mapping(self, key: str) -> dict[str, Any]:
        value = self.data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self._fail(key, "a mapping")
        return value

    def text_list(self, key: str) -> list[str]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self._fail(key, "a list of text")
        return value

    def ref(self, key: str, ids: dict[int, str | None]) -> int | None:
        """A format 2 version reference ``{number, id}`` (or null); its id goes into ``ids``."""
        value = self.data.get(key)
        if value is None:
            return None
        return self._one_ref(value, key, ids)

    def ref_list(self, key: str, ids: dict[int, str | None]) -> list[int]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(key, "a list of {number, id} references")
        return [self._one_ref(item, key, ids) for item in value]

    def _one_ref(self, value: object, key: str, ids: dict[int, str | None]) -> int:
        if not isinstance(value, dict) or not set(value).issubset({"number", "id"}):
            raise self._fail(key, "a {number, id} reference")
        check = _Checker(value, self.path, f"{self.prefix}{key}.")
        number = check.number("number", required=True) or 0
        version_id = check.text("id")
        known = ids.get(number)
        if known is not None and version_id is not None and known != version_id:
            raise CorruptManifestError(
                self.path,
                f"version {number} is named with two ids ({known} and {version_id}): two "
                "branches' versions collided in a merge; run 'zenml resolve'",
            )
        ids[number] = version_id if version_id is not None else known
        return number

    def number_list(self, key: str) -> list[int]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(
            isinstance(item, int) and not isinstance(item, bool) and item > 0 for item in value
        ):
            raise self._fail(key, "a list of positive whole numbers")
        return value


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

    fields = ",".join(ModelVersionRecord(model="", number=1, name="x", id="x").to_dict())
    return f"public-{PUBLIC_FORM_REVISION}-{crc32(fields.encode()):08x}"


#: The derived index of public forms (see ``public_form``).
PUBLIC_FORM_INDEX = _public_form_signature()
