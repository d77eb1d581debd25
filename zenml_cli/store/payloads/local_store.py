"""A content-addressed payload store in a local (or mounted shared) folder.

Objects live at ``<root>/sha256/<first 2 hex>/<64 hex>``. Each is written to a temp file in the
same folder while it is hashed, fsynced, then linked into place (atomically replacing a file
of that name whose bytes differ), and a crash leaves at most a ``.tmp-`` file. Loading checks
size and hash first.
Stores written before content addressing (``<root>/<name>/<id>/`` folders) are read as well.

A store folder inside a git work tree uses only objects this machine wrote (its ``Ledger``,
see ``trust.py``): a file a commit planted there is refused before it is read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO, TypeVar

from zenml_cli.errors import CorruptManifestError
from zenml_cli.store.atomic import _fsync_dir
from zenml_cli.store.payloads import local_files as files
from zenml_cli.store.payloads.direct import write_direct
from zenml_cli.store.payloads.local_files import (
    Buffer,
    Digest,
    PayloadMissingError,
    UntrustedPayloadError,
)
from zenml_cli.store.payloads.stream import (
    HashingWriter,
    VerifiedReader,
    copy_hashing,
    read_verified,
    write_kept,
    write_pieces,
)
from zenml_cli.store.payloads.trust import Ledger, tracked_under

#: From this size on, a payload is written while it is hashed.
OVERLAP_MIN = 8 << 20
T = TypeVar("T")


class LocalPayloadStore:
    """Payloads in a folder: the default ``.zenml/artifact_store`` or a ``file://`` share."""

    removes_unused = True

    def __init__(self, root: Path, url: str, ledger: Ledger | None = None) -> None:
        self.root = root
        self.url = url
        #: None outside a git work tree, where no checkout can plant an object.
        self.ledger = ledger

    def describe(self) -> str:
        return self.url

    def object_uri(self, sha256: str) -> str:
        return str(self._object(sha256))

    def _object(self, sha256: str) -> Path:
        return self.root / "sha256" / sha256[:2] / sha256

    # ---------------------------------------------------------------------------- writing
    def put_bytes(self, data: bytes, kind: str | None = None) -> Digest:
        """Store ``data``; ``kind`` (``code`` for a pickle, ``data``) goes to the ledger."""
        if len(data) < OVERLAP_MIN:
            digest = Digest.of(data)
            if not self.holds(digest):
                with files.temp_file(self._staging()) as (temp, handle):
                    handle.write(data)
                    files.sync(handle)
                    self._publish(temp, digest)
            self._record(digest, kind)
            return digest
        return self.put_pieces([data], kind)  # large: a duplicate costs a write, not a read

    def put_pieces(self, pieces: Sequence[Buffer], kind: str | None = None) -> Digest:
        """Store the concatenation of ``pieces``, memory that stays unchanged meanwhile (an
        array's own buffer): written into a temp file (a large one past the page cache, see
        ``direct.py``) and fsynced while the worker hashes it (``stream.write_kept``), then put
        in place under its hash."""
        with files.temp_file(self._staging()) as (temp, handle):
            digest = write_kept(pieces, lambda kept: _write_durably(temp, handle, kept))
            self._publish(temp, digest)
        self._record(digest, kind)
        return digest

    def put_stream(
        self, write: Callable[[HashingWriter], object], kind: str | None = None
    ) -> Digest:
        """Store what ``write`` writes (a serialiser streaming a large value), hashed as it is
        written into a temp file, which is fsynced and then put in place under its hash."""
        with files.temp_file(self._staging()) as (temp, handle):
            writer = HashingWriter(handle)
            write(writer)
            files.sync(handle)
            digest = writer.digest()
            self._publish(temp, digest)
        self._record(digest, kind)
        return digest

    def put_file(self, path: Path, kind: str | None = None) -> Digest:
        """Copy a file in, hashing as it goes (one read of the source)."""
        staging = self._staging()
        with files.temp_file(staging) as (temp, handle), path.open("rb") as source:
            digest = copy_hashing(source, handle)
            files.sync(handle)
            self._publish(temp, digest)
        self._record(digest, kind)
        return digest

    def put_folder(self, path: Path) -> Digest:
        with files.temp_file(self._staging()) as (temp, handle):
            writer = HashingWriter(handle)
            files.write_tar(path, writer)
            files.sync(handle)
            self._publish(temp, writer.digest())
        self._record(writer.digest(), files.DATA)
        return writer.digest()

    def _staging(self) -> Path:
        """``<root>/sha256``, where temp files are written, refused if it is a link. Every
        write starts here, so a first write adopts what was there *before* it (what it writes
        is recorded with its kind, not adopted as ``any``)."""
        if self.ledger is not None:
            self._adopt_once()
        return _no_link(self.root / "sha256")

    def _publish(self, temp: Path, digest: Digest) -> None:
        final = self._object(digest.sha256)
        _no_link(final.parent)
        files.place_new(temp, final)
        _fsync_dir(final.parent)

    def _record(self, digest: Digest, kind: str | None) -> None:
        """This machine has these bytes: trust an object that hashes to them (see module)."""
        if self.ledger is not None:
            self.ledger.record(digest.sha256, kind)

    def holds(self, digest: Digest) -> bool:
        """True if the store has this object with the right size *and* hash, and would serve
        it: a same-size object with other bytes (damaged, or planted) is not the object, and
        one this machine did not write is copied again (which records it)."""
        path = self._object(digest.sha256)
        if path.is_symlink() or self.size(digest.sha256) != digest.size:
            return False
        if not self.trusts(digest.sha256):
            return False
        try:
            return files.hash_file(path) == digest
        except OSError:
            return False

    # ---------------------------------------------------------------------------- reading
    def read_bytes(self, digest: Digest, code: bool = False) -> bytes:
        """The object's bytes, checked; ``code``: they are about to be unpickled."""
        path = self._existing(digest, code)
        with path.open("rb") as handle:
            size = handle.seek(0, 2)
            if size != digest.size:
                raise files.mismatch(str(path), digest, Digest(digest.sha256, size))
            handle.seek(0)
            data = handle.read()
        found = Digest(hashlib.sha256(data).hexdigest(), len(data))
        if found != digest:
            raise files.mismatch(str(path), digest, found)
        return data

    def read_stream(
        self, digest: Digest, read: Callable[[VerifiedReader], T], code: bool = False
    ) -> T:
        """What ``read`` makes of the object's bytes, streamed through a reader that checks
        size and sha256: the value is returned only if both match (see stream.py)."""
        path = self._existing(digest, code)
        return read_verified(path, digest, read, str(path), uncached=True)

    def open_file(self, digest: Digest, code: bool = False) -> Path:
        """The object itself, after checking it: read it, never change it."""
        path = self._existing(digest, code)
        files.verify_file(path, digest, str(path))
        return path

    def _existing(self, digest: Digest, code: bool = False) -> Path:
        path = self._object(digest.sha256)
        if not path.is_file():
            raise PayloadMissingError(
                f"payload sha256 {digest.short}... is missing from the artifact store "
                f"{self.url}; rerun the step that produced it, or point artifact_store at the "
                "store that has it"
            )
        if path.is_symlink() or not self.trusts(digest.sha256):
            raise UntrustedPayloadError(str(path), self.url)
        if code and not self.trusts(digest.sha256, code=True):
            raise UntrustedPayloadError(str(path), self.url, saved_as_data=True)
        return path

    # ---------------------------------------------------------------------------- trust
    def trusts(self, sha256: str, code: bool = False) -> bool:
        """Outside git every object; inside, only what this machine wrote (or, once, what it
        had before the ledger existed and git does not track), and to unpickle (``code``)
        only what it saved as a pickle."""
        if self.ledger is None or self.ledger.knows(sha256, code):
            return True
        return self._adopt_once() and self.ledger.knows(sha256, code)

    def _adopt_once(self) -> bool:
        """On this clone's first use of this store folder (a save or a load), adopt what is
        there; True if it happened now. Later, nothing is adopted: a file that arrives with a
        checkout (and is untracked afterwards, by ``git rm --cached`` or a reset) stays out."""
        assert self.ledger is not None
        if self.ledger.adopted(self.root):
            return False
        self.ledger.adopt(self.root, self._adoptable())
        return True

    def _adoptable(self) -> list[str]:
        """Hashes of the objects (and old-layout folders) present now that git does not
        track: stores written before the ledger existed keep loading."""
        assert self.ledger is not None
        tracked = tracked_under(self.ledger.place, [self.root])
        if tracked is None or not self.root.is_dir():
            return []
        top = self.ledger.place.top
        came = {top / name for name in tracked}
        found: list[str] = []
        for path in sorted(self.root.glob("sha256/??/*")):
            if files.is_sha256(path.name) and _own_file(path, came):
                found.append(path.name)
        for folder in sorted(self.root.glob("*/*")):
            if folder.parent.name == "sha256" or folder.is_symlink() or not folder.is_dir():
                continue
            if all(_own_file(p, came) for p in folder.rglob("*") if not p.is_dir()):
                found.append(legacy_digest(folder).sha256)
        return found

    def exists(self, sha256: str) -> bool:
        return self._object(sha256).is_file()

    def remove(self, sha256: str) -> bool:
        """Delete an object (the caller checked no manifest names it); False if absent."""
        try:
            self._object(sha256).unlink()
        except FileNotFoundError:
            return False
        return True

    def size(self, sha256: str) -> int | None:
        try:
            return self._object(sha256).stat().st_size
        except FileNotFoundError:
            return None

    def check(self, digest: Digest, code: bool = False) -> None:
        """For ``doctor --payloads``: present, the right size and the right hash."""
        self.open_file(digest, code)

    # ---------------------------------------------------------------------------- legacy
    def legacy_folder(self, name: str, artifact_id: str) -> Path:
        """Where zenml-cli before content addressing kept a payload: ``<root>/<name>/<id>/``."""
        return self.root / name / artifact_id


