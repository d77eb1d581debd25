"""The push engine (DESIGN section 7) against real git: a bare repository on local disk is the
remote, clones are the machines, real processes race. No git call is mocked; only the backoff
``sleep`` is injected, so no test waits on a clock to order events."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from zenml_cli.core import models, versions
from zenml_cli.core.model_describe import history_of
from zenml_cli.errors import ConflictError, CorruptManifestError, InvalidInputError, RemoteError
from zenml_cli.registry.base import CoreWriter
from zenml_cli.store import Store
from zenml_cli.store.config import GitSettings
from zenml_cli.store.git.remote import (
    BACKOFF_CAP,
    backoff,
    load_settings,
    push_enabled,
    transact,
)
from zenml_cli.store.transacted import Transacted
from zenml_cli.store.transport import Route, pick_transport

from support.git import (
    BRANCH,
    clone,
    commit_elsewhere,
    git,
    promote,
    register_next,
    start_workers,
    tip,
)

SETTINGS = GitSettings()


pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]


def no_sleep(seconds: float) -> None:
    raise AssertionError(f"unexpected backoff of {seconds}s")


def fresh_store(remote: Path, dest: Path) -> Store:
    return Store(clone(remote, dest))


def assert_no_leftovers(repo: Path) -> None:
    """Every attempt drops its private ref; only the kept work areas (a failed one is cleaned
    on its next use, see git_workspace) and the checkout's lock stay under zenml-tx."""
    area = repo / ".git" / "zenml-tx"
    for pool in area.iterdir() if area.exists() else []:
        assert pool.name.startswith("pool-") or pool.name == "checkout.lock"
    assert git(repo, "for-each-ref", "refs/zenml/") == ""


def seed_versions(repo: Path, count: int) -> None:
    for _ in range(count):
        transact(repo, register_next, lambda n: f"register {n}", settings=SETTINGS, sleep=no_sleep)


# ------------------------------------------------------------------------- concurrency
def test_four_machines_register_twenty_versions_at_once(remote: Path, tmp_path: Path) -> None:
    clones = [clone(remote, tmp_path / f"runner{i}", f"runner{i}") for i in range(4)]
    procs = start_workers(clones, ["register"] * 4, 5)
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs), [err for _, err in outputs]
    numbers = sorted(item["value"] for out, _ in outputs for item in json.loads(out))
    assert numbers == list(range(1, 21))
    check = fresh_store(remote, tmp_path / "check")
    assert sorted(versions.live_numbers(check, models.get_model(check, "iris"))) == numbers
    assert git(check.root, "rev-list", "--merges", "HEAD") == ""
    assert git(check.root, "rev-list", "--count", "HEAD") == "21"  # seed + one per version
    tracked = git(check.root, "ls-files", ".zenml")
    assert ".locks" not in tracked and ".cache" not in tracked
    for repo in clones:
        assert_no_leftovers(repo)


def test_four_machines_promote_at_once_one_wins_three_archived(
    remote: Path, mine: Path, tmp_path: Path
) -> None:
    seed_versions(mine, 4)
    clones = [clone(remote, tmp_path / f"runner{i}") for i in range(4)]
    procs = start_workers(clones, [f"promote-{n}" for n in range(1, 5)], 1)
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs), [err for _, err in outputs]
    check = fresh_store(remote, tmp_path / "check")
    stages = models.get_model(check, "iris").stages
    assert stages.production in {1, 2, 3, 4}
    assert sorted(stages.archived) == sorted({1, 2, 3, 4} - {stages.production})
    events = history_of(check, "iris")
    assert [event.seq for event in events] == [1, 2, 3, 4]
    assert events[-1].version == stages.production


