"""Stage tenures replayed from a model's history: who held staging and production, from
when until when, who put them there (and why), and what ended their term."""

from __future__ import annotations

from dataclasses import dataclass

from zenml_cli.dashboard.data import Event

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
    """Every staging/production term, oldest first, from events in (time, seq) order."""
    done: list[Tenure] = []
    holding: dict[str, Tenure] = {}

    def close(stage: str, event: Event, why: str) -> None:
        term = holding.pop(stage)
        term.end, term.ended_by = event.time, why
        done.append(term)

    for event in events:
        if event.event == "stage":
            for stage in HELD_STAGES:
                term = holding.get(stage)
                if term is None:
                    continue
                if term.version == event.version and event.to != stage:
                    close(stage, event, f"moved to {event.to} ({event.actor})")
                elif term.version != event.version and event.to == stage:
                    close(stage, event, f"replaced by version {event.version} ({event.actor})")
            if event.to in HELD_STAGES and event.version is not None and event.to not in holding:
                holding[event.to] = Tenure(
                    stage=event.to,
                    version=event.version,
                    version_name=event.version_name,
                    start=event.time,
                    promoted_by=event.actor,
                    message=event.message,
                )
        elif event.event == "delete":
            for stage in HELD_STAGES:
                if stage in holding and holding[stage].version == event.version:
                    close(stage, event, f"deleted ({event.actor})")
    done.extend(holding[stage] for stage in HELD_STAGES if stage in holding)
    return sorted(done, key=lambda t: (t.start, t.stage, t.version))
