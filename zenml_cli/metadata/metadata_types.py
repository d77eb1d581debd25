"""ZenML's special metadata types, so code that logs them runs unchanged.

Each is a plain ``str`` or ``int`` subclass, as in ZenML. Metadata here is plain YAML/JSON in
the manifest, so a logged ``Uri("s3://b/k")`` reads back as the text ``"s3://b/k"`` and a
``StorageSize(1024)`` as the int ``1024``: the type name is not kept.
"""

from __future__ import annotations

from typing import Any


class Uri(str):
    """Text that is a URI."""


class Path(str):
    """Text that is a path."""


class DType(str):
    """Text that names a data type (``DType("float64")``)."""


class StorageSize(int):
    """A storage size in bytes."""


#: What may be logged as metadata (ZenML's annotation; sets and tuples are stored as lists).
MetadataType = str | int | float | bool | dict[Any, Any] | list[Any] | set[Any] | tuple[Any, ...]
#: The same, for ``isinstance`` checks (the subclasses are covered by ``str`` and ``int``).
MetadataTypeTuple = (str, int, float, bool, dict, list, set, tuple, Uri, Path, DType, StorageSize)
