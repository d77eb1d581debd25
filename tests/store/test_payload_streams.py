"""Issue 21, item 6: large payloads stream (written while hashed, read into the value's own
buffer while verified) and still round-trip byte for byte, and an altered or truncated object
is still refused with exit 6 before a value is returned.

Real parts: a git repository (so the ledger of objects this machine wrote is in use), saving
and loading in separate processes of the installed interpreter, and moto's S3 server on
127.0.0.1. Sizes cross the streaming boundaries (8 MiB read buffer, 16 MiB array pieces,
32 MiB upload parts) without being large. Speed and memory are measured by
``benchmarks/payloads.py``, not here.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from support.payload_stores import (
    LOAD,
    artifact_manifest,
    clone,
    git,
    new_repo,
    object_path,
    plant,
    py,
)

pytestmark = pytest.mark.slow

#: The arrays (Python source, run in the saving and the loading process alike).
ARRAYS = """
import random
import numpy as np

MiB = 1 << 20
ARRAYS = {
    "big": np.arange(33 * MiB // 8 + 1001, dtype="<i8"),  # > 32 MiB: two upload parts
    "fortran": np.asfortranarray(np.arange(3 * MiB, dtype=">f4").reshape(3072, 1024)),
    "strided": np.arange(4 * MiB, dtype=np.int16)[::3],  # not contiguous: numpy's writer
    "records": np.array([(1, 2.5, b"ab")] * 1000, dtype=[("a", "<i4"), ("b", "<f8"), ("c", "S2")]),
    "scalar": np.array(7.25),
    "empty": np.zeros((0, 4)),
}
BLOB = random.Random(1).randbytes(17 * MiB + 7)  # a large bytes value
"""
SAVE = (
    ARRAYS
    + """
from zenml_cli import save_artifact
for name, array in ARRAYS.items():
    save_artifact(array, name)
save_artifact(BLOB, "blob")
"""
)
CHECK = (
    ARRAYS
    + """
from zenml_cli import load_artifact
for name, array in ARRAYS.items():
    loaded = load_artifact(name)
    assert loaded.dtype == array.dtype and loaded.shape == array.shape, name
    if array.flags.f_contiguous and not array.flags.c_contiguous:  # comes back in that order
        assert loaded.flags.f_contiguous and not loaded.flags.c_contiguous, name
    assert loaded.tobytes() == array.tobytes(), name
    assert loaded.flags.writeable and loaded.flags.owndata, name
assert load_artifact("blob") == BLOB
print("all equal")
"""
)


def _arrays() -> dict[str, Any]:
    scope: dict[str, Any] = {}
    exec(ARRAYS, scope)  # noqa: S102 - the test's own source
    return dict(scope["ARRAYS"])


def _npy(array: Any) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _record(root: Path, name: str) -> dict[str, Any]:
    found: dict[str, Any] = yaml.safe_load((root / f".zenml/artifacts/{name}/1.yaml").read_text())
    return found


def _saved(tmp_path: Path, store: str | None = None) -> Path:
    config = "format: 1\n" if store is None else f"format: 1\nartifact_store: {store}\n"
    root = new_repo(tmp_path / "a", config, accepting=store)
    done = py(root, "-c", SAVE)
    assert done.returncode == 0, done.stderr
    git(root, "add", "-A")  # the manifests, for a clone
    git(root, "commit", "-q", "-m", "saved")
    return root


def _check(root: Path) -> None:
    done = py(root, "-c", CHECK)
    assert done.returncode == 0 and "all equal" in done.stdout, done.stderr


# ------------------------------------------------------------------------------ round trips
def test_arrays_round_trip_through_the_local_store_as_numpy_save_bytes(tmp_path: Path) -> None:
    """The streamed object is exactly what ``numpy.save`` writes (so hashes match objects
    saved before streaming), its manifest names that hash and size, and it loads back
    equal in another process (order, byte order and dtype kept)."""
    root = _saved(tmp_path)
    for name, array in _arrays().items():
        expected = _npy(array)
        record = _record(root, name)
        assert record["materializer"] == "numpy"
        assert (record["sha256"], record["size"]) == (
            hashlib.sha256(expected).hexdigest(),
            len(expected),
        )
        assert (root / object_path(record["sha256"])).read_bytes() == expected
    _check(root)


def test_arrays_round_trip_through_s3_cold_and_cached(
    tmp_path: Path,
    s3: tuple[str, Any],  # noqa: F811 - the fixture
) -> None:
    url, fs = s3
    root = _saved(tmp_path, url)
    big = _record(root, "big")
    key = f"{url.removeprefix('s3://')}/sha256/{big['sha256'][:2]}/{big['sha256']}"
    assert fs.cat_file(key) == _npy(_arrays()["big"])  # uploaded in parts, byte for byte
    fresh = clone(root, tmp_path / "b", accepting=url)  # no cache: every object from the bucket
    _check(fresh)
    cache = fresh / ".git/zenml/payloads/cache"
    assert (cache / big["sha256"]).read_bytes() == _npy(_arrays()["big"])
    _check(fresh)  # from the verified cache


def test_a_folder_round_trips_through_one_buffer(tmp_path: Path) -> None:
    """Files of 0, 1 and just over 8 MiB bytes (the unpacking buffer), executable or not,
    come back byte for byte and read-only."""
    root = new_repo(tmp_path / "a")
    folder = tmp_path / "data"
    sizes = {"empty.txt": 0, "one.bin": 1, "sub/deep/large.bin": (8 << 20) + 3, "run.sh": 10}
    for index, (name, size) in enumerate(sizes.items()):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(bytes([index + 1]) * size)
    (folder / "run.sh").chmod(0o755)
    done = py(root, "-c", f"from pathlib import Path; from zenml_cli import save_artifact; "
                          f"save_artifact(Path({str(folder)!r}), 'data')")  # fmt: skip
    assert done.returncode == 0, done.stderr
    loaded = py(root, "-c", "from zenml_cli import load_artifact; print(load_artifact('data'))")
    assert loaded.returncode == 0, loaded.stderr
    unpacked = Path(loaded.stdout.strip())
    for name in sizes:
        assert (unpacked / name).read_bytes() == (folder / name).read_bytes()
        assert not (unpacked / name).stat().st_mode & 0o222
    assert (unpacked / "run.sh").stat().st_mode & 0o111


# ------------------------------------------------------------------------------ refusals
def _header_claims_more(data: bytes) -> bytes:
    """The same bytes with the shape in the header made larger (same length)."""
    start = data.index(b"'shape': (") + len(b"'shape': (")
    return data[:start] + b"9" + data[start + 1 :]


ALTERATIONS = {
    "truncated": lambda data: data[:-1],
    "grown": lambda data: data + b"\0",
    "a data byte": lambda data: data[: len(data) // 2] + b"\xff" + data[len(data) // 2 + 1 :],
    "the last byte": lambda data: data[:-1] + bytes([data[-1] ^ 1]),
    "a header that claims more": _header_claims_more,
    "an unreadable header": lambda data: data[:8] + b"\x7f" * 20 + data[28:],
}


@pytest.mark.parametrize("change", ALTERATIONS)
def test_an_altered_local_object_is_refused_with_exit_6(tmp_path: Path, change: str) -> None:
    root = _saved(tmp_path)
    record = _record(root, "big")
    path = root / object_path(record["sha256"])
    path.write_bytes(ALTERATIONS[change](path.read_bytes()))
    loaded = py(root, "-c", LOAD, "big")
    assert loaded.returncode == 6, (loaded.stdout, loaded.stderr)
    assert "artifact 'big'" in loaded.stdout and record["sha256"][:12] in loaded.stdout
    assert "Traceback" not in loaded.stderr


@pytest.mark.parametrize("change", ["a data byte", "the last byte", "a header that claims more"])
def test_an_altered_s3_object_is_refused_and_never_cached(
    tmp_path: Path,
    s3: tuple[str, Any],  # noqa: F811 - the fixture
    change: str,
) -> None:
    url, fs = s3
    root = _saved(tmp_path, url)
    record = _record(root, "big")
    key = f"{url.removeprefix('s3://')}/sha256/{record['sha256'][:2]}/{record['sha256']}"
    fs.pipe_file(key, ALTERATIONS[change](fs.cat_file(key)))
    fresh = clone(root, tmp_path / "b", accepting=url)
    loaded = py(fresh, "-c", LOAD, "big")
    assert loaded.returncode == 6, (loaded.stdout, loaded.stderr)
    cache = fresh / ".git/zenml/payloads/cache"
    assert not cache.is_dir() or [p.name for p in cache.iterdir()] == []


def test_a_damaged_cached_copy_of_an_s3_object_is_fetched_again(
    tmp_path: Path,
    s3: tuple[str, Any],  # noqa: F811 - the fixture
) -> None:
    url, _ = s3
    root = _saved(tmp_path, url)
    record = _record(root, "big")
    cached = root / ".git/zenml/payloads/cache" / record["sha256"]
    data = cached.read_bytes()  # the save kept its verified copy
    cached.write_bytes(ALTERATIONS["a data byte"](data))
    _check(root)
    assert cached.read_bytes() == data


def test_a_planted_array_object_is_never_read(tmp_path: Path) -> None:
    """The streaming path keeps the ledger's rule: an object this machine did not write is
    refused before a byte of it is read into an array."""
    data = _npy(np.arange(3 << 20, dtype=np.int64))
    sha = hashlib.sha256(data).hexdigest()
    manifest = artifact_manifest("x", sha, len(data), materializer="numpy")
    attacker = new_repo(tmp_path / "attacker")
    plant(attacker, {object_path(sha): data, ".zenml/artifacts/x/1.yaml": manifest.encode()})
    victim = clone(attacker, tmp_path / "victim")
    loaded = py(victim, "-c", LOAD, "x")
    assert loaded.returncode == 6 and "not written on this machine" in loaded.stdout
