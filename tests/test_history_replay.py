"""The one replay of a model's history (core/history.py) and the dashboard's timeline, which
presents it (issue 17, item 3): sequence order, not time; ``reconcile`` restores model.yaml's
holders; the timeline's open terms are exactly ``holders_at`` now."""

from __future__ import annotations

from zenml_cli.core.history import RECONCILE, HistoryEvent, holders_at, replay, replay_order
from zenml_cli.dashboard.timeline import tenures


def event(seq: int, time: str, kind: str = "stage", **fields: object) -> HistoryEvent:
    return HistoryEvent(seq=seq, time=f"2026-01-01T{time}:00Z", actor="a", event=kind, **fields)  # type: ignore[arg-type]


#: v1 to production; a crash after v2's event (model.yaml kept v1); the next write reconciles
#: and moves v3 to staging. The clock of the last two writes ran an hour behind.
CRASH = [
    event(1, "10:00", version=1, to="production"),
    event(2, "11:00", version=2, to="production", archived=1),
    event(3, "09:30", RECONCILE, to={"staging": None, "production": 1}),
    event(4, "09:31", version=3, to="staging"),
]


def test_replay_orders_by_sequence_and_applies_reconcile() -> None:
    shuffled = [CRASH[2], CRASH[0], CRASH[3], CRASH[1]]
    assert [e.seq for e in replay_order(shuffled)] == [1, 2, 3, 4]
    steps = replay(shuffled)
    assert [holders["production"] for _, holders in steps] == [1, 2, 1, 1]
    assert holders_at(shuffled) == steps[-1][1] == {"staging": 3, "production": 1}
    # time only picks where to stop: before the first event nothing was held
    assert holders_at(shuffled, "2026-01-01T09:00:00Z") == {"staging": None, "production": None}


def test_the_timeline_presents_the_replay() -> None:
    terms = tenures(CRASH)
    now = {t.stage: t.version for t in terms if t.end is None}
    assert (
        now
        == {"staging": 3, "production": 1}
        == {k: v for k, v in holders_at(CRASH).items() if v is not None}
    )
    v2 = next(t for t in terms if t.version == 2)
    assert v2.ended_by is not None and v2.ended_by.startswith(RECONCILE)
    assert [(t.stage, t.version) for t in terms] == [
        ("production", 1),
        ("production", 2),
        ("production", 1),
        ("staging", 3),
    ]


def test_a_hand_edited_stage_of_the_wrong_shape_changes_no_holder() -> None:
    odd = [*CRASH, event(5, "09:32", version=2, to=["production"])]  # a list is not a stage
    assert holders_at(odd) == {"staging": 3, "production": 1}
    assert {t.stage: t.version for t in tenures(odd) if t.end is None} == {
        "staging": 3,
        "production": 1,
    }
