"""Issue 21, item 6: a value already in memory (a numpy array's own buffer, a large ``bytes``)
is stored as it is, through ``put_pieces``: written (and fsynced by a folder store, past the
page cache when it is large) while the worker hashes the same memory, never copied. Every
backend stores exactly the concatenation of the pieces under its sha256, and a piece that cannot
be written leaves nothing behind.

In process, on the real backends: a folder store and an fsspec store (fsspec's in-memory
filesystem; the S3 round trips are in test_payload_streams.py). Speed is measured by
``benchmarks/payloads.py``, not here.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from zenml_cli.core.artifacts.materializers import materialize, read_numpy
from zenml_cli.store.payloads.artifact_store import PayloadStore
from zenml_cli.store.payloads.direct import BLOCK, DIRECT_MIN
from zenml_cli.store.payloads.fsspec_store import FsspecPayloadStore
from zenml_cli.store.payloads.local_files import CHUNK, Digest, PayloadMismatchError
from zenml_cli.store.payloads.local_store import LocalPayloadStore
from zenml_cli.store.payloads.stream import PARALLEL_MIN

MiB = 1 << 20


def _backends(tmp_path: Path) -> dict[str, PayloadStore]:
    import fsspec

    prefix = f"/bucket-{uuid.uuid4().hex}"
    remote = FsspecPayloadStore(
        fsspec.filesystem("memory"), prefix, f"memory://{prefix}", tmp_path / "cache"
    )
    local = LocalPayloadStore(tmp_path / "local", (tmp_path / "local").as_uri())
    return {"local": local, "remote": remote}


def _stored(backend: PayloadStore, digest: Digest) -> bytes:
    return backend.read_bytes(digest)


def _npy(array: Any) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


#: Piece lists around the sizes that change the path: hashed inline below PARALLEL_MIN, on the
#: worker above it; written in CHUNK slices; an empty piece; a multi-byte view.
PIECES = {
    "small": lambda: [b"header", memoryview(b"x" * 1000)],
    "empty": lambda: [b"", memoryview(b"")],
    "just over the hand-off": lambda: [b"h" * 10, bytes(PARALLEL_MIN)],
    "several chunks": lambda: [b"head", memoryview(np.arange((2 * CHUNK + 13) // 8, dtype="<i8"))],
    "many pieces": lambda: [bytes([n]) * (MiB + n) for n in range(5)],
}


@pytest.mark.parametrize("shape", PIECES)
def test_every_backend_stores_the_concatenation_of_the_pieces(tmp_path: Path, shape: str) -> None:
    for name, backend in _backends(tmp_path).items():
        pieces = PIECES[shape]()
        expected = b"".join(bytes(piece) for piece in pieces)
        digest = backend.put_pieces(pieces)
        assert digest == Digest(hashlib.sha256(expected).hexdigest(), len(expected)), name
        assert _stored(backend, digest) == expected, name


def test_large_bytes_go_through_the_pieces_path_with_the_same_digest(tmp_path: Path) -> None:
    data = np.random.default_rng(3).bytes(33 * MiB + 5)  # over the 32 MiB upload part too
    for name, backend in _backends(tmp_path).items():
        digest = backend.put_bytes(data)
        assert digest == Digest.of(data), name
        assert _stored(backend, digest) == data, name


def test_a_piece_that_cannot_be_written_leaves_no_object_and_no_temp_file(
    tmp_path: Path,
) -> None:
    """A view that is not one run of bytes (here, every other item of an array) is refused
    with the error, after the worker stopped reading it; the temp file is gone and no object
    was named."""
    strided = memoryview(np.arange(PARALLEL_MIN, dtype=np.int64)[::2])
    backends = _backends(tmp_path)
    for name, backend in backends.items():
        with pytest.raises((TypeError, BufferError, ValueError)):
            backend.put_pieces([b"header", strided])
        assert backend.put_pieces([b"after"]) == Digest.of(b"after"), name  # worker still free
    local = backends["local"]
    assert isinstance(local, LocalPayloadStore)
    objects = [p.name for p in (local.root / "sha256").rglob("*") if p.is_file()]
    assert objects == [Digest.of(b"after").sha256]  # no temp file, nothing else named
    cached = [p.name for p in (tmp_path / "cache").iterdir()]
    assert cached == [Digest.of(b"after").sha256]


ARRAYS = {
    "c order": lambda: np.arange(3 * MiB // 8, dtype="<i8").reshape(3, -1),
    "fortran order": lambda: np.asfortranarray(np.arange(6 * 1024, dtype=">f4").reshape(96, 64)),
    "records": lambda: np.array([(1, 2.5)] * 100, dtype=[("a", "<i4"), ("b", "<f8")]),
    "scalar": lambda: np.array(7.25),
}


@pytest.mark.parametrize("kind", ARRAYS)
def test_an_array_is_stored_from_its_own_memory_as_numpy_save_bytes(kind: str) -> None:
    array = ARRAYS[kind]()
    materialized = materialize(array)
    assert materialized.materializer == "numpy" and materialized.pieces is not None
    assert b"".join(bytes(piece) for piece in materialized.pieces) == _npy(array)
    data = np.frombuffer(materialized.pieces[-1], dtype=np.uint8)
    assert np.shares_memory(data, array)  # a view of the array, not a copy


def test_an_array_that_is_not_one_run_of_memory_is_written_by_numpy() -> None:
    """Not contiguous: numpy's writer makes the bytes (it copies piece by piece)."""
    array = np.arange(4 * MiB, dtype=np.int16)[::3]
    materialized = materialize(array)
    assert materialized.pieces is None and materialized.write is not None
    out = io.BytesIO()
    materialized.write(out)
    assert out.getvalue() == _npy(array)


