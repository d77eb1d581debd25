"""Issue 19 items 1 and 2: two branches' registry writes merge by id, never by number.

Each scenario runs as a team would: a bare remote, clones, the installed ``zenml`` and real
``git merge``; on the code before format 2 and ``zenml resolve`` each of them lost, hid or
swapped a version with doctor passing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from branch_support import (
    branch,
    commit,
    doctor_clean,
    history,
    model_file,
    push,
    register,
    team,
    version_file,
    zenml,
    zenml_json,
)
from git_support import BRANCH, git, isolated_git_env

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in isolated_git_env(tmp_path).items():
        monkeypatch.setenv(key, value)


def test_register_and_delete_against_register_is_a_collision_not_a_deletion(
    tmp_path: Path,
) -> None:
    _, (alice, bob) = team(tmp_path)
    branch(alice, "a")
    gone = register(alice)
    zenml(alice, "model", "version", "delete", "iris", "3", "-y")
    commit(alice, "a: register and delete 3")
    push(alice, "a")
    branch(bob, "b")
    kept = register(bob, "auc=0.95")
    assert kept["number"] == gone["number"] == 3
    commit(bob, "b: register 3")
    push(bob, "b")
    git(alice, "checkout", "-q", BRANCH)
    git(alice, "fetch", "-q", "origin")
    git(alice, "merge", "-q", "--no-ff", "-m", "merge a", "origin/a")
    git(alice, "merge", "-q", "--no-ff", "-m", "merge b", "origin/b")  # clean, as before
    # Bob's version is not hidden: every read says what is wrong and the one fix.
    failed = zenml(alice, "model", "version", "list", "iris", code=6)
    assert kept["id"] in failed and gone["id"] in failed and "zenml resolve" in failed
    assert zenml(alice, "doctor", code=6)
    report = zenml_json(alice, "resolve", "--commit")
    assert [(m["old"], m["new"], m["id"]) for m in report["moved"]] == [("3", "4", kept["id"])]
    assert report["committed"]
    doctor_clean(alice)
    moved = zenml_json(alice, "model", "version", "describe", "iris", "4")
    assert moved["id"] == kept["id"] and moved["run_metadata"] == {"auc": 0.95}
    assert "deleted" in zenml(alice, "model", "version", "describe", "iris", "3", code=3)
    assert model_file(alice)["retired"] == [{"number": 3, "id": gone["id"]}]


def test_add_add_keeps_our_number_and_both_versions(tmp_path: Path) -> None:
    _, (alice, bob) = team(tmp_path)
    branch(bob, "b")
    theirs = register(bob, "auc=0.70")
    commit(bob, "b: 3")
    push(bob, "b")
    ours = register(alice, "auc=0.95")
    commit(alice, "main: 3")
    git(alice, "fetch", "-q", "origin")
    merged = git(alice, "merge", "-q", "origin/b", check=False)
    assert "CONFLICT" in merged  # add/add on versions/3.yaml
    report = zenml_json(alice, "resolve")
    assert report["kept_numbers"] == "ours"
    assert [(m["old"], m["new"]) for m in report["moved"]] == [("3", "4")]
    git(alice, "commit", "-q", "--no-edit")
    doctor_clean(alice)
    three, four = version_file(alice, 3), version_file(alice, 4)
    assert (three["id"], three["metadata"]) == (ours["id"], {"auc": 0.95})
    assert (four["id"], four["metadata"], four["name"]) == (theirs["id"], {"auc": 0.70}, "4")
    assert four["created_by"] == theirs["created_by"] and four["created"] == theirs["created"]


def test_staging_swap_keeps_the_promoted_version_in_staging(tmp_path: Path) -> None:
    _, (alice, bob) = team(tmp_path)
    branch(bob, "b")
    good = register(bob, "auc=0.95")
    zenml(bob, "model", "version", "update", "iris", "3", "--stage", "staging")
    commit(bob, "b: 3 to staging")
    push(bob, "b")
    branch(alice, "a")
    experiment = register(alice, "auc=0.70")
    commit(alice, "a: 3")
    push(alice, "a")
    git(alice, "checkout", "-q", BRANCH)
    git(alice, "fetch", "-q", "origin")
    git(alice, "merge", "-q", "--no-ff", "-m", "merge b", "origin/b")
    push(alice, BRANCH)
    assert "CONFLICT" in git(alice, "merge", "-q", "origin/a", check=False)
    zenml(alice, "resolve")
    git(alice, "commit", "-q", "--no-edit")
    doctor_clean(alice)
    staged = zenml_json(alice, "model", "version", "describe", "iris", "staging")
    assert staged["id"] == good["id"] and staged["number"] == 3
    assert version_file(alice, 4)["id"] == experiment["id"]
    event = [e for e in history(alice) if e["event"] == "stage"][-1]
    assert (event["version"], event["version_id"]) == (3, good["id"])


def test_both_branches_promote_one_holder_the_later_merged_and_both_events(
    tmp_path: Path,
) -> None:
    _, (alice, bob) = team(tmp_path)
    branch(alice, "a")
    zenml(alice, "model", "version", "update", "iris", "1", "--stage", "production")
    commit(alice, "a: 1 to production")
    push(alice, "a")
    branch(bob, "b")
    zenml(bob, "model", "version", "update", "iris", "2", "--stage", "production")
    commit(bob, "b: 2 to production")
    push(bob, "b")
    git(alice, "checkout", "-q", BRANCH)
    git(alice, "fetch", "-q", "origin")
    git(alice, "merge", "-q", "--no-ff", "-m", "merge a", "origin/a")
    git(alice, "merge", "-q", "origin/b", check=False)  # model.yaml and history conflict
    report = zenml_json(alice, "resolve")
    assert report["moved"] == []
    git(alice, "commit", "-q", "--no-edit")
    doctor_clean(alice)
    holders = model_file(alice)["stages"]
    assert holders["production"]["number"] == 2
    assert [a["number"] for a in holders["archived"]] == [1]
    events = history(alice)
    assert [(e["seq"], e["version"], e["to"], e["archived"]) for e in events] == [
        (1, 1, "production", None),
        (2, 2, "production", 1),
    ]
