"""The keyword sets of the registry's writes and listings, as typed dictionaries.

``Registry`` methods take these as ``**keywords: Unpack[...]``, so a front end that passes a
misspelt or mistyped keyword fails ``mypy --strict`` instead of at run time, and the core
function each one reaches checks the same set. Each mirrors that core function's keyword
parameters (``tests/core/test_layers.py`` holds them equal).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from zenml_cli.core.number_filter import NumberFilter
    from zenml_cli.enums import ArtifactType, ExecutionStatus, ModelStages


class ModelText(TypedDict, total=False):
    """A model's free-text fields (``core/schema.MODEL_TEXT_FIELDS``)."""

    license: str | None
    description: str | None
    audience: str | None
    use_cases: str | None
    limitations: str | None
    trade_offs: str | None
    ethics: str | None


class NewModel(ModelText, total=False):
    """``core/models.create_model``."""

    tags: list[str] | None
    save_models_to_registry: bool


class ModelChanges(ModelText, total=False):
    """``core/models.update_model``."""

    name: str | None
    add_tags: list[str] | None
    remove_tags: list[str] | None
    save_models_to_registry: bool | None


class ModelFilters(TypedDict, total=False):
    """``core/models.list_models``."""

    name: str | None
    tag: str | None
    sort_by: str
    page: int
    size: int


class RunFilters(TypedDict, total=False):
    """``core/run_listing.list_runs``."""

    name: str | None
    status: str | ExecutionStatus | None
    sort_by: str
    page: int
    size: int


class NewVersion(TypedDict, total=False):
    """``core/version_writes.create_version``."""

    description: str | None
    tags: list[str] | None
    producing_run: str | None
    metadata: dict[str, Any] | None


class VersionChanges(TypedDict, total=False):
    """``core/versions.update_version`` (its gates are the registry's own parameters)."""

    stage: str | ModelStages | None
    force: bool
    name: str | None
    description: str | None
    add_tags: list[str] | None
    remove_tags: list[str] | None
    message: str | None
    metadata: dict[str, Any] | None


class VersionFilters(TypedDict, total=False):
    """``core/version_listing.list_versions``, ``list_version_dicts`` and ``list_version_json``."""

    name: str | None
    stage: str | ModelStages | None
    number: NumberFilter | None
    tag: str | None
    sort_by: str
    page: int
    size: int
    where: list[str] | None


class NewArtifact(TypedDict, total=False):
    """``core/artifacts/saves.save``."""

    version: str | int | None
    artifact_type: ArtifactType | str | None
    tags: list[str] | None
    metadata: dict[str, Any] | None
    producing_run: str | None
    producing_step: str | None
    cache_key: str | None


class ArtifactFilters(TypedDict, total=False):
    """``core/artifacts/reads.list_versions``."""

    name: str | None
    artifact_type: ArtifactType | str | None
    tag: str | None
    artifact: str | None
    model: str | None
    sort_by: str
    page: int
    size: int


class StoreSettings(TypedDict, total=False):
    """``core/setup.init_store``."""

    manifest_format: str
    strict_force: bool
    production_requires_staging: bool


class ResolveOptions(TypedDict, total=False):
    """``core/merge/resolve.resolve``."""

    base: str | None
    ours: str | None
    theirs: str | None
    commit: bool
    check_only: bool
    hook: str | None
    onto: str | None
