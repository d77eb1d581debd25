"""A content-addressed payload store behind any fsspec URL (``s3://``, ``gs://``, ``az://``).

Objects live under ``<prefix>/sha256/<2 hex>/<64 hex>``. Object stores have no rename, so an
object is uploaded straight to its final key, and only when that key is absent: the key is
the content's hash, so a concurrent upload of the same key writes the same bytes. Downloads go
to a temp file in ``.zenml/.cache/payloads/``, are checked (size, then sha256) and only then
renamed to ``<64 hex>`` there; a cached object is checked again on every use.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from zenml_cli.errors import RemoteError, ZenMLCliError
from zenml_cli.store import payload_files as files
from zenml_cli.store.payload_files import Digest, PayloadMissingError


class FsspecPayloadStore:
    def __init__(self, fs: Any, prefix: str, url: str, cache: Path) -> None:
        self.fs = fs
        self.prefix = prefix.rstrip("/")
        self.url = url
        self.cache = cache

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
    def put_bytes(self, data: bytes) -> Digest:
        digest = Digest.of(data)
        if self.size(digest.sha256) != digest.size:
            with self._uploading():
                self.fs.pipe_file(self._key(digest.sha256), data)
        return digest

    def put_file(self, path: Path) -> Digest:
        digest = files.hash_file(path)
        self._upload(path, digest)
        return digest

    def put_folder(self, path: Path) -> Digest:
        with files.temp_file(self.cache) as (temp, handle):
            writer = files.HashingWriter(handle)
            files.write_tar(path, writer)
            handle.flush()
            digest = writer.digest()
            self._upload(temp, digest)
            os.replace(temp, self._cached(digest.sha256))  # verified by construction
        return digest

    def _upload(self, path: Path, digest: Digest) -> None:
        if self.size(digest.sha256) != digest.size:
            with self._uploading():
                self.fs.put_file(str(path), self._key(digest.sha256))

    # ---------------------------------------------------------------------------- reading
    def read_bytes(self, digest: Digest) -> bytes:
        return self.open_file(digest).read_bytes()

    def open_file(self, digest: Digest) -> Path:
        """A verified local copy, downloaded once into the cache."""
        cached = self._cached(digest.sha256)
        if cached.is_file():
            try:
                files.verify_file(cached, digest, str(cached))
                return cached
            except files.PayloadMismatchError:
                cached.unlink()  # a damaged cache entry: fetch it again
        where = self.object_uri(digest.sha256)
        with files.temp_file(self.cache) as (temp, handle):
            handle.close()
            self._download(digest, temp)
            files.verify_file(temp, digest, where)
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

    def size(self, sha256: str) -> int | None:
        with self._remote("looking up a payload"):
            try:
                info = self.fs.info(self._key(sha256))
            except FileNotFoundError:
                return None
        return int(info["size"])

    def check(self, digest: Digest) -> None:
        """For ``doctor --payloads``: present and the right size. The hash is not checked
        (object stores do not report a sha256 of what they hold without downloading it)."""
        size = self.size(digest.sha256)
        if size is None:
            raise PayloadMissingError(
                f"payload sha256 {digest.short}... is missing from the artifact store {self.url}"
            )
        if size != digest.size:
            raise files.mismatch(self.object_uri(digest.sha256), digest, Digest("", size))
