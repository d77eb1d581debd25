"""How many git processes one ``--push`` write spawns (issue 21.2: "no more git processes per
write than the work needs"), pinned so the count cannot creep back up.

A ``git`` wrapper first on PATH logs every invocation and runs the real git; the installed
``zenml`` writes through a real bare remote on local disk. Git's own children (upload-pack,
index-pack, ...) run from git's exec path, not PATH, so only the processes zenml starts are
counted: exactly what the engine can change.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from zenml_cli.store.git.repo import plain_branch_name

from support.git import clone, git, make_remote
from support.running import run_zenml

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]

#: Every git call of one pushed write on the default branch (queue on, no race) from a clone
#: whose previous write landed last (a pipeline run's writes, one after another), in order,
#: and why it is there. 26 before issue 21.2 (27 with the ``ls-remote`` of a checkout
#: without ``origin/HEAD``).
AFTER_OWN_WRITE = [
    "rev-parse",  # the repository, the project's prefix, the git dir, the remote's HEAD
    "config",  # git.remote names a remote of this clone (never a URL: DESIGN section 12)
    "fetch",  # the branch tip and the queue of pending writes, in one round trip
    "cat-file",  # the tip's commit, root tree (for the graft) and .zenml tree, at once
    "for-each-ref",  # the queued writes the fetch brought (their messages are the data)
    # (nothing moves the private work area: it already holds the tip's .zenml)
    "hash-object",  # the files the command changed, as blobs (no index of every file)
    "cat-file",  # the tip's folders on the way to them
    "hash-object",  # ... rebuilt as the new trees, up to the new .zenml tree and the root
    # tree around it (no mktree: the root is grafted from the tree cat-file read first)
    "commit-tree",  # the commit, on the tip
    "push",  # the compare-and-swap on the remote branch (atomic with the queue's refs)
    "rev-parse",  # the user's checkout: HEAD's branch and commit, under the checkout lock
    # (HEAD is the commit's parent: only .zenml/ moves, no ancestry or filter checks)
    # (no "status": read-tree itself refuses a move over a local change, as git merge
    # --ff-only does, and only a refusal refreshes the index's stat data to try again)
    "read-tree",  # the checkout's files moved to the new commit, as a fast-forward would
    "update-ref",  # the branch moved, compare-and-swap on the old commit
    "update-ref",  # the transaction's private refs (the fetched tip, the queue) dropped
]
#: The same write when another clone wrote last: the work area and the checkout both have
#: others' changes to take in.
AFTER_ANOTHER_CLONE = [
    *AFTER_OWN_WRITE[:5],
    "diff-tree",  # what differs between the work area's tree and the tip's .zenml
    "cat-file",  # ... those files, written into the work area (nothing else is)
    *AFTER_OWN_WRITE[5:11],
    "merge-base",  # HEAD is an ancestor of the new commit (else the user must pull)
    "diff",  # what else moves: a changed file with a git filter (git-lfs) is left to pull
    *AFTER_OWN_WRITE[11:],
]


def git_wrapper(folder: Path) -> dict[str, str]:
    """A ``git`` on PATH that logs its arguments (one call a line) and runs the real git;
    the environment that puts it first."""
    real = shutil.which("git")
    assert real is not None
    folder.mkdir()
    log = folder / "calls.log"
    wrapper = folder / "git"
    wrapper.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec "{real}" "$@"\n')
    wrapper.chmod(0o755)
    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}", "ZENML_TEST_GIT_LOG": str(log)}


def verbs(log: Path) -> list[str]:
    """The git subcommand of each logged call (skipping ``--git-dir X --work-tree Y``)."""
    found = []
    for line in log.read_text().splitlines():
        words = line.split()
        while words and words[0].startswith("-"):
            words = words[2:] if words[0] in ("--git-dir", "--work-tree", "-c") else words[1:]
        found.append(words[0] if words else "")
    return found


def counted(mine: Path, env: dict[str, str], *args: str) -> list[str]:
    log = Path(env["ZENML_TEST_GIT_LOG"])
    log.write_text("")
    done = run_zenml(*args, "--push", cwd=mine, env=env)
    assert done.returncode == 0, done.stderr
    return verbs(log)


@pytest.fixture(autouse=True)
def _product_staging_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite's second, general staging of each write (conftest) is not the product's."""
    monkeypatch.delenv("ZENML_CHECK_STAGE")


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    remote = make_remote(tmp_path)
    mine = clone(remote, tmp_path / "mine")
    assert run_zenml("model", "register", "iris", "--push", cwd=mine).returncode == 0
    return mine


@pytest.mark.parametrize(
    "writes",
    [
        [("model", "version", "create", "iris")] * 2,
        [
            ("model", "version", "update", "iris", "1", "--stage", "production"),
            ("model", "version", "update", "iris", "1", "--stage", "staging"),
        ],
        [("model", "register", "second"), ("model", "register", "third")],
    ],
    ids=["create-version", "promote", "register-model"],
)
def test_one_pushed_write_spawns_only_the_git_processes_its_work_needs(
    mine: Path, tmp_path: Path, writes: list[tuple[str, ...]]
) -> None:
    assert run_zenml("model", "version", "create", "iris", "--push", cwd=mine).returncode == 0
    env = git_wrapper(tmp_path / "bin")
    assert counted(mine, env, *writes[0]) == AFTER_OWN_WRITE
    assert git(mine, "status", "--porcelain") == ""  # the checkout followed the push
    other = clone(mine.parent / "remote.git", tmp_path / "other")
    assert run_zenml("model", "register", "elsewhere", "--push", cwd=other).returncode == 0
    assert counted(mine, env, *writes[1]) == AFTER_ANOTHER_CLONE
    assert git(mine, "status", "--porcelain") == ""


