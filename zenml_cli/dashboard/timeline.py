"""Stage tenures presented from the core's replay of a model's history (``replay_history``):
who held staging and production, from when until when, who put them there (and why), and
what ended their term. The replay itself, ``reconcile`` events included, is the core's; this
module only turns its successive holders into terms, so "now" here is what
``zenml model version history --at`` answers."""

from __future__ import annotations

from dataclasses import dataclass

from zenml_cli.dashboard.data import Event, replay_history

HELD_STAGES = ("production", "staging")


@dataclass
class Tenure:
    stage: str
    version: int
    version_name: str | None
    start: str
    promoted_by: str
    message: str | None
    end: str | None = None  # None: still holding
    ended_by: str | None = None  # what ended it, e.g. "replaced by version 3 (alice)"


def tenures(events: list[Event]) -> list[Tenure]:
    """Every staging/production term in the order they began (replay order)."""
    began: list[Tenure] = []
    holding: dict[str, Tenure] = {}
    for event, holders in replay_history(events):
        for stage in HELD_STAGES:
            term, now = holding.get(stage), holders.get(stage)
            if term is not None and term.version == now:
                continue
            if term is not None:
                term.end, term.ended_by = event.time, _why_ended(stage, event)
                del holding[stage]
            if now is not None:
                holding[stage] = _term(stage, now, event)
                began.append(holding[stage])
    return began


def _term(stage: str, version: int, event: Event) -> Tenure:
    named = event.version == version  # a reconcile restores a holder without naming it
    return Tenure(
        stage=stage,
        version=version,
        version_name=event.version_name if named else None,
        start=event.time,
        promoted_by=event.actor,
        message=event.message,
    )


def _why_ended(stage: str, event: Event) -> str:
    if event.event == "delete":
        return f"deleted ({event.actor})"
    if event.event == "stage" and event.to != stage:
        return f"moved to {event.to} ({event.actor})"
    if event.event == "stage":
        return f"replaced by version {event.version} ({event.actor})"
    return f"{event.event}: model.yaml's holders stand ({event.actor})"
