"""The whole pull-request flow on a protected ``main`` (issue 19's review-branch scenario):
``--push --branch`` lands a write on a review branch while a pre-receive hook refuses direct
pushes to main; main then moves (another pull request merged); ``zenml resolve --onto
origin/main`` re-plans the review branch's registry writes on the new tip; the branch pushes
without force; merging it is a fast-forward that keeps main's numbers; and
``zenml doctor --against`` passes. Real git, a bare remote, the installed ``zenml``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.git import PROTECT_MAIN, clone, git, make_remote, tip
from support.running import run_zenml

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]


def zenml(cwd: Path, *args: str) -> dict[str, object]:
    done = run_zenml(*args, "-o", "json", cwd=cwd)
    assert done.returncode == 0, (args, done.stderr)
    return json.loads(done.stdout) if done.stdout.strip() else {}


def merge_pull_request(remote: Path, branch: str) -> None:
    """What the forge does on "merge": main moves to the branch (a fast-forward here; the
    forge moves the ref itself, so no push hook runs)."""
    git(remote, "update-ref", "refs/heads/main", f"refs/heads/{branch}", tip(remote))


def test_review_branch_then_main_moves_then_resolve_onto_then_merge(tmp_path: Path) -> None:
    remote = make_remote(tmp_path)
    hook = remote / "hooks" / "pre-receive"
    hook.write_text(PROTECT_MAIN)
    hook.chmod(0o755)
    alice, bob = clone(remote, tmp_path / "alice"), clone(remote, tmp_path / "bob")

    # Alice: register and stage a version, sent for review (main refuses direct pushes).
    refused = run_zenml("model", "register", "iris", "--push", cwd=alice)
    assert refused.returncode == 8 and "main is protected" in refused.stderr
    zenml(alice, "model", "register", "iris", "--push", "--branch", "review/alice")
    mine = zenml(alice, "model", "version", "create", "iris", "--push", "--branch", "review/alice")
    assert mine["number"] == 1

    # Bob's pull request merges first: main gets its own iris version 1.
    zenml(bob, "model", "register", "iris", "--push", "--branch", "review/bob")
    bobs = zenml(bob, "model", "version", "create", "iris", "--push", "--branch", "review/bob")
    zenml(bob, "model", "version", "update", "iris", "1", "--stage", "production",
          "--push", "--branch", "review/bob")  # fmt: skip
    merge_pull_request(remote, "review/bob")

    # Alice brings her review branch up to date: main keeps its numbers, hers moves to 2.
    git(alice, "fetch", "-q", "origin")
    git(alice, "switch", "-q", "review/alice")
    report = zenml(alice, "resolve", "--onto", "origin/main")
    assert report["committed"]
    described = zenml(alice, "model", "version", "describe", "iris", "production")
    assert (described["number"], described["id"]) == (1, bobs["id"])
    hers = zenml(alice, "model", "version", "describe", "iris", str(mine["id"]))
    assert hers["number"] == 2
    git(alice, "push", "-q", "origin", "review/alice")  # no force: a fast-forward

    # The pull request merges as a fast-forward, and main is a valid successor of before.
    main_before = tip(remote)
    merge_pull_request(remote, "review/alice")
    git(alice, "fetch", "-q", "origin")
    git(alice, "merge-base", "--is-ancestor", main_before, "origin/main")
    git(alice, "switch", "-q", "main")
    git(alice, "merge", "-q", "--ff-only", "origin/main")
    checked = run_zenml("doctor", "--against", main_before, "-o", "json", cwd=alice)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    listed = zenml(alice, "model", "version", "list", "iris")
    assert [(v["number"], v["id"]) for v in listed["items"]] == [
        (1, bobs["id"]),
        (2, mine["id"]),
    ]
