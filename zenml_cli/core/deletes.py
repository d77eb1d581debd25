"""Deleting what pipelines create: runs, artifact versions, and their links to model versions.

As in ZenML: deleting a run keeps the model versions and artifacts it made (they forget the
run); deleting an artifact version removes its links from every model version; ``only_link``
removes just one model version's link. Payloads are content-addressed and may be shared by
several artifact versions, so a payload is deleted (``delete_from_artifact_store``) only when
no remaining manifest names it, and only from a local or ``file://`` store: objects in s3/gs/az
stores are left in place (the report says so; a bucket lifecycle rule can collect them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from zenml_cli.core import artifacts
from zenml_cli.core.artifacts.records import ArtifactVersionRecord
from zenml_cli.core.artifacts.retired import retire
from zenml_cli.core.models import get_model, model_lock, read_model_folder
from zenml_cli.core.records import ModelVersionRecord
from zenml_cli.core.refs import RefInput
from zenml_cli.core.runs import RunRecord, find_run
from zenml_cli.core.versions import read_versions, resolve, write_version
from zenml_cli.enums import LinkKind
from zenml_cli.store import Store
from zenml_cli.store.payloads import artifact_store as payloads


@dataclass
class Deleted:
    """What a delete removed, for the caller (and the commit message) to report."""

    artifact_versions: list[ArtifactVersionRecord] = field(default_factory=list)
    unlinked: int = 0
    #: sha256 of payload objects removed from the artifact store.
    payloads_removed: list[str] = field(default_factory=list)
    #: sha256 of unreferenced payloads left in place (a remote store).
    payloads_kept: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------- runs
def delete_run(store: Store, name_or_id: str) -> RunRecord:
    """Remove a run's manifest; model versions that name it forget it."""
    run = find_run(store, name_or_id)

    def forget(version: ModelVersionRecord) -> bool:
        changed = run.id in version.pipeline_run_ids or version.producing_run == run.id
        version.pipeline_run_ids = [r for r in version.pipeline_run_ids if r != run.id]
        if version.producing_run == run.id:
            version.producing_run = None
        return changed

    for model in {str(used.get("model")) for used in run.model_versions if used.get("model")}:
        _each_version(store, model, forget)
    store.remove_run(run.id)
    return run


# ------------------------------------------------------------------------------- artifacts
def delete_artifact_versions(
    store: Store, records: list[ArtifactVersionRecord], delete_from_artifact_store: bool = False
) -> Deleted:
    """Remove artifact versions, their links from every model version, and (optionally) the
    payloads no remaining manifest names."""
    done = Deleted(artifact_versions=list(records))
    ids = {record.id for record in records}
    for model in store.model_names():
        done.unlinked += _each_version(store, model, lambda v: _drop_links(v, ids))
    for record in records:
        with store.lock(artifacts.artifact_lock(record.name)):
            retire(store, record.name, record.version, record.number, record.id)  # first
            store.remove_artifact_version(record.name, record.version)
    if delete_from_artifact_store:
        _remove_payloads(store, {r.sha256 for r in records}, done)
    return done


def unlink_artifacts(
    store: Store, model: str, ref: RefInput, names: list[str] | None, version: str | None = None
) -> list[ArtifactVersionRecord]:
    """Remove the links of one model version to artifacts ``names`` (all when None; only
    ``version`` of them when given). Returns the artifact versions that were linked."""
    removed: list[ArtifactVersionRecord] = []
    with store.lock(model_lock(model)):
        target = resolve(store, get_model(store, model), ref)
        for kind in LinkKind:
            kept = []
            for link in target.artifacts[kind]:
                wanted = (names is None or link.name in names) and (
                    version is None or link.version == version
                )
                if not wanted:
                    kept.append(link)
                    continue
                found = artifacts.read_version(store, link.name, link.version)
                if found is not None:
                    removed.append(found)
            target.artifacts[kind] = kept
        if removed:
            write_version(store, target)
    return removed


def _drop_links(version: ModelVersionRecord, ids: set[str]) -> bool:
    changed = False
    for kind in LinkKind:
        kept = [link for link in version.artifacts[kind] if link.id not in ids]
        changed = changed or len(kept) != len(version.artifacts[kind])
        version.artifacts[kind] = kept
    return changed


def _each_version(store: Store, model: str, change: Callable[[ModelVersionRecord], bool]) -> int:
    """Apply ``change`` to every version of ``model`` under its lock; rewrite the changed ones."""
    changed = 0
    with store.lock(model_lock(model)):
        record = read_model_folder(store, model)
        if record is None:  # deleted meanwhile
            return 0
        for version in read_versions(store, record):
            if change(version):
                write_version(store, version)
                changed += 1
    return changed


def _remove_payloads(store: Store, candidates: set[str], done: Deleted) -> None:
    """Delete the payloads among ``candidates`` that no remaining manifest names."""
    named = {
        record.sha256
        for name in artifacts.artifact_names(store)
        for record in artifacts.read_all(store, name)
    }
    target = payloads.open_payload_store(store)
    for sha256 in sorted(candidates - named):
        if not target.removes_unused:
            done.payloads_kept.append(sha256)
        elif target.remove(sha256):
            done.payloads_removed.append(sha256)
