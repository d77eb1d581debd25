"""A committed ``.zenml/config.yaml`` is untrusted input (DESIGN section 12): its git settings
choose among the clone's own remotes and never reach git as an option, a URL or a path."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from support.git import clone, git, make_remote
from support.running import run_zenml

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]


def _commit_config(work: Path, git_settings: str) -> None:
    config = work / ".zenml" / "config.yaml"
    config.write_text(config.read_text() + f"git:\n{git_settings}")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "hostile config")


def test_a_remote_that_is_an_option_runs_nothing(tmp_path: Path) -> None:
    work = clone(make_remote(tmp_path), tmp_path / "work")
    marker = tmp_path / "pwned"
    _commit_config(work, f'  remote: "--upload-pack=touch {marker}; echo"\n')
    pushed = run_zenml("model", "register", "iris", "--push", cwd=work)
    assert pushed.returncode == 8, pushed.stderr
    assert "no git remote named" in pushed.stderr
    assert not marker.exists()


def test_a_remote_that_is_a_committed_bare_repository_runs_no_hook(tmp_path: Path) -> None:
    work = clone(make_remote(tmp_path), tmp_path / "work")
    marker = tmp_path / "pwned"
    mirror = work / "tools" / "mirror.git"
    git(work, "init", "--bare", "-q", str(mirror))
    hook = mirror / "hooks" / "pre-receive"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    _commit_config(work, "  remote: ./tools/mirror.git\n")
    pushed = run_zenml("model", "register", "iris", "--push", cwd=work)
    assert pushed.returncode == 8, pushed.stderr
    assert not marker.exists()
    assert run_zenml("model", "list", "-o", "json", cwd=work).stdout.count('"iris"') == 0


@pytest.mark.parametrize(
    "branch", ["--force", "a..b", "main.lock", "has space", "+main", "@", "@{-1}", "x@{u}"]
)
def test_a_branch_that_is_not_a_branch_name_is_refused(tmp_path: Path, branch: str) -> None:
    work = clone(make_remote(tmp_path), tmp_path / "work")
    _commit_config(work, f'  remote: origin\n  branch: "{branch}"\n')
    pushed = run_zenml("model", "register", "iris", "--push", cwd=work)
    assert pushed.returncode == 5, pushed.stderr
    assert "not a valid branch name" in pushed.stderr
