"""Links between model versions and the artifact versions and runs that belong to them.

Every change rewrites only the model version's own file, under the model's lock, and is
idempotent: linking the same artifact version twice, or attaching the same run twice, leaves
the file byte-for-byte unchanged (nothing is written at all).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zenml_cli.core.artifacts import reads as artifact_reads
from zenml_cli.core.artifacts.records import ArtifactVersionRecord
from zenml_cli.core.metadata import checked_metadata
from zenml_cli.core.models import get_model, model_lock
from zenml_cli.core.records import ArtifactLink, ModelVersionRecord
from zenml_cli.core.refs import RefInput
from zenml_cli.core.versions import resolve, write_version
from zenml_cli.enums import ArtifactType, LinkKind
from zenml_cli.errors import CorruptManifestError, NotFoundError
from zenml_cli.store import Store


def link_kind(
    artifact_type: ArtifactType,
    is_model_artifact: bool = False,
    is_deployment_artifact: bool = False,
) -> LinkKind:
    """Which list a link goes in: flags first, then the artifact's type (a MODEL is a model
    artifact, as in recent ZenML), else data."""
    if is_model_artifact:
        return LinkKind.MODEL
    if is_deployment_artifact:
        return LinkKind.DEPLOYMENT
    return LinkKind.MODEL if artifact_type == ArtifactType.MODEL else LinkKind.DATA


def link_artifact(
    store: Store, model: str, ref: RefInput, artifact: ArtifactVersionRecord, kind: LinkKind
) -> ModelVersionRecord:
    """Link ``artifact`` to a model version as ``kind``. A version already linked (as any
    kind) is left as it is."""

    def add(version: ModelVersionRecord) -> bool:
        if any(link.id == artifact.id for links in version.artifacts.values() for link in links):
            return False
        version.artifacts[kind].append(ArtifactLink(artifact.name, artifact.version, artifact.id))
        return True

    return _change(store, model, ref, add)


def attach_run(store: Store, model: str, ref: RefInput, run_id: str) -> ModelVersionRecord:
    """Record that pipeline run ``run_id`` used this version."""

    def add(version: ModelVersionRecord) -> bool:
        if run_id in version.pipeline_run_ids:
            return False
        version.pipeline_run_ids.append(run_id)
        return True

    return _change(store, model, ref, add)


def mark_failed_run(store: Store, model: str, ref: RefInput, run_id: str) -> ModelVersionRecord:
    """Mark a version created by ``run_id`` as coming from a failed run (versions the run only
    used are left alone)."""

    def mark(version: ModelVersionRecord) -> bool:
        if version.producing_run != run_id or version.from_failed_run:
            return False
        version.from_failed_run = True
        return True

    return _change(store, model, ref, mark)


def add_metadata(
    store: Store, model: str, ref: RefInput, metadata: dict[str, Any]
) -> ModelVersionRecord:
    """Merge ``metadata`` into a model version's run metadata (new keys win)."""
    meta = checked_metadata(metadata)

    def merge(version: ModelVersionRecord) -> bool:
        merged = {**version.run_metadata, **meta}
        if merged == version.run_metadata:
            return False
        version.run_metadata = merged
        return True

    return _change(store, model, ref, merge)


def _change(
    store: Store, model: str, ref: RefInput, change: Callable[[ModelVersionRecord], bool]
) -> ModelVersionRecord:
    with store.lock(model_lock(model)):
        record = get_model(store, model)
        version = resolve(store, record, ref)
        if change(version):
            write_version(store, version)
    return version


# ------------------------------------------------------------------------------- reading
def linked_artifacts(
    store: Store, model: str, ref: RefInput, kind: LinkKind | None = None
) -> list[ArtifactVersionRecord]:
    """The artifact versions linked to a model version (one kind, or all), in link order.
    A link whose artifact manifest is missing raises; ``zenml doctor`` lists them all."""
    version = resolve(store, get_model(store, model), ref)
    kinds = [kind] if kind is not None else list(LinkKind)
    found = []
    for each in kinds:
        for link in version.artifacts[each]:
            record = artifact_reads.read_version(store, link.name, link.version)
            if record is None:
                raise NotFoundError(
                    f"model '{version.model}' version {version.number} links artifact "
                    f"'{link.name}' version '{link.version}', which is missing; run 'zenml doctor'"
                )
            if record.id != link.id:
                raise CorruptManifestError(
                    store.version_source(version.model, version.number),
                    id_clash(link.name, link.version, link.id, record.id),
                )
            found.append(record)
    return found


def find_linked(
    store: Store,
    model: str,
    ref: RefInput,
    name: str,
    version: str | None = None,
    kind: LinkKind | None = None,
) -> ArtifactVersionRecord | None:
    """A linked artifact version by artifact name (and version); without a version, the
    highest-numbered linked one, as ZenML's ``Model.get_artifact`` returns the latest."""
    matches = [
        a
        for a in linked_artifacts(store, model, ref, kind)
        if a.name == name and (version is None or a.version == str(version))
    ]
    return max(matches, key=lambda a: (a.number, a.created)) if matches else None


def id_clash(name: str, version: str, linked_id: str, found_id: str) -> str:
    return (
        f"artifact link '{name}' version '{version}' names id {linked_id}, but that artifact "
        f"version's id is {found_id}: two branches' artifact versions collided in a merge; "
        "run 'zenml resolve'"
    )
