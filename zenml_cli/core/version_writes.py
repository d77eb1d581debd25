"""Writing model versions: registering the next number, rewriting and deleting one.

A version lives in ``versions/<number>.yaml``; which stage it holds lives in model.yaml.
So registering adds one file and rewrites nothing.
"""

from __future__ import annotations

from typing import Any

from zenml_cli.core import history
from zenml_cli.core.actor import current_actor, timestamp
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
)
from zenml_cli.core.records import ModelRecord, ModelVersionRecord
from zenml_cli.core.refs import RefInput
from zenml_cli.core.version_json import JSON_FORM_INDEX, json_pieces
from zenml_cli.core.version_reads import refuse_taken_name, resolve
from zenml_cli.core.version_records import PUBLIC_FORM_INDEX, public_form
from zenml_cli.enums import SINGLE_HOLDER_STAGES
from zenml_cli.errors import ConflictError
from zenml_cli.store import Store


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
            refuse_taken_name(store, record, name)
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
        manifest = version.to_manifest()
        store.create_version(record.name, number, manifest, indexed_forms(manifest))
    return version


def next_number(store: Store, model: ModelRecord) -> int:
    """One more than any number this model has ever used, live or deleted (never reused).

    The highest file number comes from a hint the store validates against the versions
    folder, so registering costs the same at 10 or 10,000 versions."""
    highest = store.highest_version_number(model.name)
    return max([highest, *model.retired_numbers]) + 1


# ------------------------------------------------------------------------------- reading


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
        history.reconcile(
            store,
            record.name,
            record.stages.staging,
            record.stages.production,
            retired=record.retired_numbers,
        )
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
    manifest = version.to_manifest()
    store.write_version(version.model, version.number, manifest, indexed_forms(manifest))


def indexed_forms(manifest: dict[str, Any]) -> dict[str, Any]:
    """What the listings' index keeps of a version manifest this write is about to store: the
    store records it beside the write, so a listing right after (in this process or another)
    finds it ready instead of parsing the file and building the form again (issue 21.5)."""
    form = public_form(manifest)
    return {} if form is None else {PUBLIC_FORM_INDEX: form, JSON_FORM_INDEX: json_pieces(form)}


# ------------------------------------------------------------------------------- helpers
