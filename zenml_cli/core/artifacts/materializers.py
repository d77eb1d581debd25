"""Materializers: turning a Python value into payload bytes and back, chosen by its type.

Order of choice: builtins that JSON can hold exactly (str, int, float, bool, None, and dicts
with text keys / lists of those), ``bytes``, ``pathlib.Path`` (a file or folder: handed to the
payload store, which stores a folder as one archive), numpy arrays, pandas frames and series,
scikit-learn estimators, then cloudpickle for anything else (as ZenML does, so classes and
functions defined in a training script's ``__main__`` load on another machine). numpy, pandas
and sklearn are never imported here unless the value already comes from them (we look in
``sys.modules``), and cloudpickle only when something is pickled, so ``import zenml_cli``
stays cheap. No file is touched here: the store moves the bytes.

Differs from ZenML: there is no materializer registry to extend; tuples and sets are pickled
(JSON would turn them into lists); a loaded ``Path`` points into a read-only cache.
"""

from __future__ import annotations

import json
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zenml_cli.enums import ArtifactType
from zenml_cli.errors import CorruptManifestError, InvalidInputError

#: Materializers whose payload is a file or folder rather than bytes of a value.
PATH_MATERIALIZERS = ("path", "folder")
#: Materializers that unpickle, so loading runs code the payload names.
CODE_MATERIALIZERS = ("pickle", "pandas", "sklearn")


@dataclass
class Materialized:
    """A value ready to be stored: its bytes (or a path to store), and what it was."""

    materializer: str
    data_type: str
    artifact_type: ArtifactType = ArtifactType.DATA
    data: bytes = b""
    source: Path | None = None
    #: A serialiser that streams the payload into the file object it is given (a large value,
    #: a numpy array, never held as bytes); then ``data`` is unused.
    write: Callable[[Any], object] | None = None
    #: The payload as buffers, of which the large ones are the value's own memory (an array's
    #: header, then its data): stored as they are, never copied; then ``data`` and ``write``
    #: are unused. The value must not change until it is stored.
    pieces: list[bytes | memoryview] | None = None
    #: Versions the payload depends on (e.g. the Python version of a pickle).
    environment: dict[str, str] = field(default_factory=dict)


#: ZenML's report strings (``zenml_cli.types``), named here so the core need not import the
#: SDK: saved as data analysis artifacts, pickled so loading gives the same class back.
REPORT_KINDS = frozenset(
    f"zenml_cli.types.{name}"
    for name in ("HTMLString", "MarkdownString", "CSVString", "JSONString")
)


def materialize(data: Any) -> Materialized:
    """Serialise ``data`` with the first materializer that fits its type."""
    kind = f"{type(data).__module__}.{type(data).__qualname__}"
    if kind in REPORT_KINDS:
        return _pickled("pickle", data, kind, ArtifactType.DATA_ANALYSIS)
    if _is_json(data):
        text = json.dumps(data, ensure_ascii=False, sort_keys=False, indent=1)
        return Materialized("json", kind, data=text.encode("utf-8"))
    if isinstance(data, bytes | bytearray):
        return Materialized("bytes", kind, data=data if type(data) is bytes else bytes(data))
    if isinstance(data, Path):
        return Materialized("path", kind, source=data)
    special = _numpy(data, kind) or _pandas(data, kind) or _sklearn(data, kind)
    return special or _pickled("pickle", data, kind, ArtifactType.DATA)


def from_bytes(materializer: str, raw: bytes, manifest: object) -> Any:
    """A value back from its verified payload bytes, with the materializer its manifest names."""
    if materializer == "json":
        return json.loads(raw.decode("utf-8"))
    if materializer == "bytes":
        return raw
    if materializer == "numpy":
        import io

        import numpy

        return numpy.load(io.BytesIO(raw), allow_pickle=False)
    if materializer in CODE_MATERIALIZERS:
        import pickle

        import cloudpickle  # noqa: F401 - what the payload's reducers import

        return pickle.loads(raw)  # noqa: S301 - only after size and sha256 were checked
    raise CorruptManifestError(
        manifest, f"unknown materializer {materializer!r}; upgrade zenml-cli or restore the file"
    )


def _is_json(value: Any, depth: int = 0) -> bool:
    """True if JSON round-trips ``value`` exactly (so no tuples, no non-text keys)."""
    if depth > 100:
        return False
    if value is None or type(value) in (str, int, float, bool):
        return True
    if type(value) is list:
        return all(_is_json(item, depth + 1) for item in value)
    if type(value) is dict:
        return all(type(key) is str and _is_json(item, depth + 1) for key, item in value.items())
    return False


