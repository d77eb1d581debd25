"""Streaming payload bytes: written while they are hashed, read while they are verified.

A large payload (a 1 GiB array) is never held as one ``bytes``: a serialiser writes it in
pieces into a ``HashingWriter`` that passes them to the destination file, and a deserialiser
reads it through a ``VerifiedReader`` straight into the value's own buffer. sha256 is the
slowest part on a fast disk, so for large pieces it runs on a worker thread while the piece
is written (or the next one read): ``hashlib`` and file I/O both release the GIL. Hashing stays
in order, one piece after the other, so the digest is exactly that of the whole payload.

A payload that already sits in memory that stays unchanged while it is stored (an array's own
buffer, a ``bytes``) goes through ``write_kept`` instead: the worker hashes all of it in one
task while the caller writes it and has the disk sync it, so the sync, which otherwise only
starts once the last piece is hashed, runs under the hash, and the two threads meet once
rather than twice per piece (on a busy machine each meeting waits for the scheduler).

A ``VerifiedReader`` hands out bytes before they are known to be right: whatever reads them
must only copy them (an array's raw contents, never a pickle), and must call ``finish`` before
the value is used: it reads what is left, and raises ``PayloadMismatchError`` unless size and
sha256 match the manifest.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO, TypeVar

from zenml_cli.store.payloads.direct import read_uncached
from zenml_cli.store.payloads.local_files import (
    CHUNK,
    Buffer,
    Digest,
    PayloadMismatchError,
    mismatch,
)

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

#: From this size on, a piece is hashed on the worker thread while it is written or read.
PARALLEL_MIN = 1 << 20
_worker: ThreadPoolExecutor | None = None
T = TypeVar("T")


def _pool() -> ThreadPoolExecutor:
    """One hashing thread for the process, made on first use (small payloads never do). One,
    not more: ``_OrderedHasher`` relies on its tasks running in the order they were queued."""
    global _worker
    if _worker is None:
        from concurrent.futures import ThreadPoolExecutor

        _worker = ThreadPoolExecutor(1, thread_name_prefix="zenml-hash")
    return _worker


def _forget_pool() -> None:
    """A forked child has no copy of the thread: its executor would never run a task."""
    global _worker
    _worker = None


os.register_at_fork(after_in_child=_forget_pool)


class _OrderedHasher:
    """sha256 fed piece by piece. A large piece may be queued on the worker, which is one
    thread taking tasks first in, first out, so queued pieces are hashed in the order they were
    given; a piece hashed here waits for the queue first. The digest is that of the stream."""

    def __init__(self) -> None:
        self.hasher = hashlib.sha256()
        self.size = 0
        self._pending: list[Future[None]] = []

    def update(self, piece: bytes | bytearray | memoryview, background: bool = False) -> None:
        """Hash ``piece``; ``background``: queued on the worker, and the caller keeps it
        unchanged until ``wait`` returns (queueing never waits for the pieces before it, so a
        reader can fill the next piece while the worker hashes the queue)."""
        self.size += len(piece)
        if background and len(piece) >= PARALLEL_MIN:
            self._pending.append(_pool().submit(self.hasher.update, piece))
        else:
            self.wait()
            self.hasher.update(piece)

    def wait(self) -> None:
        """Return once every queued piece is hashed (the worker is done reading them)."""
        if self._pending:
            from concurrent.futures import wait

            pending, self._pending = self._pending, []
            wait(pending)
            for future in pending:
                future.result()

    def digest(self) -> Digest:
        self.wait()
        return Digest(self.hasher.hexdigest(), self.size)


class HashingWriter:
    """A write-only file object that hashes and counts what passes through it; a large piece
    is hashed while it is written."""

    def __init__(self, target: BinaryIO) -> None:
        self.target = target
        self._hash = _OrderedHasher()

    @property
    def size(self) -> int:
        return self._hash.size

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._hash.update(data, background=True)
        try:
            written = self.target.write(data)
        finally:
            self._hash.wait()  # the caller may reuse ``data`` once this returns
        return len(data) if written is None else written

    def digest(self) -> Digest:
        return self._hash.digest()


def copy_hashing(source: IO[bytes], target: BinaryIO) -> Digest:
    """Copy ``source`` to ``target`` in large pieces, hashing each while it is written."""
    writer = HashingWriter(target)
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    while count := source.readinto(buffer):  # type: ignore[attr-defined]
        writer.write(view[:count])
    return writer.digest()


def write_kept(pieces: Sequence[Buffer], write: Callable[[Sequence[Buffer]], object]) -> Digest:
    """Run ``write(pieces)`` (which writes them, in order, where they belong) while the worker
    hashes them: the digest of their concatenation.

    The pieces must stay unchanged until this returns (a value's own memory the caller holds,
    or ``bytes``): the worker reads them while they are written, and this returns (or raises)
    only once it is done with them."""
    size = sum(memoryview(piece).nbytes for piece in pieces)
    if size < PARALLEL_MIN:  # not worth a hand-off
        write(pieces)
        return _hash_all(pieces)
    from concurrent.futures import wait

    hashing = _pool().submit(_hash_all, pieces)
    try:
        write(pieces)
    finally:
        wait([hashing])  # even when the write failed: the caller may reuse the pieces after
    return hashing.result()


def write_pieces(target: BinaryIO, pieces: Sequence[Buffer], durable: bool) -> None:
    """Write ``pieces`` in order to ``target``, flush it and, if ``durable``, fsync it."""
    for piece in pieces:
        view = memoryview(piece).cast("B")
        for at in range(0, len(view), CHUNK):  # a file object may buffer what it is given
            target.write(view[at : at + CHUNK])
    target.flush()
    if durable:
        os.fsync(target.fileno())


def _hash_all(pieces: Sequence[Buffer]) -> Digest:
    hasher = hashlib.sha256()
    size = 0
    for piece in pieces:
        hasher.update(piece)
        size += memoryview(piece).nbytes
    return Digest(hasher.hexdigest(), size)


class VerifiedReader:
    """Reads one payload of ``expected.size`` bytes from ``source``, hashing as it goes.

    ``read`` is for small headers; ``fill`` reads a large buffer in place. Nothing read is
    trusted until ``finish`` returns."""

    def __init__(
        self, source: BinaryIO, expected: Digest, where: str, uncached: bool = False
    ) -> None:
        self.source = source
        self.expected = expected
        self.where = where
        #: ``source`` is a file a folder store keeps: ``fill`` may read a large buffer of it
        #: without filling the page cache (``direct.py``).
        self.uncached = uncached
        self._hash = _OrderedHasher()

    @property
    def position(self) -> int:
        """Bytes read so far."""
        return self._hash.size

    @property
    def remaining(self) -> int:
        """Bytes the manifest says are left (what a deserialiser may still allocate for)."""
        return self.expected.size - self.position

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (never past the recorded size), hashed."""
        size = self.remaining if size < 0 else min(size, self.remaining)
        data = self.source.read(size) if size > 0 else b""
        self._hash.update(data)
        return data

    def claim(self, count: int) -> None:
        """Before allocating ``count`` bytes for the rest of the payload (as its header says):
        refuse a header that claims more than the recorded size holds."""
        if count > self.remaining:
            raise PayloadMismatchError(
                self.where,
                f"its header describes {count} bytes of data but only {self.remaining} of the "
                "recorded size remain; the payload was not made by zenml-cli",
            )

    def fill(self, buffer: memoryview) -> None:
        """Fill all of ``buffer`` (the value's own memory), each piece queued for hashing as
        soon as it is read, so the worker hashes while the rest is read and the two threads
        meet once at the end, not at every piece. The caller leaves ``buffer`` alone until this
        returns (also on failure: the worker is done with it then)."""
        self.claim(len(buffer))
        offset = 0
        try:
            if self.uncached:
                offset = self._fill_uncached(buffer)
            while offset < len(buffer):
                piece = buffer[offset : offset + CHUNK]
                count = _read_into(self.source, piece)
                if count == 0:
                    raise self._short(self.position)
                self._hash.update(piece[:count], background=True)
                offset += count
        finally:
            self._hash.wait()

    def _fill_uncached(self, buffer: memoryview) -> int:
        """Bytes of ``buffer`` filled (and queued for hashing) without filling the page cache;
        the rest, if any (the file ended, or no way to drop pages here), is for the ordinary
        read, from where this left ``source``."""
        start = self.position
        filled = read_uncached(
            self.source.fileno(), start, buffer, lambda piece: self._hash.update(piece, True)
        )
        if filled:
            self.source.seek(start + filled)
        return filled

    def finish(self) -> None:
        """Read what is left, then check size and sha256: PayloadMismatchError unless both
        match the manifest."""
        buffer = bytearray(min(CHUNK, max(self.remaining, 1)))
        while self.remaining > 0:
            view = memoryview(buffer)[: min(len(buffer), self.remaining)]
            count = _read_into(self.source, view)
            if count == 0:
                break
            self._hash.update(view[:count])
        if self.source.read(1):  # more bytes than recorded: grew after the size check
            raise mismatch(self.where, self.expected, Digest("", self.expected.size + 1))
        found = self._hash.digest()
        if found != self.expected:
            raise mismatch(self.where, self.expected, found)

    def _short(self, size: int) -> Exception:
        return mismatch(self.where, self.expected, Digest("", min(size, self.position)))


def read_verified(
    path: Path,
    expected: Digest,
    read: Callable[[VerifiedReader], T],
    where: str,
    uncached: bool = False,
) -> T:
    """What ``read`` makes of the file's bytes, returned only once size and sha256 matched
    ``expected`` (the size is checked before a byte is read). If ``read`` fails (a header it
    cannot parse), the rest is still checked, so an altered or truncated object is reported
    as a mismatch, as when it was checked before it was parsed."""
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size != expected.size:
            raise mismatch(where, expected, Digest(expected.sha256, size))
        reader = VerifiedReader(handle, expected, where, uncached)
        try:
            value = read(reader)
        except Exception:
            reader.finish()  # changed bytes are named as such (exit 6), whatever broke
            raise
        reader.finish()
    return value


def _read_into(source: BinaryIO, view: memoryview) -> int:
    """Bytes read into ``view`` (fewer only at the end of ``source``)."""
    total = 0
    while total < len(view):
        count = source.readinto(view[total:])  # type: ignore[attr-defined]
        if not count:
            break
        total += count
    return total
