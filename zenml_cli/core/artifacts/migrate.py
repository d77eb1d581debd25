"""Moving the artifact store (``zenml artifact migrate``): copy every payload, upgrade
old-layout manifests, then point the config at the new store; and accepting the store a commit
named (``zenml artifact trust``, see ``store/payloads/consent.py``)."""

from __future__ import annotations

from typing import Any

from zenml_cli.core.artifacts import materializers
from zenml_cli.core.artifacts.loading import about
from zenml_cli.core.artifacts.reads import artifact_names, get, read_all
from zenml_cli.core.artifacts.records import ArtifactVersionRecord
from zenml_cli.core.artifacts.saves import artifact_lock
from zenml_cli.store import Store
from zenml_cli.store.payloads import artifact_store as payloads
from zenml_cli.store.payloads import consent


# ------------------------------------------------------------------------------- migrating
def migrate(store: Store, url: str) -> dict[str, Any]:
    """Copy every payload the manifests name into the store at ``url`` (verified), then make
    it the project's ``artifact_store``. Old-layout payloads become content-addressed objects
    and their manifests are rewritten. Idempotent; a failed copy leaves the config as it was.

    ``url`` is checked before anything is read or written (an empty one would otherwise mean
    "the configured store" to ``open_payload_store``), and the clone accepts it before the
    config names it: a refused acceptance leaves ``config.yaml`` as it was."""
    consent.check_setting(url)
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
    consent.accept(store.payload_home, url)  # this user chose it: no need to trust it again
    store.set_config_value("artifact_store", url)
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


# ------------------------------------------------------------------------------- accepting
def trust(store: Store, url: str | None = None) -> dict[str, Any]:
    """Accept ``url`` (default: the store ``config.yaml`` names now) for this clone. Writes
    only the clone's git dir, never the store, so there is nothing to push."""
    configured = store.config.artifact_store
    chosen = url if url is not None else configured
    recorded = consent.accept(store.payload_home, chosen)
    return {
        "accepted": chosen,
        "needs_acceptance": consent.needs_consent(store.payload_home, chosen),
        "newly_accepted": recorded,
        "configured": configured,
        "configured_usable": consent.is_accepted(store.payload_home, configured),
    }
