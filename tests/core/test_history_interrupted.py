"""A delete or model rename killed between its history event and the change it records: the
event must not stand as if it happened. Doctor reports it (a warning while it is the last
event, as for an interrupted stage change; an error once later events follow it) and the next
write that appends an event supersedes it with a ``reconcile`` event (``core/history.py``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from zenml_cli.core import history, models, versions
from zenml_cli.store import Store

from support.running import Cli

#: The CLI, killed by SIGKILL the instant it is about to replace model.yaml (after the event).
_KILLED_AT_MODEL_YAML = """
import os, signal, sys
replace = os.replace
def killing(src, dst, *args, **kwargs):
    if str(dst).endswith("model.yaml"):
        os.kill(os.getpid(), signal.SIGKILL)
    return replace(src, dst, *args, **kwargs)
os.replace = killing
from zenml_cli.cli.app import main
sys.argv = ["zenml", *sys.argv[1:]]
sys.exit(main())
"""


@pytest.fixture
def store(project: Path) -> Store:
    store = Store(project)
    models.create_model(store, "m")
    for _ in range(2):
        versions.create_version(store, "m")
    return store


def _killed(project: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ZENML_PROJECT_DIR"}
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_AT_MODEL_YAML, *args],
        cwd=project, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == -signal.SIGKILL, done.stderr


def _doctor(cli: Cli) -> tuple[int, list[dict[str, str]]]:
    code, out, _ = cli("doctor", "--no-cache", "-o", "json")
    return code, json.loads(out)["items"]


def _events(store: Store) -> list[str]:
    return [event.event for event in history.read(store, "m")]


@pytest.mark.slow
def test_a_killed_delete_is_reported_then_superseded(store: Store, project: Path, cli: Cli) -> None:
    _killed(project, "model", "version", "delete", "m", "1", "-y")
    assert versions.get_version(store, "m", 1).number == 1  # it was not deleted
    code, items = _doctor(cli)
    found = [i for i in items if "history" in i["file"]]  # and the killed write's temp file
    assert code == 0 and [i["severity"] for i in found] == ["warning"]
    assert "the delete of version 1 (seq 1) did not happen" in found[0]["message"]
    versions.delete_version(store, "m", 1)
    events = history.read(store, "m")
    assert [e.event for e in events] == ["delete", "reconcile", "delete"]
    assert events[1].version == 1 and "(seq 1) did not happen" in str(events[1].message)
    code, items = _doctor(cli)
    assert code == 0 and not [i for i in items if "history" in i["file"]]


@pytest.mark.slow
def test_a_killed_model_rename_is_reported_then_superseded(
    store: Store, project: Path, cli: Cli
) -> None:
    _killed(project, "model", "update", "m", "-n", "renamed")
    assert models.get_model(store, "m").name == "m"
    code, items = _doctor(cli)
    assert code == 0 and [i["severity"] for i in items if "history" in i["file"]] == ["warning"]
    assert any("rename of model 'm' to 'renamed' (seq 1) did not" in i["message"] for i in items)
    models.update_model(store, "m", name="other")
    events = history.read(store, "other")
    assert [e.event for e in events] == ["model_rename", "reconcile", "model_rename"]
    code, items = _doctor(cli)
    assert code == 0 and not [i for i in items if "history" in i["file"]]


def test_every_event_writing_write_supersedes_an_unfulfilled_delete(store: Store) -> None:
    history.record(store, "m", "delete", version=1)  # the delete's event, then the crash
    versions.update_version(store, "m", 1, name="first")  # a version rename reconciles too
    assert _events(store) == ["delete", "reconcile", "rename"]
    versions.update_version(store, "m", 2, stage="production")
    assert _events(store) == ["delete", "reconcile", "rename", "stage"]  # nothing more to say


def test_a_later_rename_of_the_model_supersedes_an_unfulfilled_one(store: Store) -> None:
    history.record(store, "m", "model_rename", from_="m", to="gone")
    models.update_model(store, "m", name="M")  # a case-only rename, completed
    assert _events_of(store, "M") == ["model_rename", "reconcile", "model_rename"]
    models.update_model(store, "M", name="m")  # the last event now happened: no reconcile
    assert _events_of(store, "m") == ["model_rename", "reconcile", "model_rename", "model_rename"]


def _events_of(store: Store, model: str) -> list[str]:
    return [event.event for event in history.read(store, model)]


def test_doctor_errs_on_an_unfulfilled_event_that_later_events_buried(
    store: Store, cli: Cli
) -> None:
    history.record(store, "m", "delete", version=1)  # e.g. appended by an older zenml
    history.record(store, "m", "model_rename", from_="m", to="x")
    history.record(store, "m", "rename", version=2, from_="2", to="two")
    code, items = _doctor(cli)
    messages = [(i["severity"], i["message"]) for i in items]
    assert code == 6 and len(messages) == 2 and {s for s, _ in messages} == {"error"}
    assert "delete of version 1 (seq 1)" in messages[0][1]
    assert "'zenml model version delete m 1'" in messages[0][1]
    assert "rename of model 'm' to 'x' (seq 2)" in messages[1][1]


def test_doctor_accepts_deletes_and_renames_that_happened(store: Store, cli: Cli) -> None:
    versions.delete_version(store, "m", 1)
    models.update_model(store, "m", name="a")
    models.update_model(store, "a", name="m")
    assert _events(store) == ["delete", "model_rename", "model_rename"]
    assert _doctor(cli) == (0, [])
