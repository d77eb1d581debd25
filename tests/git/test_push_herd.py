"""Issue 21.1 at full size: 100 runners, each in its own clone and process, writing through one
bare remote at once, the way a matrix build of 100 CI jobs registers and promotes its results.

``test_push_queue`` checks each mechanism of the queue with a few runners; this module checks
that the whole burst holds together at the size the issue names: every runner succeeds (none
gives up with exit 8), each is told its own number, the numbers are exactly 1..100, after a
promotion burst there is one holder and one event per promotion, and a fresh clone's doctor is
clean. Timing is ``benchmarks/herd.py``'s job (with a remote a round trip away); here the
``git`` wrapper only adds a short delay before fetch and push, so the runners overlap the way
they do against a hosted remote instead of finishing one by one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.git import clone, git, make_remote
from support.running import run_zenml

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]
RUNNERS = 100

WRAPPER = """#!/bin/sh
for arg in "$@"; do
  case "$arg" in fetch|push|ls-remote) sleep 0.2; break;; esac
done
exec {git} "$@"
"""


def slow_path(tmp_path: Path) -> str:
    """PATH with the delaying ``git`` wrapper first (and the venv's ``zenml``)."""
    bindir = tmp_path / "slow-bin"
    bindir.mkdir()
    wrapper = bindir / "git"
    wrapper.write_text(WRAPPER.replace("{git}", str(shutil.which("git"))))
    wrapper.chmod(0o755)
    return os.pathsep.join([str(bindir), str(Path(sys.executable).parent), os.environ["PATH"]])


def burst(clones: list[Path], path: str, commands: list[list[str]]) -> list[dict[str, object]]:
    """Start every runner's command at once; each one's parsed JSON result, in runner order."""
    base = {k: v for k, v in os.environ.items() if k != "ZENML_PROJECT_DIR"}
    procs = [
        subprocess.Popen(
            ["zenml", *command, "--push", "-o", "json"], cwd=where,
            env={**base, "PATH": path, "ZENML_ACTOR": where.name},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for where, command in zip(clones, commands, strict=True)
    ]  # fmt: skip
    results = []
    for where, proc in zip(clones, procs, strict=True):
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, f"{where.name} exited {proc.returncode}: {err}"
        results.append(json.loads(out))
    return results


def listed(where: Path, *args: str) -> list[dict[str, object]]:
    done = run_zenml(*args, "-o", "json", cwd=where)
    assert done.returncode == 0, done.stderr
    items: list[dict[str, object]] = json.loads(done.stdout)["items"]
    return items


def test_a_hundred_runners_register_then_promote_at_once(tmp_path: Path) -> None:
    remote = make_remote(tmp_path)
    seed = clone(remote, tmp_path / "seed-herd")
    assert run_zenml("model", "register", "iris", "--push", cwd=seed).returncode == 0
    clones = [clone(remote, tmp_path / f"runner{i:03d}") for i in range(RUNNERS)]
    path = slow_path(tmp_path)

    made = burst(clones, path, [["model", "version", "create", "iris"]] * RUNNERS)
    told = {where.name: result["number"] for where, result in zip(clones, made, strict=True)}
    assert sorted(told.values()) == list(range(1, RUNNERS + 1))  # exactly 1..100, no gap
    check = clone(remote, tmp_path / "check-registered")
    versions = listed(check, "model", "version", "list", "iris", "--size", "200")
    # each runner was told the number of the version it created, not someone else's
    assert {str(v["created_by"]): v["number"] for v in versions} == told

    # Runner k promotes the version runner k created, all at once.
    promote = [["model", "version", "update", "iris", str(told[c.name]), "--stage", "production"]
               for c in clones]  # fmt: skip
    moved = burst(clones, path, promote)
    assert [result["number"] for result in moved] == [told[c.name] for c in clones]
    check = clone(remote, tmp_path / "check-promoted")
    stages = sorted(str(v["stage"]) for v in listed(check, "model", "version", "list", "iris",
                                                    "--size", "200"))  # fmt: skip
    assert stages == ["archived"] * (RUNNERS - 1) + ["production"]  # one holder
    history = listed(check, "model", "version", "history", "iris")
    promotions = [e for e in history if e["event"] == "stage" and e["to"] == "production"]
    assert sorted(str(e["actor"]) for e in promotions) == sorted(told)  # none lost, each named
    assert git(remote, "for-each-ref", "refs/zenml/") == ""  # the queue is empty
    doctor = run_zenml("doctor", cwd=check)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