# ------------------------------------------------------------------------- outcomes
def test_a_precondition_checked_on_the_tip_refuses_and_pushes_nothing(
    remote: Path, mine: Path, tmp_path: Path
) -> None:
    seed_versions(mine, 2)
    other = clone(remote, tmp_path / "other")
    transact(other, promote(1), lambda _: "promote 1", settings=SETTINGS)
    before = tip(remote)

    def promote_2_if_vacant(root: Path) -> object:
        holder = models.get_model(Store(root), "iris").stages.production
        if holder is not None:
            raise ConflictError(f"production is held by version {holder}")
        return promote(2)(root)

    # `mine` has not pulled: locally production is vacant, but the tip decides.
    with pytest.raises(ConflictError, match="held by version 1"):
        transact(mine, promote_2_if_vacant, lambda _: "promote 2", settings=SETTINGS)
    assert tip(remote) == before
    assert_no_leftovers(mine)


def test_a_write_that_changes_nothing_pushes_nothing(remote: Path, mine: Path) -> None:
    seed_versions(mine, 1)
    before = tip(remote)
    done = transact(
        mine,
        lambda root: versions.get_version(Store(root), "iris", "latest").number,
        lambda n: f"read {n}",
        settings=SETTINGS,
        sleep=no_sleep,
    )
    assert (done.result, done.commit, done.attempts) == (1, None, 1)
    assert done.note is not None and "nothing pushed" in done.note
    assert tip(remote) == before


def test_a_lost_race_replans_on_the_new_tip_and_keeps_the_other_commit(
    remote: Path, mine: Path, tmp_path: Path
) -> None:
    seed_versions(mine, 1)
    other = clone(remote, tmp_path / "other")
    calls: list[int] = []
    slept: list[float] = []

    def register_while_someone_else_pushes(root: Path) -> int:
        if not calls:  # the first attempt loses: two commits land before its push
            transact(other, register_next, lambda n: f"register {n}", settings=SETTINGS)
            commit_elsewhere(remote, other, "train.py", "print('hi')\n")
        calls.append(1)
        return register_next(root)

    done = transact(
        mine,
        register_while_someone_else_pushes,
        lambda n: f"register {n}",
        settings=SETTINGS,
        sleep=slept.append,
        rng=lambda: 1.0,
    )
    assert (done.result, done.attempts, len(calls)) == (3, 2, 2)  # re-planned: 3, not 2
    assert slept == [backoff(1, lambda: 1.0)]
    assert git(remote, "show", f"{BRANCH}:train.py") == "print('hi')"
    assert git(remote, "rev-parse", f"{BRANCH}^") == git(other, "rev-parse", "HEAD")
    assert git(remote, "log", "-1", "--format=%s", BRANCH) == "zenml: register 3"


