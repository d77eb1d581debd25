"""``doctor --against``'s rule (core/doctor/successor.py) on two working trees, no git: a store is a
valid successor of REF's when it only adds. Each case changes a copy the way a bad merge,
rebase or revert would and checks the one problem named, and that ordinary writes (new
versions, promotions, deletes, a rename) are no problem at all."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from zenml_cli import Client
from zenml_cli.core.doctor.problems import Problem
from zenml_cli.core.doctor.successor import check
from zenml_cli.registry import Registry
from zenml_cli.store import Store
from zenml_cli.store.git.snapshot import Snapshot, of_store

from support.running import snapshot


def state(root: Path, label: str) -> Snapshot:
    return of_store(Store(root), snapshot(root), label)


def problems(ref: Path, new: Path) -> list[Problem]:
    return check(state(ref, "REF"), state(new, "the working tree"))


@pytest.fixture
def ref(tmp_path: Path) -> Path:
    root = tmp_path / "ref"
    root.mkdir()
    Registry(root, require_store=False).init()
    client = Client(root)
    client.create_model("iris")
    for _ in range(3):
        client.create_model_version("iris")
    client.update_model_version("iris", 2, stage="production")
    client.delete_model_version("iris", 3)
    return root


def successor(ref: Path) -> tuple[Path, Client]:
    root = ref.parent / "new"
    shutil.copytree(ref, root)
    return root, Client(root)


def versions_dir(root: Path) -> Path:
    return root / ".zenml" / "models" / "iris" / "versions"


def test_a_store_that_only_added_is_a_valid_successor(ref: Path) -> None:
    new, client = successor(ref)
    client.create_model_version("iris", name="four")
    client.update_model_version("iris", 4, stage="production")
    client.delete_model_version("iris", 1)
    client.create_model("rose")
    assert problems(ref, new) == []


def test_a_renamed_model_is_matched_by_its_id(ref: Path) -> None:
    new, client = successor(ref)
    client.update_model("iris", name="iris-v2")
    assert problems(ref, new) == []


def test_a_model_that_is_gone_is_a_warning(ref: Path) -> None:
    new, client = successor(ref)
    client.delete_model("iris")
    (found,) = problems(ref, new)
    assert found.severity == "warning" and "model 'iris' of REF is gone" in found.problem


def test_a_version_replaced_by_another_id_is_named(ref: Path) -> None:
    new, _ = successor(ref)
    path = versions_dir(new) / "2.yaml"
    data = yaml.safe_load(path.read_text())
    was, data["id"] = data["id"], "0" * 32
    path.write_text(yaml.safe_dump(data))
    messages = [p.problem for p in problems(ref, new)]
    assert any(f"id {'0' * 32} here but id {was} in REF" in m for m in messages)


def test_a_version_moved_to_another_number_is_named(ref: Path) -> None:
    new, _ = successor(ref)
    (versions_dir(new) / "1.yaml").rename(versions_dir(new) / "7.yaml")
    messages = [p.problem for p in problems(ref, new)]
    assert any(
        "version 1 of model 'iris' in REF" in m and "is number 7 here" in m for m in messages
    )


def test_a_version_lost_without_a_delete_is_named(ref: Path) -> None:
    new, _ = successor(ref)
    (versions_dir(new) / "1.yaml").unlink()
    messages = [p.problem for p in problems(ref, new)]
    assert any("is missing here and was not deleted" in m for m in messages)


def test_a_removed_history_event_is_named(ref: Path) -> None:
    """``git revert`` of a promotion removes its event: history is append-only."""
    new, _ = successor(ref)
    history = new / ".zenml" / "models" / "iris" / "history.jsonl"
    lines = history.read_bytes().splitlines(keepends=True)
    stage = next(line for line in lines if b'"event": "stage"' in line)
    history.write_bytes(b"".join(line for line in lines if line != stage))
    (found,) = [p for p in problems(ref, new) if "history event" in p.problem]
    assert "(stage: version 2 " in found.problem and "is missing or rewritten" in found.problem


def test_a_history_event_that_gained_a_field_is_still_the_same_event(ref: Path) -> None:
    new, _ = successor(ref)
    history = new / ".zenml" / "models" / "iris" / "history.jsonl"
    events = [json.loads(line) for line in history.read_bytes().splitlines()]
    for event in events:
        event["added_by_a_later_format"] = True
    history.write_text("".join(json.dumps(e) + "\n" for e in events))
    assert problems(ref, new) == []


def test_a_rewritten_history_field_is_named(ref: Path) -> None:
    new, _ = successor(ref)
    history = new / ".zenml" / "models" / "iris" / "history.jsonl"
    events = [json.loads(line) for line in history.read_bytes().splitlines()]
    events[0]["actor"] = "someone else"
    history.write_text("".join(json.dumps(e) + "\n" for e in events))
    assert any("history event seq 1" in p.problem for p in problems(ref, new))


def test_a_deleted_number_must_stay_retired(ref: Path) -> None:
    new, _ = successor(ref)
    model = new / ".zenml" / "models" / "iris" / "model.yaml"
    data = yaml.safe_load(model.read_text())
    assert [r["number"] for r in data["retired"]] == [3]
    data["retired"] = []
    model.write_text(yaml.safe_dump(data, sort_keys=False))
    messages = [p.problem for p in problems(ref, new)]
    assert any("number 3 of model 'iris' was deleted (retired) in REF" in m for m in messages)


def test_an_unreadable_successor_file_is_reported_unless_doctor_does(ref: Path) -> None:
    new, _ = successor(ref)
    (versions_dir(new) / "1.yaml").write_text("format: [\n")
    old_state, new_state = state(ref, "REF"), state(new, "the working tree")
    reported = check(old_state, new_state)
    assert any("not valid YAML" in p.problem for p in reported)
    quiet = check(old_state, new_state, new_unreadable=False)
    assert not any("not valid YAML" in p.problem for p in quiet)
