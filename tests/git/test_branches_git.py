"""Issue 19 items 2 and 3: a rebase, a stash pop and a plain ``git merge`` / ``git pull``
with ``zenml git install`` keep every version, by id, with real git and the installed zenml."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from support.branches import (
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
from support.git import BRANCH, git
from support.running import run_zenml

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]


def test_rebase_onto_pushed_writes_renumbers_ours_and_follows_the_promotion(
    tmp_path: Path,
) -> None:
    _, (alice, ci) = team(tmp_path)
    branch(alice, "feature")
    mine = register(alice, "auc=0.9")
    commit(alice, "feature: 3")
    zenml(alice, "model", "version", "update", "iris", "3", "--stage", "staging")
    commit(alice, "feature: 3 to staging")
    pushed = zenml_json(ci, "model", "version", "create", "iris", "--push")  # CI on main
    assert pushed["number"] == 3
    git(alice, "fetch", "-q", "origin")
    stopped = git(alice, "rebase", "origin/main", check=False)
    assert (
        "CONFLICT" in stopped
        or "could not apply" in stopped.lower()
        or git(alice, "diff", "--name-only", "--diff-filter=U")
    )
    step = zenml_json(alice, "resolve")
    assert step["operation"] == "rebase step"
    assert [(m["old"], m["new"]) for m in step["moved"]] == [("3", "4")]
    git(alice, "rebase", "--continue")
    # The promotion commit applied cleanly by text, naming number 3: reads refuse it ...
    assert "zenml resolve" in zenml(alice, "model", "version", "list", "iris", code=6)
    # ... and resolving the finished rebase re-plans the whole branch on main.
    done = zenml_json(alice, "resolve", "--commit")
    assert done["operation"] == "rebase (finished)" and done["committed"]
    doctor_clean(alice)
    assert version_file(alice, 3)["id"] == pushed["id"]  # main's version never moves
    staged = zenml_json(alice, "model", "version", "describe", "iris", "staging")
    assert (staged["number"], staged["id"]) == (4, mine["id"])
    assert history(alice)[-1]["version"] == 4


def test_stash_pop_over_a_pulled_version(tmp_path: Path) -> None:
    _, (alice, bob) = team(tmp_path)
    mine = register(alice, "auc=0.5")
    zenml(alice, "model", "version", "update", "iris", "3", "--stage", "staging")
    theirs = register(bob)
    commit(bob, "bob: 3")
    push(bob, BRANCH)
    git(alice, "stash", "-u")
    git(alice, "pull", "-q", "origin", BRANCH)
    popped = git(alice, "stash", "pop", check=False)
    assert version_file(alice, 3)["id"] == theirs["id"], popped
    report = zenml_json(alice, "resolve")
    assert report["operation"] == "stash pop"
    assert [(m["old"], m["new"]) for m in report["moved"]] == [("3", "4")]
    doctor_clean(alice)
    assert version_file(alice, 3)["id"] == theirs["id"]
    staged = zenml_json(alice, "model", "version", "describe", "iris", "staging")
    assert (staged["number"], staged["id"]) == (4, mine["id"])


def test_git_install_then_a_plain_merge_needs_no_manual_step(tmp_path: Path) -> None:
    _, (alice, bob) = team(tmp_path)
    zenml(alice, "git", "install")
    theirs = _branch_b_with_3_in(bob, "production")
    gone = register(alice)
    zenml(alice, "model", "version", "delete", "iris", "3", "-y")
    ours = register(alice)
    zenml(alice, "model", "version", "update", "iris", "4", "--stage", "staging")
    commit(alice, "main: 3 deleted, 4 to staging")
    git(alice, "fetch", "-q", "origin")
    merged = git(alice, "merge", "--no-edit", "origin/b", check=False)
    assert "CONFLICT" not in merged, merged
    assert not git(alice, "status", "--porcelain")  # the hook committed the result
    assert git(alice, "log", "-1", "--format=%s").startswith("zenml resolve")
    doctor_clean(alice)
    by_id = {
        v["id"]: v["number"] for v in zenml_json(alice, "model", "version", "list", "iris")["items"]
    }
    assert by_id[ours["id"]] == 4 and by_id[theirs["id"]] == 5 and gone["id"] not in by_id
    stages = model_file(alice)["stages"]
    assert stages["production"] == {"number": 5, "id": theirs["id"]}
    assert stages["staging"] == {"number": 4, "id": ours["id"]}
    assert [e["seq"] for e in history(alice)] == list(range(1, len(history(alice)) + 1))


def test_git_install_both_registered_three_plain_merge_and_no_commit(tmp_path: Path) -> None:
    _, (alice, bob) = team(tmp_path)
    zenml(alice, "git", "install")
    branch(bob, "b")
    theirs = register(bob, "auc=0.1")
    commit(bob, "b: 3")
    push(bob, "b")
    ours = register(alice, "auc=0.2")
    commit(alice, "main: 3")
    git(alice, "fetch", "-q", "origin")
    git(alice, "branch", "-q", "before")
    merged = _git_all(alice, "merge", "--no-edit", "origin/b")
    assert "CONFLICT" not in merged and "zenml resolve" in merged  # the driver said what
    assert git(alice, "log", "-1", "--format=%s").startswith("zenml resolve")
    doctor_clean(alice)
    assert [version_file(alice, n)["id"] for n in (3, 4)] == [ours["id"], theirs["id"]]
    # Where git stops before committing (--no-commit: no hook runs), every read says why.
    git(alice, "reset", "-q", "--hard", "before")
    _git_all(alice, "merge", "--no-commit", "origin/b")
    failed = zenml(alice, "model", "version", "list", "iris", code=6)
    assert "unresolved merge" in failed and "zenml resolve" in failed
    assert zenml(alice, "doctor", code=6)
    zenml(alice, "resolve")
    git(alice, "commit", "-q", "--no-edit")
    doctor_clean(alice)
    assert version_file(alice, 4)["id"] == theirs["id"]


def test_git_install_refuses_to_overwrite_a_users_hook_unless_chained(tmp_path: Path) -> None:
    _, (alice,) = team(tmp_path, ("alice",))
    hook = alice / ".git" / "hooks" / "post-merge"
    hook.write_text('#!/bin/sh\necho mine >> "$(git rev-parse --git-dir)/ran"\n')
    hook.chmod(0o755)
    refused = zenml(alice, "git", "install", code=4)
    assert "post-merge" in refused and "--chain" in refused
    assert "zenml" not in hook.read_text()
    assert git(alice, "config", "--get", "merge.zenml.driver", check=False) == ""
    zenml(alice, "git", "install", "--chain")
    assert (alice / ".git" / "hooks" / "post-merge.pre-zenml").read_text().startswith("#!/bin/sh")
    branch(alice, "x")
    (alice / "x.txt").write_text("x")
    commit(alice, "x")
    git(alice, "checkout", "-q", BRANCH)
    (alice / "y.txt").write_text("y")
    commit(alice, "y")
    git(alice, "merge", "--no-edit", "-q", "x")
    assert (alice / ".git" / "ran").read_text() == "mine\n"  # the user's hook still runs


def _branch_b_with_3_in(cwd: Path, stage: str) -> dict[str, object]:
    """Branch ``b`` pushed from ``cwd`` with a new version 3 in ``stage``; its public form."""
    branch(cwd, "b")
    registered = register(cwd)
    zenml(cwd, "model", "version", "update", "iris", "3", "--stage", stage)
    commit(cwd, f"b: 3 to {stage}")
    push(cwd, "b")
    return registered


def _git_all(cwd: Path, *args: str) -> str:
    import subprocess

    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False,
        env=os.environ.copy(),
    )  # fmt: skip
    return done.stdout + done.stderr


def test_git_install_then_pull_rebase_needs_no_manual_step(tmp_path: Path) -> None:
    _, (alice, ci) = team(tmp_path)
    zenml(alice, "git", "install")
    mine = register(alice, "auc=0.8")
    commit(alice, "alice: 3")
    zenml(alice, "model", "version", "update", "iris", "3", "--stage", "staging")
    commit(alice, "alice: 3 to staging")
    pushed = zenml_json(ci, "model", "version", "create", "iris", "--push")
    pulled = _git_all(alice, "pull", "--rebase", "origin", BRANCH)
    assert "CONFLICT" not in pulled, pulled
    assert not git(alice, "status", "--porcelain")
    assert git(alice, "log", "-1", "--format=%s").startswith("zenml resolve")
    doctor_clean(alice)
    assert version_file(alice, 3)["id"] == pushed["id"]
    staged = zenml_json(alice, "model", "version", "describe", "iris", "staging")
    assert (staged["number"], staged["id"]) == (4, mine["id"])
    git(alice, "push", "-q", "origin", BRANCH)  # a fast-forward of main: nothing rewritten


def test_resolve_onto_brings_a_stale_review_branch_up_to_date(tmp_path: Path) -> None:
    _, (alice, ci) = team(tmp_path)
    branch(alice, "review")
    mine = register(alice)
    zenml(alice, "model", "version", "update", "iris", "3", "--stage", "staging")
    commit(alice, "review: 3 to staging")
    push(alice, "review")
    pushed = zenml_json(ci, "model", "version", "create", "iris", "--push")
    zenml(ci, "model", "version", "update", "iris", "3", "--stage", "production", "--push")
    git(alice, "fetch", "-q", "origin")
    report = zenml_json(alice, "resolve", "--onto", "origin/main")
    assert report["operation"] == "onto origin/main" and report["committed"]
    # origin/main (theirs: git merged it into this branch) kept its numbers, not ours.
    assert (report["kept_numbers"], report["theirs"]) == (
        "theirs",
        git(alice, "rev-parse", "origin/main"),
    )
    assert [(m["old"], m["new"], m["id"]) for m in report["moved"]] == [("3", "4", mine["id"])]
    doctor_clean(alice)
    git(alice, "merge-base", "--is-ancestor", "origin/main", "HEAD")
    assert model_file(alice)["stages"]["production"] == {"number": 3, "id": pushed["id"]}
    assert model_file(alice)["stages"]["staging"] == {"number": 4, "id": mine["id"]}
    push(alice, "review")  # a fast-forward of the review branch: no force needed
    again = zenml_json(alice, "resolve", "--onto", "origin/main")
    assert again["operation"] == "onto origin/main: up to date"


def test_hooks_add_no_commit_when_nothing_collided(tmp_path: Path) -> None:
    _, (alice, bob) = team(tmp_path)
    zenml(alice, "git", "install")
    branch(bob, "b")
    zenml(bob, "model", "version", "update", "iris", "2", "--stage", "production")
    commit(bob, "b: 2 to production")
    push(bob, "b")
    zenml(alice, "model", "version", "update", "iris", "1", "--stage", "staging")
    commit(alice, "main: 1 to staging")
    git(alice, "fetch", "-q", "origin")
    merged = _git_all(alice, "merge", "--no-edit", "origin/b")
    assert "CONFLICT" not in merged and "zenml resolve" not in merged, merged
    assert git(alice, "log", "-1", "--format=%s").startswith("Merge")  # no follow-up commit
    doctor_clean(alice)
    stages = model_file(alice)["stages"]
    assert (stages["staging"]["number"], stages["production"]["number"]) == (1, 2)


def test_cherry_pick_of_a_registration_onto_main(tmp_path: Path) -> None:
    _, (alice, bob) = team(tmp_path)
    branch(alice, "experiment")
    picked = register(alice, "auc=0.3")
    pick = commit(alice, "experiment: 3")
    theirs = register(bob)
    commit(bob, "main: 3")
    push(bob, BRANCH)
    git(alice, "checkout", "-q", BRANCH)
    git(alice, "pull", "-q", "origin", BRANCH)
    assert "CONFLICT" in _git_all(alice, "cherry-pick", pick)
    report = zenml_json(alice, "resolve")
    assert report["operation"] == "cherry-pick"
    assert [(m["old"], m["new"]) for m in report["moved"]] == [("3", "4")]
    git(alice, "cherry-pick", "--continue")
    doctor_clean(alice)
    assert [version_file(alice, n)["id"] for n in (3, 4)] == [theirs["id"], picked["id"]]


def test_git_install_then_a_cherry_pick_needs_no_manual_step(tmp_path: Path) -> None:
    """The driver lets a single cherry-pick commit (a collision marked for ``zenml resolve``)
    and no merge or rewrite hook follows a cherry-pick: the post-commit hook resolves it
    while git still holds CHERRY_PICK_HEAD, and an ordinary commit gets nothing added."""
    _, (alice, bob) = team(tmp_path)
    zenml(alice, "git", "install")
    branch(alice, "experiment")
    picked = register(alice, "auc=0.3")
    zenml(alice, "model", "version", "update", "iris", "3", "--stage", "staging")
    pick = commit(alice, "experiment: 3 to staging")
    theirs = register(bob)
    zenml(bob, "model", "version", "update", "iris", "3", "--stage", "production")
    commit(bob, "main: 3 to production")
    push(bob, BRANCH)
    git(alice, "checkout", "-q", BRANCH)
    git(alice, "pull", "-q", "origin", BRANCH)
    picking = _git_all(alice, "cherry-pick", pick)
    assert "CONFLICT" not in picking and "zenml resolve" in picking, picking
    assert not git(alice, "status", "--porcelain")
    assert git(alice, "log", "-2", "--format=%s").splitlines() == [
        "zenml resolve: re-plan the merged branch's registry writes",
        "experiment: 3 to staging",
    ]
    doctor_clean(alice)
    assert [version_file(alice, n)["id"] for n in (3, 4)] == [theirs["id"], picked["id"]]
    stages = model_file(alice)["stages"]
    assert stages["production"] == {"number": 3, "id": theirs["id"]}
    assert stages["staging"] == {"number": 4, "id": picked["id"]}
    (alice / "notes.txt").write_text("plain\n")
    commit(alice, "an ordinary commit")
    assert git(alice, "log", "-1", "--format=%s") == "an ordinary commit"
    git(alice, "checkout", "-q", "experiment")
    (alice / "other.txt").write_text("no registry change\n")
    other = commit(alice, "experiment: other.txt")
    git(alice, "checkout", "-q", BRANCH)
    assert "zenml" not in _git_all(alice, "cherry-pick", other)  # the hook stays quiet
    assert git(alice, "log", "-1", "--format=%s") == "experiment: other.txt"


def test_git_install_a_cherry_pick_of_several_commits_stops_at_each_collision(
    tmp_path: Path,
) -> None:
    """Git commits each pick of a sequence and goes straight on, so a hook cannot resolve
    between two picks: the driver stops the pick that collides, naming 'zenml resolve' and
    'git cherry-pick --continue', and the sequence then ends with every version kept."""
    _, (alice, bob) = team(tmp_path)
    zenml(alice, "git", "install")
    branch(alice, "experiment")
    first = register(alice)
    commit(alice, "experiment: 3")
    second = register(alice)
    commit(alice, "experiment: 4")
    theirs = register(bob)
    commit(bob, "main: 3")
    push(bob, BRANCH)
    git(alice, "checkout", "-q", BRANCH)
    git(alice, "pull", "-q", "origin", BRANCH)
    stopped = _git_all(alice, "cherry-pick", "experiment~1", "experiment")
    assert "CONFLICT" in stopped and "'git cherry-pick --continue'" in stopped, stopped
    report = zenml_json(alice, "resolve")
    assert report["operation"] == "cherry-pick"
    assert [(m["old"], m["new"]) for m in report["moved"]] == [("3", "4")]
    again = _git_all(alice, "cherry-pick", "--continue")
    assert "CONFLICT" in again, again  # the second pick's 4 is now taken too
    assert git(alice, "log", "-1", "--format=%s") == "experiment: 3"  # no commit between picks
    zenml(alice, "resolve")
    _git_all(alice, "cherry-pick", "--continue")
    assert not git(alice, "status", "--porcelain")
    assert git(alice, "log", "-1", "--format=%s") == "experiment: 4"
    doctor_clean(alice)
    ids = [version_file(alice, n)["id"] for n in (3, 4, 5)]
    assert ids == [theirs["id"], first["id"], second["id"]]


@pytest.mark.parametrize("installed", [True, False])
def test_a_squash_merge_of_a_colliding_branch(tmp_path: Path, installed: bool) -> None:
    """``git merge --squash`` writes no MERGE_HEAD and commits nothing: with ``zenml git
    install`` its post-merge hook resolves and stages the store (the user commits it, as git
    says); without it git stops on the collision, and ``zenml resolve`` finds the squashed
    branch in SQUASH_MSG."""
    _, (alice, bob) = team(tmp_path)
    if installed:
        zenml(alice, "git", "install")
    theirs = _branch_b_with_3_in(bob, "staging")
    ours = register(alice)
    commit(alice, "main: 3")
    git(alice, "fetch", "-q", "origin")
    squashed = _git_all(alice, "merge", "--squash", "origin/b")
    if installed:
        assert "CONFLICT" not in squashed and "squash merge: 1 version(s)" in squashed, squashed
    else:
        assert "CONFLICT" in squashed, squashed
        report = zenml_json(alice, "resolve")
        assert report["operation"] == "squash merge"
        assert [(m["old"], m["new"]) for m in report["moved"]] == [("3", "4")]
    assert not git(alice, "diff", "--name-only")  # resolved and staged, nothing left over
    git(alice, "commit", "-q", "-m", "squash b")
    assert len(git(alice, "log", "-1", "--format=%p").split()) == 1  # one commit, one parent
    doctor_clean(alice)
    assert [version_file(alice, n)["id"] for n in (3, 4)] == [ours["id"], theirs["id"]]
    assert model_file(alice)["stages"]["staging"] == {"number": 4, "id": theirs["id"]}


def test_a_revert_of_a_registration_production_holds_is_named_and_repaired(
    tmp_path: Path,
) -> None:
    """``git revert`` of the commit that registered the production version removes its file
    (git sees no conflict: the later promotion changed other files). Doctor names the
    dangling stage and the fix; promoting another version releases the missing one instead
    of archiving a version that does not exist, and the store is whole again."""
    _, (alice,) = team(tmp_path, ("alice",))
    zenml(alice, "git", "install")
    registration = (register(alice), commit(alice, "register 3"))[1]
    zenml(alice, "model", "version", "update", "iris", "3", "--stage", "production")
    commit(alice, "3 to production")
    git(alice, "revert", "--no-edit", registration)
    checked = run_zenml("doctor", "-o", "json", cwd=alice)
    assert checked.returncode == 6
    [problem] = [item["message"] for item in json.loads(checked.stdout)["items"]]
    assert problem.startswith("stage 'production' is held by missing version 3; restore")
    assert "'zenml model version update iris N --stage production'" in problem
    zenml(alice, "model", "version", "update", "iris", "2", "--stage", "production")
    doctor_clean(alice)
    stages = model_file(alice)["stages"]
    assert stages["production"]["number"] == 2 and stages["archived"] == []
    assert history(alice)[-1]["archived"] is None
