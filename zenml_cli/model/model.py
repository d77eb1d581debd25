"""``Model``: ZenML's model configuration object, resolved lazily against the local store.

The version is resolved (and created, when it must be) on first access of ``id``,
``number``, ``stage``, ``run_metadata`` or any method that needs it, then pinned:

- ``version=None``: a new auto-numbered version, once per ``Model`` object outside a run and
  once per model per pipeline run inside one;
- a number or digit string: that number (NotFoundError if missing);
- a stage word (``latest``, ``staging``, ``production``, ``archived``, ``none``): the version
  in that stage, ``latest`` being the highest number;
- any other text: get-or-create by name, so a new name gets the next number.

The model itself is created on first need with this object's fields; an existing model keeps
its own fields (as in ZenML). Differs from ZenML: ``tags`` are applied to the model when it is
created and to each version this object creates; ``description`` only to the model.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Protocol, cast

from zenml_cli.enums import ModelStages
from zenml_cli.errors import NotFoundError

if TYPE_CHECKING:
    from zenml_cli.core.artifacts.records import ArtifactVersionRecord
    from zenml_cli.core.keywords import NewModel
    from zenml_cli.core.records import ModelVersionRecord
    from zenml_cli.core.refs import VersionRef
    from zenml_cli.enums import LinkKind
    from zenml_cli.registry import Registry


class VersionScope(Protocol):
    """Something that decides which version a ``Model`` means while it is active: a running
    pipeline (one version per model per run). Pipelines set it; this module never imports them."""

    def model_version_for(self, model: Model) -> ModelVersionRecord: ...


#: The active scope, if any (a ContextVar: threads started outside a run do not see it).
ACTIVE_SCOPE: ContextVar[VersionScope | None] = ContextVar("zenml_cli_scope", default=None)


class Model:
    """A model and one of its versions, as pipeline code names them."""

    def __init__(
        self,
        name: str,
        version: str | int | ModelStages | None = None,
        license: str | None = None,
        description: str | None = None,
        audience: str | None = None,
        use_cases: str | None = None,
        limitations: str | None = None,
        trade_offs: str | None = None,
        ethics: str | None = None,
        tags: list[str] | None = None,
        save_models_to_registry: bool = True,
    ) -> None:
        from zenml_cli.registry import Registry

        self.name, _ = Registry.model_reference(name, None)
        #: The name as given: it may hold placeholders (``{team}_model``) filled per run.
        self._name_template = self.name
        self._set_version(version)
        self.license = license
        self.description = description
        self.audience = audience
        self.use_cases = use_cases
        self.limitations = limitations
        self.trade_offs = trade_offs
        self.ethics = ethics
        self.tags = list(tags or [])
        self.save_models_to_registry = save_models_to_registry
        self._registry: Registry | None = None

    def _set_version(self, version: str | int | ModelStages | None) -> None:
        from zenml_cli.registry import Registry

        _, ref = Registry.model_reference(self._name_template, version)
        self._requested, self._ref = version, ref
        self._resolved: ModelVersionRecord | None = None

    # ------------------------------------------------------------------------- resolving
    def reference_key(self, substitutions: dict[str, str] | None = None) -> tuple[str, ...]:
        """What a pipeline run caches this object's version under."""
        name, ref = self._substituted(substitutions)
        if ref is None:
            return (name.casefold(), "new")
        return (name.casefold(), ref.kind, str(ref))

    def _substituted(self, substitutions: dict[str, str] | None) -> tuple[str, VersionRef | None]:
        """The model name and version reference with placeholders filled: ``{date}`` and
        ``{time}`` (now, outside a run) and custom ``substitutions``."""
        from zenml_cli.registry import Registry

        return Registry.fill_model_reference(self._name_template, self._ref, substitutions)

    def model_fields(self) -> NewModel:
        """The fields a missing model is created with (the text fields from the schema
        table, so a field added there is passed on without an edit here)."""
        from zenml_cli.core.schema import MODEL_TEXT_FIELDS

        fields: dict[str, Any] = {key: getattr(self, key) for key in MODEL_TEXT_FIELDS}
        fields.update(tags=self.tags, save_models_to_registry=self.save_models_to_registry)
        return cast("NewModel", fields)

    def get_or_create_version(
        self,
        registry: Registry,
        producing_run: str | None = None,
        substitutions: dict[str, str] | None = None,
    ) -> tuple[ModelVersionRecord, bool]:
        """Resolve this object's version reference now: (version, whether it was created).
        Placeholders in the name and version are filled from ``substitutions``."""
        self._registry = registry
        name, ref = self._substituted(substitutions)
        found = registry.get_or_create_version(
            name,
            ref,
            model_fields=self.model_fields(),
            tags=self.tags or None,
            producing_run=producing_run,
        )
        self.name = found[0].model
        return found

    def _version(self) -> ModelVersionRecord:
        scope = ACTIVE_SCOPE.get()
        if scope is not None:
            return scope.model_version_for(self)
        if self._resolved is None:
            self._resolved, _ = self.get_or_create_version(self._get_registry())
        return self._resolved

    def pin(self, version: ModelVersionRecord, registry: Registry) -> None:
        """Fix this object to ``version`` (a pipeline run does this for every model it uses)."""
        self._resolved, self._registry = version, registry
        self.name = version.model

    def _get_registry(self) -> Registry:
        if self._registry is None:
            from zenml_cli.registry import Registry

            self._registry = Registry()
        return self._registry

    def _fresh(self) -> ModelVersionRecord:
        """The pinned version re-read, for fields other processes may change (stage ...)."""
        pinned = self._version()
        return self._get_registry().get_version(pinned.model, pinned.number)

    # ------------------------------------------------------------------------- properties
    @property
    def id(self) -> str:
        """The model version's id."""
        return self._version().id

    @property
    def model_id(self) -> str:
        return self._version().model_id

    @property
    def number(self) -> int:
        return self._version().number

    @property
    def version(self) -> str | int | ModelStages | None:
        """The resolved version's name once resolved; before that, what was asked for
        (reading it never creates a version)."""
        return self._resolved.name if self._resolved is not None else self._requested

    @version.setter
    def version(self, version: str | int | ModelStages | None) -> None:
        """Point this object at another version (ZenML's ``Model`` is a pydantic object whose
        fields are assignable); it is resolved again on next use."""
        self._set_version(version)

    @property
    def stage(self) -> ModelStages | None:
        """The version's stage; None when it has none (as in ZenML)."""
        stage = self._fresh().stage
        return None if stage is ModelStages.NONE else stage

    @property
    def run_metadata(self) -> dict[str, Any]:
        return self._fresh().run_metadata

    # ------------------------------------------------------------------------- changing
    def set_stage(self, stage: str | ModelStages, force: bool = False) -> None:
        """Promote this version; a previous ``staging``/``production`` holder is archived."""
        pinned = self._version()
        self._get_registry().set_stage(pinned.model, pinned.number, stage, force=force)

    def log_metadata(self, metadata: dict[str, Any]) -> None:
        """Merge ``metadata`` into this version's run metadata."""
        pinned = self._version()
        self._get_registry().log_version_metadata(pinned.model, pinned.number, metadata)

    # ------------------------------------------------------------------------- artifacts
    def get_artifact(self, name: str, version: str | None = None) -> ArtifactVersionRecord | None:
        """A linked artifact version by name (latest linked one without ``version``), or None."""
        return self._linked(name, version, None)

    def get_model_artifact(
        self, name: str, version: str | None = None
    ) -> ArtifactVersionRecord | None:
        from zenml_cli.enums import LinkKind

        return self._linked(name, version, LinkKind.MODEL)

    def get_data_artifact(
        self, name: str, version: str | None = None
    ) -> ArtifactVersionRecord | None:
        from zenml_cli.enums import LinkKind

        return self._linked(name, version, LinkKind.DATA)

    def get_deployment_artifact(
        self, name: str, version: str | None = None
    ) -> ArtifactVersionRecord | None:
        from zenml_cli.enums import LinkKind

        return self._linked(name, version, LinkKind.DEPLOYMENT)

    def load_artifact(self, name: str, version: str | None = None) -> Any:
        """Load a linked artifact's value; NotFoundError if this version has no such link."""
        found = self.get_artifact(name, version)
        if found is None:
            pinned = self._version()
            raise NotFoundError(
                f"model '{pinned.model}' version {pinned.number} has no linked artifact "
                f"'{name}'"
                + (f" version '{version}'" if version else "")
                + f"; see 'zenml model data_artifacts {pinned.model} --version {pinned.number}'"
            )
        return found.load()

    def delete_artifact(
        self,
        name: str,
        version: str | None = None,
        only_link: bool = True,
        delete_metadata: bool = True,
        delete_from_artifact_store: bool = False,
    ) -> None:
        """Unlink artifact ``name`` (only ``version`` of it when given) from this version;
        with ``only_link=False`` the artifact versions themselves are deleted too (and their
        payloads with ``delete_from_artifact_store``, when nothing else shares them)."""
        del delete_metadata
        pinned = self._version()
        self._get_registry().unlink_artifacts(
            pinned.model,
            pinned.number,
            [name],
            version,
            delete_versions=not only_link,
            delete_from_artifact_store=delete_from_artifact_store,
        )

    def delete_all_artifacts(
        self, only_link: bool = True, delete_from_artifact_store: bool = False
    ) -> None:
        """``delete_artifact`` for every artifact linked to this version."""
        pinned = self._version()
        self._get_registry().unlink_artifacts(
            pinned.model,
            pinned.number,
            None,
            delete_versions=not only_link,
            delete_from_artifact_store=delete_from_artifact_store,
        )

    def _linked(
        self, name: str, version: str | None, kind: LinkKind | None
    ) -> ArtifactVersionRecord | None:
        pinned = self._version()
        return self._get_registry().find_linked(pinned.model, pinned.number, name, version, kind)

    def _fields(self) -> tuple[Any, ...]:
        from zenml_cli.core.schema import MODEL_TEXT_FIELDS

        version = self.version
        plain = version.value if isinstance(version, ModelStages) else version
        text_fields = tuple(getattr(self, key) for key in MODEL_TEXT_FIELDS)
        return (self.name, plain, *text_fields, self.tags, self.save_models_to_registry)

    def __eq__(self, other: object) -> bool:
        """Field by field, as ZenML's pydantic ``Model`` compares."""
        if not isinstance(other, Model):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value, as in ZenML

    def __repr__(self) -> str:
        return f"Model(name={self.name!r}, version={self.version!r})"
