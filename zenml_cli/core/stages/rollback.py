"""Rollback: give a stage back to the version that held it before the current holder.

Rollback is a write, not a rewrite (DESIGN section 11): history is append-only, so a
``git revert`` of a promotion would delete its event and make ``history --at`` lie. Here the
previous holder is found by replaying history (``history.holders_at``, the replay every other
reader uses), and the change is one ordinary stage event with ``rollback: true``: the
previous holder takes the stage, the current one is archived, as in any promotion.

Like ``kubectl rollout undo``, a second rollback returns to the version rolled back from:
the holder before the current one is the one the first rollback replaced. To go further
back, promote that version with ``zenml model version update NAME N --stage STAGE``.
Promotion policies (``strict_force``, ``production_requires_staging``) do not apply: the
version returning held the stage before, and the command names the stage it replaces.
"""

from __future__ import annotations

from typing import Any

from zenml_cli.core import history
from zenml_cli.core.models import get_model, model_lock
from zenml_cli.core.names import check_text
from zenml_cli.core.refs import parse_stage
from zenml_cli.core.stages import policies as stages
from zenml_cli.core.versions import VersionUpdate, apply_stage_change, read_number
from zenml_cli.enums import SINGLE_HOLDER_STAGES, ModelStages
from zenml_cli.errors import InvalidInputError, NotFoundError
from zenml_cli.store import Store


def previous_holder(
    events: list[history.HistoryEvent], stage: str, current: int | None
) -> int | None:
    """The version that held ``stage`` before ``current`` took it (or, with the stage empty,
    the last version that held it), from the holders after each event; None when history
    names no such version."""
    for holders in reversed(_holders_after_each(events)):
        held = _number(holders[stage])
        if held is not None and held != current:
            return held
    return None


def _holders_after_each(events: list[history.HistoryEvent]) -> list[dict[str, Any]]:
    """The holders before the first event and after each one, in sequence order. Each step is
    ``history.holders_at`` (the one replay of history) on a ``reconcile`` event that restates
    the holders so far, followed by the next event: linear in the history, where replaying
    every prefix would be quadratic (seconds at a few thousand events)."""
    ordered = sorted(events, key=lambda event: event.seq)
    holders: dict[str, Any] = history.holders_at([])
    steps = [holders]
    for event in ordered:
        restated = history.HistoryEvent(
            seq=0, time="", actor="", event=history.RECONCILE, to=dict(holders)
        )
        holders = history.holders_at([restated, event])
        steps.append(holders)
    return steps


def _number(holder: object) -> int | None:
    """The version number of a replayed holder: a number, or a reference that carries one
    beside its id (``.number`` or ``["number"]``), as the reference format grows ids."""
    if holder is None or isinstance(holder, int):
        return holder
    number = holder.get("number") if isinstance(holder, dict) else getattr(holder, "number", None)
    return number if isinstance(number, int) else None


def rollback(
    store: Store,
    model: str,
    stage: str | ModelStages = ModelStages.PRODUCTION,
    *,
    message: str | None = None,
) -> VersionUpdate:
    """Return ``stage`` (staging or production) to its previous holder, archiving the current
    one, as one history event. NotFoundError (exit 3) when there is no previous holder, or it
    was deleted since; nothing is written then."""
    target = parse_stage(stage)
    if target not in SINGLE_HOLDER_STAGES:
        raise InvalidInputError(
            f"rollback works on staging or production (a stage with one holder), "
            f"not '{target.value}'"
        )
    check_text(message, "message")
    with store.lock(model_lock(model)):
        record = get_model(store, model)
        current = record.stages.holder(target)
        history.reconcile(
            store,
            record.name,
            record.stages.staging,
            record.stages.production,
            retired=record.retired_numbers,
        )
        number = previous_holder(history.read(store, record.name), target.value, current)
        now = "is empty" if current is None else f"is held by version {current}"
        if number is None:
            raise NotFoundError(
                f"{target.value} of model '{record.name}' {now} and history names no earlier "
                f"holder to return to; see 'zenml model version history {record.name}'"
            )
        version = read_number(store, record, number)
        if version is None:
            raise NotFoundError(
                f"version {number}, which held {target.value} of model '{record.name}' before, "
                f"was deleted; nothing changed (promote another version with 'zenml model "
                f"version update {record.name} N --stage {target.value}')"
            )
        new_holders, change = stages.plan(
            record.stages, number, target, policies=stages.Policies(), force=True, model=record.name
        )
        apply_stage_change(
            store, record, version, change, new_holders, message=message, rollback=True
        )
    return VersionUpdate(version=version, stage_change=change)