# ------------------------------------------------------------------------------ direct I/O
def _large_pieces() -> list[bytes | memoryview]:
    """Over DIRECT_MIN, not a multiple of the buffer or of a block, and a header of its own."""
    data = np.random.default_rng(5).integers(0, 255, DIRECT_MIN + BLOCK + 12345, dtype=np.uint8)
    return [b"h" * 128, memoryview(data)]


def test_a_large_payload_is_written_past_the_page_cache_byte_for_byte(tmp_path: Path) -> None:
    """O_DIRECT where the filesystem has it: whole buffers, the last one padded to the block
    and cut back, so the object is exactly the pieces and nothing else is left in the store."""
    local = LocalPayloadStore(tmp_path / "local", (tmp_path / "local").as_uri())
    pieces = _large_pieces()
    expected = b"".join(bytes(piece) for piece in pieces)
    digest = local.put_pieces(pieces)
    assert digest == Digest.of(expected)
    path = Path(local.object_uri(digest.sha256))
    assert path.stat().st_size == len(expected) and path.read_bytes() == expected
    assert [p.name for p in (local.root / "sha256").rglob("*") if p.is_file()] == [digest.sha256]


def test_without_direct_io_a_large_payload_takes_the_ordinary_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on macOS or Windows, which have no O_DIRECT: the same object, written through the
    page cache."""
    monkeypatch.delattr(os, "O_DIRECT", raising=False)
    local = LocalPayloadStore(tmp_path / "local", (tmp_path / "local").as_uri())
    pieces = _large_pieces()
    expected = b"".join(bytes(piece) for piece in pieces)
    digest = local.put_pieces(pieces)
    assert digest == Digest.of(expected)
    assert Path(local.object_uri(digest.sha256)).read_bytes() == expected


@pytest.mark.parametrize("order", ["C", "F"])
def test_a_large_array_loads_back_without_the_page_cache(tmp_path: Path, order: str) -> None:
    """Read in blocks straight into the array's own memory (the first one after the header),
    each dropped from the cache and hashed as it comes."""
    local = LocalPayloadStore(tmp_path / "local", (tmp_path / "local").as_uri())
    rows = (DIRECT_MIN + BLOCK) // (8 * 1000) + 7
    array = np.asarray(np.random.default_rng(9).random((rows, 1000)), order=order)
    materialized = materialize(array)
    assert materialized.pieces is not None
    digest = local.put_pieces(materialized.pieces)
    loaded = local.read_stream(digest, read_numpy)
    assert loaded.flags.owndata and loaded.flags[f"{order}_CONTIGUOUS"]
    assert np.array_equal(loaded, array)


@pytest.mark.parametrize("change", ["the last byte", "a byte of the first block"])
def test_a_large_object_changed_on_disk_is_refused_when_read_without_the_cache(
    tmp_path: Path, change: str
) -> None:
    local = LocalPayloadStore(tmp_path / "local", (tmp_path / "local").as_uri())
    array = np.arange((DIRECT_MIN + 4099) // 8, dtype="<i8")
    materialized = materialize(array)
    assert materialized.pieces is not None
    digest = local.put_pieces(materialized.pieces)
    path = Path(local.object_uri(digest.sha256))
    at = path.stat().st_size - 1 if change == "the last byte" else 200
    with path.open("r+b") as handle:
        handle.seek(at)
        handle.write(b"\xee")
    with pytest.raises(PayloadMismatchError):
        local.read_stream(digest, read_numpy)
