"""Loading an artifact version's payload: fetched by hash, checked, then deserialised.

The record's ``load()``, the doctor checks and the migration come here; what this module needs
of a record is the ``StoredPayload`` protocol, so it and ``artifact_records.py`` do not import
each other, not even for types.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from zenml_cli.core.artifacts import materializers
from zenml_cli.errors import CorruptManifestError, NotFoundError, RemoteError
from zenml_cli.store.payloads import artifact_store as payloads

if TYPE_CHECKING:
    from zenml_cli.store import Store


class StoredPayload(Protocol):
    """What loading and checking a payload read of an artifact version
    (``ArtifactVersionRecord`` is one)."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    @property
    def id(self) -> str: ...

    @property
    def materializer(self) -> str: ...

    @property
    def entry(self) -> str | None: ...

    @property
    def legacy_uri(self) -> str | None: ...

    @property
    def digest(self) -> payloads.Digest: ...


def load_payload(store: Store, record: StoredPayload) -> Any:
    """Fetch the payload by hash from the configured store, check its size and sha256 against
    the manifest, and only then deserialise it. A file or folder payload comes back as the
    path of its verified, read-only copy."""
    source = store.artifact_source(record.name, record.version)
    with about(record, source):
        found = _read_payload(store, record)
    if isinstance(found, _Value):
        return found.value
    if not isinstance(found, bytes):
        return found
    return materializers.from_bytes(record.materializer, found, source)


def _read_payload(store: Store, record: StoredPayload) -> Any:
    """The payload's bytes, or the path of a file or folder payload."""
    target = payloads.open_payload_store(store)
    is_path = record.materializer in materializers.PATH_MATERIALIZERS
    if is_path and record.entry is None:
        raise CorruptManifestError(record.name, "a path payload needs field 'entry'")
    if record.legacy_uri is not None:
        return payloads.read_legacy(
            store,
            target,
            record.legacy_uri,
            record.name,
            record.id,
            record.digest,
            record.materializer,
            record.entry,
            record.materializer in materializers.CODE_MATERIALIZERS,
        )
    if is_path:
        assert record.entry is not None
        folder = record.materializer == "folder"
        return payloads.open_path(store, target, record.digest, record.entry, folder)
    if record.materializer in materializers.STREAMED:  # a value, read as it is verified
        return _Value(payloads.read_streamed(target, record.digest, materializers.read_numpy))
    code = record.materializer in materializers.CODE_MATERIALIZERS
    return payloads.read_object(target, record.digest, code)


@dataclass(frozen=True)
class _Value:
    """A value a materializer already read from the payload stream (verified)."""

    value: Any


@contextmanager
def about(record: StoredPayload, source: str) -> Iterator[None]:
    """Store errors, re-raised naming the artifact version they are about."""
    label = f"artifact '{record.name}' version '{record.version}'"
    try:
        yield
    except NotFoundError as exc:
        raise NotFoundError(f"{label}: {exc}") from None
    except CorruptManifestError as exc:
        raise CorruptManifestError(source, f"{label}: {exc.problem}") from None
    except RemoteError as exc:
        raise RemoteError(f"{label}: {exc}") from None
