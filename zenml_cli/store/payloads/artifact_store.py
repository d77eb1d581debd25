"""Artifact payloads: one protocol over the artifact stores, and the factory that picks one.

``artifact_store:`` in ``config.yaml`` (``$ZENML_ARTIFACT_STORE`` overrides) is a folder,
relative to the project root, or a URL: ``file:///shared/path`` is a folder too; ``s3://``,
``gs://``/``gcs://`` and ``az://``/``abfs://`` go through fsspec, whose implementation comes
with the extra of the same name. Every store is content-addressed: an object's name is the
sha256 of its bytes, a manifest names its payload by that hash (and size) alone, and every read
is checked against both before anything is deserialised. A store folder inside the git work
tree uses only objects this machine wrote (``trust.py``), and one outside the project only once
this clone accepted it (``consent.py``). Copies of remote objects and unpacked folders live
where no checkout writes: ``<git dir>/zenml/payloads/cache/`` (``.zenml/.cache/payloads/``).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, TypeVar
from urllib.parse import urlsplit

from zenml_cli.errors import CorruptManifestError, InvalidInputError
from zenml_cli.store.git_place import git_place
from zenml_cli.store.layout import CACHE_DIR, STORE_DIR
from zenml_cli.store.payloads import local_files as files
from zenml_cli.store.payloads.consent import (
    URL_SCHEME,
    check_folder,
    chosen_store,
    environment_store,
)
from zenml_cli.store.payloads.local_files import (
    CODE,
    DATA,
    Buffer,
    Digest,
    PayloadMismatchError,
    PayloadMissingError,
    is_sha256,
)
from zenml_cli.store.payloads.local_store import LocalPayloadStore, legacy_digest
from zenml_cli.store.payloads.stream import HashingWriter, VerifiedReader
from zenml_cli.store.payloads.trust import cache_home, ledger_for, tracked_under
from zenml_cli.store.store import Store

__all__ = [
    "CODE",
    "DATA",
    "Digest",
    "PayloadMismatchError",
    "PayloadMissingError",
    "PayloadStore",
    "VerifiedReader",
    "is_sha256",
    "open_payload_store",
]

T = TypeVar("T")
#: URL scheme -> (fsspec protocol, package that implements it, extra that installs it).
REMOTE_SCHEMES = {
    "s3": ("s3", "s3fs", "s3"),
    "gs": ("gcs", "gcsfs", "gcs"),
    "gcs": ("gcs", "gcsfs", "gcs"),
    "az": ("az", "adlfs", "azure"),
    "abfs": ("abfs", "adlfs", "azure"),
}
#: What the materializers of earlier versions named their single payload file.
LEGACY_FILES = {
    "json": "data.json",
    "bytes": "data.bin",
    "numpy": "data.npy",
    "pickle": "data.pkl",
    "pandas": "data.pkl",
    "sklearn": "data.pkl",
}


class PayloadStore(Protocol):
    """Where payloads live. Every method is by content: nothing here takes a name or a path
    from a manifest. Failures of a remote store raise RemoteError (exit 8) naming it."""

    url: str
    #: Whether deleting an artifact version removes its unused payload: True for a folder,
    #: False for an object store, whose objects other clones and branches may name (README:
    #: a bucket lifecycle rule cleans those up).
    removes_unused: bool

    def describe(self) -> str: ...
    def object_uri(self, sha256: str) -> str: ...
    def put_bytes(self, data: bytes, kind: str | None = None) -> Digest: ...
    def put_file(self, path: Path, kind: str | None = None) -> Digest: ...
    def put_folder(self, path: Path) -> Digest: ...
    def put_stream(
        self, write: Callable[[HashingWriter], object], kind: str | None = None
    ) -> Digest: ...
    def put_pieces(self, pieces: Sequence[Buffer], kind: str | None = None) -> Digest: ...
    def read_bytes(self, digest: Digest, code: bool = False) -> bytes: ...
    def read_stream(
        self, digest: Digest, read: Callable[[VerifiedReader], T], code: bool = False
    ) -> T: ...
    def open_file(self, digest: Digest, code: bool = False) -> Path: ...
    def exists(self, sha256: str) -> bool: ...
    def size(self, sha256: str) -> int | None: ...
    def holds(self, digest: Digest) -> bool: ...
    def check(self, digest: Digest, code: bool = False) -> None: ...
    def remove(self, sha256: str) -> bool:
        """Delete an object (the caller checked no manifest names it); False if absent."""
        ...


# --------------------------------------------------------------------------------- factory
def store_setting(store: Store) -> str:
    """The store's name for display and doctor's file checks (no acceptance is asked)."""
    return environment_store() or store.config.artifact_store


def open_payload_store(store: Store, url: str | None = None) -> PayloadStore:
    """The payload store ``url`` names (default: the one ``consent.chosen_store`` allows)."""
    url = url or chosen_store(store.payload_home, store.config.artifact_store)
    folder = _folder(url, store.payload_home)
    if folder is not None:
        return _local(folder, url, store.payload_home)
    match = URL_SCHEME.match(url)
    scheme = match.group(1).lower() if match else ""
    if scheme == "file":
        raise InvalidInputError(
            f"artifact_store {url}: a file URL needs an absolute path and no host, e.g. "
            "file:///shared/zenml"
        )
    if scheme not in REMOTE_SCHEMES or "://" not in url:
        raise InvalidInputError(
            f"artifact_store {url}: unknown protocol '{scheme}'; use a folder, file:///path, "
            "s3://bucket/prefix, gs://bucket/prefix or az://container/prefix"
        )
    protocol, package, extra = REMOTE_SCHEMES[scheme]
    if importlib.util.find_spec(package) is None:
        raise InvalidInputError(
            f"artifact_store {url} needs {package} (zenml-cli's {extra} extra): "
            f"pip install {package}"
        )
    return _remote(protocol, url, store, _cache(store))


def _local(root: Path, url: str, payload_home: Path) -> LocalPayloadStore:
    """A folder store (never among the manifests); inside a git work tree (however ``root`` is
    spelled: the folder decides), it uses only the objects this machine wrote."""
    check_folder(payload_home, root)
    return LocalPayloadStore(root, url, ledger_for(root))


def _remote(protocol: str, url: str, store: Store, cache: Path) -> PayloadStore:
    import fsspec

    from zenml_cli.store.payloads.fsspec_store import FsspecPayloadStore
    from zenml_cli.store.payloads.options import checked_options

    options = dict(checked_options(protocol, store.config.artifact_store_options, url))
    if protocol == "s3":  # fail in seconds, not minutes, when the endpoint is down
        options.setdefault("config_kwargs", {"retries": {"max_attempts": 3}, "connect_timeout": 10})
    try:
        fs = fsspec.filesystem(protocol, **options)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(
            f"artifact_store_options for {url} were refused: {exc}; fix them in config.yaml"
        ) from exc
    prefix = url.split("://", 1)[1].strip("/")
    if not prefix:
        raise InvalidInputError(f"artifact_store {url} names no bucket; use {url}BUCKET/prefix")
    return FsspecPayloadStore(fs, prefix, url, cache)


def display_uri(store: Store, sha256: str, legacy_uri: str | None = None) -> str:
    """Where an object is, for people (computed from the setting alone: nothing is opened)."""
    if legacy_uri is not None:
        return str(store.payload_home / legacy_uri)
    setting = store_setting(store)
    if URL_SCHEME.match(setting) is None:
        base = str(_folder(setting, store.payload_home))
    else:
        base = setting.rstrip("/")
    return f"{base}/sha256/{sha256[:2]}/{sha256}"


def files_from_git(store: Store) -> list[Path]:
    """Files git tracks under the local artifact store folder or the old in-tree payload
    cache ``.zenml/.cache/payloads/``: a checkout wrote them, so nothing there is used, and
    ``zenml doctor`` reports each."""
    place = git_place(store.payload_home)
    if place is None:
        return []
    folders = [store.payload_home / STORE_DIR / CACHE_DIR / "payloads"]
    root = local_root(store)
    if root is not None:
        folders.append(root)
    return [place.top / name for name in tracked_under(place, folders) or []]


def local_root(store: Store) -> Path | None:
    """The folder of a local ``artifact_store`` setting (None for a URL store or a bad one)."""
    return _folder(store_setting(store), store.payload_home)


def _folder(setting: str, payload_home: Path) -> Path | None:
    """The folder a setting names (a path from the project root, or file:///path), else None.
    A file URL with a host (``file://shared/zenml``: a slash missing) names no folder here:
    its host would be dropped and ``/zenml`` used instead."""
    if URL_SCHEME.match(setting) is None:
        folder = Path(setting).expanduser()
        return folder if folder.is_absolute() else payload_home / folder
    parts = urlsplit(setting)
    local_host = parts.netloc in ("", "localhost")
    if setting.lower().startswith("file://") and local_host and parts.path.startswith("/"):
        return Path(parts.path)
    return None


def _cache(store: Store) -> Path:
    return cache_home(store.payload_home)


# --------------------------------------------------------------------------------- paths
def put_path(payloads: PayloadStore, path: Path) -> tuple[Digest, bool, str]:
    """Store a file (its bytes) or a folder (one archive): the digest, whether it was a
    folder, and its name (restored on load)."""
    if not path.exists():
        raise InvalidInputError(f"cannot save path {path}: it does not exist")
    name = path.resolve().name
    if path.is_dir():
        return payloads.put_folder(path), True, name
    return payloads.put_file(path, files.DATA), False, name


def open_path(
    store: Store, payloads: PayloadStore, digest: Digest, entry: str, folder: bool
) -> Path:
    """A verified local copy of a file or folder payload, named ``entry`` as when saved.

    Copies live in the cache keyed by hash and are made read-only: copy before changing. A
    file copy is checked on every load and replaced if it changed; a folder is not."""
    source = payloads.open_file(digest)  # checked on every load, even when unpacked before
    final = _cache(store) / ("trees" if folder else "files") / digest.sha256
    if not folder and final.is_dir():
        with contextlib.suppress(OSError, PayloadMismatchError):
            files.verify_file(final / entry, digest, str(final))
            return final / entry
        shutil.rmtree(final, ignore_errors=True)  # changed by hand (or another name): redo
    if not final.is_dir():
        temp = files.temp_path(final.parent)
        try:
            if folder:
                files.extract_tar(source, temp, payloads.object_uri(digest.sha256), digest.size)
            else:
                temp.mkdir()
                shutil.copyfile(source, temp / entry)
                (temp / entry).chmod(0o444)
            with contextlib.suppress(OSError):  # another process unpacked it first
                os.rename(temp, final)
        finally:
            shutil.rmtree(temp, ignore_errors=True)
    return final / entry


def read_streamed(payloads: PayloadStore, digest: Digest, read: Callable[[VerifiedReader], T]) -> T:
    """What ``read`` makes of an object it reads in pieces (into the value's own buffer),
    returned only after size and sha256 matched. ``read`` must not run code the bytes name
    (it is never used for a pickle): it sees them before they are verified."""
    return payloads.read_stream(digest, read)


def read_object(payloads: PayloadStore, digest: Digest, code: bool = False) -> bytes:
    """The bytes of one object, checked against ``digest``; ``code``: to be unpickled, which a
    local store in git allows only for bytes this machine saved as a pickle."""
    return payloads.read_bytes(digest, code)


def copy_payload(source: PayloadStore, target: PayloadStore, digest: Digest) -> bool:
    """Copy one object (verified) unless the target holds it (size *and* hash checked: a
    same-size object with other bytes is replaced); True if it was copied."""
    if target.holds(digest):
        return False
    copied = target.put_file(source.open_file(digest))
    if copied != digest:
        raise files.mismatch(target.object_uri(digest.sha256), digest, copied)
    return True


# --------------------------------------------------------------------------------- legacy
def read_legacy(
    store: Store,
    payloads: PayloadStore,
    uri: str,
    name: str,
    artifact_id: str,
    digest: Digest,
    materializer: str,
    entry: str | None,
    code: bool = False,
) -> bytes | Path:
    """An old-layout payload, checked: its bytes, or the saved file or folder itself."""
    folder = legacy_folder(store, payloads, uri, name, artifact_id, digest, code)
    file_name = LEGACY_FILES.get(materializer)
    if file_name is None:
        return folder / (entry or "")
    return (folder / file_name).read_bytes()


def legacy_folder(
    store: Store,
    payloads: PayloadStore,
    uri: str,
    name: str,
    artifact_id: str,
    digest: Digest,
    code: bool = False,
) -> Path:
    """The payload folder of a manifest written before content addressing, checked.

    Its ``uri`` must be exactly ``<artifact_store>/<name>/<id>`` of the configured local store;
    anything else is refused before a byte is read."""
    expected = legacy_location(store, payloads, uri, name, artifact_id)
    if not expected.is_dir():
        raise PayloadMissingError(
            f"payload missing at {expected} (payloads stay on the machine that saved them "
            "unless artifact_store is shared); rerun the step that produced it"
        )
    if any(path.is_symlink() for path in expected.rglob("*")):  # never written by zenml-cli
        raise PayloadMismatchError(str(expected), "the payload folder holds a link; nothing read")
    found = legacy_digest(expected)
    if found != digest:
        raise files.mismatch(str(expected), digest, found)
    assert isinstance(payloads, LocalPayloadStore)  # legacy_location refused the others
    if not payloads.trusts(found.sha256):
        raise files.UntrustedPayloadError(str(expected), payloads.url)
    if code and not payloads.trusts(found.sha256, code=True):
        raise files.UntrustedPayloadError(str(expected), payloads.url, saved_as_data=True)
    return expected


def check_payload(
    payloads: PayloadStore, digest: Digest, folder: bool = False, code: bool = False
) -> None:
    """For ``doctor --payloads``: the store's own check (``code``: the manifest would unpickle
    it), and for a folder payload in a local store, that its archive would unpack (only files
    and folders, within its bound)."""
    payloads.check(digest, code)
    if folder and isinstance(payloads, LocalPayloadStore):
        uri = payloads.object_uri(digest.sha256)
        files.check_tar(payloads.open_file(digest), uri, digest.size)


def legacy_location(
    store: Store, payloads: PayloadStore, uri: str, name: str, artifact_id: str
) -> Path:
    """Where an old manifest's payload must be; CorruptManifestError if ``uri`` says else."""
    if not isinstance(payloads, LocalPayloadStore):
        raise CorruptManifestError(
            uri,
            f"an old-layout payload can only be read from a local artifact store, not "
            f"{payloads.url}; run 'zenml artifact migrate --to {payloads.url}' with the old store "
            "configured",
        )
    expected = payloads.legacy_folder(name, artifact_id)
    given = Path(uri) if Path(uri).is_absolute() else store.payload_home / uri
    inside = expected.resolve().is_relative_to(payloads.root.resolve())
    if os.path.normpath(given) != os.path.normpath(expected) or not inside:
        raise CorruptManifestError(
            uri,
            f"uri is not this artifact's place in the artifact store ({expected}); nothing was "
            "read. Restore the manifest from git",
        )
    return expected


def upgrade_legacy(
    store: Store,
    source: PayloadStore,
    target: PayloadStore,
    found: tuple[str, str, str, Digest, str, str | None],
) -> tuple[Digest, bool]:
    """Copy an old-layout payload into ``target`` as a content-addressed object: the new
    digest, and whether it is a folder. ``found`` is (uri, name, id, digest, materializer,
    entry) from the manifest."""
    uri, name, artifact_id, digest, materializer, entry = found
    payload = read_legacy(store, source, uri, name, artifact_id, digest, materializer, entry)
    if isinstance(payload, Path):
        new, folder, _ = put_path(target, payload)
        return new, folder
    return target.put_bytes(payload), False
