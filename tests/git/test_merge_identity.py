"""A merge re-plans the other side's writes by id (DESIGN section 11), with real git and the
hooks of ``zenml git install``: the references that follow a renumbered version (the event's
version name too), and a cherry-pick whose merge base is not an ancestor of ours."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.branches import (
    branch,
    commit,
    doctor_clean,
    history,
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