def test_a_checkout_without_the_remotes_head_asks_the_remote_once_not_per_command(
    mine: Path, tmp_path: Path
) -> None:
    """CI checkouts (``actions/checkout``) record no ``refs/remotes/origin/HEAD``: the
    default branch is asked of the remote (``ls-remote``, a round trip) by the first write
    and remembered, so the next write costs what it costs in a full clone."""
    git(mine, "remote", "set-head", "origin", "--delete")
    env = git_wrapper(tmp_path / "bin")
    first = counted(mine, env, "model", "version", "create", "iris")
    assert first == [*AFTER_OWN_WRITE[:2], "ls-remote", *AFTER_OWN_WRITE[2:]]
    assert counted(mine, env, "model", "version", "create", "iris") == AFTER_OWN_WRITE


def test_a_write_to_a_configured_branch_adds_no_process(mine: Path, tmp_path: Path) -> None:
    """``git.branch`` set: its name is checked without ``git check-ref-format`` when it is
    plainly valid, and the remote's HEAD is not needed."""
    env = {**git_wrapper(tmp_path / "bin"), "ZENML_GIT_BRANCH": "main"}
    assert counted(mine, env, "model", "version", "create", "iris") == AFTER_OWN_WRITE


def test_a_remembered_default_branch_the_remote_no_longer_has_is_asked_again(
    mine: Path, tmp_path: Path
) -> None:
    """The remembered answer is dropped when its branch is missing (the remote renamed its
    default branch): that write exits 8 naming the branch, the next one asks again."""
    git(mine, "remote", "set-head", "origin", "--delete")
    assert run_zenml("model", "version", "create", "iris", "--push", cwd=mine).returncode == 0
    remembered = mine / ".git" / "zenml-tx" / "remote-head-origin"
    assert remembered.read_text().strip() == "main"
    git(mine.parent / "remote.git", "branch", "-m", "main", "trunk")
    lost = run_zenml("model", "version", "create", "iris", "--push", cwd=mine)
    assert lost.returncode == 8 and "no branch 'main'" in lost.stderr
    assert not remembered.exists()
    again = run_zenml("model", "version", "create", "iris", "--push", cwd=mine)
    assert again.returncode == 0, again.stderr
    assert "origin/trunk" in again.stderr
    assert remembered.read_text().strip() == "trunk"


def test_the_graft_built_from_the_tips_trees_keeps_every_other_entry(
    mine: Path, tmp_path: Path
) -> None:
    """The root tree is rebuilt from the tree ``cat-file`` read (no ``ls-tree``): a link, an
    executable, a gitlink (submodule), names with spaces and non-ASCII bytes, a nested
    folder all come back with the same mode and object; only ``.zenml`` changes."""
    (mine / "run.sh").write_text("#!/bin/sh\n")
    (mine / "run.sh").chmod(0o755)
    (mine / "link").symlink_to("run.sh")
    (mine / "a name with spaces.txt").write_text("x\n")
    (mine / "données é.txt").write_text("y\n")
    (mine / "deep" / "er").mkdir(parents=True)
    (mine / "deep" / "er" / "file").write_text("z\n")
    git(mine, "add", "-A")
    head = git(mine, "rev-parse", "HEAD")
    git(mine, "update-index", "--add", "--cacheinfo", f"160000,{head},vendored")
    git(mine, "commit", "-q", "-m", "odd entries")
    git(mine, "push", "-q", "origin", "main")
    before = git(mine, "ls-tree", "-z", "HEAD").split("\0")
    done = run_zenml("model", "version", "create", "iris", "--push", cwd=mine)
    assert done.returncode == 0, done.stderr
    remote = mine.parent / "remote.git"
    after = git(remote, "ls-tree", "-z", "main").split("\0")
    changed = set(before) ^ set(after)
    assert {entry.rsplit("\t", 1)[-1] for entry in changed} == {".zenml"}


@pytest.mark.parametrize(
    "name",
    ["main", "feature/x", "a.b", "_x", "a-", "release/2026.1", "HEAD", "a..b", "x.lock", "x.",
     ".x", "-x", "a//b", "a/", "/a", "a@{b", "a b", "x/.y", "ü", "@", "a/b.lock/c"],
)  # fmt: skip
def test_a_branch_name_checked_without_git_is_one_git_accepts(name: str) -> None:
    """The shortcut that saves a ``check-ref-format`` per write accepts only names git
    accepts (it may leave a valid one to git, never pass an invalid one)."""
    accepted = subprocess.run(
        ["git", "check-ref-format", "--branch", name], capture_output=True, check=False
    )
    if plain_branch_name(name):
        assert accepted.returncode == 0
