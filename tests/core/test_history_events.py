"""The audit trail at the core (core/history.py), without a subprocess: what an event line may
hold, the one replay (stage, delete, skipped, rollback, reconcile), ``--at`` cut-offs, and the
append/reconcile pair against a store in a temporary folder."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from zenml_cli.core import history
from zenml_cli.core.history import RECONCILE, HistoryEvent, check_shape, holders_at, replay
from zenml_cli.errors import CorruptManifestError
from zenml_cli.store import Store

NOBODY = {"staging": None, "production": None}


def event(seq: int, kind: str = "stage", minute: int = 0, **fields: Any) -> HistoryEvent:
    return HistoryEvent(
        seq=seq, time=f"2026-01-01T10:{minute:02d}:00.000000Z", actor="a", event=kind, **fields
    )


def line(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"seq": 1, "time": "2026-01-01T10:00:00Z", "event": "stage"}
    data.update(overrides)
    return data


# ------------------------------------------------------------------ the shape of one line


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ([], "JSON object, not list"),
        ("text", "JSON object, not str"),
        ({"seq": 1, "event": "stage"}, "no 'time'"),
        ({"seq": 1, "time": "t"}, "no 'event'"),
        (line(time=["2026"]), "'time' is list"),
        (line(event=7), "'event' is int"),
        (line(version={"n": 1}), "'version' is dict"),
        (line(version="3"), "'version' is str"),
        (line(version=True), "'version' is bool"),
        (line(archived=1.5), "'archived' is float"),
        (line(actor=["x"]), "'actor' is list"),
        (line(gate=[1]), "'gate' is list"),
        (line(to=[1, 2]), "'to' is list"),
        (line(**{"from": 1.0}), "'from' is float"),
        (line(message={"m": 1}), "'message' is dict"),
        (line(rollback="yes"), "'rollback' is \"yes\""),
    ],
)
def test_a_line_of_the_wrong_shape_is_refused_naming_the_field(data: Any, fragment: str) -> None:
    with pytest.raises(ValueError) as caught:
        check_shape(data)
    assert fragment in str(caught.value)


def test_a_long_wrong_value_is_shortened_in_the_message() -> None:
    with pytest.raises(ValueError) as caught:
        check_shape(line(version="x" * 500))
    assert str(caught.value).endswith("...") and len(str(caught.value)) < 80


@pytest.mark.parametrize("seq", [0, -1, "3", 1.0, True, None, 1e400])
def test_a_sequence_number_is_a_positive_json_integer(seq: Any) -> None:
    with pytest.raises((ValueError, KeyError)):
        HistoryEvent.from_dict(line(seq=seq))


def test_a_line_without_a_sequence_number_is_refused() -> None:
    data = line()
    del data["seq"]
    with pytest.raises(KeyError):
        HistoryEvent.from_dict(data)


def test_an_event_survives_its_json_round_trip() -> None:
    original = event(
        4,
        version=3,
        version_id="id-3",
        version_name="v3",
        from_="staging",
        to="production",
        archived=2,
        archived_id="id-2",
        message="ship it",
        gate={"key": "accuracy", "direction": "higher"},
        ci_run="run-9",
        rollback=True,
        skipped="version deleted",
    )
    again = HistoryEvent.from_dict(json.loads(json.dumps(original.to_dict())))
    assert again == original


def test_optional_keys_are_written_only_when_they_say_something() -> None:
    plain = event(1, version=1, to="staging").to_dict()
    assert not {"gate", "skipped", "rollback"} & set(plain)
    assert plain["from"] is None and "from_" not in plain
    marked = event(1, version=1, to="staging", rollback=True, skipped="gone").to_dict()
    assert marked["rollback"] is True and marked["skipped"] == "gone"


def test_rollback_is_true_only_for_a_json_true() -> None:
    assert HistoryEvent.from_dict(line(rollback=True)).rollback is True
    assert HistoryEvent.from_dict(line(rollback=False)).rollback is False
    assert HistoryEvent.from_dict(line()).rollback is False


# ------------------------------------------------------------------ the replay


def holders(events: list[HistoryEvent]) -> list[tuple[Any, Any]]:
    return [(h["staging"], h["production"]) for _, h in replay(events)]


def test_a_promotion_takes_a_version_out_of_its_other_stage() -> None:
    events = [event(1, version=1, to="staging"), event(2, version=1, to="production")]
    assert holders(events) == [(1, None), (None, 1)]


def test_a_new_holder_replaces_the_old_one() -> None:
    events = [
        event(1, version=1, to="production"),
        event(2, version=2, to="production", archived=1),
    ]
    assert holders(events) == [(None, 1), (None, 2)]


@pytest.mark.parametrize("stage", ["archived", "none"])
def test_moving_a_holder_to_a_stage_without_holders_empties_its_stage(stage: str) -> None:
    events = [event(1, version=1, to="staging"), event(2, version=1, to=stage)]
    assert holders(events)[-1] == (None, None)


def test_a_delete_empties_every_stage_the_version_held() -> None:
    events = [
        event(1, version=1, to="staging"),
        event(2, version=2, to="production"),
        event(3, "delete", version=2),
    ]
    assert holders(events) == [(1, None), (1, 2), (1, None)]


def test_a_delete_of_a_version_holding_nothing_changes_nothing() -> None:
    events = [event(1, version=1, to="staging"), event(2, "delete", version=5)]
    assert holders(events)[-1] == (1, None)


@pytest.mark.parametrize("kind", ["rename", "model_rename"])
def test_renames_change_no_holder(kind: str) -> None:
    events = [event(1, version=1, to="production"), event(2, kind, version=1, to="v-new")]
    assert holders(events)[-1] == (None, 1)


def test_a_skipped_event_changes_no_holder() -> None:
    events = [
        event(1, version=1, to="production"),
        event(2, version=2, to="production", skipped="its gate no longer passed"),
        event(3, "delete", version=1, skipped="kept on the other branch"),
    ]
    assert holders(events) == [(None, 1), (None, 1), (None, 1)]


def test_a_rollback_is_replayed_as_the_stage_event_it_is() -> None:
    events = [
        event(1, version=1, to="production"),
        event(2, version=2, to="production", archived=1),
        event(3, version=1, to="production", archived=2, rollback=True),
    ]
    assert holders(events)[-1] == (None, 1)


def test_reconcile_sets_both_holders_from_its_mapping() -> None:
    events = [
        event(1, version=1, to="staging"),
        event(2, version=2, to="production"),
        event(3, RECONCILE, to={"staging": None, "production": 7}),
    ]
    assert holders(events)[-1] == (None, 7)


def test_reconcile_without_a_mapping_changes_nothing() -> None:
    events = [event(1, version=1, to="staging"), event(2, RECONCILE, to="production")]
    assert holders(events)[-1] == (1, None)


def test_reconcile_missing_a_stage_means_nobody_holds_it() -> None:
    events = [event(1, version=1, to="staging"), event(2, RECONCILE, to={"production": 3})]
    assert holders(events)[-1] == (None, 3)


@pytest.mark.parametrize("kind", ["promote", "", "STAGE"])
def test_an_unknown_event_kind_changes_no_holder(kind: str) -> None:
    events = [event(1, version=1, to="staging"), event(2, kind, version=2, to="production")]
    assert holders(events)[-1] == (1, None)


def test_a_stage_word_outside_the_held_stages_changes_no_holder() -> None:
    events = [event(1, version=1, to="staging"), event(2, version=2, to="Production")]
    assert holders(events)[-1] == (1, None)


def test_each_step_keeps_its_own_holders() -> None:
    steps = replay([event(1, version=1, to="staging"), event(2, version=2, to="staging")])
    first, second = steps[0][1], steps[1][1]
    assert first == {"staging": 1, "production": None} and second["staging"] == 2
    first["staging"] = 99  # a caller mutating one step does not reach another
    assert replay([event(1, version=1, to="staging")])[0][1]["staging"] == 1


def test_events_sharing_a_sequence_number_keep_file_order() -> None:
    """A union merge of two branches leaves two events numbered 2; file order decides."""
    events = [
        event(1, version=1, to="staging"),
        event(2, version=2, to="staging"),
        event(2, version=3, to="staging"),
    ]
    assert holders(events)[-1] == (3, None)
    assert holders([events[0], events[2], events[1]])[-1] == (2, None)


def test_no_events_means_nobody_holds_anything() -> None:
    assert replay([]) == []
    assert holders_at([]) == NOBODY
    assert holders_at([], "2026-01-01T00:00:00Z") == NOBODY


# ------------------------------------------------------------------ --at


AT = [
    event(1, version=1, to="staging", minute=0),
    event(2, version=1, to="production", minute=10),
    event(3, version=2, to="production", minute=20, archived=1),
]


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-01-01T09:59:59.000000Z", NOBODY),
        ("2026-01-01T10:00:00.000000Z", {"staging": 1, "production": None}),
        ("2026-01-01T10:09:59.999999Z", {"staging": 1, "production": None}),
        ("2026-01-01T10:10:00.000000Z", {"staging": None, "production": 1}),
        ("2026-01-01T10:20:00.000000Z", {"staging": None, "production": 2}),
        ("2027-01-01T00:00:00.000000Z", {"staging": None, "production": 2}),
        (None, {"staging": None, "production": 2}),
    ],
)
def test_at_stops_after_the_last_event_stamped_at_or_before_the_moment(
    moment: str | None, expected: dict[str, Any]
) -> None:
    assert holders_at(AT, moment) == expected


def test_at_replays_in_sequence_order_even_when_a_clock_ran_back() -> None:
    """A write whose clock was behind is still replayed after the events before it: the
    cut-off is its place in the journal, not its time."""
    skewed = [*AT, event(4, version=3, to="production", minute=5, archived=2)]
    assert holders_at(skewed, "2026-01-01T10:05:00.000000Z") == {
        "staging": None,
        "production": 3,
    }
    assert holders_at(skewed, "2026-01-01T10:04:00.000000Z")["staging"] == 1


def test_holders_at_returns_a_fresh_mapping() -> None:
    now = holders_at(AT)
    now["production"] = None
    assert holders_at(AT)["production"] == 2


# ------------------------------------------------------------------ record and reconcile


class Clock:
    def __init__(self) -> None:
        self.minute = 0

    def __call__(self) -> datetime:
        self.minute += 1
        return datetime(2026, 1, 1, 12, self.minute, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path, clock=Clock())
    store.ensure_created()
    (store.dir / "models" / "iris").mkdir(parents=True)
    return store


def test_record_numbers_events_from_the_last_line(store: Store) -> None:
    first = history.record(store, "iris", "stage", version=1, to="staging")
    second = history.record(store, "iris", "stage", version=1, to="production", from_="staging")
    assert (first.seq, second.seq) == (1, 2)
    assert second.time == "2026-01-01T12:02:00.000000Z" and second.actor == "tester"
    assert history.read(store, "iris") == [first, second]


def test_record_after_a_mangled_last_line_counts_the_lines(store: Store) -> None:
    history.record(store, "iris", "stage", version=1, to="staging")
    store.append_history("iris", b'{"seq": "not a number"}')
    assert history.record(store, "iris", "delete", version=1).seq == 3


def test_read_names_the_line_that_is_not_an_event(store: Store) -> None:
    history.record(store, "iris", "stage", version=1, to="staging")
    store.append_history("iris", b'{"seq": 2, "time": "t", "event": "stage", "version": "2"}')
    with pytest.raises(CorruptManifestError) as caught:
        history.read(store, "iris")
    assert "history.jsonl:2" in str(caught.value) and "'version' is str" in str(caught.value)


def test_read_names_conflict_markers_as_an_unresolved_merge(store: Store) -> None:
    history.record(store, "iris", "stage", version=1, to="staging")
    store.append_history("iris", b"<<<<<<< HEAD")
    with pytest.raises(CorruptManifestError) as caught:
        history.read(store, "iris")
    assert "history.jsonl:2" in str(caught.value) and "zenml resolve" in str(caught.value)


def test_reconcile_appends_nothing_when_history_agrees(store: Store) -> None:
    history.record(store, "iris", "stage", version=1, to="production")
    history.reconcile(store, "iris", staging=None, production=1)
    assert [e.event for e in history.read(store, "iris")] == ["stage"]


def test_reconcile_appends_model_yamls_holders_when_history_ran_ahead(store: Store) -> None:
    history.record(store, "iris", "stage", version=1, to="production")
    history.record(store, "iris", "stage", version=2, to="production", archived=1)
    history.reconcile(store, "iris", staging=None, production=1, note="ship v3")
    events = history.read(store, "iris")
    last = events[-1]
    assert last.event == RECONCILE and last.seq == 3
    assert last.from_ == {"staging": None, "production": 2}
    assert last.to == {"staging": None, "production": 1}
    assert last.message is not None and last.message.endswith("; ship v3")
    assert holders_at(events) == {"staging": None, "production": 1}


def test_reconcile_looks_only_after_a_stage_or_delete_event(store: Store) -> None:
    history.record(store, "iris", "stage", version=1, to="production")
    history.record(store, "iris", "rename", version=1, from_="a", to="b")
    history.reconcile(store, "iris", staging=None, production=None)
    assert [e.event for e in history.read(store, "iris")] == ["stage", "rename"]


def test_reconcile_leaves_a_mangled_history_to_doctor(store: Store) -> None:
    history.record(store, "iris", "stage", version=1, to="production")
    store.append_history("iris", b"not json")
    history.reconcile(store, "iris", staging=None, production=None)
    assert store.history_lines("iris")[-1] == b"not json"


def test_reconcile_of_an_empty_history_writes_nothing(store: Store) -> None:
    history.reconcile(store, "iris", staging=3, production=None)
    assert store.history_lines("iris") == []
