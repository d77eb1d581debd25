"""Identity is the id; a number is a label (DESIGN section 11).

A version's number is unique on one branch only: two branches that each register "the next"
version both call it 3. So every reference model.yaml holds (stage holders, archived and
retired versions) carries the version's id beside its number, and a reference whose id is
not the id of the file at that number is a collision of two branches' versions, never a
silent swap: reads through it fail (exit 6, naming both ids and ``zenml resolve``) and doctor
reports it. The checks here are cheap: they look only at the few numbers model.yaml names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from zenml_cli.core.model_records import ModelRecord
from zenml_cli.errors import CorruptManifestError
from zenml_cli.store import Store

if TYPE_CHECKING:
    from zenml_cli.core.doctor.problems import Problem

RESOLVE_HINT = "two branches' versions collided in a merge; run 'zenml resolve'"


def mismatch(model: ModelRecord, number: int, version_id: str) -> str | None:
    """Why the file of version ``number`` (id ``version_id``) disagrees with model.yaml's
    reference to that number, or None when it agrees (or model.yaml names no id for it)."""
    expected = model.version_ids.get(number)
    if expected is None or expected == version_id:
        return None
    role = _role(model, number)
    return (
        f"version {number} of model '{model.name}' has id {version_id}, but model.yaml's "
        f"{role} reference to number {number} names id {expected}: {RESOLVE_HINT}"
    )


def check_version(model: ModelRecord, number: int, version_id: str, source: str) -> None:
    """Raise CorruptManifestError (exit 6) when the file disagrees with model.yaml."""
    problem = mismatch(model, number, version_id)
    if problem is not None:
        raise CorruptManifestError(source, problem)


def retired_collisions(store: Store, model: ModelRecord, files: Iterable[int]) -> list[str]:
    """Problems for files that sit on a retired number with another id: a version of another
    branch, not the leftover of a delete. Reads only files on retired numbers (rare)."""
    retired = set(model.retired_numbers)
    suspects = sorted(n for n in files if n in retired and model.version_ids.get(n))
    problems = []
    for manifest in store.read_versions(model.name, suspects) if suspects else ():
        if manifest is None:
            continue
        number, found = manifest.data.get("number"), manifest.data.get("id")
        if isinstance(number, int) and isinstance(found, str):
            problem = mismatch(model, number, found)
            if problem is not None:
                problems.append(problem)
    return problems


def complete_ids(store: Store, model: ModelRecord) -> None:
    """Before model.yaml is written: keep ids for exactly the numbers it names, reading the
    id of any live one not known yet (a format 1 store being upgraded by its first write)."""
    wanted = model.referenced_numbers()
    ids = {n: i for n, i in model.version_ids.items() if n in wanted}
    missing = sorted(n for n in wanted if ids.get(n) is None)
    for manifest in store.read_versions(model.name, missing) if missing else ():
        if manifest is None:
            continue
        number, found = manifest.data.get("number"), manifest.data.get("id")
        if isinstance(number, int) and number in wanted and isinstance(found, str):
            ids[number] = ids.get(number) or found
    model.version_ids = {n: ids.get(n) for n in sorted(wanted)}


def check_model(
    store: Store, model: ModelRecord, live_ids: dict[int, str], problems: list[Problem]
) -> None:
    """Doctor: every id model.yaml names against the file at that number."""
    from zenml_cli.core.doctor.problems import Problem  # doctor's, not every write's

    source = store.model_source(model.name)
    for number, version_id in sorted(live_ids.items()):
        problem = mismatch(model, number, version_id)
        if problem is not None:
            problems.append(Problem(source, problem))
    if model.format == 1:
        problems.append(
            Problem(
                source,
                "format 1 model manifest (references carry no version ids); the next write "
                "of this model upgrades it to format 2",
                "warning",
            )
        )


def check_history(
    model: ModelRecord,
    events: list[Any],
    live_ids: dict[int, str],
    source: str,
    problems: list[Problem],
) -> None:
    """Doctor: each event's ``version_id`` against the version at its number (live, or
    retired with its id); the first disagreement is reported."""
    from zenml_cli.core.doctor.problems import Problem

    for event in events:
        number, wanted = event.version, event.version_id
        if not isinstance(number, int) or wanted is None:
            continue
        found = live_ids.get(number) or model.version_ids.get(number)
        if found is not None and found != wanted:
            problems.append(
                Problem(
                    source,
                    f"event seq {event.seq} names version {number} with id {wanted}, but "
                    f"version {number} of model '{model.name}' has id {found}: {RESOLVE_HINT}",
                )
            )
            return


def _role(model: ModelRecord, number: int) -> str:
    if number in model.retired_numbers:
        return "retired (deleted)"
    if number == model.stages.staging:
        return "staging holder"
    if number == model.stages.production:
        return "production holder"
    return "archived"
