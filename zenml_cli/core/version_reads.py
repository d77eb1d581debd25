"""Reading model versions: by number, name, id or stage, live numbers, and the messages that
say which references exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zenml_cli.core import identity
from zenml_cli.core.models import (
    get_model,
)
from zenml_cli.core.names import (
    id_key,
    looks_like_id,
)
from zenml_cli.core.records import ModelRecord, ModelVersionRecord
from zenml_cli.core.refs import RefInput, VersionRef, is_number_text
from zenml_cli.enums import ModelStages
from zenml_cli.errors import ConflictError, CorruptManifestError, NotFoundError
from zenml_cli.store import Store


def get_version(store: Store, model: str, ref: RefInput = None) -> ModelVersionRecord:
    """Resolve a version reference (see ``core/refs.py``); ``None`` means ``latest``."""
    record = get_model(store, model)
    return resolve(store, record, ref)


def resolve(store: Store, model: ModelRecord, ref: RefInput) -> ModelVersionRecord:
    """The version ``ref`` names: a number, the holder of a stage, or a name (else an id).
    The facade passes a parsed VersionRef; parsing one again is a no-op."""
    ref = VersionRef.parse(ref)
    number: int | None
    if ref.number is not None:
        number = ref.number
    elif ref.stage is not None:
        number = _number_in_stage(store, model, ref.stage)
        if number is None and ref.stage == ModelStages.LATEST:  # no versions at all
            raise NotFoundError(
                f"model '{model.name}' has no versions yet; create one with "
                f"'zenml model version create {model.name}'"
            )
        if number is None:
            raise NotFoundError(
                f"model '{model.name}' has no version in stage '{ref.stage.value}'; "
                f"see 'zenml model version list --model {model.name}'"
            )
    else:
        value = str(ref.name)
        found = _find_by_name(store, model, value)
        if found is None and looks_like_id(value):
            found = _find_by_id(store, model, value)
        if found is None:
            raise NotFoundError(
                f"model '{model.name}' has no version named '{value}' "
                f"({_describe_range(store, model)}); "
                f"see 'zenml model version list --model {model.name}'"
            )
        return found
    if number in model.retired_numbers:
        raise NotFoundError(
            f"version {number} of model '{model.name}' was deleted (numbers are never reused); "
            f"see 'zenml model version history {model.name}'"
        )
    version = read_number(store, model, number)
    if version is None:
        raise NotFoundError(
            f"model '{model.name}' has no version number {number} "
            f"({_describe_range(store, model)}); "
            f"see 'zenml model version list --model {model.name}'"
        )
    return version


def live_numbers(store: Store, model: ModelRecord, *, require_model: bool = False) -> list[int]:
    """Numbers of the model's versions, ascending. A number retired by a delete that crashed
    before removing its file counts as deleted. ``require_model``: a model folder gone since
    ``model`` was read raises FileNotFoundError (a listing then starts again)."""
    retired = set(model.retired_numbers)
    files = store.version_numbers(model.name, require_model=require_model)
    if retired and not retired.isdisjoint(files):  # a leftover of a delete, or a collision
        collisions = identity.retired_collisions(store, model, files)
        if collisions:
            raise CorruptManifestError(store.model_source(model.name), collisions[0])
    return sorted(n for n in files if n not in retired)


def read_versions(
    store: Store, model: ModelRecord, numbers: list[int] | None = None
) -> list[ModelVersionRecord]:
    """Version records for ``numbers`` (default: all), with stage filled from model.yaml."""
    wanted = live_numbers(store, model) if numbers is None else numbers
    records = []
    for number, manifest in zip(wanted, store.read_versions(model.name, wanted), strict=True):
        if manifest is not None:
            records.append(_numbered_record(model, number, manifest.source, manifest.data))
    return records


def _numbered_record(
    model: ModelRecord, number: int, path: str, data: dict[str, Any]
) -> ModelVersionRecord:
    """``_record`` of the file of version ``number``, which must say that number inside: a
    file saved under another number (a merge fixed by hand) would show as a wrong row."""
    version = _record(model, path, data)
    if version.number != number:
        raise CorruptManifestError(path, number_mismatch(version.number, number))
    return version


def number_mismatch(inside: int, file_number: int) -> str:
    """What is wrong with a version file whose ``number`` differs from its file name (doctor
    says the same)."""
    return (
        f"number {inside} does not match the file name (this is the file of version "
        f"{file_number}; a merge fixed by hand?); set 'number: {file_number}' in it, or give "
        "it a free number and rename the file to match"
    )


def _record(model: ModelRecord, path: str, data: dict[str, Any]) -> ModelVersionRecord:
    """A version record from its manifest, with the model's stages and id filled in."""
    version = ModelVersionRecord.from_manifest(model.name, data, path, model.stages)
    version.model_id = model.id
    if model.version_ids:
        identity.check_version(model, version.number, version.id, path)
    return version


