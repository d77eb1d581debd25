"""Issue 21.1: many runners writing through one remote at once, with the queue of pending
writes (``store/git/batch.py``, ``store/git/intents.py``). Real processes, a bare remote on
local disk, and a ``git`` wrapper first on PATH that sleeps before every fetch, push and
ls-remote: a remote a round trip away. The full 100-runner burst is ``benchmarks/herd.py``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zenml_cli.store.git import intents as git_intents
from zenml_cli.store.git.repo import Repo

from support.git import clone, git, tip
from support.running import run_zenml

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]
RUNNERS = 8

WRAPPER = """#!/bin/sh
for arg in "$@"; do
  case "$arg" in
    fetch|ls-remote) sleep "${QUEUE_TEST_RTT:-0}"; break;;
    push) [ -n "$QUEUE_TEST_PUSH_MARK" ] && echo "$$" >> "$QUEUE_TEST_PUSH_MARK"
          sleep "${QUEUE_TEST_PUSH_DELAY:-${QUEUE_TEST_RTT:-0}}"; break;;
  esac
done
exec {git} "$@"
"""


@pytest.fixture
def slow_git(tmp_path: Path) -> dict[str, str]:
    """PATH with the delaying ``git`` wrapper first (and the venv's ``zenml``)."""
    import shutil

    bindir = tmp_path / "slow-bin"
    bindir.mkdir()
    wrapper = bindir / "git"
    wrapper.write_text(WRAPPER.replace("{git}", str(shutil.which("git"))))
    wrapper.chmod(0o755)
    path = os.pathsep.join([str(bindir), str(Path(sys.executable).parent), os.environ["PATH"]])
    return {"PATH": path, "QUEUE_TEST_RTT": "0.3"}


def start(cwd: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    full = {k: v for k, v in os.environ.items() if k != "ZENML_PROJECT_DIR"}
    full.update({"ZENML_ACTOR": cwd.name, **env})
    return subprocess.Popen(
        ["zenml", *args], cwd=cwd, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )  # fmt: skip


def seeded(remote: Path, tmp_path: Path, versions: int = 0) -> Path:
    seed = clone(remote, tmp_path / "seed-q")
    assert run_zenml("model", "register", "iris", "--push", cwd=seed).returncode == 0
    for _ in range(versions):
        done = run_zenml("model", "version", "create", "iris", "--push", cwd=seed)
        assert done.returncode == 0, done.stderr
    return seed


def fresh(remote: Path, tmp_path: Path) -> Path:
    return clone(remote, tmp_path / f"check-{time.monotonic_ns()}")


def versions_of(check: Path) -> list[dict[str, object]]:
    listed = run_zenml("model", "version", "list", "iris", "--size", "100", "-o", "json",
                       cwd=check)  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    items: list[dict[str, object]] = json.loads(listed.stdout)["items"]
    return items


def queued_refs(remote: Path) -> list[str]:
    return git(remote, "for-each-ref", "--format=%(refname)", "refs/zenml/").split()


def landed_intents(remote: Path) -> int:
    return git(remote, "log", "--format=%B", "main").count(f"{git_intents.TRAILER}: ")


def ghost_intent(remote: Path, where: Path, kind: str, args: dict[str, object], actor: str) -> str:
    """A write queued by a runner that is gone (published as its process would)."""
    repo = Repo.of(where)
    expires = time.time() + 600
    draft = git_intents.Intent(git_intents.new_intent_id(expires), kind, args, actor, None,
                               expires)  # fmt: skip
    published = git_intents.publish(repo, "origin", draft, [])
    assert published is not None
    return published.id


def test_runners_register_at_once_each_told_its_own_number(
    remote: Path, tmp_path: Path, slow_git: dict[str, str]
) -> None:
    seeded(remote, tmp_path)
    clones = [clone(remote, tmp_path / f"runner{i}") for i in range(RUNNERS)]
    procs = [start(c, slow_git, "model", "version", "create", "iris", "--push", "-o", "json")
             for c in clones]  # fmt: skip
    told = {}
    for runner, proc in zip(clones, procs, strict=True):
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        told[runner.name] = json.loads(out)["number"]
    assert sorted(told.values()) == list(range(1, RUNNERS + 1))
    check = fresh(remote, tmp_path)
    creators = {item["number"]: item["created_by"] for item in versions_of(check)}
    assert {creators[number]: number for number in creators} == told  # each its own number
    assert landed_intents(remote) >= 1  # some landed through the queue, not by racing alone
    assert queued_refs(remote) == []  # the queue is empty once everyone is done
    assert run_zenml("doctor", cwd=check).returncode == 0
    assert git(remote, "rev-list", "--merges", "main") == ""


def test_a_promotion_burst_leaves_one_holder_and_every_event(
    remote: Path, tmp_path: Path, slow_git: dict[str, str]
) -> None:
    seeded(remote, tmp_path, versions=RUNNERS)
    clones = [clone(remote, tmp_path / f"runner{i}") for i in range(RUNNERS)]
    procs = [start(c, slow_git, "model", "version", "update", "iris", str(n), "--stage",
                   "production", "--push", "-o", "json")
             for n, c in enumerate(clones, start=1)]  # fmt: skip
    for number, proc in enumerate(procs, start=1):
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert json.loads(out)["number"] == number  # told about its own version
    check = fresh(remote, tmp_path)
    stages = sorted(str(item["stage"]) for item in versions_of(check))
    assert stages == ["archived"] * (RUNNERS - 1) + ["production"]
    history = json.loads(run_zenml("model", "version", "history", "iris", "-o", "json",
                                   cwd=check).stdout)["items"]  # fmt: skip
    promotions = [e for e in history if e["event"] == "stage" and e["to"] == "production"]
    assert sorted(e["actor"] for e in promotions) == sorted(c.name for c in clones)
    assert queued_refs(remote) == []
    assert run_zenml("doctor", cwd=check).returncode == 0


def test_a_lander_killed_mid_push_lands_nothing_and_the_next_lands_each_write_once(
    remote: Path, tmp_path: Path, slow_git: dict[str, str]
) -> None:
    seed = seeded(remote, tmp_path)
    ghosts = [ghost_intent(remote, seed, "create_version", {"model": "iris", "name": None},
                           f"ghost{i}") for i in range(3)]  # fmt: skip
    before = tip(remote)
    lander = clone(remote, tmp_path / "lander")
    # A write with no queued form lands the queue with its own; killed while pushing.
    mark = tmp_path / "pushing"
    env = {**slow_git, "QUEUE_TEST_RTT": "0", "QUEUE_TEST_PUSH_DELAY": "30",
           "QUEUE_TEST_PUSH_MARK": str(mark)}  # fmt: skip
    proc = start(lander, env, "model", "update", "iris", "--description", "killed", "--push")
    deadline = time.monotonic() + 60
    while not mark.exists():
        assert time.monotonic() < deadline, "the lander never reached its push"
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)  # the runner and its git children, as CI kills a job
    proc.communicate(timeout=30)
    assert tip(remote) == before  # nothing of anyone's landed
    assert sorted(r.removeprefix(git_intents.PENDING_PREFIX) for r in queued_refs(remote)) == ghosts
    # The same clone (its work area left mid-write) lands the queue and its own write.
    again = run_zenml("model", "update", "iris", "--description", "second", "--push", cwd=lander)
    assert again.returncode == 0, again.stderr
    check = fresh(remote, tmp_path)
    creators = sorted(str(item["created_by"]) for item in versions_of(check))
    assert creators == ["ghost0", "ghost1", "ghost2"]  # each queued write exactly once
    assert queued_refs(remote) == []
    described = json.loads(run_zenml("model", "describe", "iris", "-o", "json", cwd=check).stdout)
    assert described["description"] == "second"
    assert run_zenml("doctor", cwd=check).returncode == 0


def test_a_gate_in_a_combined_push_is_decided_on_the_landed_tip(
    remote: Path, tmp_path: Path, slow_git: dict[str, str]
) -> None:
    seed = seeded(remote, tmp_path)
    for accuracy in ("0.9", "0.8", "0.95"):
        made = run_zenml("model", "version", "create", "iris", "-M", f"accuracy={accuracy}",
                         "--push", cwd=seed)  # fmt: skip
        assert made.returncode == 0, made.stderr
    held = run_zenml("model", "version", "update", "iris", "1", "--stage", "production",
                     "--push", cwd=seed)  # fmt: skip
    assert held.returncode == 0, held.stderr
    gate = {"key": "accuracy", "higher": True}
    promote = {"model": "iris", "changes": {"stage": "production"}, "if_better": gate}
    first = ghost_intent(remote, seed, "update_version", {**promote, "ref": {"number": 3}}, "a")
    second = ghost_intent(remote, seed, "update_version", {**promote, "ref": {"number": 2}}, "b")
    lander = clone(remote, tmp_path / "lander")
    done = run_zenml("model", "update", "iris", "--description", "lands", "--push", cwd=lander)
    assert done.returncode == 0, done.stderr
    check = fresh(remote, tmp_path)
    stages = {item["number"]: item["stage"] for item in versions_of(check)}
    # 3 beat 1 (0.95 > 0.9) on the tip; 2 was then decided after 3, in the same commit:
    # 0.8 < 0.95, refused, so it was left in the queue for its owner, not landed.
    assert stages == {1: "archived", 2: "none", 3: "production"}
    assert [r.removeprefix(git_intents.PENDING_PREFIX) for r in queued_refs(remote)] == [second]
    body = git(remote, "log", "-1", "--format=%B", "main")
    assert f"{git_intents.TRAILER}: {first} " in body and second not in body
    # Its owner decides it on a tip of its own: the gate refuses it there too (exit 4).
    assert git_intents.withdraw(Repo.of(seed), "origin", _intent(remote, second))
    refused = run_zenml("model", "version", "update", "iris", "2", "--stage", "production",
                        "--if-better", "accuracy", "--push", cwd=lander)  # fmt: skip
    assert refused.returncode == 4, refused.stderr
    assert run_zenml("doctor", cwd=fresh(remote, tmp_path)).returncode == 0


def _intent(remote: Path, intent_id: str) -> git_intents.Intent:
    oid = git(remote, "rev-parse", git_intents.PENDING_PREFIX + intent_id)
    return git_intents.Intent(intent_id, "", {}, "", None, 0.0, oid)


def test_a_queued_write_refused_on_the_landed_tip_is_withdrawn_and_reported(
    remote: Path, tmp_path: Path, slow_git: dict[str, str]
) -> None:
    seeded(remote, tmp_path, versions=2)
    runner = clone(remote, tmp_path / "runner")
    other = clone(remote, tmp_path / "other")
    mark = tmp_path / "pushing"
    env = {**slow_git, "QUEUE_TEST_RTT": "0", "QUEUE_TEST_PUSH_DELAY": "8",
           "QUEUE_TEST_PUSH_MARK": str(mark)}  # fmt: skip
    proc = start(runner, env, "model", "version", "update", "iris", "1", "--stage", "staging",
                 "--push")  # fmt: skip
    deadline = time.monotonic() + 60
    while not mark.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the runner never reached its push"
        time.sleep(0.05)
    gone = run_zenml("model", "version", "delete", "iris", "1", "-y", "--push", cwd=other)
    assert gone.returncode == 0, gone.stderr
    _, err = proc.communicate(timeout=120)
    # Its push lost; queued, it led the queue and found version 1 gone on the new tip.
    assert proc.returncode == 3, err
    assert "version 1 of model 'iris' was deleted" in err and len(err.strip().splitlines()) == 1
    assert queued_refs(remote) == []  # withdrawn, so no later lander can apply it


def test_when_the_oldest_queued_runner_is_gone_the_next_lands_both_writes(
    remote: Path, tmp_path: Path, slow_git: dict[str, str]
) -> None:
    seed = seeded(remote, tmp_path)
    ghost = ghost_intent(remote, seed, "create_version", {"model": "iris", "name": None}, "gone")
    runner = clone(remote, tmp_path / "runner")
    # It finds a queue, so it joins it behind the vanished runner instead of racing; once the
    # queue has not moved for a while (STALL_SECONDS), it lands the queue itself.
    done = run_zenml("model", "version", "create", "iris", "--push", "-o", "json", cwd=runner,
                     env=slow_git, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["number"] == 2  # behind the queued write, in arrival order
    check = fresh(remote, tmp_path)
    creators = {item["number"]: item["created_by"] for item in versions_of(check)}
    assert creators == {1: "gone", 2: "tester"}
    assert queued_refs(remote) == []
    body = git(remote, "log", "-1", "--format=%B", "main")
    assert f"{git_intents.TRAILER}: {ghost} " in body


def test_a_bad_queue_switch_is_refused_before_anything_is_pushed(
    remote: Path, tmp_path: Path
) -> None:
    seeded(remote, tmp_path)
    runner = clone(remote, tmp_path / "runner")
    before = tip(remote)
    done = run_zenml("model", "version", "create", "iris", "--push", cwd=runner,
                     env={"ZENML_GIT_QUEUE": "maybe"})  # fmt: skip
    assert done.returncode == 5
    assert "ZENML_GIT_QUEUE" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert tip(remote) == before and queued_refs(remote) == []
    off = run_zenml("model", "version", "create", "iris", "--push", cwd=runner,
                    env={"ZENML_GIT_QUEUE": "0"})  # fmt: skip
    assert off.returncode == 0, off.stderr
