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

from typing import TYPE_CHECKING, Any

from zenml_cli.enums import ModelStages
from zenml_cli.errors import ConflictError, NotFoundError

if TYPE_CHECKING:
    from zenml_cli.core.artifact_records import ArtifactVersionRecord
    from zenml_cli.core.records import ModelRecord, ModelVersionRecord
    from zenml_cli.enums import LinkKind
    from zenml_cli.store import Store


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
        from zenml_cli.core.names import check_name, check_version_name
        from zenml_cli.core.versions import parse_ref

        self.name = check_name(name, "model name")
        self._requested = version
        self._ref = parse_ref(version) if version is not None else None
        if self._ref is not None and self._ref[0] == "name":
            check_version_name(self._ref[1])
        self.license = license
        self.description = description
        self.audience = audience
        self.use_cases = use_cases
        self.limitations = limitations
        self.trade_offs = trade_offs
        self.ethics = ethics
        self.tags = list(tags or [])
        self.save_models_to_registry = save_models_to_registry
        self._resolved: ModelVersionRecord | None = None
        self._store: Store | None = None

    # ------------------------------------------------------------------------- resolving
    def reference_key(self) -> tuple[str, ...]:
        """What a pipeline run caches this object's version under."""
        if self._ref is None:
            return (self.name.casefold(), "new")
        return (self.name.casefold(), self._ref[0], str(self._ref[1]))

    def get_or_create_version(
        self, store: Store, producing_run: str | None = None
    ) -> tuple[ModelVersionRecord, bool]:
        """Resolve this object's version reference now: (version, whether it was created).
        Race-safe: a name or model another process creates meanwhile is fetched instead."""
        from zenml_cli.core import versions

        self._store = store
        if self._ref is not None and self._ref[0] in ("number", "stage"):
            return versions.get_version(store, self.name, self._requested), False
        self._get_or_create_model(store)
        tags = self.tags or None
        if self._ref is None:
            created = versions.create_version(
                store, self.name, tags=tags, producing_run=producing_run
            )
            return created, True
        wanted = str(self._ref[1])
        try:
            return versions.get_version(store, self.name, wanted), False
        except NotFoundError:
            pass
        try:
            created = versions.create_version(
                store, self.name, wanted, tags=tags, producing_run=producing_run
            )
            return created, True
        except ConflictError:  # another process created it between our read and our lock
            return versions.get_version(store, self.name, wanted), False

    def _get_or_create_model(self, store: Store) -> ModelRecord:
        from zenml_cli.core import models

        found = models.get_model_or_none(store, self.name)
        if found is not None:
            return found
        try:
            return models.create_model(
                store,
                self.name,
                license=self.license,
                description=self.description,
                audience=self.audience,
                use_cases=self.use_cases,
                limitations=self.limitations,
                trade_offs=self.trade_offs,
                ethics=self.ethics,
                tags=self.tags,
                save_models_to_registry=self.save_models_to_registry,
            )
        except ConflictError:
            found = models.get_model_or_none(store, self.name)
            if found is None:  # a clash ignoring case: the ConflictError says which
                raise
            return found

    def _version(self) -> ModelVersionRecord:
        from zenml_cli.pipelines.context import current_run

        run = current_run()
        if run is not None:
            return run.model_version_for(self)
        if self._resolved is None:
            self._resolved, _ = self.get_or_create_version(self._get_store())
        return self._resolved

    def pin(self, version: ModelVersionRecord, store: Store) -> None:
        """Fix this object to ``version`` (a pipeline run does this for every model it uses)."""
        self._resolved, self._store = version, store

    def _get_store(self) -> Store:
        if self._store is None:
            from zenml_cli.store import Store

            self._store = Store.locate()
        return self._store

    def _fresh(self) -> ModelVersionRecord:
        """The pinned version re-read, for fields other processes may change (stage ...)."""
        from zenml_cli.core import versions

        pinned = self._version()
        return versions.get_version(self._get_store(), pinned.model, pinned.number)

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

    @property
    def stage(self) -> ModelStages:
        return self._fresh().stage

    @property
    def run_metadata(self) -> dict[str, Any]:
        return self._fresh().run_metadata

    # ------------------------------------------------------------------------- changing
    def set_stage(self, stage: str | ModelStages, force: bool = False) -> None:
        """Promote this version; a previous ``staging``/``production`` holder is archived."""
        from zenml_cli.core import versions

        pinned = self._version()
        versions.update_version(
            self._get_store(), pinned.model, pinned.number, stage=stage, force=force
        )

    def log_metadata(self, metadata: dict[str, Any]) -> None:
        """Merge ``metadata`` into this version's run metadata."""
        from zenml_cli.core import links

        pinned = self._version()
        links.add_metadata(self._get_store(), pinned.model, pinned.number, metadata)

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
                + f"; see 'zenml model data_artifacts {pinned.model} -v {pinned.number}'"
            )
        return found.load()

    def _linked(
        self, name: str, version: str | None, kind: LinkKind | None
    ) -> ArtifactVersionRecord | None:
        from zenml_cli.core import links

        pinned = self._version()
        return links.find_linked(
            self._get_store(), pinned.model, pinned.number, name, version, kind
        )

    def __repr__(self) -> str:
        return f"Model(name={self.name!r}, version={self.version!r})"
