"""Artifact versions: saving payloads, numbering versions, finding, listing and loading them.

Each artifact name is a folder ``artifacts/<name>/`` with one manifest per version; the
payload lives in the configured artifact store under its sha256 (``store/payloads.py``), and
is written before its manifest, so no manifest ever names a payload that was not stored.
Versions of a name are numbered in save order under the name's lock; an unnamed version is
named after its number, as model versions are. Lookups are exact: never by prefix.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from zenml_cli.core import artifact_retired, materializers
from zenml_cli.core.actor import current_actor, timestamp
from zenml_cli.core.artifact_payloads import about
from zenml_cli.core.artifact_records import ArtifactVersionRecord
from zenml_cli.core.artifact_types import parse_artifact_type
from zenml_cli.core.listing import Page, check_paging, paginate, text_matcher
from zenml_cli.core.metadata import checked_metadata
from zenml_cli.core.names import (
    case_clash,
    check_name,
    check_tags,
    check_text,
    id_key,
    looks_like_id,
)
from zenml_cli.core.problems import Problem
from zenml_cli.digits import is_number_text
from zenml_cli.enums import ArtifactType
from zenml_cli.errors import (
    ConflictError,
    CorruptManifestError,
    InvalidInputError,
    NotFoundError,
)
from zenml_cli.store import Manifest, Store, payloads


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
        digest = target.put_bytes(materialized.data, payloads.CODE if code else payloads.DATA)
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
def version_names(store: Store, name: str) -> list[str]:
    """Version names of an artifact, from file names alone."""
    return store.artifact_version_names(name)


def artifact_names(store: Store) -> list[str]:
    return sorted(store.artifact_names())


def _record(found: Manifest, store: Store) -> ArtifactVersionRecord:
    return ArtifactVersionRecord.from_manifest(found.data, found.source, store)


def read_version(store: Store, name: str, version: str) -> ArtifactVersionRecord | None:
    if not _plausible(name) or not _plausible(version):
        return None
    found = store.read_artifact_version(name, version)
    if found is None or name not in artifact_names(store):  # exact case, even on macOS
        return None
    record = _record(found, store)
    gone = artifact_retired.retired(store, name)
    if artifact_retired.is_deleted(gone, name, version, record.id, found.source):
        return None
    return record


def read_all(store: Store, name: str) -> list[ArtifactVersionRecord]:
    """Every version of one artifact, oldest (lowest number) first."""
    found = store.read_artifact_versions(name, version_names(store, name))
    gone = artifact_retired.retired(store, name)
    records = []
    for manifest in found:
        if manifest is None:
            continue
        record = _record(manifest, store)
        if gone and artifact_retired.is_deleted(
            gone, name, record.version, record.id, manifest.source
        ):
            continue
        records.append(record)
    return sorted(records, key=lambda r: (r.number, r.created))


def get(store: Store, name_or_id: str, version: str | int | None = None) -> ArtifactVersionRecord:
    """An artifact version by exact name (``version=None``: the latest, i.e. highest number)
    or, failing that, by id."""
    name_or_id = str(name_or_id)
    if version is not None:
        found = read_version(store, name_or_id, str(version))
        if found is None:
            raise NotFoundError(_missing_version(store, name_or_id, str(version)))
        return found
    if name_or_id in artifact_names(store):
        versions = read_all(store, name_or_id)
        if versions:
            return versions[-1]
    if looks_like_id(name_or_id):
        found = find_by_id(store, name_or_id)
        if found is not None:
            return found
    raise NotFoundError(
        f"no artifact named '{name_or_id}' and no artifact version with that id; "
        "see 'zenml artifact list'"
    )


def find_by_id(store: Store, artifact_id: str) -> ArtifactVersionRecord | None:
    wanted = id_key(artifact_id)
    for name in artifact_names(store):
        for record in read_all(store, name):
            if id_key(record.id) == wanted:
                return record
    return None


def list_versions(
    store: Store,
    *,
    name: str | None = None,
    artifact_type: ArtifactType | str | None = None,
    tag: str | None = None,
    page: int = 1,
    size: int = 20,
) -> Page[ArtifactVersionRecord]:
    """Artifact versions by artifact name, then number; ``name`` takes ZenML's text filters."""
    check_paging(page, size)
    kind = parse_artifact_type(artifact_type)
    match = text_matcher(name)
    names = [n for n in artifact_names(store) if match is None or match(n)]
    records = [record for n in names for record in read_all(store, n)]
    if kind is not None:
        records = [r for r in records if r.type == kind]
    if tag is not None:
        records = [r for r in records if tag in r.tags]
    return paginate(records, page, size)


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


# ------------------------------------------------------------------------------- helpers
def _plausible(text: str) -> bool:
    return bool(text) and "/" not in text and "\\" not in text and text not in (".", "..")


def _missing_version(store: Store, name: str, version: str) -> str:
    existing = sorted(version_names(store, name)) if _plausible(name) else []
    if not existing:
        return f"no artifact named '{name}'; see 'zenml artifact list'"
    shown = ", ".join(existing[:10]) + (" ..." if len(existing) > 10 else "")
    return (
        f"artifact '{name}' has no version '{version}' (versions: {shown}); "
        f"see 'zenml artifact describe {name}'"
    )


