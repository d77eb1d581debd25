"""Model versions: numbering, references, stage changes, renames, deletes, listing.

A version lives in ``versions/<number>.yaml``; which stage it holds lives in model.yaml.
So registering adds one file and rewrites nothing, and a promotion (including archiving the
previous holder) rewrites model.yaml alone, in one atomic write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from zenml_cli.core import history, identity, stages
from zenml_cli.core.actor import current_actor, timestamp
from zenml_cli.core.gates import Gate, IfCurrent, check_gate, check_if_current
from zenml_cli.core.metadata import checked_metadata
from zenml_cli.core.models import (
    get_model,
    model_lock,
    write_model,
)
from zenml_cli.core.names import (
    check_tags,
    check_text,
    check_version_name,
    id_key,
    looks_like_id,
)
from zenml_cli.core.records import ModelRecord, ModelVersionRecord, StageHolders
from zenml_cli.core.refs import RefInput, VersionRef, is_number_text
from zenml_cli.enums import SINGLE_HOLDER_STAGES, ModelStages
from zenml_cli.errors import ConflictError, CorruptManifestError, InvalidInputError, NotFoundError
from zenml_cli.store import Store


@dataclass
class VersionUpdate:
    """The result of ``update_version``: the version as it is now, and what changed."""

    version: ModelVersionRecord
    stage_change: stages.StageChange | None = None
    renamed_from: str | None = None
    #: What ``--if-better`` compared (key, direction, candidate, holder, holder_value).
    gate: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        data = self.version.to_dict()
        change = self.stage_change
        data["previous_stage"] = change.from_stage.value if change else None
        data["archived_version"] = change.archived if change else None
        data["renamed_from"] = self.renamed_from
        if self.gate is not None:
            data["gate"] = self.gate
        return data


# ------------------------------------------------------------------------------- creating
def create_version(
    store: Store,
    model: str,
    name: str | None = None,
    *,
    description: str | None = None,
    tags: list[str] | None = None,
    producing_run: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> ModelVersionRecord:
    """Register the next version of ``model``. Unnamed versions are named after their number.

    ConflictError if ``name`` is taken. Safe under any number of concurrent processes: the
    number is allocated and the file written while holding the model's lock.
    """
    import uuid  # here: uuid imports platform (~3 ms), which read-only commands never need

    if name is not None:
        name = check_version_name(name)
    tags = check_tags(tags)
    check_text(description, "description")
    check_text(producing_run, "producing run")
    with store.lock(model_lock(model)):
        record = get_model(store, model)
        if name is not None:
            _refuse_taken_name(store, record, name)
        number = next_number(store, record)
        version = ModelVersionRecord(
            model=record.name,
            model_id=record.id,
            number=number,
            name=name if name is not None else str(number),
            id=str(uuid.uuid4()),
            description=description,
            tags=tags,
            created=timestamp(store.clock()),
            created_by=current_actor(),
            producing_run=producing_run,
            run_metadata=checked_metadata(metadata or {}),
        )
        store.create_version(record.name, number, version.to_manifest())
    return version


def next_number(store: Store, model: ModelRecord) -> int:
    """One more than any number this model has ever used, live or deleted (never reused).

    The highest file number comes from a hint the store validates against the versions
    folder, so registering costs the same at 10 or 10,000 versions."""
    highest = store.highest_version_number(model.name)
    return max([highest, *model.retired_numbers]) + 1


# ------------------------------------------------------------------------------- reading
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


def update_version(
    store: Store,
    model: str,
    ref: RefInput = None,
    *,
    stage: str | ModelStages | None = None,
    force: bool = False,
    name: str | None = None,
    description: str | None = None,
    add_tags: list[str] | None = None,
    remove_tags: list[str] | None = None,
    message: str | None = None,
    metadata: dict[str, Any] | None = None,
    if_better: Gate | None = None,
    if_current: IfCurrent | None = None,
) -> VersionUpdate:
    """Promote, rename, re-describe, re-tag or add metadata to one version, under the
    model's lock.

    A promotion to an occupied ``staging``/``production`` archives the previous holder in the
    same write of model.yaml. Every stage change and rename is recorded in the history.
    ``if_current`` and ``if_better`` are preconditions on the promotion, checked here on the
    state just read (``if_better`` on the metadata as merged by this same update).
    """
    target = stages.parse_stage(stage) if stage is not None else None
    if target is None and (if_better is not None or if_current is not None):
        raise InvalidInputError("--if-better and --if-current guard a promotion; add --stage")
    if name is not None:
        name = check_version_name(name)
    check_tags(add_tags)
    check_tags(remove_tags)
    check_text(description, "description")
    check_text(message, "message")
    meta = checked_metadata(metadata) if metadata is not None else {}
    with store.lock(model_lock(model)):
        record = get_model(store, model)
        version = resolve(store, record, ref)
        result = VersionUpdate(version=version)
        if target is not None:
            history.reconcile(
                store, record.name, record.stages.staging, record.stages.production, message
            )
        merged = {**version.run_metadata, **meta}
        new_metadata = merged if merged != version.run_metadata else None
        if target is not None:
            result.gate = _check_preconditions(
                store, record, version, merged, target, if_better, if_current
            )
        # Decide everything before writing anything: a refused rename or promotion must
        # leave both files as they were.
        if name is not None and name != version.name:
            _refuse_taken_name(store, record, name)
            result.renamed_from = version.name
        change = None
        if target is not None:
            new_holders, change = stages.plan(
                record.stages,
                version.number,
                target,
                policies=stages.Policies.from_config(store.config.policies),
                force=force,
                model=record.name,
            )
        # Intent first (a journal, as SQLite's): each event is appended before the manifest
        # write it records. A failed append changes nothing; a crash between the two leaves
        # an event model.yaml does not reflect, which doctor reports (see README).
        if result.renamed_from is not None:
            history.record(
                store,
                record.name,
                "rename",
                version=version.number,
                version_id=version.id,
                version_name=name,
                from_=result.renamed_from,
                to=name,
                message=message,
            )
        if (
            result.renamed_from is not None
            or description is not None
            or add_tags
            or remove_tags
            or new_metadata is not None
        ):
            if new_metadata is not None:
                version.run_metadata = new_metadata
            _rewrite_fields(store, version, name, description, add_tags, remove_tags)
        if change is not None:
            result.stage_change = change
            if change.changed:
                apply_stage_change(
                    store, record, version, change, new_holders, message=message, gate=result.gate
                )
    return result


def apply_stage_change(
    store: Store,
    record: ModelRecord,
    version: ModelVersionRecord,
    change: stages.StageChange,
    new_holders: StageHolders,
    *,
    message: str | None,
    gate: dict[str, Any] | None = None,
    rollback: bool = False,
) -> None:
    """Record one planned stage change (intent first: the event, then model.yaml's holders in
    one write). The one place a stage event is built: promotions and rollbacks alike."""
    history.record(
        store,
        record.name,
        "stage",
        version=version.number,
        version_name=version.name,
        from_=change.from_stage.value,
        to=change.to_stage.value,
        archived=change.archived,
        archived_id=None if change.archived is None else record.version_ids.get(change.archived),
        message=message,
        gate=gate,
        rollback=rollback,
        version_id=version.id,
    )
    record.stages = new_holders
    record.version_ids[version.number] = version.id
    write_model(store, record)
    version.stage = change.to_stage


def _check_preconditions(
    store: Store,
    record: ModelRecord,
    version: ModelVersionRecord,
    metadata: dict[str, Any],
    target: ModelStages,
    if_better: Gate | None,
    if_current: IfCurrent | None,
) -> dict[str, Any] | None:
    """Check ``if_current`` then ``if_better`` against the holders just read; the gate's
    record for the history, or None without a gate."""
    if if_current is not None:
        check_if_current(record.name, record.stages, target, if_current, version.number)
    if if_better is None:
        return None
    holder_number = record.stages.holder(target) if target in SINGLE_HOLDER_STAGES else None
    holder = read_number(store, record, holder_number) if holder_number is not None else None
    candidate = replace(version, run_metadata=metadata)
    return check_gate(record.name, candidate, holder, target, if_better)


def _refuse_taken_name(store: Store, record: ModelRecord, name: str) -> None:
    clash = _find_by_name(store, record, name)
    if clash is not None:
        raise ConflictError(
            f"model '{record.name}' already has a version named '{name}' "
            f"(number {clash.number}); choose another name, or see "
            f"'zenml model version describe {record.name} {clash.number}'"
        )


def _rewrite_fields(
    store: Store,
    version: ModelVersionRecord,
    name: str | None,
    description: str | None,
    add_tags: list[str] | None,
    remove_tags: list[str] | None,
) -> None:
    if name is not None:
        version.name = name
    if description is not None:
        version.description = description
    version.tags = sorted((set(version.tags) | set(add_tags or [])) - set(remove_tags or []))
    write_version(store, version)


def delete_version(
    store: Store, model: str, ref: RefInput, *, force: bool = False
) -> ModelVersionRecord:
    """Delete one version. Its number is retired first (in model.yaml), so it is never reused,
    even if the process dies before the version file is removed. Deleting the holder of
    staging or production needs ``force`` (ConflictError otherwise): it empties that stage."""
    with store.lock(model_lock(model)):
        record = get_model(store, model)
        version = resolve(store, record, ref)
        held = record.stages.stage_of(version.number)
        if held in SINGLE_HOLDER_STAGES and not force:
            raise ConflictError(
                f"version {version.number} of model '{record.name}' holds '{held.value}'; "
                "deleting it would leave the stage empty: promote another version first, or "
                "pass --force (force=True)"
            )
        history.reconcile(store, record.name, record.stages.staging, record.stages.production)
        history.record(  # intent first, as for a stage change
            store,
            record.name,
            "delete",
            version=version.number,
            version_id=version.id,
            version_name=version.name,
            from_=version.stage.value,
        )
        record.stages = record.stages.without(version.number)
        record.retired_numbers = sorted({*record.retired_numbers, version.number})
        record.version_ids[version.number] = version.id  # the id is retired with its number
        write_model(store, record)
        store.remove_version(record.name, version.number)
    return version


def write_version(store: Store, version: ModelVersionRecord) -> None:
    """Rewrite one version manifest (caller holds the model's lock)."""
    store.write_version(version.model, version.number, version.to_manifest())


# ------------------------------------------------------------------------------- helpers
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