def _write_durably(path: Path, handle: BinaryIO, pieces: Sequence[Buffer]) -> None:
    """Write ``pieces`` into the new temp file ``path`` (open as ``handle``) and fsync it: past
    the page cache when large and allowed (``direct.py``), through ``handle`` otherwise."""
    if not write_direct(path, pieces):
        write_pieces(handle, pieces, durable=True)


def _no_link(folder: Path) -> Path:
    """``folder``, unless it is a symbolic link: zenml-cli never makes one inside a store, and
    writing through one (a link a commit planted) would put files outside it."""
    if folder.is_symlink():
        raise CorruptManifestError(
            folder,
            "is a link, which zenml-cli never makes in an artifact store (a commit may have "
            "placed it); nothing was written. Remove the link",
        )
    return folder


def _own_file(path: Path, came_through_git: set[Path]) -> bool:
    """A regular file that git does not track (nor a tracked folder or submodule holds)."""
    if path.is_symlink() or not path.is_file():
        return False
    resolved = path.resolve()
    return not any(p in came_through_git for p in (resolved, *resolved.parents))


def legacy_digest(folder: Path) -> Digest:
    """The hash zenml-cli used before content addressing: sha256 over (relative path, size,
    bytes) of every file of the payload folder."""
    hasher = hashlib.sha256()
    total = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix().encode("utf-8")
        hasher.update(len(relative).to_bytes(8, "big") + relative)
        hasher.update(path.stat().st_size.to_bytes(8, "big"))
        with path.open("rb") as handle:
            while chunk := handle.read(files.CHUNK):
                hasher.update(chunk)
                total += len(chunk)
    return Digest(hasher.hexdigest(), total)
