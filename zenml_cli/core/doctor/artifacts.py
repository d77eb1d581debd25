"""Doctor's artifact checks: every manifest parses and sits in its file, and (with
``--payloads``) every payload it names is in the artifact store."""

from __future__ import annotations

from collections.abc import Iterator

from zenml_cli.core.artifacts import materializers
from zenml_cli.core.artifacts import retired as artifact_retired
from zenml_cli.core.artifacts.loading import about
from zenml_cli.core.artifacts.reads import artifact_names, record_from, version_names
from zenml_cli.core.artifacts.records import ArtifactVersionRecord
from zenml_cli.core.doctor.problems import Problem
from zenml_cli.core.names import (
    check_name,
)
from zenml_cli.errors import (
    CorruptManifestError,
    InvalidInputError,
    NotFoundError,
)
from zenml_cli.store import Store
from zenml_cli.store.payloads import artifact_store as payloads


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
    try:
        names = artifact_names(store)
    except CorruptManifestError as exc:  # artifacts/ is a link: none of it is read
        problems.append(Problem(exc.path, exc.problem))
        return
    for name in names:
        try:
            check_name(name, "artifact name")
        except InvalidInputError as exc:
            problems.append(Problem(store.artifacts_source(name), str(exc)))
        try:
            versions = version_names(store, name)
        except CorruptManifestError as exc:  # this artifact's folder is a link
            problems.append(Problem(exc.path, exc.problem))
            continue
        for version in versions:
            try:
                found = store.read_artifact_version(name, version, listed=True)
                if found is not None:  # removed meanwhile
                    yield (name, version, found.source), record_from(found, store)
            except CorruptManifestError as exc:
                problems.append(Problem(exc.path, exc.problem))
