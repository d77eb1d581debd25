"""A content-addressed payload store in a local (or mounted shared) folder.

Objects live at ``<root>/sha256/<first 2 hex>/<64 hex>``. Each is written to a temp file in the
same folder while it is hashed, fsynced, then linked into place: an existing object is never
overwritten, and a crash leaves at most a ``.tmp-`` file. Loading checks size and hash first.
Stores written before content addressing (``<root>/<name>/<id>/`` folders) are read as well.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from zenml_cli.store import payload_files as files
from zenml_cli.store.atomic import _fsync_dir
from zenml_cli.store.payload_files import Digest, PayloadMissingError

#: From this size on, a payload is written while it is hashed.
OVERLAP_MIN = 8 << 20


class LocalPayloadStore:
    """Payloads in a folder: the default ``.zenml/artifact_store`` or a ``file://`` share."""

    def __init__(self, root: Path, url: str) -> None:
        self.root = root
        self.url = url

    def describe(self) -> str:
        return self.url

    def object_uri(self, sha256: str) -> str:
        return str(self._object(sha256))

    def _object(self, sha256: str) -> Path:
        return self.root / "sha256" / sha256[:2] / sha256

    # ---------------------------------------------------------------------------- writing
    def put_bytes(self, data: bytes) -> Digest:
        if len(data) < OVERLAP_MIN:
            digest = Digest.of(data)
            if self.size(digest.sha256) != digest.size:
                with files.temp_file(self.root / "sha256") as (temp, handle):
                    handle.write(data)
                    files.sync(handle)
                    self._publish(temp, digest)
            return digest
        # Large: write while hashing (both release the GIL), then keep the file only if the
        # store lacks the object. Saves the hash's time on a big save; a duplicate costs a write.
        import concurrent.futures

        with files.temp_file(self.root / "sha256") as (temp, handle):
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                writing = pool.submit(handle.write, data)
                digest = Digest.of(data)
                writing.result()
            if self.size(digest.sha256) != digest.size:
                files.sync(handle)
                self._publish(temp, digest)
        return digest

    def put_file(self, path: Path) -> Digest:
        """Copy a file in, hashing as it goes (one read of the source)."""
        staging = self.root / "sha256"
        with files.temp_file(staging) as (temp, handle), path.open("rb") as source:
            digest = files.copy_hashing(source, handle)
            files.sync(handle)
            self._publish(temp, digest)
        return digest

    def put_folder(self, path: Path) -> Digest:
        with files.temp_file(self.root / "sha256") as (temp, handle):
            writer = files.HashingWriter(handle)
            files.write_tar(path, writer)
            files.sync(handle)
            self._publish(temp, writer.digest())
        return writer.digest()

    def _publish(self, temp: Path, digest: Digest) -> None:
        final = self._object(digest.sha256)
        files.place_new(temp, final)
        _fsync_dir(final.parent)

    # ---------------------------------------------------------------------------- reading
    def read_bytes(self, digest: Digest) -> bytes:
        path = self._existing(digest)
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

    def open_file(self, digest: Digest) -> Path:
        """The object itself, after checking it: read it, never change it."""
        path = self._existing(digest)
        files.verify_file(path, digest, str(path))
        return path

    def _existing(self, digest: Digest) -> Path:
        path = self._object(digest.sha256)
        if not path.is_file():
            raise PayloadMissingError(
                f"payload sha256 {digest.short}... is missing from the artifact store "
                f"{self.url}; rerun the step that produced it, or point artifact_store at the "
                "store that has it"
            )
        return path

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

    def check(self, digest: Digest) -> None:
        """For ``doctor --payloads``: present, the right size and the right hash."""
        self.open_file(digest)

    # ---------------------------------------------------------------------------- legacy
    def legacy_folder(self, name: str, artifact_id: str) -> Path:
        """Where zenml-cli before content addressing kept a payload: ``<root>/<name>/<id>/``."""
        return self.root / name / artifact_id


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
