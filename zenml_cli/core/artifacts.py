"""Artifact versions: saving payloads, numbering versions, finding, listing and loading them.

Each artifact name is a folder ``artifacts/<name>/`` with one manifest per version; the
payload lives in the (git-ignored) artifact store under ``<name>/<id>/``. Versions of a name
are numbered in save order under the name's lock; an unnamed version is named after its
number, as model versions are. Lookups are exact: never by prefix.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from zenml_cli.core import materializers
from zenml_cli.core.actor import current_actor, timestamp
from zenml_cli.core.artifact_records import ArtifactVersionRecord
from zenml_cli.core.listing import Page, check_paging, paginate, text_matcher
from zenml_cli.core.metadata import checked_metadata
from zenml_cli.core.models import UUID_PATTERN
from zenml_cli.core.names import check_name
from zenml_cli.core.problems import Problem
from zenml_cli.enums import ArtifactType
from zenml_cli.errors import ConflictError, CorruptManifestError, InvalidInputError, NotFoundError
from zenml_cli.store import Store, payloads


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
) -> ArtifactVersionRecord:
    """Store ``data`` as a new version of artifact ``name``.

    The payload is written and hashed before the lock is taken (it may be large); only the
    version number and the manifest are decided under the lock. ConflictError if ``version``
    is taken.
    """
    check_name(name, "artifact name")
    wanted = check_name(str(version), "artifact version") if version is not None else None
    kind = _artifact_type(artifact_type)
    meta = checked_metadata(metadata or {})
    materialized = materializers.materialize(data)
    store.ensure_created()
    temp = payloads.new_payload_dir(store.artifact_store_dir)
    try:
        entry = _write_payload(temp, materialized)
        sha256, size = payloads.digest(temp)
        with store.lock(artifact_lock(name)):
            _refuse_case_clash(store, name)
            existing = version_names(store, name)
            if wanted is not None and wanted in existing:
                raise ConflictError(
                    f"artifact '{name}' already has a version '{wanted}'; "
                    "choose another version or leave it out to get the next number"
                )
            number = _next_number(existing)
            record = ArtifactVersionRecord(
                name=name,
                version=wanted if wanted is not None else str(number),
                number=number,
                id=str(uuid.uuid4()),
                type=kind or materialized.artifact_type,
                uri="",
                materializer=materialized.materializer,
                data_type=materialized.data_type,
                sha256=sha256,
                size=size,
                entry=entry,
                tags=sorted(set(tags or [])),
                run_metadata=meta,
                environment=materialized.environment,
                producing_run=producing_run,
                producing_step=producing_step,
                created=timestamp(store.clock()),
                created_by=current_actor(),
                store=store,
            )
            final = store.artifact_store_dir / name / record.id
            record.uri = str(final)
            payloads.publish(temp, final)
            store.create_exclusive(
                store.artifact_file(name, record.version), record.to_manifest(store.root)
            )
    finally:
        payloads.discard(temp)  # a no-op once published
    return record


def _write_payload(temp: Path, materialized: materializers.Materialized) -> str | None:
    if materialized.source is not None:
        return payloads.copy_in(materialized.source, temp)
    for file_name, raw in materialized.files.items():
        payloads.write_file(temp, file_name, raw)
    return None


def _next_number(existing: list[str]) -> int:
    """Next number from file names alone: one more than the count or than any all-digit
    version, skipping a number someone already used as an explicit version name."""
    digits = [int(v) for v in existing if v.isdigit()]
    number = max([len(existing), *digits]) + 1
    while str(number) in existing:
        number += 1
    return number


def _refuse_case_clash(store: Store, name: str) -> None:
    folded = name.casefold()
    for other in store.list_entries(store.artifact_dir(name).parent):
        if other != name and other.casefold() == folded:
            raise ConflictError(
                f"artifact '{name}' clashes with existing artifact '{other}': artifact names "
                "are unique ignoring case; use the existing name"
            )


def _artifact_type(value: ArtifactType | str | None) -> ArtifactType | None:
    if value is None or isinstance(value, ArtifactType):
        return value
    try:
        return ArtifactType(value)
    except ValueError:
        choices = ", ".join(t.value for t in ArtifactType)
        raise InvalidInputError(f"unknown artifact type {value!r}; use one of {choices}") from None


# ------------------------------------------------------------------------------- reading
def version_names(store: Store, name: str) -> list[str]:
    """Version names of an artifact, from file names alone."""
    ext = store.ext
    return [e[: -len(ext)] for e in store.list_entries(store.artifact_dir(name)) if e.endswith(ext)]


def artifact_names(store: Store) -> list[str]:
    return sorted(store.list_entries(store.artifact_dir("x").parent))


def read_version(store: Store, name: str, version: str) -> ArtifactVersionRecord | None:
    if not _plausible(name) or not _plausible(version):
        return None
    path = store.artifact_file(name, version)
    data = store.read_optional(path)
    if data is None or name not in artifact_names(store):  # exact case, even on macOS
        return None
    return ArtifactVersionRecord.from_manifest(data, path, store)


def read_all(store: Store, name: str) -> list[ArtifactVersionRecord]:
    """Every version of one artifact, oldest (lowest number) first."""
    paths = [store.artifact_file(name, v) for v in version_names(store, name)]
    records = [
        ArtifactVersionRecord.from_manifest(data, path, store)
        for path, data in zip(paths, store.read_many(paths), strict=True)
        if data is not None
    ]
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
    if UUID_PATTERN.match(name_or_id):
        found = find_by_id(store, name_or_id)
        if found is not None:
            return found
    raise NotFoundError(
        f"no artifact named '{name_or_id}' and no artifact version with that id; "
        "see 'zenml artifact list'"
    )


def find_by_id(store: Store, artifact_id: str) -> ArtifactVersionRecord | None:
    wanted = artifact_id.replace("-", "").lower()
    for name in artifact_names(store):
        for record in read_all(store, name):
            if record.id.replace("-", "").lower() == wanted:
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
    kind = _artifact_type(artifact_type)
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
        store.write(
            store.artifact_file(record.name, record.version), record.to_manifest(store.root)
        )
    return record


# ------------------------------------------------------------------------------- loading
def load_payload(store: Store, record: ArtifactVersionRecord) -> Any:
    """Check the payload against the manifest's sha256 and size, then load it."""
    folder = Path(record.uri)
    label = f"artifact '{record.name}' version '{record.version}'"
    if not payloads.exists(folder):
        raise NotFoundError(
            f"{label}: payload missing at {folder} (the artifact store is git-ignored, so "
            "payloads stay on the machine that saved them); rerun the step that produced it"
        )
    sha256, _size = payloads.digest(folder)
    if sha256 != record.sha256:
        raise CorruptManifestError(
            folder,
            f"{label}: payload sha256 {sha256[:12]}... does not match the manifest's "
            f"{record.sha256[:12]}... (changed after saving); restore it or save a new version",
        )
    manifest = store.artifact_file(record.name, record.version)
    return materializers.load(record.materializer, folder, record.entry, manifest)


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
    """Doctor check: every artifact manifest parses and sits in the right file."""
    checked = 0
    for name in artifact_names(store):
        try:
            check_name(name, "artifact name")
        except InvalidInputError as exc:
            problems.append(Problem(str(store.artifact_dir(name)), str(exc)))
        for version in version_names(store, name):
            path = store.artifact_file(name, version)
            checked += 1
            try:
                record = ArtifactVersionRecord.from_manifest(store.read(path), path, store)
            except CorruptManifestError as exc:
                problems.append(Problem(exc.path, exc.problem))
                continue
            if (record.name, record.version) != (name, version):
                problems.append(
                    Problem(
                        str(path),
                        f"manifest says '{record.name}' version '{record.version}' but the "
                        "file is named otherwise; move it or fix the fields",
                    )
                )
    return checked
