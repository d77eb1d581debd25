"""``Client``: ZenML's Python client, over the local ``.zenml/`` store.

Method names and parameters follow ZenML's ``zenml.client.Client`` so that ported code runs
unchanged. Each method is one call through the registry facade, the same call the CLI makes.
"""

from __future__ import annotations

import gc
import os
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from zenml_cli.client_runs import RunsAndStack
from zenml_cli.core.listing import DEFAULT_PAGE_SIZE, Page
from zenml_cli.core.records import ModelRecord, ModelVersionRecord
from zenml_cli.enums import ArtifactType, ModelStages
from zenml_cli.errors import InvalidInputError
from zenml_cli.model.responses import ModelResponse, ModelVersionResponse
from zenml_cli.registry import Registry

if TYPE_CHECKING:
    from uuid import UUID

    from zenml_cli.core.artifacts.records import ArtifactVersionRecord
    from zenml_cli.models.artifact_responses import ArtifactResponse


class Client(RunsAndStack):
    """Entry point to the model registry of the project at ``project_dir`` (default: found
    from the current folder upwards, or ``$ZENML_PROJECT_DIR``). An explicit folder must
    hold a store (NotFoundError naming ``zenml init``, as from the CLI)."""

    def __init__(
        self, project_dir: str | os.PathLike[str] | None = None, push: bool | None = None
    ) -> None:
        """``push=True`` makes every write of this client a transaction on the git remote
        (``None``: ``$ZENML_PUSH`` decides), as ``--push`` does for the CLI."""
        self.registry = Registry(project_dir, push=push)

    # ------------------------------------------------------------------------- models
    def create_model(
        self,
        name: str,
        license: str | None = None,
        description: str | None = None,
        audience: str | None = None,
        use_cases: str | None = None,
        limitations: str | None = None,
        trade_offs: str | None = None,
        ethics: str | None = None,
        tags: list[str] | None = None,
        save_models_to_registry: bool = True,
    ) -> ModelResponse:
        return self._model(
            self.registry.create_model(
                name,
                license=license,
                description=description,
                audience=audience,
                use_cases=use_cases,
                limitations=limitations,
                trade_offs=trade_offs,
                ethics=ethics,
                tags=tags,
                save_models_to_registry=save_models_to_registry,
            )
        )

    def get_model(self, model_name_or_id: str) -> ModelResponse:
        return self._model(self.registry.get_model(model_name_or_id))

    def list_models(
        self,
        sort_by: str = "name",
        page: int = 1,
        size: int = DEFAULT_PAGE_SIZE,
        name: str | None = None,
        tag: str | None = None,
        tags: list[str] | None = None,
    ) -> Page[ModelResponse]:
        found = self.registry.list_models(
            name=name, tag=_one_tag(tag, tags), sort_by=sort_by, page=page, size=size
        )
        return _each(found, self._model)

    def update_model(
        self,
        model_name_or_id: str,
        name: str | None = None,
        license: str | None = None,
        description: str | None = None,
        audience: str | None = None,
        use_cases: str | None = None,
        limitations: str | None = None,
        trade_offs: str | None = None,
        ethics: str | None = None,
        add_tags: list[str] | None = None,
        remove_tags: list[str] | None = None,
        save_models_to_registry: bool | None = None,
    ) -> ModelResponse:
        updated = self.registry.update_model(
            model_name_or_id,
            name=name,
            add_tags=add_tags,
            remove_tags=remove_tags,
            save_models_to_registry=save_models_to_registry,
            license=license,
            description=description,
            audience=audience,
            use_cases=use_cases,
            limitations=limitations,
            trade_offs=trade_offs,
            ethics=ethics,
        )
        return self._model(updated)

    def delete_model(self, model_name_or_id: str) -> None:
        self.registry.delete_model(model_name_or_id)

    # ------------------------------------------------------------------------- versions
    def create_model_version(
        self,
        model_name_or_id: str,
        name: str | None = None,
        description: str | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> ModelVersionResponse:
        return self._version(
            self.registry.create_version(
                model_name_or_id, name, description=description, tags=tags, metadata=metadata
            )
        )

    def get_model_version(
        self,
        model_name_or_id: str,
        model_version_name_or_number_or_id: str | int | ModelStages | None = None,
    ) -> ModelVersionResponse:
        """``None`` means the latest version, as in ZenML."""
        return self._version(
            self.registry.get_version(model_name_or_id, model_version_name_or_number_or_id)
        )

    def list_model_versions(
        self,
        model_name_or_id: str | None = None,
        sort_by: str = "number",
        page: int = 1,
        size: int = DEFAULT_PAGE_SIZE,
        name: str | None = None,
        number: int | str | list[int | str] | None = None,
        stage: str | ModelStages | None = None,
        tag: str | None = None,
        model: str | None = None,
        tags: list[str] | None = None,
        where: list[str] | None = None,
    ) -> Page[ModelVersionResponse]:
        """Versions of one model (``model_name_or_id`` or ``model=``), or of every model.
        ``number`` takes ZenML's numeric filters too: ``"gte:2"``, ``"lt:5"``, a list of them."""
        chosen = model_name_or_id or model
        found = self.registry.list_versions(
            str(chosen) if chosen else None,
            name=name,
            stage=stage,
            number=number,
            tag=_one_tag(tag, tags),
            sort_by=sort_by,
            page=page,
            size=size,
            where=where,
        )
        return _each(found, self._version)

    def update_model_version(
        self,
        model_name_or_id: str,
        version_name_or_id: str | int | ModelStages | None = None,
        stage: str | ModelStages | None = None,
        force: bool = False,
        name: str | None = None,
        description: str | None = None,
        add_tags: list[str] | None = None,
        remove_tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        if_better: str | None = None,
        if_current: int | str | None = None,
    ) -> ModelVersionResponse:
        """``metadata`` merges into the run metadata. ``if_better="auc"`` (or
        ``"loss:lower"``): promote to ``stage`` only if this version's value beats the holder's,
        else ConflictError. ``if_current=3`` (or ``"none"``): only if version 3 (or nobody)
        holds ``stage`` now. Both are checked under the model's lock."""
        model = self.get_model(model_name_or_id)
        result = self.registry.update_version(
            model.name,
            version_name_or_id,
            stage=stage,
            force=force,
            name=name,
            description=description,
            add_tags=add_tags,
            remove_tags=remove_tags,
            metadata=metadata,
            if_better=if_better,
            if_current=if_current,
        )
        return self._version(result.version)

    def rollback_model_version(
        self,
        model_name_or_id: str,
        stage: str | ModelStages = ModelStages.PRODUCTION,
        message: str | None = None,
    ) -> ModelVersionResponse:
        """Not in ZenML: give ``stage`` back to the version that held it before the current
        holder (found in the history), archiving the current one, as one history event; the
        version that now holds the stage is returned. NotFoundError when history names no
        earlier holder (or it was deleted). This, not ``git revert``, is how to roll back."""
        model = self.get_model(model_name_or_id)
        result = self.registry.rollback_version(model.name, stage, message=message)
        return self._version(result.version)

    def delete_model_version(
        self,
        model_version_id: str | UUID,
        version: str | int | None = None,
        *,
        force: bool = False,
    ) -> None:
        """ZenML's form takes a version id (``model_version_id=``, a text or a UUID);
        ``(model, version)`` works too: with ``version`` the first argument names the model.
        ``force`` is needed to delete the version that holds staging or production."""
        if version is not None:
            model = self.get_model(str(model_version_id))
            self.registry.delete_version(model.name, version, force=force)
            return
        found = self.registry.find_version_by_id(str(model_version_id))
        self.registry.delete_version(found.model, found.number, force=force)

    # ------------------------------------------------------------------------- artifacts
    def get_artifact(self, name_id_or_prefix: str | UUID) -> ArtifactResponse:
        """An artifact (a name and its versions) by exact name or id, never by prefix."""
        from zenml_cli.models.artifact_responses import ArtifactResponse

        return ArtifactResponse.of(str(name_id_or_prefix), self.registry)

    def get_artifact_version(
        self, name_id_or_prefix: str, version: str | int | None = None
    ) -> ArtifactVersionRecord:
        """An artifact version by exact name (the latest without ``version``) or by id.
        Differs from ZenML: despite the parameter's name, never matched by prefix."""
        return self.registry.get_artifact_version(name_id_or_prefix, version)

    def list_artifact_versions(
        self,
        sort_by: str = "number",
        page: int = 1,
        size: int = DEFAULT_PAGE_SIZE,
        name: str | None = None,
        artifact_name: str | None = None,
        type: ArtifactType | str | None = None,
        tag: str | None = None,
        tags: list[str] | None = None,
        artifact: str | UUID | None = None,
        model: str | UUID | None = None,
    ) -> Page[ArtifactVersionRecord]:
        """Artifact versions ordered by artifact name then number, or by ``sort_by``:
        ``number``, ``name``, ``version`` or ``created``, with ZenML's ``asc:``/``desc:``;
        ``name``/``artifact_name`` take exact text or ZenML's text filters; ``artifact`` (a
        name or id) and ``model`` (the versions linked to any of its versions) as in ZenML."""
        return self.registry.list_artifact_versions(
            name=name or artifact_name,
            artifact_type=type,
            tag=_one_tag(tag, tags),
            artifact=None if artifact is None else str(artifact),
            model=None if model is None else str(model),
            sort_by=sort_by,
            page=page,
            size=size,
        )

    def delete_artifact_version(
        self,
        name_id_or_prefix: str,
        version: str | int | None = None,
        delete_metadata: bool = True,
        delete_from_artifact_store: bool = False,
    ) -> None:
        """Delete one artifact version (the latest without ``version``) and its links to
        model versions; ``delete_from_artifact_store`` also deletes its payload when no other
        artifact version shares it (local and ``file://`` stores only). ``delete_metadata``
        is accepted: metadata lives in the manifest and always goes with it."""
        del delete_metadata
        self.registry.delete_artifact_versions(
            name_id_or_prefix, version, delete_from_artifact_store=delete_from_artifact_store
        )

    def delete_artifact(
        self,
        name_id_or_prefix: str,
        delete_metadata: bool = True,
        delete_from_artifact_store: bool = False,
    ) -> None:
        """Delete an artifact: every version of it, and their links (see
        ``delete_artifact_version``)."""
        del delete_metadata
        self.registry.delete_artifact_versions(
            name_id_or_prefix,
            every_version=True,
            delete_from_artifact_store=delete_from_artifact_store,
        )

    # ------------------------------------------------------------------------- binding
    def _model(self, record: ModelRecord) -> ModelResponse:
        return ModelResponse.bind(record, self.registry)

    def _version(self, record: ModelVersionRecord) -> ModelVersionResponse:
        return ModelVersionResponse.bind(record, self.registry)

    def __repr__(self) -> str:
        return f"Client(project_dir={str(self.registry.root)!r})"


def _one_tag(tag: str | None, tags: list[str] | None) -> str | None:
    """The one tag a listing filters by: ``tag=``, or ZenML's ``tags=[...]`` holding one (the
    store filters by a single tag; more is refused rather than silently half-applied)."""
    if tags and len(tags) > 1:
        raise InvalidInputError("filter by one tag at a time")
    if tag is not None and tags and tags[0] != tag:
        raise InvalidInputError(f"two tags given (tag={tag!r}, tags={tags!r}); give one")
    return tag or (tags[0] if tags else None)


def _each(page: Page[Any], bind: Any) -> Page[Any]:
    # thousands of responses, all kept: a cyclic GC pass would free nothing (as in listing)
    enabled = gc.isenabled()
    gc.disable()
    try:
        return replace(page, items=[bind(item) for item in page.items])
    finally:
        if enabled:
            gc.enable()