def _numpy(data: Any, kind: str) -> Materialized | None:
    numpy = sys.modules.get("numpy")
    if numpy is None or not isinstance(data, numpy.ndarray) or data.dtype.hasobject:
        return None
    pieces = numpy_pieces(data)
    if pieces is None:  # numpy's own writer: it copies, piece by piece, into the store's file
        import numpy.lib.format as fmt

        def write(out: Any) -> None:
            fmt.write_array(out, data, allow_pickle=False)

        return Materialized("numpy", kind, write=write, environment=_env("numpy"))
    return Materialized("numpy", kind, pieces=pieces, environment=_env("numpy"))


def numpy_pieces(array: Any) -> list[bytes | memoryview] | None:
    """The bytes ``numpy.save`` writes for ``array``, as its header and a view of the array's
    own memory (no copy); None where numpy's writer must make them (not contiguous, a dtype
    whose values are not their raw bytes, a header that only numpy writes)."""
    import io

    import numpy

    fmt = numpy.lib.format
    if not (array.flags.c_contiguous or array.flags.f_contiguous):
        return None
    if array.dtype.kind not in RAW_KINDS:
        return None
    header = io.BytesIO()
    try:  # numpy.save's choice: version 1.0 when the header fits, else 2.0
        fmt.write_array_header_1_0(header, fmt.header_data_from_array_1_0(array))
    except ValueError:
        try:
            header = io.BytesIO()
            fmt.write_array_header_2_0(header, fmt.header_data_from_array_1_0(array))
        except (ValueError, UnicodeError):
            return None
    in_order = array if array.flags.c_contiguous else array.T  # as the file lays it out
    data = in_order.reshape(-1).view(numpy.uint8).data if array.nbytes else memoryview(b"")
    return [header.getvalue(), data]


#: dtype kinds whose values are their raw bytes (not objects, not numpy 2's new string type).
RAW_KINDS = "biufcmMSUV"


#: Materializers whose value is read straight from the payload stream (``read_streamed``).
STREAMED = ("numpy",)


def read_numpy(reader: Any) -> Any:
    """An array read from a payload stream into its own memory: the header first (numpy's
    own parser, which evaluates nothing), then the data in place. ``reader`` checks size and
    sha256 before the array is returned (``store/payloads/stream.py``), and refuses a header
    that claims more data than the recorded size."""
    import numpy

    fmt = numpy.lib.format
    version = fmt.read_magic(reader)
    if version not in ((1, 0), (2, 0)):  # 3.0 (unicode field names): rare, read it whole
        import io

        whole = fmt.magic(*version) + reader.read()
        return numpy.load(io.BytesIO(whole), allow_pickle=False)
    read_header = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
    shape, fortran, dtype = read_header(reader)
    if dtype.hasobject:
        raise ValueError("Object arrays cannot be loaded when allow_pickle=False")
    count = 1
    for length in shape:
        count *= length
    reader.claim(count * dtype.itemsize)  # before allocating what the header asks for
    array = numpy.empty(shape, dtype=dtype, order="F" if fortran else "C")
    if array.nbytes:
        in_order = array.T if fortran else array  # how the file lays the bytes out
        reader.fill(in_order.reshape(-1).view(numpy.uint8).data)
    return array


def _pandas(data: Any, kind: str) -> Materialized | None:
    pandas = sys.modules.get("pandas")
    if pandas is None or not isinstance(data, pandas.DataFrame | pandas.Series):
        return None
    return _pickled("pandas", data, kind, ArtifactType.DATA, "pandas")


def _sklearn(data: Any, kind: str) -> Materialized | None:
    if "sklearn" not in sys.modules:
        return None
    from sklearn.base import BaseEstimator

    if not isinstance(data, BaseEstimator):
        return None
    return _pickled("sklearn", data, kind, ArtifactType.MODEL, "sklearn")


def _pickled(
    name: str, data: Any, kind: str, artifact_type: ArtifactType, package: str | None = None
) -> Materialized:
    import cloudpickle

    try:
        raw = cloudpickle.dumps(data, protocol=5)
    except Exception as exc:
        raise InvalidInputError(
            f"cannot save a {kind}: it cannot be pickled ({exc}); save a plainer value"
        ) from exc
    environment = {**_env(package), "cloudpickle": str(cloudpickle.__version__)}
    return Materialized(name, kind, artifact_type, data=raw, environment=environment)


def _env(package: str | None) -> dict[str, str]:
    """Python's version always (a pickle may not load elsewhere), plus the package's."""
    env = {"python": platform.python_version()}
    if package and package in sys.modules:
        module = sys.modules[package]
        env[package] = str(getattr(module, "__version__", "unknown"))
    return env
