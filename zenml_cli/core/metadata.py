"""Run metadata values: what may be stored in a manifest's ``metadata`` mapping.

Manifests are YAML or JSON in git, so metadata is limited to what both encode exactly:
text keys; text, numbers, booleans, null, and lists/mappings of those. Tuples become lists.
Differs from ZenML: no special metadata types (Uri, Path, DType, StorageSize); pass text.
"""

from __future__ import annotations

import math
from typing import Any

from zenml_cli.errors import InvalidInputError


def checked_metadata(metadata: object) -> dict[str, Any]:
    """A plain copy of ``metadata``, or InvalidInputError naming the first bad key."""
    if not isinstance(metadata, dict):
        raise InvalidInputError(f"metadata must be a mapping, not {type(metadata).__name__}")
    return {_key(key): _value(value, str(key)) for key, value in metadata.items()}


def _key(key: object) -> str:
    if not isinstance(key, str) or not key:
        raise InvalidInputError(f"metadata keys must be non-empty text, not {key!r}")
    return key


def _value(value: Any, where: str) -> Any:
    # Subclasses (numpy.float64 is a float, enums are str) become the plain type, which is
    # all a safe YAML dumper can write.
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)  # YAML and JSON disagree on NaN/inf; keep it readable
        return float(value)
    if isinstance(value, list | tuple):
        return [_value(item, where) for item in value]
    if isinstance(value, dict):
        return {_key(k): _value(v, f"{where}.{k}") for k, v in value.items()}
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return _value(item(), where)
    raise InvalidInputError(
        f"metadata '{where}' is a {type(value).__name__}; use text, numbers, booleans, "
        "lists or mappings"
    )