def _number_in_stage(store: Store, model: ModelRecord, stage: ModelStages) -> int | None:
    if stage == ModelStages.LATEST:
        highest = store.highest_version_number(model.name)
        if highest and highest not in model.retired_numbers:
            return highest  # the common case, without listing the folder
        numbers = live_numbers(store, model)
        return numbers[-1] if numbers else None
    if stage in (ModelStages.STAGING, ModelStages.PRODUCTION):
        return model.stages.holder(stage)
    if stage == ModelStages.ARCHIVED:
        return max(model.stages.archived, default=None)
    in_none = [n for n in live_numbers(store, model) if model.stages.stage_of(n) == stage]
    return in_none[-1] if in_none else None


def read_number(store: Store, model: ModelRecord, number: int) -> ModelVersionRecord | None:
    if number in model.retired_numbers:
        return None
    found = read_versions(store, model, [number])
    return found[0] if found else None


def _find_by_name(store: Store, model: ModelRecord, name: str) -> ModelVersionRecord | None:
    if is_number_text(name):  # an auto-named version's name is its number
        return read_number(store, model, int(name))
    return _find_version(store, model, "name", lambda value: value == name)


def _find_by_id(store: Store, model: ModelRecord, version_id: str) -> ModelVersionRecord | None:
    wanted = id_key(version_id)
    return _find_version(store, model, "id", lambda value: id_key(value) == wanted)


def _find_version(
    store: Store, model: ModelRecord, field: str, match: Callable[[str], bool]
) -> ModelVersionRecord | None:
    """The lowest-numbered version whose ``field`` matches. Matching runs on a small index of
    each file's name and id; a record is built only for a match, for a file whose field is not
    text, or for a file the index could not decode, so that errors still name the file."""
    numbers = live_numbers(store, model)
    known = store.version_fields(model.name, ("name", "id"), numbers)
    position = ("name", "id").index(field)
    candidates = []
    for number in numbers:
        values = known.get(number)
        value = values[position] if values is not None else None
        if not isinstance(value, str) or match(value):
            candidates.append(number)
    for number, manifest in zip(
        candidates, store.read_versions(model.name, candidates), strict=True
    ):
        if manifest is None:
            continue
        version = _numbered_record(model, number, manifest.source, manifest.data)
        if match(getattr(version, field)):
            return version
    return None


def _describe_range(store: Store, model: ModelRecord) -> str:
    numbers = live_numbers(store, model)
    if not numbers:
        return "it has no versions yet"
    return (
        f"versions: {numbers[0]}..{numbers[-1]}" if len(numbers) > 1 else f"version: {numbers[0]}"
    )


def refuse_taken_name(store: Store, record: ModelRecord, name: str) -> None:
    clash = _find_by_name(store, record, name)
    if clash is not None:
        raise ConflictError(
            f"model '{record.name}' already has a version named '{name}' "
            f"(number {clash.number}); choose another name, or see "
            f"'zenml model version describe {record.name} {clash.number}'"
        )
