"""With ``zenml git install``, git commands that run no hook afterwards (a stash apply or pop,
the autostash a rebase, ``pull --rebase`` or merge applies at its end) must stop on a
collision, so git keeps the stash: a driver that kept ours and let the pop go on dropped the
stash, and the stashed version with it, where no ``zenml resolve`` could find it again."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from support.branches import commit as commit_all
from support.branches import (
    doctor_clean,
    model_file,
    push,
    register,
    team,
    version_file,
    zenml,
    zenml_json,
)
from support.git import BRANCH, git

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]


def _staged_3_against_pushed_3(tmp_path: Path) -> tuple[Path, dict[str, object], dict[str, object]]:
    """Alice (hooks installed) has a staged new version 3 in production; bob pushed his own
    3. Returns alice's clone, her version, bob's."""
    _, (alice, bob) = team(tmp_path)
    zenml(alice, "git", "install")
    theirs = register(bob)
    commit_all(bob, "bob: 3")
    push(bob, BRANCH)
    mine = register(alice, "auc=0.97")
    zenml(alice, "model", "version", "update", "iris", "3", "--stage", "production")
    git(alice, "add", "-A")
    return alice, mine, theirs


@pytest.mark.parametrize(
    "steps",
    [
        [["stash", "-q"], ["pull", "-q", "origin", BRANCH], ["stash", "pop"]],
        [["stash", "-q"], ["pull", "-q", "origin", BRANCH], ["stash", "apply"]],
        [["pull", "--rebase", "--autostash", "origin", BRANCH]],
        [["fetch", "-q", "origin"], ["rebase", "--autostash", f"origin/{BRANCH}"]],
        [["fetch", "-q", "origin"], ["merge", "--autostash", "--no-edit", f"origin/{BRANCH}"]],
    ],
    ids=[
        "stash-pop",
        "stash-apply",
        "pull-rebase-autostash",
        "rebase-autostash",
        "merge-autostash",
    ],
)
def test_a_stash_applied_over_a_colliding_version_stops_and_keeps_the_stash(
    tmp_path: Path, steps: list[list[str]]
) -> None:
    alice, mine, theirs = _staged_3_against_pushed_3(tmp_path)
    for step in steps:
        git(alice, *step, check=False)
    assert git(alice, "stash", "list"), "git dropped the stash holding alice's version"
    unmerged = git(alice, "diff", "--name-only", "--diff-filter=U")
    assert unmerged == ".zenml/models/iris/versions/3.yaml"
    report = zenml_json(alice, "resolve")
    assert report["operation"] == "stash pop"
    assert [(m["old"], m["new"]) for m in report["moved"]] == [("3", "4")]
    doctor_clean(alice)
    assert [version_file(alice, n)["id"] for n in (3, 4)] == [theirs["id"], mine["id"]]
    assert model_file(alice)["stages"]["production"] == {"number": 4, "id": mine["id"]}


def test_the_stash_pop_conflict_names_zenml_resolve_and_stash_drop(tmp_path: Path) -> None:
    alice, _, _ = _staged_3_against_pushed_3(tmp_path)
    git(alice, "stash", "-q")
    git(alice, "pull", "-q", "origin", BRANCH)
    popped = subprocess.run(
        ["git", "stash", "pop"], cwd=alice, capture_output=True, text=True, timeout=60, check=False
    )
    said = popped.stdout + popped.stderr
    assert popped.returncode != 0 and "CONFLICT" in said, said
    assert "'zenml resolve'" in said and "'git stash drop'" in said, said
