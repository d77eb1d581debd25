"""The user's checkout and the clone's git state around ``--push`` (issue 18 findings 13, 14,
15): real git, the installed ``zenml`` in separate processes, a bare remote on local disk."""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from zenml_cli.errors import RemoteError
from zenml_cli.store.git import cmd as git_cmd

from support.git import clone, commit_elsewhere, git, tip
from support.running import run_zenml, zenml_popen

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]


def wait_for(condition: Callable[[], bool], what: str, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def commits(remote: Path) -> int:
    return int(git(remote, "rev-list", "--count", "main"))


# --------------------------------------------------------------------------- 18.13
def test_two_pushes_racing_the_fast_forward_never_stage_a_version_for_deletion(
    remote: Path, tmp_path: Path
) -> None:
    """One command has moved the files to its commit and not yet moved HEAD (held there by
    a post-index-change hook) while a second command pushes and fast-forwards. Before the
    fix the checkout ended at the older commit and the second command claimed local changes;
    in the other order (the later commit's files moved first) the first one's undo staged
    version 1's file for deletion. Now one fast-forward runs at a time per clone."""
    mine = clone(remote, tmp_path / "mine")
    assert run_zenml("model", "register", "iris", "--push", cwd=mine).returncode == 0
    reached, go = tmp_path / "reached", tmp_path / "go"
    hook = mine / ".git" / "hooks" / "post-index-change"
    hook.write_text(
        "#!/bin/sh\n"
        '[ -n "$GIT_INDEX_FILE" ] && exit 0\n'  # a private work area's index, not the user's
        '[ "$ZENML_ACTOR" = slow ] || exit 0\n'
        f'[ -e "{reached}" ] && exit 0\n'
        f'touch "{reached}"\n'
        f'while [ ! -e "{go}" ]; do sleep 0.05; done\n'
    )
    hook.chmod(0o755)
    before = commits(remote)
    slow = zenml_popen(mine, "model", "version", "create", "iris", "--push",
                       env={"ZENML_ACTOR": "slow"})  # fmt: skip
    wait_for(reached.exists, "the first command's fast-forward")
    fast = zenml_popen(mine, "model", "version", "create", "iris", "--push",
                       env={"ZENML_ACTOR": "fast"})  # fmt: skip
    wait_for(lambda: commits(remote) == before + 2, "the second push")
    with contextlib.suppress(subprocess.TimeoutExpired):
        fast.wait(timeout=10)  # before the fix it finished; now it waits for the first one
    go.touch()
    for proc in (slow, fast):
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "local changes" not in err  # there were none; nor is a pull needed
    assert git(mine, "status", "--porcelain", "--", ".zenml") == ""
    assert git(mine, "rev-parse", "HEAD") == tip(remote)
    versions = mine / ".zenml" / "models" / "iris" / "versions"
    assert sorted(p.name for p in versions.iterdir()) == ["1.yaml", "2.yaml"]


# --------------------------------------------------------------------------- 18.14
def test_a_slow_smudge_filter_never_turns_a_landed_push_into_exit_8(
    remote: Path, tmp_path: Path
) -> None:
    """git-lfs-like: a teammate pushed a filtered file; the fast-forward would run the
    filter. The push landed, so the command exits 0 and says how to pull; nothing is left
    locked or half-written in the checkout."""
    other = tmp_path / "other"
    commit_elsewhere(remote, other, ".gitattributes", "*.bin filter=slow\n")
    mine = clone(remote, tmp_path / "mine")
    plain = clone(remote, tmp_path / "plain")  # no 'slow' driver here: nothing would run
    git(mine, "config", "filter.slow.smudge", "sleep 100; cat")
    git(mine, "config", "filter.slow.clean", "cat")
    commit_elsewhere(remote, other, "weights.bin", "0123\n")
    head = git(mine, "rev-parse", "HEAD")
    done = run_zenml("model", "register", "iris", "--push", cwd=mine, timeout=150)
    assert done.returncode == 0, done.stderr
    assert "pushed" in done.stderr and "git pull --ff-only" in done.stderr
    assert git(remote, "cat-file", "-e", "main:.zenml/models/iris/model.yaml") == ""
    assert not (mine / ".git" / "index.lock").exists()
    assert git(mine, "rev-parse", "HEAD") == head
    assert git(mine, "status", "--porcelain") == ""
    assert run_zenml("model", "register", "wine", "--push", cwd=plain).returncode == 0
    assert git(plain, "rev-parse", "HEAD") == tip(remote)  # fast-forwarded as usual
    assert (plain / "weights.bin").read_text() == "0123\n"


def test_a_timed_out_git_leaves_no_index_lock(tmp_path: Path) -> None:
    """Any git call that times out is terminated, not killed, so git removes its lock."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "t@example.com")
    git(repo, "config", "user.name", "t")
    (repo / ".gitattributes").write_text("*.bin filter=slow\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "1")
    (repo / "w.bin").write_text("data\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "2")
    git(repo, "read-tree", "-m", "-u", "HEAD", "HEAD~1")
    git(repo, "config", "filter.slow.smudge", "sleep 8; cat")
    with pytest.raises(RemoteError, match="timed out"):
        git_cmd.run(["read-tree", "-m", "-u", "HEAD~1", "HEAD"], cwd=repo, timeout=1)
    assert not (repo / ".git" / "index.lock").exists()


# --------------------------------------------------------------------------- 18.15
def test_a_held_remote_tracking_ref_lock_is_no_remote_failure(remote: Path, tmp_path: Path) -> None:
    """An IDE's auto-fetch (or another push) holds refs/remotes/origin/main.lock: every
    --push still lands exactly once, never exit 8, never a second registration."""
    mine = clone(remote, tmp_path / "mine")
    assert run_zenml("model", "register", "iris", "--push", cwd=mine).returncode == 0
    lock = mine / ".git" / "refs" / "remotes" / "origin" / "main.lock"
    lock.write_text("")
    procs = [zenml_popen(mine, "model", "version", "create", "iris", "--push") for _ in range(6)]
    for proc in procs:
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
    assert lock.exists()  # nobody broke the other process's lock
    names = git(remote, "ls-tree", "--name-only", "main:.zenml/models/iris/versions")
    assert sorted(names.split(), key=lambda n: int(n.split(".")[0])) == [
        f"{n}.yaml" for n in range(1, 7)
    ]


def test_landed_reads_the_porcelain_line_of_the_ref_not_only_the_exit_code() -> None:
    """git exits 1 when it cannot update its own tracking ref after the remote took the
    push; the ref's own line says the push landed (a retry would register twice)."""
    took = git_cmd.GitResult(
        1,
        "To ../remote.git\n \tabc123:refs/heads/main\t1111..2222\nDone\n",
        "error: update_ref failed for ref 'refs/remotes/origin/main': cannot lock ref\n",
    )
    assert git_cmd.landed(took, "refs/heads/main")
    assert not git_cmd.landed(took, "refs/heads/other")
    refused = git_cmd.GitResult(1, "!\tabc123:refs/heads/main\t[rejected] (fetch first)\n", "")
    assert not git_cmd.landed(refused, "refs/heads/main")


def test_a_held_branch_lock_leaves_the_checkout_as_it_was_and_says_why(
    remote: Path, tmp_path: Path
) -> None:
    """Another git process holds refs/heads/main.lock while the checkout would move: the
    push landed (exit 0), the files go back to HEAD, and the note names the lock."""
    mine = clone(remote, tmp_path / "mine")
    head = git(mine, "rev-parse", "HEAD")
    (mine / ".git" / "refs" / "heads" / "main.lock").write_text("")
    done = run_zenml("model", "register", "iris", "--push", cwd=mine)
    assert done.returncode == 0, done.stderr
    assert "another git process holds your branch's lock" in done.stderr
    assert git(mine, "rev-parse", "HEAD") == head
    assert git(mine, "status", "--porcelain") == ""
    assert git(remote, "cat-file", "-e", "main:.zenml/models/iris/model.yaml") == ""


@pytest.mark.parametrize("upstream", ["outside the store", "only the store"])
def test_a_copied_checkout_is_fast_forwarded_past_a_teammates_push(
    remote: Path, tmp_path: Path, upstream: str
) -> None:
    """A checkout copied with ``cp -r`` has stale stat data in every index entry: the store's
    are refreshed by the status check, the rest only when files outside the store move (a
    teammate's push that changed only the store needs no refresh of the whole index)."""
    import shutil

    first = clone(remote, tmp_path / "first")
    assert run_zenml("model", "register", "iris", "--push", cwd=first).returncode == 0
    git(first, "pull", "-q", "--ff-only")
    mine = tmp_path / "mine"
    shutil.copytree(first, mine)  # new inodes and times: every index entry looks changed
    if upstream == "outside the store":
        commit_elsewhere(remote, tmp_path / "other", "README.md", "changed upstream\n")
    else:
        done = run_zenml("model", "version", "create", "iris", "--push", cwd=first)
        assert done.returncode == 0, done.stderr
    done = run_zenml("model", "version", "create", "iris", "--push", cwd=mine)
    assert done.returncode == 0, done.stderr
    assert "git pull" not in done.stderr, done.stderr  # the checkout moved by itself
    assert git(mine, "rev-parse", "HEAD") == tip(remote)
    assert git(mine, "status", "--porcelain") == ""
    expected = "changed upstream\n" if upstream == "outside the store" else "project\n"
    assert (mine / "README.md").read_text() == expected


def test_a_push_from_a_detached_merge_commit_says_how_to_get_the_pushed_commit(
    remote: Path, tmp_path: Path
) -> None:
    """A CI checkout of a pull request's merge commit is a detached HEAD the pushed commit
    does not build on: the checkout stays where it is, and the hint names no branch to pull
    into ('git pull' fails on a detached HEAD) but the pushed commit, which is in the clone."""
    author = clone(remote, tmp_path / "author")
    (author / "feature.txt").write_text("f\n")
    git(author, "checkout", "-q", "-b", "feature")
    git(author, "add", "-A")
    git(author, "commit", "-q", "-m", "feature")
    git(author, "checkout", "-q", "main")
    git(author, "merge", "-q", "--no-ff", "feature", "-m", "Merge PR")
    git(author, "push", "-q", "origin", "HEAD:refs/pull/1/merge")
    ci = clone(remote, tmp_path / "ci")
    git(ci, "fetch", "-q", "origin", "+refs/pull/1/merge:refs/remotes/pull/1/merge")
    git(ci, "checkout", "-q", "--detach", "refs/remotes/pull/1/merge")
    head = git(ci, "rev-parse", "HEAD")
    done = run_zenml("model", "register", "iris", "--push", cwd=ci)
    assert done.returncode == 0, done.stderr
    pushed = tip(remote)
    assert git(ci, "rev-parse", "HEAD") == head  # left where it was
    assert "git pull" not in done.stderr and "your branch" not in done.stderr, done.stderr
    assert "detached HEAD" in done.stderr and f"'git checkout {pushed[:12]}'" in done.stderr
    git(ci, "checkout", "-q", pushed[:12])  # the hint works as written
    assert (ci / ".zenml" / "models" / "iris").is_dir()
