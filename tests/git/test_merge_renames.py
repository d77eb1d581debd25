"""A model renamed on one branch is the same model on the other (matched by the id in
model.yaml, never by folder name): a merge keeps both sides' writes under the new name, with
real git, the installed zenml and the hooks of ``zenml git install``."""

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
    zenml,
    zenml_json,
)
from support.git import BRANCH, git

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]


def _git_all(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )
    return done.stdout + done.stderr


def _rename_on_main(cwd: Path, new: str) -> None:
    git(cwd, "checkout", "-q", BRANCH)
    zenml(cwd, "model", "update", "iris", "-n", new)
    commit(cwd, f"main: iris renamed {new}")


def _versions(cwd: Path, model: str) -> list[tuple[int, str, str]]:
    listed = zenml_json(cwd, "model", "version", "list", "--model", model)["items"]
    return [(v["number"], v["id"], v["stage"]) for v in listed]


def test_a_promotion_merged_into_a_renamed_model_stands(tmp_path: Path) -> None:
    """git merges it cleanly (rename detection); the post-merge hook's resolve must not
    take the rename for a deletion and undo the promotion."""
    _, (alice,) = team(tmp_path, ("alice",))
    zenml(alice, "git", "install")
    zenml(alice, "model", "version", "update", "iris", "1", "--stage", "production")
    commit(alice, "main: 1 to production")  # history.jsonl exists: git merges it by rename
    branch(alice, "feat")
    zenml(alice, "model", "version", "update", "iris", "2", "--stage", "production")
    commit(alice, "feat: 2 to production")
    _rename_on_main(alice, "iris2")
    merged = _git_all(alice, "merge", "--no-edit", "feat")
    assert "deleted" not in merged and "CONFLICT" not in merged, merged
    assert git(alice, "log", "-1", "--format=%s") == "Merge branch 'feat'"  # nothing to undo
    doctor_clean(alice)
    production = zenml_json(alice, "model", "version", "describe", "iris2", "production")
    assert production["number"] == 2
    assert [e["event"] for e in history(alice, "iris2")][-1] == "stage"
    assert not (alice / ".zenml" / "models" / "iris").exists()


def test_new_versions_of_the_other_side_follow_the_rename_and_are_renumbered(
    tmp_path: Path,
) -> None:
    _, (alice,) = team(tmp_path, ("alice",))
    zenml(alice, "git", "install")
    branch(alice, "feat")
    theirs = register(alice)
    zenml(alice, "model", "version", "update", "iris", "3", "--stage", "staging")
    commit(alice, "feat: 3 to staging")
    _rename_on_main(alice, "iris2")
    ours = zenml_json(alice, "model", "version", "create", "iris2", "-v")
    commit(alice, "main: iris2 3")
    _git_all(alice, "merge", "--no-edit", "feat")  # git stops: "CONFLICT (file location)"
    report = zenml_json(alice, "resolve")
    assert [(m["name"], m["old"], m["new"]) for m in report["moved"]] == [("iris2", "3", "4")]
    assert report["notes"] == []
    git(alice, "commit", "-q", "--no-edit")
    doctor_clean(alice)
    assert [(n, i) for n, i, _ in _versions(alice, "iris2")][2:] == [
        (3, ours["id"]),
        (4, theirs["id"]),
    ]
    assert model_file(alice, "iris2")["stages"]["staging"] == {"number": 4, "id": theirs["id"]}
    assert history(alice, "iris2")[-1]["version_id"] == theirs["id"]
    assert sorted(p.name for p in (alice / ".zenml" / "models").iterdir()) == ["iris2"]


def test_renamed_on_both_sides_to_different_names_keeps_ours_and_every_version(
    tmp_path: Path,
) -> None:
    _, (alice,) = team(tmp_path, ("alice",))
    branch(alice, "feat")
    zenml(alice, "model", "update", "iris", "-n", "iris3")
    theirs = zenml_json(alice, "model", "version", "create", "iris3", "-v")
    commit(alice, "feat: iris3 and its 3")
    _rename_on_main(alice, "iris2")
    _git_all(alice, "merge", "--no-edit", "feat")  # git stops: "CONFLICT (rename/rename)"
    report = zenml_json(alice, "resolve")
    [clash] = report["notes"]
    assert (
        clash["kind"] == "clash" and "'iris2'" in clash["detail"] and "'iris3'" in clash["detail"]
    )
    git(alice, "commit", "-q", "--no-edit")
    doctor_clean(alice)
    assert [(n, i) for n, i, _ in _versions(alice, "iris2")][2:] == [(3, theirs["id"])]
    assert sorted(p.name for p in (alice / ".zenml" / "models").iterdir()) == ["iris2"]


def test_renamed_on_one_side_and_deleted_on_the_other_the_deletion_stands_named(
    tmp_path: Path,
) -> None:
    _, (alice,) = team(tmp_path, ("alice",))
    branch(alice, "feat")
    zenml(alice, "model", "delete", "iris", "-y")
    commit(alice, "feat: iris deleted")
    _rename_on_main(alice, "iris2")
    _git_all(alice, "merge", "--no-edit", "feat")  # git stops: "CONFLICT (rename/delete)"
    report = zenml_json(alice, "resolve")
    assert [(n["kind"], n["path"], n["detail"]) for n in report["notes"]] == [
        (
            "deleted",
            "models/iris",
            "deleted on one side (renamed to 'iris2' on the other); the deletion stands",
        )
    ]
    git(alice, "commit", "-q", "--no-edit")
    doctor_clean(alice)
    assert not (alice / ".zenml" / "models" / "iris2").exists()
