"""Three-way merge of one manifest, key by key: a key changed on one side takes that side's
value; a key changed on both sides to different values is a clash, and ours is kept."""

from __future__ import annotations

from typing import Any

_MISSING = object()


def merge_keys(
    base: dict[str, Any] | None, ours: dict[str, Any], theirs: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """The merged mapping (ours' key order, then theirs' new keys) and the clashing keys.
    Nested mappings (``metadata``) merge key by key too, their clashes named ``a.b``."""
    base = base or {}
    merged: dict[str, Any] = {}
    clashes: list[str] = []
    for key in [*ours, *(k for k in theirs if k not in ours)]:
        was, mine, other = (
            base.get(key, _MISSING),
            ours.get(key, _MISSING),
            theirs.get(key, _MISSING),
        )
        value = _pick(key, was, mine, other, clashes)
        if value is not _MISSING:
            merged[key] = value
    return merged, clashes


def _pick(key: str, was: Any, mine: Any, other: Any, clashes: list[str]) -> Any:
    if mine == other or other == was:
        return mine
    if mine == was:
        return other
    if isinstance(mine, dict) and isinstance(other, dict):
        inner, nested = merge_keys(was if isinstance(was, dict) else None, mine, other)
        clashes.extend(f"{key}.{name}" for name in nested)
        return inner
    if isinstance(mine, list) and isinstance(other, list):  # tags, links, run ids: sets
        old = was if isinstance(was, list) else []
        return _merge_list(old, mine, other)
    clashes.append(key)
    return mine


def _merge_list(base: list[Any], ours: list[Any], theirs: list[Any]) -> list[Any]:
    """Lists in manifests are sets in practice (tags, artifact links, run ids): both sides'
    additions survive and both sides' removals apply; ours' order first."""
    removed = [item for item in base if item not in ours or item not in theirs]
    merged = [item for item in ours if item not in removed]
    merged.extend(item for item in theirs if item not in merged and item not in removed)
    return sorted(merged) if all(isinstance(i, str) for i in merged) else merged
