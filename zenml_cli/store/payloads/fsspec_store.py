"""A content-addressed payload store behind any fsspec URL (``s3://``, ``gs://``, ``az://``).

Objects live under ``<prefix>/sha256/<2 hex>/<64 hex>``. Object stores have no rename, so an
object is uploaded straight to its final key unless the store already holds it: same size is
not enough (a damaged or replaced object of the same size would stay and fail every load), so
an object of the right size is downloaded and hashed first, and replaced if it differs. The key
is the content's hash, so a concurrent upload of the same key writes the same bytes. Downloads
go to a temp file in the payload cache (in the git dir, see ``trust.py``), only after
the store reports the recorded size (a larger object is never fetched), are checked (size, then
sha256) and only then renamed to ``<64 hex>`` there; a cached object is checked on every use.
A large save is written into a temp file in the cache while it is hashed and uploaded from
there in parts of ``UPLOAD_BLOCK``; a streamed load (``read_stream``) checks the download while
it reads it into the value (``stream.py``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from zenml_cli.errors import RemoteError, ZenMLCliError
from zenml_cli.store.payloads import local_files as files
from zenml_cli.store.payloads.local_files import Buffer, Digest, PayloadMissingError
from zenml_cli.store.payloads.stream import (
    HashingWriter,
    VerifiedReader,
    read_verified,
    write_kept,
    write_pieces,
)

#: One part of an upload: what is held in memory while a large object is sent.
UPLOAD_BLOCK = 32 << 20
T = TypeVar("T")


class FsspecPayloadStore:
    removes_unused = False  # see PayloadStore.removes_unused

    def __init__(self, fs: Any, prefix: str, url: str, cache: Path) -> None:
        self.fs = fs
        self.prefix = prefix.rstrip("/")
        self.url = url
        self.cache = cache
        #: Objects ``holds`` just found absent or wrong: uploading them needs no second look.
        self._not_held: set[str] = set()

    def describe(self) -> str:
        return self.url

    def object_uri(self, sha256: str) -> str:
        return f"{self.url.rstrip('/')}/sha256/{sha256[:2]}/{sha256}"

    def _key(self, sha256: str) -> str:
        return f"{self.prefix}/sha256/{sha256[:2]}/{sha256}"

    @contextlib.contextmanager
    def _remote(self, doing: str) -> Iterator[None]:
        """Any failure of the store itself becomes one RemoteError naming the store."""
        try:
            yield
        except (ZenMLCliError, FileNotFoundError):
            raise
        except Exception as exc:
            cause = " ".join(str(exc).split()) or type(exc).__name__
            raise RemoteError(
                f"artifact store {self.url} failed while {doing}: {cause}; check the endpoint, "
                "credentials and network (AWS_ENDPOINT_URL, AWS_PROFILE, ...)"
            ) from exc

    @contextlib.contextmanager
    def _uploading(self) -> Iterator[None]:
        """An upload's "not found" is a missing bucket: say which, and what to do."""
        try:
            with self._remote("uploading a payload"):
                yield
        except FileNotFoundError:
            bucket = self.prefix.split("/", 1)[0]
            raise RemoteError(
                f"artifact store {self.url}: bucket '{bucket}' does not exist; create it, or "
                "point artifact_store in .zenml/config.yaml (or ZENML_ARTIFACT_STORE) at one "
                "that does"
            ) from None

    # ---------------------------------------------------------------------------- writing
    # ``kind`` and ``code`` are for a local store's ledger: a shared store is trusted as a
    # whole (README, "Trust boundary"), so they change nothing here.
    def put_bytes(self, data: bytes, kind: str | None = None) -> Digest:
        if len(data) >= UPLOAD_BLOCK:  # large: through a file, never a second copy in memory
            return self.put_pieces([data], kind)
        digest = Digest.of(data)
        if self._needs_upload(digest):
            with self._uploading():
                self.fs.pipe_file(self._key(digest.sha256), data)
        return digest

    def put_file(self, path: Path, kind: str | None = None) -> Digest:
        digest = files.hash_file(path)
        self._upload(path, digest)
        return digest

    def put_folder(self, path: Path) -> Digest:
        return self.put_stream(lambda out: files.write_tar(path, out), files.DATA)

    def put_stream(
        self, write: Callable[[HashingWriter], object], kind: str | None = None
    ) -> Digest:
        """Store what ``write`` writes: into a temp file in the cache while it is hashed (the
        key is the hash, known only at the end), uploaded from there in parts, then kept as
        the verified cached copy."""
        with files.temp_file(self.cache) as (temp, handle):
            writer = HashingWriter(handle)
            write(writer)
            handle.flush()
            digest = writer.digest()
            self._upload(temp, digest)
            os.replace(temp, self._cached(digest.sha256))  # verified by construction
        return digest

    def put_pieces(self, pieces: Sequence[Buffer], kind: str | None = None) -> Digest:
        """Store the concatenation of ``pieces`` (memory that stays unchanged meanwhile, an
        array's own buffer) as ``put_stream`` does: into a temp file in the cache while the
        worker hashes it, uploaded from there, then kept as the verified cached copy."""
        with files.temp_file(self.cache) as (temp, handle):
            digest = write_kept(pieces, lambda kept: write_pieces(handle, kept, durable=False))
            self._upload(temp, digest)
            os.replace(temp, self._cached(digest.sha256))
        return digest

    def _upload(self, path: Path, digest: Digest) -> None:
        """Upload a local file through the store's file object, one part of UPLOAD_BLOCK at
        a time (fsspec's ``put_file`` reads several parts into memory at once). An upload that
        fails part way is aborted, never completed: the key would name bytes it does not hold."""
        if not self._needs_upload(digest):
            return
        with self._uploading(), path.open("rb") as source:
            out = self.fs.open(self._key(digest.sha256), "wb", block_size=UPLOAD_BLOCK)
            try:
                while piece := source.read(UPLOAD_BLOCK):
                    out.write(piece)
            except BaseException:
                with contextlib.suppress(Exception):
                    out.discard()  # aborts a multipart upload
                out.closed = True  # so that closing (or collecting) it commits nothing
                raise
            out.close()

    def _needs_upload(self, digest: Digest) -> bool:
        if digest.sha256 in self._not_held:  # ``copy_payload`` asked ``holds`` a moment ago
            self._not_held.discard(digest.sha256)
            return True
        return not self.holds(digest)

    def holds(self, digest: Digest) -> bool:
        """True if the store has this object with the right size and hash (downloaded once to
        tell: object stores report no sha256 of what they hold)."""
        if self.size(digest.sha256) != digest.size:
            self._not_held.add(digest.sha256)
            return False
        with files.temp_file(self.cache) as (temp, handle):
            handle.close()
            try:
                self._download(digest, temp)
            except PayloadMissingError:  # removed since the lookup: not held
                self._not_held.add(digest.sha256)
                return False
            if files.hash_file(temp) != digest:
                self._not_held.add(digest.sha256)
                return False
            os.replace(temp, self._cached(digest.sha256))  # verified: later loads use it
        return True

    # ---------------------------------------------------------------------------- reading
    def read_bytes(self, digest: Digest, code: bool = False) -> bytes:
        return self.open_file(digest).read_bytes()

    def read_stream(
        self, digest: Digest, read: Callable[[VerifiedReader], T], code: bool = False
    ) -> T:
        """What ``read`` makes of the object, streamed from the cached copy (downloaded first
        if there is none) through a reader that checks size and sha256 as it goes."""
        cached = self._cached(digest.sha256)
        if cached.is_file() and cached.stat().st_size == digest.size:
            try:
                return read_verified(cached, digest, read, str(cached))
            except files.PayloadMismatchError:
                cached.unlink(missing_ok=True)  # a damaged cache entry: fetch it again
        self._refuse_other_size(digest)
        with files.temp_file(self.cache) as (temp, handle):
            handle.close()
            self._download(digest, temp)
            value = read_verified(temp, digest, read, self.object_uri(digest.sha256))
            os.replace(temp, cached)  # verified while it was read
        return value

    def _refuse_other_size(self, digest: Digest) -> None:
        """Never fetch more than was recorded: an object of another size is refused first."""
        found = self.size(digest.sha256)
        if found is not None and found != digest.size:
            raise files.mismatch(
                self.object_uri(digest.sha256), digest, Digest(digest.sha256, found)
            )

    def open_file(self, digest: Digest, code: bool = False) -> Path:
        """A verified local copy, downloaded once into the cache."""
        cached = self._cached(digest.sha256)
        if cached.is_file():
            try:
                files.verify_file(cached, digest, str(cached))
                return cached
            except files.PayloadMismatchError:
                cached.unlink()  # a damaged cache entry: fetch it again
        self._refuse_other_size(digest)
        with files.temp_file(self.cache) as (temp, handle):
            handle.close()
            self._download(digest, temp)
            files.verify_file(temp, digest, self.object_uri(digest.sha256))
            os.replace(temp, cached)
        return cached

    def _download(self, digest: Digest, temp: Path) -> None:
        try:
            with self._remote("downloading a payload"):
                self.fs.get_file(self._key(digest.sha256), str(temp))
        except FileNotFoundError:
            raise PayloadMissingError(
                f"payload sha256 {digest.short}... is missing from the artifact store "
                f"{self.url}; rerun the step that produced it, or point artifact_store at the "
                "store that has it"
            ) from None

    def _cached(self, sha256: str) -> Path:
        self.cache.mkdir(parents=True, exist_ok=True)
        return self.cache / sha256

    def exists(self, sha256: str) -> bool:
        return self.size(sha256) is not None

    def remove(self, sha256: str) -> bool:
        """Delete an object (the caller checked no manifest names it) and this machine's
        cached copy; False if the store did not hold it."""
        self._cached(sha256).unlink(missing_ok=True)
        if self.size(sha256) is None:  # object stores delete a missing key without a word
            return False
        with self._remote("removing a payload"):
            try:
                self.fs.rm_file(self._key(sha256))
            except FileNotFoundError:  # removed by another machine since the lookup
                return False
        return True

    def size(self, sha256: str) -> int | None:
        with self._remote("looking up a payload"):
            try:
                info = self.fs.info(self._key(sha256))
            except FileNotFoundError:
                return None
        return int(info["size"])

    def check(self, digest: Digest, code: bool = False) -> None:
        """For ``doctor --payloads``: present and the right size. The hash is not checked
        (object stores do not report a sha256 of what they hold without downloading it)."""
        size = self.size(digest.sha256)
        if size is None:
            raise PayloadMissingError(
                f"payload sha256 {digest.short}... is missing from the artifact store {self.url}"
            )
        if size != digest.size:
            raise files.mismatch(self.object_uri(digest.sha256), digest, Digest("", size))
