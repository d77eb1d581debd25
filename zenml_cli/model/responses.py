"""The records ``Client`` hands out, with ZenML's response methods.

``Client().get_model_version(...)`` in ZenML returns a response object that can promote itself,
find and load its linked artifacts, log metadata and turn into a ``Model``; a model response
knows its latest version. These SDK subclasses add that to the core's records, calling back
through the registry that produced them. Their ``to_dict()`` (JSON output) is exactly the
record's: tags stay plain strings there, and a version without a stage says ``"none"``.

Differs from the core records: ``stage`` is ``None`` for a version without a stage (ZenML code
checks ``stage is None``), and tags are ``Tag`` objects (strings with ``.name``).
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

from zenml_cli.core.listing import EVERY_ITEM
from zenml_cli.core.records import ModelRecord, ModelVersionRecord, Tag
from zenml_cli.enums import LinkKind, ModelStages
from zenml_cli.errors import NotFoundError

if TYPE_CHECKING:
    from zenml_cli.core.artifacts.records import ArtifactVersionRecord
    from zenml_cli.model.model import Model
    from zenml_cli.registry import Registry


def _values(record: Any) -> dict[str, Any]:
    kind = type(record)
    names = _FIELD_NAMES.get(kind)
    if names is None:  # looked up once a class: fields() a record was a third of binding one
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(record))
    return {name: getattr(record, name) for name in names}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


R = TypeVar("R", "ModelResponse", "ModelVersionResponse")


def _bound(cls: type[R], record: Any, registry: Registry) -> R:
    """A response of class ``cls`` holding ``record``'s fields, its tags as Tag objects, and
    the registry its methods call back into."""
    bound = cls(**_values(record))
    bound.tags = [Tag(tag) for tag in record.tags]
    bound._registry = registry
    return bound


class ModelResponse(ModelRecord):
    """A model record with ZenML's ``latest_version_name``, ``latest_version_id`` and
    ``versions``."""

    _registry: Registry

    @classmethod
    def bind(cls, record: ModelRecord, registry: Registry) -> ModelResponse:
        return _bound(cls, record, registry)

    def _latest(self) -> ModelVersionRecord | None:
        return self._registry.version_summary(self)[1]

    @property
    def latest_version_name(self) -> str | None:
        latest = self._latest()
        return latest.name if latest is not None else None

    @property
    def latest_version_id(self) -> str | None:
        latest = self._latest()
        return latest.id if latest is not None else None

    @property
    def versions(self) -> list[ModelVersionResponse]:
        """Every version, by number."""
        registry = self._registry
        return [ModelVersionResponse.bind(v, registry) for v in registry.versions_of(self)]


class ModelVersionResponse(ModelVersionRecord):
    """A model version record with ZenML's methods (``set_stage``, ``get_artifact``,
    ``load_artifact``, ``log_metadata``, ``to_model_class`` ...)."""

    _registry: Registry
    _stage: ModelStages = ModelStages.NONE
    _run_ids: list[str]

    @classmethod
    def bind(cls, record: ModelVersionRecord, registry: Registry) -> ModelVersionResponse:
        """The response holding ``record``'s fields. A plain record's attributes are taken
        over as they are (what ``__init__`` would set, without its per-field work: binding was
        a fifth of listing 1,000 versions in process)."""
        if type(record) is not ModelVersionRecord:
            return _bound(cls, record, registry)
        state = record.__dict__.copy()
        stage = state.pop("stage")
        if type(stage) is not ModelStages:  # as the ``stage`` setter takes it
            stage = ModelStages.NONE if stage is None else ModelStages(stage)
        state["_stage"] = stage
        state["_run_ids"] = list(state.pop("pipeline_run_ids"))
        state["tags"] = [Tag(tag) for tag in record.tags]
        state["_registry"] = registry
        bound = cls.__new__(cls)
        bound.__dict__.update(state)
        return bound

    @property  # type: ignore[override]
    def pipeline_run_ids(self) -> dict[str, str]:
        """``{run name: run id}`` of the runs that used this version, as in ZenML (a run
        deleted since is left out)."""
        from zenml_cli.errors import NotFoundError as Missing

        found: dict[str, str] = {}
        for run_id in self._run_ids:
            try:
                found[self._registry.get_run(run_id).name] = run_id
            except Missing:
                continue
        return found

    @pipeline_run_ids.setter
    def pipeline_run_ids(self, value: list[str]) -> None:
        self._run_ids = list(value)

    @property  # type: ignore[override]
    def stage(self) -> ModelStages | None:
        """The stage; None when the version has none (as in ZenML)."""
        return None if self._stage is ModelStages.NONE else self._stage

    @stage.setter
    def stage(self, value: ModelStages | str | None) -> None:
        self._stage = ModelStages.NONE if value is None else ModelStages(value)

    def plain(self) -> ModelVersionRecord:
        """The core record (stage ``none`` instead of None, plain string tags)."""
        values = {
            f.name: getattr(self, f.name) for f in fields(self) if f.name != "pipeline_run_ids"
        }
        values.update(stage=self._stage, tags=[str(tag) for tag in self.tags])
        return ModelVersionRecord(pipeline_run_ids=list(self._run_ids), **values)

    def to_dict(self) -> dict[str, Any]:
        return self.plain().to_dict()

    def to_manifest(self) -> dict[str, Any]:
        return self.plain().to_manifest()

    # ------------------------------------------------------------------------- changing
    def set_stage(self, stage: str | ModelStages, force: bool = False) -> None:
        """Promote this version (a previous staging/production holder is archived). As in
        ZenML this response is a snapshot: its ``.stage`` stays as it was read; fetch the
        version again to see the new stage."""
        self._registry.set_stage(self.model, self.number, stage, force=force)

    def log_metadata(self, metadata: dict[str, Any]) -> None:
        """Merge ``metadata`` into this version's run metadata."""
        updated = self._registry.log_version_metadata(self.model, self.number, metadata)
        self.run_metadata = updated.run_metadata

    # ------------------------------------------------------------------------- artifacts
    def get_artifact(self, name: str, version: str | None = None) -> ArtifactVersionRecord | None:
        """A linked artifact version by name (latest linked one without ``version``), or None."""
        return self._registry.find_linked(self.model, self.number, name, version, None)

    def get_model_artifact(
        self, name: str, version: str | None = None
    ) -> ArtifactVersionRecord | None:
        return self._registry.find_linked(self.model, self.number, name, version, LinkKind.MODEL)

    def get_data_artifact(
        self, name: str, version: str | None = None
    ) -> ArtifactVersionRecord | None:
        return self._registry.find_linked(self.model, self.number, name, version, LinkKind.DATA)

    def get_deployment_artifact(
        self, name: str, version: str | None = None
    ) -> ArtifactVersionRecord | None:
        return self._registry.find_linked(
            self.model, self.number, name, version, LinkKind.DEPLOYMENT
        )

    def _linked(self, kind: LinkKind) -> dict[str, dict[str, ArtifactVersionRecord]]:
        found: dict[str, dict[str, ArtifactVersionRecord]] = {}
        for record in self._registry.linked_artifacts(
            self.model, self.number, kind, size=EVERY_ITEM
        ):
            found.setdefault(record.name, {})[record.version] = record
        return found

    @property
    def data_artifacts(self) -> dict[str, dict[str, ArtifactVersionRecord]]:
        """ZenML's ``{artifact name: {version: artifact version}}`` of the data links."""
        return self._linked(LinkKind.DATA)

    @property
    def model_artifacts(self) -> dict[str, dict[str, ArtifactVersionRecord]]:
        return self._linked(LinkKind.MODEL)

    @property
    def deployment_artifacts(self) -> dict[str, dict[str, ArtifactVersionRecord]]:
        return self._linked(LinkKind.DEPLOYMENT)

    def load_artifact(self, name: str, version: str | None = None) -> Any:
        """A linked artifact's value; NotFoundError (a KeyError) if there is no such link."""
        found = self.get_artifact(name, version)
        if found is None:
            raise NotFoundError(
                f"model '{self.model}' version {self.number} has no linked artifact '{name}'"
                + (f" version '{version}'" if version else "")
                + f"; see 'zenml model data_artifacts {self.model} --version {self.number}'"
            )
        return found.load()

    def to_model_class(self, suppress_class_validation_warnings: bool = True) -> Model:
        """A ``Model`` for this very version, with the model's fields."""
        del suppress_class_validation_warnings
        from zenml_cli.core.schema import MODEL_TEXT_FIELDS
        from zenml_cli.model.model import Model

        model = self._registry.get_model(self.model)
        fields_ = {key: getattr(model, key) for key in MODEL_TEXT_FIELDS}
        found = Model(
            name=model.name,
            version=self.number,
            tags=[str(tag) for tag in model.tags],
            save_models_to_registry=model.save_models_to_registry,
            **fields_,
        )
        found.pin(self.plain(), self._registry)
        return found
