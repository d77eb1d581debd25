"""Saving artifact versions, and changing their metadata and tags.

Each artifact name is a folder ``artifacts/<name>/`` with one manifest per version; the
payload lives in the configured artifact store under its sha256 (``store/payloads/``), and
is written before its manifest, so no manifest ever names a payload that was not stored.
Versions of a name are numbered in save order under the name's lock; an unnamed version is
named after its number, as model versions are.
"""

from __future__ import annotations

import uuid
from typing import Any

from zenml_cli.core.actor import current_actor, timestamp
from zenml_cli.core.artifacts import materializers
from zenml_cli.core.artifacts import retired as artifact_retired
from zenml_cli.core.artifacts.reads import get, version_names
from zenml_cli.core.artifacts.records import ArtifactVersionRecord
from zenml_cli.core.artifacts.types import parse_artifact_type
from zenml_cli.core.metadata import checked_metadata
from zenml_cli.core.names import (
    case_clash,
    check_name,
    check_tags,
    check_text,
)
from zenml_cli.digits import is_number_text
from zenml_cli.enums import ArtifactType
from zenml_cli.errors import (
    ConflictError,
)
from zenml_cli.store import Store
from zenml_cli.store.payloads import artifact_store as payloads


def artifact_lock(name: str) -> str:
    return f"artifact-{name}"


# ------------------------------------------------------------------------------- saving
def save(
    store: Store,
    data: Any,
    name: str,
    version: str | int | None = None,
    *,
    artifact_type: ArtifactType | str | None = None,
    tags: list[str] | None = None,
    metadata: dict[str, Any] | None = None,
    producing_run: str | None = None,
    producing_step: str | None = None,
    cache_key: str | None = None,
) -> ArtifactVersionRecord:
    """Store ``data`` as a new version of artifact ``name``.

    The payload is stored (and hashed) before the lock is taken (it may be large); only the
    version number and the manifest are decided under the lock. ConflictError if ``version``
    is taken.
    """
    name = check_name(name, "artifact name")
    wanted = check_name(str(version), "artifact version") if version is not None else None
    kind = parse_artifact_type(artifact_type)
    meta = checked_metadata(metadata or {})
    tags = check_tags(tags)  # every input checked before the payload is stored
    check_text(producing_run, "producing run")
    check_text(producing_step, "producing step")
    _refuse_taken(name, wanted, version_names(store, name))  # checked again under the lock
    materialized = materializers.materialize(data)
    store.ensure_created()
    materializer, digest, entry = _store_payload(store, materialized)
    with store.lock(artifact_lock(name)):
        _refuse_case_clash(store, name)
        existing = version_names(store, name)
        deleted = list(artifact_retired.retired(store, name))
        _refuse_taken(name, wanted, existing)
        number = _next_number([*existing, *deleted])  # a deleted number is never reused
        record = ArtifactVersionRecord(
            name=name,
            version=wanted if wanted is not None else str(number),
            number=number,
            id=str(uuid.uuid4()),
            type=kind or materialized.artifact_type,
            materializer=materializer,
            data_type=materialized.data_type,
            sha256=digest.sha256,
            size=digest.size,
            entry=entry,
            tags=sorted(set(tags or [])),
            run_metadata=meta,
            environment=materialized.environment,
            producing_run=producing_run,
            producing_step=producing_step,
            created=timestamp(store.clock()),
            created_by=current_actor(),
            cache_key=cache_key,
            store=store,
        )
        store.create_artifact_version(name, record.version, record.to_manifest())
    return record


def _refuse_taken(name: str, wanted: str | None, existing: list[str]) -> None:
    if wanted is not None and wanted in existing:
        raise ConflictError(
            f"artifact '{name}' already has a version '{wanted}'; "
            "choose another version or leave it out to get the next number"
        )


def _store_payload(
    store: Store, materialized: materializers.Materialized
) -> tuple[str, payloads.Digest, str | None]:
    """Put the payload in the artifact store: (materializer, digest, entry name)."""
    target = payloads.open_payload_store(store)
    if materialized.source is None:
        code = materialized.materializer in materializers.CODE_MATERIALIZERS
        kind = payloads.CODE if code else payloads.DATA
        if materialized.pieces is not None:
            digest = target.put_pieces(materialized.pieces, kind)
        elif materialized.write is not None:
            digest = target.put_stream(materialized.write, kind)
        else:
            digest = target.put_bytes(materialized.data, kind)
        return materialized.materializer, digest, None
    digest, folder, entry = payloads.put_path(target, materialized.source)
    return ("folder" if folder else "path"), digest, entry


def _next_number(existing: list[str]) -> int:
    """Next number from file names alone: one more than the count or than any all-digit
    version, skipping a number someone already used as an explicit version name."""
    digits = [int(v) for v in existing if is_number_text(v)]
    number = max([len(existing), *digits]) + 1
    while str(number) in existing:
        number += 1
    return number


def _refuse_case_clash(store: Store, name: str) -> None:
    other = case_clash(name, store.artifact_names(), ignoring=name)
    if other is not None:
        raise ConflictError(
            f"artifact '{name}' clashes with existing artifact '{other}': artifact names "
            "are unique ignoring case; use the existing name"
        )


# ------------------------------------------------------------------------------- reading


def add_metadata(
    store: Store, name_or_id: str, version: str | None, metadata: dict[str, Any]
) -> ArtifactVersionRecord:
    """Merge ``metadata`` into an artifact version's metadata, under the artifact's lock."""
    meta = checked_metadata(metadata)
    target = get(store, name_or_id, version)
    with store.lock(artifact_lock(target.name)):
        record = get(store, target.name, target.version)
        record.run_metadata = {**record.run_metadata, **meta}
        store.write_artifact_version(record.name, record.version, record.to_manifest())
    return record


def update_tags(
    store: Store, name_or_id: str, version: str | None, add: list[str], remove: list[str]
) -> ArtifactVersionRecord:
    """Add and remove tags of an artifact version (ZenML's ``add_tags``/``remove_tags``),
    under the artifact's lock."""
    from zenml_cli.core.names import check_tags

    adding, removing = check_tags(add), set(check_tags(remove))
    target = get(store, name_or_id, version)
    with store.lock(artifact_lock(target.name)):
        record = get(store, target.name, target.version)
        record.tags = sorted((set(record.tags) | set(adding)) - removing)
        store.write_artifact_version(record.name, record.version, record.to_manifest())
    return record
