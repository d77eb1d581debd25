"""A merge re-plans the other side's writes by id (DESIGN section 11), with real git and the
hooks of ``zenml git install``: the references that follow a renumbered version (the event's
version name too), and a cherry-pick whose merge base is not an ancestor of ours."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from support.branches import (
    branch,
    commit,
    doctor_clean,
    history,
    model_file,
    register,
    team,
    version_file,
    zenml,
    zenml_json,
)
from support.git import BRANCH, git

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]


def test_a_renumbered_unnamed_version_renames_its_history_events(tmp_path: Path) -> None:
    _, (alice,) = team(tmp_path, ("alice",))
    zenml(alice, "git", "install")
    branch(alice, "feat")
    theirs = register(alice)
    zenml(alice, "model", "version", "update", "iris", "3", "--stage", "production")
    commit(alice, "feat: 3 to production")
    git(alice, "checkout", "-q", BRANCH)
    ours = register(alice)
    commit(alice, "main: 3")
    git(alice, "merge", "-q", "--no-edit", "feat")
    doctor_clean(alice)
    assert [version_file(alice, n)["id"] for n in (3, 4)] == [ours["id"], theirs["id"]]
    assert version_file(alice, 4)["name"] == "4"
    promoted = [e for e in history(alice) if e["event"] == "stage"][-1]
    assert (promoted["version"], promoted["version_id"]) == (4, theirs["id"])
    assert promoted["version_name"] == "4"  # not "3", the name of main's own version 3
    listed = zenml_json(alice, "model", "version", "history", "iris")["items"]
    assert [e["version_name"] for e in listed if e["event"] == "stage"][-1] == "4"


def test_a_cherry_picked_promotion_never_retires_or_promotes_our_own_number(
    tmp_path: Path,
) -> None:
    """The pick's base (its parent) holds the other branch's version 3, which ours never had:
    it is no deletion of ours, main's own version 3 stays, and the promotion of the other
    version is left out and reported, then arrives with the branch's merge."""
    _, (alice,) = team(tmp_path, ("alice",))
    zenml(alice, "git", "install")
    branch(alice, "feat")
    theirs = register(alice)
    commit(alice, "feat: 3")
    zenml(alice, "model", "version", "update", "iris", "3", "--stage", "production")
    promotion = commit(alice, "feat: 3 to production")
    git(alice, "checkout", "-q", BRANCH)
    ours = register(alice)
    commit(alice, "main: 3")
    picked = _git_all(alice, "cherry-pick", promotion)
    assert "1 note(s)" in picked, picked
    assert not git(alice, "status", "--porcelain")
    said = git(alice, "log", "-1", "--format=%B")  # the hook's commit names what it left out
    assert f"id {theirs['id']}) left out: that version is not on this branch" in said, said
    doctor_clean(alice)
    assert model_file(alice)["retired"] == [] and model_file(alice)["stages"]["production"] is None
    described = zenml_json(alice, "model", "version", "describe", "iris", "3")
    assert described["id"] == ours["id"]
    events = zenml_json(alice, "model", "version", "history", "iris")["items"]
    assert all(e.get("version_id") != theirs["id"] for e in events)
    git(alice, "merge", "-q", "--no-edit", "feat")
    doctor_clean(alice)
    production = zenml_json(alice, "model", "version", "describe", "iris", "production")
    assert (production["number"], production["id"]) == (4, theirs["id"])
    assert version_file(alice, 3)["id"] == ours["id"]


def _git_all(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )
    return done.stdout + done.stderr
