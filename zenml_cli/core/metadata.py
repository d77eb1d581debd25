"""Run metadata values: what may be stored in a manifest's ``metadata`` mapping.

Manifests are YAML or JSON in git, so metadata is limited to what both encode exactly:
text keys; text, numbers, booleans, null, and lists/mappings of those. Tuples and sets become
lists, as in ZenML (a set sorted, so the file does not change with hash order). ZenML's
``Uri``, ``Path``, ``DType`` (text) and ``StorageSize`` (an int) are kept as their plain base
value: the manifest holds no types.
"""

from __future__ import annotations

import math
from typing import Any

from zenml_cli.errors import InvalidInputError
from zenml_cli.limits import MAX_NESTING, nesting_problem, text_problem, too_deep


def checked_metadata(metadata: object) -> dict[str, Any]:
    """A plain copy of ``metadata``, or InvalidInputError naming the first bad key. Nesting
    is bounded by ``limits.MAX_NESTING`` (one level is the mapping itself), the same bound
    every manifest reader applies, so what is written can always be read back."""
    if not isinstance(metadata, dict):
        raise InvalidInputError(f"metadata must be a mapping, not {type(metadata).__name__}")
    if too_deep(metadata, MAX_NESTING - 2):  # the manifest and run_metadata are two levels
        raise InvalidInputError(f"metadata is {nesting_problem(MAX_NESTING - 2)}")
    return {_key(key): _value(value, str(key)) for key, value in metadata.items()}


def _key(key: object) -> str:
    if not isinstance(key, str) or not key:
        raise InvalidInputError(f"metadata keys must be non-empty text, not {key!r}")
    _check_text(key, f"metadata key {key!r}")
    return key


def _check_text(text: str, what: str) -> None:
    problem = text_problem(text)
    if problem:
        raise InvalidInputError(f"{what}: {problem}")


def _value(value: Any, where: str) -> Any:
    # Subclasses (numpy.float64 is a float, enums are str) become the plain type, which is
    # all a safe YAML dumper can write.
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        _check_text(value, f"metadata '{where}'")
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)  # YAML and JSON disagree on NaN/inf; keep it readable
        return float(value)
    if isinstance(value, list | tuple):
        return [_value(item, where) for item in value]
    if isinstance(value, set | frozenset):
        return _sorted([_value(item, where) for item in value])
    if isinstance(value, dict):
        return {_key(k): _value(v, f"{where}.{k}") for k, v in value.items()}
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return _value(item(), where)
    raise InvalidInputError(
        f"metadata '{where}' is a {type(value).__name__}; use text, numbers, booleans, "
        "lists or mappings"
    )


def _sorted(items: list[Any]) -> list[Any]:
    """A set's items in one order every run: sorted, or when they do not compare (``{1, "a"}``)
    by type name then JSON text."""
    try:
        return sorted(items)
    except TypeError:
        import json

        return sorted(items, key=lambda item: (type(item).__name__, json.dumps(item)))


def is_finite_number(value: Any) -> bool:
    """A metric a comparison can use: an int or a finite float, never a bool. ``NaN``,
    ``inf`` (a committed YAML ``.nan``, or a failed run's ``"nan"``) and text such as
    ``"n/a"`` are not: they never pass a numeric ``--where``, sort after every number and
    never win a gate."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    # Every int is finite; math.isfinite would convert one past float's range and overflow.
    return isinstance(value, int) or math.isfinite(value)


#: What ``lookup`` returns for a key that is not there (None is a value a key can hold).
MISSING: Any = object()


def lookup(metadata: dict[str, Any], key: str) -> Any:
    """``metadata[key]``, else the dotted path into nested mappings (``eval.auc``), else
    ``MISSING``."""
    if key in metadata:
        return metadata[key]
    value: Any = metadata
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return MISSING
        value = value[part]
    return value


def parse_pairs(pairs: list[str]) -> dict[str, Any]:
    """``KEY=VALUE`` options: VALUE is read as JSON when it parses as JSON, else as text."""
    import json

    parsed: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key.strip():
            raise InvalidInputError(
                f"--metadata {pair!r} is not KEY=VALUE (e.g. -M auc=0.93 or -M note=text)"
            )
        try:
            value: Any = json.loads(text)
        except ValueError:
            value = text
        except RecursionError:
            raise InvalidInputError(f"--metadata {key!r} is {nesting_problem()}") from None
        parsed[key.strip()] = value
    return parsed


def parse_file(path: str, text: str) -> dict[str, Any]:
    """The text of a JSON or YAML file holding one mapping (JSON is YAML: one parser reads
    both); ``path`` names it in messages. The caller reads the file: the core never does."""
    import yaml

    from zenml_cli.store.codec import load_yaml

    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" (line {where.line + 1})" if where is not None else ""
        why = " ".join(str(getattr(exc, "problem", "") or "").split())
        raise InvalidInputError(
            f"--metadata-file {path!r} is not JSON or YAML{at}" + (f": {why}" if why else "")
        ) from None
    except RecursionError:
        raise InvalidInputError(f"--metadata-file {path!r} is {nesting_problem()}") from None
    if not isinstance(data, dict):
        raise InvalidInputError(
            f"--metadata-file {path!r} must hold a mapping of KEY: VALUE, not {type(data).__name__}"
        )
    if too_deep(data, MAX_NESTING - 2):
        raise InvalidInputError(f"--metadata-file {path!r} is {nesting_problem(MAX_NESTING - 2)}")
    return checked_metadata(data)


def from_options(
    pairs: list[str] | None, path: str | None, text: str | None = None
) -> dict[str, Any] | None:
    """The metadata of ``--metadata-file`` (``path``, whose ``text`` the caller read) then
    ``-M`` pairs (a pair wins), or None."""
    if not pairs and path is None:
        return None
    merged = parse_file(path, text or "") if path is not None else {}
    merged.update(parse_pairs(pairs or []))
    return checked_metadata(merged)