def check_artifacts(store: Store, problems: list[Problem]) -> int:
    """Doctor check: every artifact manifest parses, sits in the right file, and names its
    payload by hash alone (an old-layout ``uri`` must be its own place in the store)."""
    checked = 0
    for (name, version, source), record in _manifests(store, problems):
        checked += 1
        if (record.name, record.version) != (name, version):
            problems.append(
                Problem(
                    source,
                    f"manifest says '{record.name}' version '{record.version}' but the "
                    "file is named otherwise; move it or fix the fields",
                )
            )
        artifact_retired.check(store, name, version, record.id, source, problems)
        if record.legacy_uri is not None:
            try:
                payload_store = payloads.open_payload_store(store)
                payloads.legacy_location(
                    store, payload_store, record.legacy_uri, record.name, record.id
                )
            except (CorruptManifestError, InvalidInputError) as exc:
                problems.append(Problem(source, getattr(exc, "problem", str(exc))))
    return checked


def check_payloads(store: Store, problems: list[Problem]) -> int:
    """``doctor --payloads``: every payload a manifest names is in the store with its recorded
    size (and hash, where the store can tell without a download). RemoteError passes."""
    source = payloads.open_payload_store(store)
    verdicts: dict[tuple[str, int, str], str | None] = {}
    checked = 0
    for (_, _, manifest), record in _manifests(store, []):
        checked += 1
        key = (record.sha256, record.size, record.materializer)
        if record.legacy_uri is not None or key not in verdicts:
            verdicts[key] = _payload_problem(store, source, record, manifest)
        if verdicts[key] is not None:
            problems.append(Problem(manifest, str(verdicts[key])))
    return checked


def _payload_problem(
    store: Store, source: payloads.PayloadStore, record: ArtifactVersionRecord, manifest: str
) -> str | None:
    code = record.materializer in materializers.CODE_MATERIALIZERS
    try:
        with about(record, manifest):
            if record.legacy_uri is not None:
                payloads.legacy_folder(
                    store, source, record.legacy_uri, record.name, record.id, record.digest, code
                )
            else:
                folder = record.materializer == "folder"
                payloads.check_payload(source, record.digest, folder, code)
    except NotFoundError as exc:
        return str(exc)
    except CorruptManifestError as exc:
        return exc.problem
    return None


def _manifests(
    store: Store, problems: list[Problem]
) -> Iterator[tuple[tuple[str, str, str], ArtifactVersionRecord]]:
    """``((name, version, source), record)`` for every artifact manifest that parses, with
    the name and version its file has; the others (and bad names) become problems."""
    for name in artifact_names(store):
        try:
            check_name(name, "artifact name")
        except InvalidInputError as exc:
            problems.append(Problem(store.artifacts_source(name), str(exc)))
        for version in version_names(store, name):
            try:
                found = store.read_artifact_version(name, version)
                if found is not None:  # removed meanwhile
                    yield (name, version, found.source), _record(found, store)
            except CorruptManifestError as exc:
                problems.append(Problem(exc.path, exc.problem))


# ------------------------------------------------------------------------------- migrating
def migrate(store: Store, url: str) -> dict[str, Any]:
    """Copy every payload the manifests name into the store at ``url`` (verified), then make
    it the project's ``artifact_store``. Old-layout payloads become content-addressed objects
    and their manifests are rewritten. Idempotent; a failed copy leaves the config as it was."""
    source = payloads.open_payload_store(store)
    target = payloads.open_payload_store(store, url)
    records = [record for name in artifact_names(store) for record in read_all(store, name)]
    copied = present = 0
    seen: set[str] = set()
    upgrades: list[tuple[ArtifactVersionRecord, payloads.Digest, bool]] = []
    for record in records:
        with about(record, store.artifact_source(record.name, record.version)):
            if record.legacy_uri is not None:
                found = (record.legacy_uri, record.name, record.id, record.digest,
                         record.materializer, record.entry)  # fmt: skip
                upgrades.append((record, *payloads.upgrade_legacy(store, source, target, found)))
            elif record.sha256 not in seen:
                seen.add(record.sha256)
                if payloads.copy_payload(source, target, record.digest):
                    copied += 1
                else:
                    present += 1
    for record, digest, folder in upgrades:
        _upgrade_manifest(store, record, digest, folder)
    store.set_config(replace(store.config, artifact_store=url))
    return {
        "from": source.describe(),
        "to": target.describe(),
        "artifact_versions": len(records),
        "objects_copied": copied,
        "objects_present": present,
        "legacy_upgraded": len(upgrades),
    }


def _upgrade_manifest(
    store: Store, old: ArtifactVersionRecord, digest: payloads.Digest, folder: bool
) -> None:
    with store.lock(artifact_lock(old.name)):
        record = get(store, old.name, old.version)
        if record.legacy_uri is None or record.id != old.id:
            return  # upgraded by someone else meanwhile
        record.sha256, record.size, record.legacy_uri = digest.sha256, digest.size, None
        if record.materializer in materializers.PATH_MATERIALIZERS:
            record.materializer = "folder" if folder else "path"
        store.write_artifact_version(record.name, record.version, record.to_manifest())