def test_retries_exhausted_when_the_remote_always_moves(
    remote: Path, mine: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    calls: list[int] = []

    def always_beaten(root: Path) -> int:
        calls.append(1)
        commit_elsewhere(remote, other, "moving.txt", f"{len(calls)}\n")
        return register_next(root)

    slept: list[float] = []
    with pytest.raises(RemoteError, match="gave up after 3 attempts: the remote kept moving"):
        transact(mine, always_beaten, str, settings=GitSettings(retries=3), sleep=slept.append)
    assert len(calls) == 3 and len(slept) == 2
    assert git(remote, "show", f"{BRANCH}:moving.txt") == "3"
    assert_no_leftovers(mine)


def test_backoff_is_jittered_exponential_and_capped() -> None:
    assert backoff(1, lambda: 0.0) == 0.0
    assert backoff(2, lambda: 1.0) == 2 * backoff(1, lambda: 1.0)
    assert backoff(30, lambda: 1.0) == BACKOFF_CAP


# ------------------------------------------------------------------------- the checkout
def test_user_changes_and_stash_survive_and_a_clean_checkout_fast_forwards(
    remote: Path, mine: Path
) -> None:
    (mine / "notes.txt").write_text("stashed\n")
    git(mine, "add", "notes.txt")
    git(mine, "stash", "-q")
    stash = git(mine, "rev-parse", "refs/stash")
    (mine / "README.md").write_text("edited, not staged\n")
    (mine / "staged.txt").write_text("staged\n")
    git(mine, "add", "staged.txt")

    done = transact(mine, register_next, lambda n: f"register {n}", settings=SETTINGS)

    assert done.commit == tip(remote) == git(mine, "rev-parse", "HEAD")
    assert done.note == f"pushed {done.commit[:7]} to origin/{BRANCH}"
    assert (mine / ".zenml/models/iris/versions/1.yaml").is_file()
    assert (mine / "README.md").read_text() == "edited, not staged\n"
    assert git(mine, "diff", "--cached", "--name-only") == "staged.txt"
    assert git(mine, "diff", "--name-only") == "README.md"
    assert git(mine, "rev-parse", "refs/stash") == stash
    assert git(mine, "status", "--porcelain", ".zenml") == ""


def test_a_local_change_elsewhere_in_the_store_is_kept_as_the_checkout_follows(
    remote: Path, mine: Path
) -> None:
    """As ``git merge --ff-only``: a local edit of a store file the push does not change
    stays, uncommitted, and the checkout moves to the pushed commit."""
    attributes = mine / ".zenml/.gitattributes"
    attributes.write_text(attributes.read_text() + "# mine\n")
    done = transact(mine, register_next, lambda n: f"register {n}", settings=SETTINGS)
    assert done.commit is not None
    assert done.note == f"pushed {done.commit[:7]} to origin/{BRANCH}"
    assert git(mine, "rev-parse", "HEAD") == done.commit == tip(remote)
    assert (mine / ".zenml/models/iris/versions/1.yaml").is_file()
    assert attributes.read_text().endswith("# mine\n")
    assert git(mine, "diff", "--name-only") == ".zenml/.gitattributes"  # still uncommitted


@pytest.mark.parametrize("change", ["edited", "untracked"])
def test_a_local_change_to_a_file_the_push_changes_leaves_the_checkout_alone(
    remote: Path, mine: Path, change: str
) -> None:
    """The pushed commit changes a file the checkout changed too (a promotion rewrites the
    edited model.yaml), or adds one where an untracked file stands (the next version's):
    nothing moves, the local file is kept, and the hint names it."""
    seed_versions(mine, 1)
    head = git(mine, "rev-parse", "HEAD")
    if change == "edited":
        local, operation = mine / ".zenml/models/iris/model.yaml", promote(1)
        local.write_text(local.read_text() + "# mine\n")
    else:
        local, operation = mine / ".zenml/models/iris/versions/2.yaml", register_next
        local.write_text("# mine\n")
    before = local.read_bytes()
    done = transact(mine, operation, lambda _: "the write", settings=SETTINGS)
    assert done.commit is not None and done.commit == tip(remote)  # the push itself landed
    assert git(mine, "rev-parse", "HEAD") == head
    assert local.read_bytes() == before
    relative = local.relative_to(mine).as_posix()
    hint = {
        "edited": f"has a local change to '{relative}' that the pushed commit changes; commit "
        "or stash it",
        "untracked": f"has an untracked '{relative}' where the pushed commit adds a file; move "
        "it away (or 'git stash -u')",
    }[change]
    assert done.note == (
        f"pushed {done.commit[:7]} to origin/{BRANCH}; your checkout {hint}, then run "
        "'git pull --ff-only'"
    )
    assert_no_leftovers(mine)


def test_a_checkout_git_cannot_move_is_left_alone_with_gits_reason(
    remote: Path, mine: Path
) -> None:
    """A refusal that names no changed file (here an untracked folder where the new version's
    file goes): the push landed, the checkout stays, and the hint gives git's own words; a
    held index lock is named as such."""
    seed_versions(mine, 1)
    head = git(mine, "rev-parse", "HEAD")
    obstacle = mine / ".zenml/models/iris/versions/2.yaml"
    obstacle.mkdir()
    (obstacle / "keep.txt").write_text("mine\n")
    done = transact(mine, register_next, lambda n: f"register {n}", settings=SETTINGS)
    assert done.commit is not None and done.commit == tip(remote)
    assert git(mine, "rev-parse", "HEAD") == head
    assert (obstacle / "keep.txt").read_text() == "mine\n"
    assert done.note is not None and "; git could not move your checkout (" in done.note
    assert "2.yaml" in done.note and "local change" not in done.note
    shutil.rmtree(obstacle)
    (mine / ".git/index.lock").write_text("")  # another git process holds the index
    again = transact(mine, register_next, lambda n: f"register {n}", settings=SETTINGS)
    assert again.commit is not None and again.commit == tip(remote)
    assert again.note == (
        f"pushed {again.commit[:7]} to origin/{BRANCH}; another git process is using your "
        "checkout; run 'git pull --ff-only'"
    )
    assert git(mine, "rev-parse", "HEAD") == head


def test_a_checkout_on_another_branch_is_left_alone(remote: Path, mine: Path) -> None:
    git(mine, "switch", "-q", "-c", "feature")
    done = transact(mine, register_next, lambda n: f"register {n}", settings=SETTINGS)
    assert done.note is not None and "on branch 'feature'" in done.note
    assert git(mine, "rev-parse", "HEAD") != tip(remote)


def test_a_store_in_a_subfolder_is_committed_at_its_path(remote: Path, mine: Path) -> None:
    (mine / "ml").mkdir()
    done = transact(mine / "ml", register_next, lambda n: f"register {n}", settings=SETTINGS)
    assert done.result == 1
    assert "ml/.zenml/models/iris/versions/1.yaml" in git(
        remote, "ls-tree", "-r", "--name-only", BRANCH
    )
    assert (mine / "ml/.zenml/models/iris/versions/1.yaml").is_file()


# ------------------------------------------------------------------------- failures
def _failure(call: Callable[[], object]) -> str:
    """The one-line RemoteError ``call`` raises. "At once" is checked without a clock: the
    callers pass ``sleep=no_sleep``, which fails the test on any retry's backoff."""
    with pytest.raises(RemoteError) as caught:
        call()
    message = str(caught.value)
    assert "\n" not in message and RemoteError.exit_code == 8
    return message


def test_a_declining_hook_fails_at_once_with_its_message(remote: Path, mine: Path) -> None:
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'registry is frozen until Monday' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = tip(remote)
    calls: list[int] = []

    def counted(root: Path) -> int:
        calls.append(1)
        return register_next(root)

    message = _failure(lambda: transact(mine, counted, str, settings=SETTINGS, sleep=no_sleep))
    assert "registry is frozen until Monday" in message and "hook declined" in message
    assert "remote:" not in message and "hint:" not in message
    assert calls == [1] and tip(remote) == before
    assert_no_leftovers(mine)


def test_no_remote_named_origin(mine: Path) -> None:
    git(mine, "remote", "remove", "origin")
    message = _failure(lambda: transact(mine, register_next, str, settings=SETTINGS))
    assert "no git remote named 'origin'" in message


def test_an_unreachable_remote(mine: Path, tmp_path: Path) -> None:
    git(mine, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    message = _failure(
        lambda: transact(mine, register_next, str, settings=SETTINGS, sleep=no_sleep)
    )
    assert "cannot reach remote 'origin'" in message


def test_a_fetch_failing_in_this_clone_is_not_blamed_on_the_remote(
    remote: Path, mine: Path
) -> None:
    """git fetch reads the clone's index: a damaged one fails the fetch, and the error says
    the failure is here (the remote answered), in git's words, with nothing pushed."""
    before = tip(remote)
    (mine / ".git/index").write_bytes(b"garbage")
    message = _failure(
        lambda: transact(mine, register_next, str, settings=SETTINGS, sleep=no_sleep)
    )
    assert message.startswith("git fetch failed in this clone, not on remote 'origin': ")
    assert "index file smaller than expected" in message and "cannot reach" not in message
    assert tip(remote) == before


def test_a_branch_missing_on_the_remote_is_named(mine: Path) -> None:
    settings = GitSettings(branch="release")
    message = _failure(lambda: transact(mine, register_next, str, settings=settings))
    assert "remote 'origin' has no branch 'release'" in message
    assert "git push -u origin release" in message


def test_outside_a_git_work_tree(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    message = _failure(lambda: transact(folder, register_next, str, settings=SETTINGS))
    assert "not inside a git work tree" in message


def test_without_a_git_identity_commits_use_the_fallback(remote: Path, mine: Path) -> None:
    git(mine, "config", "--unset", "user.name")
    git(mine, "config", "--unset", "user.email")
    git(mine, "config", "user.useConfigOnly", "true")  # no guessing from the host name
    done = transact(mine, register_next, str, settings=SETTINGS, actor="ci-bot")
    assert (
        git(remote, "log", "-1", "--format=%an <%ae>", BRANCH) == "zenml-cli <zenml-cli@localhost>"
    )
    assert git(remote, "log", "-1", "--format=%B", BRANCH).endswith("Zenml-Actor: ci-bot")
    assert done.commit == tip(remote)


# ------------------------------------------------------------------------- settings
def test_push_switch_reads_zenml_push(monkeypatch: pytest.MonkeyPatch) -> None:
    assert push_enabled(None) is False
    for value, expected in (("1", True), ("Yes", True), ("on", True), ("0", False), ("off", False)):
        monkeypatch.setenv("ZENML_PUSH", value)
        assert push_enabled(None) is expected
    assert push_enabled(False) is False
    monkeypatch.setenv("ZENML_PUSH", "maybe")
    with pytest.raises(InvalidInputError, match="ZENML_PUSH"):
        push_enabled(None)


def test_git_settings_from_config_then_environment(
    mine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = mine / ".zenml/config.yaml"
    config.write_text(config.read_text() + "git:\n  remote: upstream\n  retries: 5\n")
    assert load_settings(mine) == GitSettings(remote="upstream", branch=None, retries=5)
    monkeypatch.setenv("ZENML_GIT_BRANCH", "release")
    monkeypatch.setenv("ZENML_GIT_REMOTE", "origin")
    assert load_settings(mine) == GitSettings(remote="origin", branch="release", retries=5)
    monkeypatch.setenv("ZENML_GIT_RETRIES", "zero")
    with pytest.raises(InvalidInputError, match="ZENML_GIT_RETRIES"):
        load_settings(mine)


@pytest.mark.parametrize("bad", ["git: [origin]", "git:\n  retries: 0", "git:\n  remotes: x"])
def test_bad_git_settings_name_the_config_file(mine: Path, bad: str) -> None:
    config = mine / ".zenml/config.yaml"
    config.write_text(config.read_text() + bad + "\n")
    with pytest.raises(CorruptManifestError, match="config.yaml"):
        load_settings(mine)


def run_write(root: Path, operation: Callable[[Path], int], push: bool) -> Transacted[int]:
    """One write through the transport the push switch picks (``store/transport.py``)."""
    transport = pick_transport(Store(root), Route(push=push), CoreWriter())
    return transport.run(lambda store: operation(store.root), str)


def test_run_write_without_push_is_the_plain_operation(remote: Path, mine: Path) -> None:
    before = tip(remote)
    done = run_write(mine, register_next, push=False)
    assert (done.result, done.commit, done.note) == (1, None, None)
    assert tip(remote) == before and (mine / ".zenml/models/iris").is_dir()
    (mine / "ml").mkdir()
    pushed = run_write(mine / "ml", register_next, push=True)
    assert pushed.commit == tip(remote)
