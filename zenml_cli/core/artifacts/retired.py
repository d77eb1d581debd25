"""Deleted artifact versions keep their number and id retired, as model versions do (DESIGN
section 11): artifact versions are numbered per name, so a number is unique on one branch
only, and a file that appears on a deleted version's number with another id is another
branch's artifact version (a collision for ``zenml resolve``), never a deleted one.

The list lives beside the versions in ``artifacts/<name>/.retired.jsonl``, one JSON line per
deleted version (``{"version", "number", "id"}``), append-only, so two branches' deletes
merge by union.
"""

from __future__ import annotations

import json

from zenml_cli.core.doctor.problems import Problem
from zenml_cli.core.identity import RESOLVE_HINT
from zenml_cli.errors import CorruptManifestError
from zenml_cli.store import Store


def retired(store: Store, name: str) -> dict[str, str | None]:
    """Deleted versions of artifact ``name``: version -> its id (None if not recorded)."""
    found: dict[str, str | None] = {}
    for number, line in enumerate(store.artifact_retired_lines(name), start=1):
        try:
            data = json.loads(line)
            version, version_id = data["version"], data.get("id")
        except (ValueError, KeyError, TypeError) as exc:
            source = f"{store.artifact_retired_source(name)}:{number}"
            raise CorruptManifestError(source, "not a valid deleted-version line") from exc
        if isinstance(version, str):
            found[version] = version_id if isinstance(version_id, str) else None
    return found


def retire(store: Store, name: str, version: str, number: int, version_id: str) -> None:
    """Record one deletion, before the file goes (caller holds the artifact's lock)."""
    line = {"version": version, "number": number, "id": version_id}
    store.append_artifact_retired(name, json.dumps(line).encode("utf-8"))


def is_deleted(
    gone: dict[str, str | None], name: str, version: str, found_id: str, source: str
) -> bool:
    """True for a file left by an interrupted delete (the retired id, or none recorded);
    CorruptManifestError (exit 6) for another id on a deleted version: a collision."""
    if version not in gone:
        return False
    expected = gone[version]
    if expected is None or expected == found_id:
        return True
    raise CorruptManifestError(source, collision(name, version, found_id, expected))


def collision(name: str, version: str, found_id: str, expected: str) -> str:
    return (
        f"artifact '{name}' version '{version}' has id {found_id}, but that version was "
        f"deleted with id {expected}: {RESOLVE_HINT}"
    )


def check(
    store: Store, name: str, version: str, found_id: str, source: str, problems: list[Problem]
) -> None:
    """Doctor: a file on a deleted version (a leftover warning, or a collision error)."""
    try:
        gone = retired(store, name)
    except CorruptManifestError as exc:
        problems.append(Problem(exc.path, exc.problem))
        return
    try:
        if is_deleted(gone, name, version, found_id, source):
            problems.append(
                Problem(
                    source,
                    "this artifact version was deleted but its file remains "
                    "(an interrupted delete); remove the file",
                    "warning",
                )
            )
    except CorruptManifestError as exc:
        problems.append(Problem(exc.path, exc.problem))
