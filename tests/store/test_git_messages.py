"""How a failed fetch or ``ls-remote`` is told (``store/git/cmd.py``): the remote is blamed
only when git's words do not place the failure in this clone."""

from __future__ import annotations

import pytest

from zenml_cli.store.git.cmd import unreachable


@pytest.mark.parametrize(
    "stderr",
    [
        "fatal: .git/index: index file smaller than expected",
        "error: index file corrupt",
        "error: unable to create temporary file: No space left on device",
        "fatal: unable to write new index file: Read-only file system",
        "error: insufficient permission for adding an object to repository database",
        "error: cannot lock ref 'refs/zenml/tx/1-abc': Unable to create lock",
    ],
)
def test_a_failure_in_this_clone_is_not_blamed_on_the_remote(stderr: str) -> None:
    message = str(unreachable("origin", "fetch", stderr))
    assert message.startswith("git fetch failed in this clone, not on remote 'origin': ")
    assert "repair the clone" in message and "fatal:" not in message and "error:" not in message


@pytest.mark.parametrize(
    "stderr",
    [
        "fatal: '/srv/gone.git' does not appear to be a git repository\n"
        "fatal: Could not read from remote repository.",
        "fatal: unable to access 'https://example.com/r.git/': Could not resolve host",
        "git@example.com: Permission denied (publickey).",
        "",
    ],
)
def test_anything_else_is_an_unreachable_remote(stderr: str) -> None:
    message = str(unreachable("origin", "ls-remote", stderr))
    assert message.startswith("cannot reach remote 'origin' (git ls-remote): ")
