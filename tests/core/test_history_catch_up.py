"""Reconciling history before a stage change replays only what was appended since this
process last looked (core/history.py ``_holders_now``), and always agrees with a full replay:
after appends by others, after a merge that rewrote the file, after an event that sorts
before the ones already replayed."""

from __future__ import annotations

import json

import pytest

from zenml_cli.core import history, versions
from zenml_cli.core.history import holders_at
from zenml_cli.store import Store


@pytest.fixture
def store(store: Store) -> Store:
    """The conftest store, with versions of 'M'."""
    for _ in range(4):
        versions.create_version(store, "M")
    return store


def agrees(store: Store) -> history.Holders:
    """The incremental answer, checked against a full replay of the file."""
    now = history._holders_now(store, "M")
    assert now == holders_at(history.read(store, "M"))
    return now


def stage_line(seq: int, version: int, to: str) -> bytes:
    event = {"seq": seq, "time": "2026-01-01T00:00:00Z", "event": "stage", "version": version}
    return json.dumps({**event, "actor": "x", "from": "none", "to": to}).encode()


def test_appends_since_the_last_replay_are_applied(store: Store) -> None:
    versions.update_version(store, "M", 1, stage="staging")
    assert agrees(store) == {"staging": 1, "production": None}
    versions.update_version(store, "M", 2, stage="production")
    versions.update_version(store, "M", 3, stage="staging")
    store.append_history("M", stage_line(99, 4, "production"))  # as another process would
    assert agrees(store) == {"staging": 3, "production": 4}


def test_a_rewritten_history_is_replayed_from_the_start(store: Store) -> None:
    versions.update_version(store, "M", 1, stage="staging")
    versions.update_version(store, "M", 2, stage="production")
    assert agrees(store) == {"staging": 1, "production": 2}
    path = store.layout.history_file("M")
    lines = path.read_bytes().splitlines(keepends=True)
    # a merge keeps the same number of lines but changes one the replay already saw
    path.write_bytes(b"".join([stage_line(1, 3, "staging") + b"\n", *lines[1:]]))
    assert agrees(store) == {"staging": 3, "production": 2}


def test_an_event_sorting_before_the_replayed_ones_replays_all(store: Store) -> None:
    versions.update_version(store, "M", 1, stage="staging")
    versions.update_version(store, "M", 2, stage="staging")
    assert agrees(store) == {"staging": 2, "production": None}
    store.append_history("M", stage_line(1, 3, "staging"))  # a union merge: an older seq
    assert agrees(store) == {"staging": 2, "production": None}
