"""Ctrl-C during ``--push`` once the push may have landed (``store/git/interrupts.py``): the
write is finished and reported, never cut off silently. A SIGINT right after ``git push`` used
to exit 130 saying nothing though the version was on the remote (a rerun registered a second
one), and one right after the checkout's ``read-tree`` left the pushed file staged with HEAD
unmoved. A git wrapper first on PATH sends zenml the SIGINT right after the chosen git call."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from support.git import BRANCH, clone, git, make_remote
from support.running import run_zenml

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]


def interrupting_git(folder: Path, after: str) -> dict[str, str]:
    """A ``git`` that, once, sends its parent (zenml) SIGINT right after a call whose
    arguments hold ``after`` finished; the environment that puts it first on PATH."""
    real = shutil.which("git")
    assert real is not None
    folder.mkdir()
    mark = folder / "sent"
    wrapper = folder / "git"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'case "$*" in *"{after}"*) if [ ! -e "{mark}" ]; then touch "{mark}"; '
        f'"{real}" "$@"; rc=$?; kill -INT $PPID; exit $rc; fi;; esac\n'
        f'exec "{real}" "$@"\n'
    )
    wrapper.chmod(0o755)
    return {"PATH": f"{folder}:{os.environ['PATH']}", "MARK": str(mark)}


@pytest.mark.parametrize("queue", ["1", "0"])
@pytest.mark.parametrize("after", ["push --", "read-tree -m"])
def test_an_interrupt_after_the_push_lands_finishes_and_reports_it(
    tmp_path: Path, after: str, queue: str
) -> None:
    work = clone(make_remote(tmp_path), tmp_path / "work")
    assert run_zenml("model", "register", "m", "--push", cwd=work).returncode == 0
    env = {**interrupting_git(tmp_path / "bin", after), "ZENML_GIT_QUEUE": queue}
    done = run_zenml(
        "model", "version", "create", "m", "--push", "-o", "json", cwd=work, env=env,
        interruptible=True,
    )  # fmt: skip
    assert Path(env["MARK"]).exists()  # the interrupt was sent
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["number"] == 1
    assert "pushed " in done.stderr
    # the checkout followed (nothing staged, HEAD at the remote's tip), so a rerun is needed
    # by nobody, and the next write is version 2
    assert git(work, "status", "--porcelain") == ""
    assert git(work, "rev-parse", "HEAD") == git(tmp_path / "remote.git", "rev-parse", BRANCH)
    listed = run_zenml("model", "version", "list", "m", "-o", "json", cwd=work)
    assert [v["number"] for v in json.loads(listed.stdout)["items"]] == [1]


def test_an_interrupt_before_anything_lands_still_stops_the_command(tmp_path: Path) -> None:
    work = clone(make_remote(tmp_path), tmp_path / "work")
    assert run_zenml("model", "register", "m", "--push", cwd=work).returncode == 0
    env = interrupting_git(tmp_path / "bin", "fetch")
    done = run_zenml(
        "model", "version", "create", "m", "--push", cwd=work, env=env, interruptible=True
    )
    assert done.returncode == 130, done.stderr
    listed = run_zenml("model", "version", "list", "m", "-o", "json", cwd=work)
    assert json.loads(listed.stdout)["items"] == []
