"""The model record (``models/<name>/model``), its stage holders and tags.

Attribute names follow ZenML's response models, so code written against ZenML reads them
unchanged; ``from_manifest`` is also the schema check (see ``core/manifest_check.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zenml_cli.core.manifest_check import ManifestChecker
from zenml_cli.core.schema import (
    MODEL_TEXT_FIELDS,
)
from zenml_cli.enums import ModelStages
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
        check = ManifestChecker(data, path)
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
        held = ManifestChecker(stages, path, "stages.")
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

    @classmethod
    def output_fields(cls) -> list[str]:
        """The keys of ``to_dict()``, in order (a CSV header when no model is listed)."""
        return list(cls(name="", id="").to_dict())

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
