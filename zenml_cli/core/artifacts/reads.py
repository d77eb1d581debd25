"""Reading artifact versions: by name and version, by id, every version of a name, and
listings. Lookups are exact: never by prefix."""

from __future__ import annotations

from collections.abc import Callable

from zenml_cli.core.artifacts import named
from zenml_cli.core.artifacts import retired as artifact_retired
from zenml_cli.core.artifacts.records import ArtifactVersionRecord
from zenml_cli.core.artifacts.types import parse_artifact_type
from zenml_cli.core.listing import Page, check_paging, paginate, parse_sort, text_matcher
from zenml_cli.core.names import (
    id_key,
    looks_like_id,
)
from zenml_cli.enums import ArtifactType
from zenml_cli.errors import NotFoundError
from zenml_cli.store import Manifest, Store

#: ``number`` is per artifact name, so it orders by name first; the others break ties the
#: same way, so a listing never depends on the order folders are read in.
ARTIFACT_SORT_KEYS = ("number", "name", "version", "created")
_SORT_KEYS: dict[str, Callable[[ArtifactVersionRecord], tuple[str, str, int]]] = {
    "name": lambda r: (r.name, "", r.number),
    "version": lambda r: (r.version, r.name, r.number),
    "created": lambda r: (r.created, r.name, r.number),
}


def version_names(store: Store, name: str) -> list[str]:
    """Version names of an artifact, from file names alone."""
    return store.artifact_version_names(name)


def artifact_names(store: Store) -> list[str]:
    return sorted(store.artifact_names())


def record_from(found: Manifest, store: Store) -> ArtifactVersionRecord:
    return ArtifactVersionRecord.from_manifest(found.data, found.source, store)


def read_version(store: Store, name: str, version: str) -> ArtifactVersionRecord | None:
    if not _plausible(name) or not _plausible(version):
        return None
    found = store.read_artifact_version(name, version)
    if found is None or name not in artifact_names(store):  # exact case, even on macOS
        return None
    record = record_from(found, store)
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
        record = record_from(manifest, store)
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
    artifact: str | None = None,
    model: str | None = None,
    sort_by: str = "number",
    page: int = 1,
    size: int = 20,
) -> Page[ArtifactVersionRecord]:
    """Artifact versions by artifact name, then number; ``sort_by`` takes one of
    ``ARTIFACT_SORT_KEYS``, optionally prefixed ``asc:``/``desc:`` as in ZenML; ``name``
    takes ZenML's text filters. ``artifact`` (a name or an artifact id) keeps one artifact's
    versions, ``model`` (a name or id) those linked to any version of that model."""
    key, descending = parse_sort(sort_by, ARTIFACT_SORT_KEYS)
    check_paging(page, size)
    kind = parse_artifact_type(artifact_type)
    match = text_matcher(name)
    names = [n for n in artifact_names(store) if match is None or match(n)]
    if artifact is not None:
        chosen = named.artifact_name(store, str(artifact))
        names = [n for n in names if n == chosen]
    linked = named.linked_ids(store, model) if model is not None else None
    records = [record for n in names for record in read_all(store, n)]
    if linked is not None:
        records = [r for r in records if r.id in linked]
    if kind is not None:
        records = [r for r in records if r.type == kind]
    if tag is not None:
        records = [r for r in records if tag in r.tags]
    if key != "number":  # ``number`` is the order read_all and the sorted names give
        records.sort(key=_SORT_KEYS[key])
    if descending:
        records.reverse()
    return paginate(records, page, size)


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
