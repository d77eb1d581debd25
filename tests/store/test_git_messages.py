"""How a failed fetch or ``ls-remote`` is told (``store/git/cmd.py``): the remote is blamed
only when git's words do not place the failure in this clone."""

from __future__ import annotations

import pytest

from zenml_cli.store.git.cmd import unreachable

#: Where the failure lies, by what git said (a failure in this clone, or anything else).
HERE = "git fetch failed in this clone, not on remote 'origin': "
AWAY = "cannot reach remote 'origin' (git ls-remote): "


@pytest.mark.parametrize(
    ("stderr", "told"),
    [
        ("fatal: .git/index: index file smaller than expected", HERE),
        ("error: index file corrupt", HERE),
        ("error: unable to create temporary file: No space left on device", HERE),
        ("fatal: unable to write new index file: Read-only file system", HERE),
        ("error: insufficient permission for adding an object to repository database", HERE),
        ("error: cannot lock ref 'refs/zenml/tx/1-abc': Unable to create lock", HERE),
        (
            "fatal: '/srv/gone.git' does not appear to be a git repository\n"
            "fatal: Could not read from remote repository.",
            AWAY,
        ),
        ("fatal: unable to access 'https://example.com/r.git/': Could not resolve host", AWAY),
        ("git@example.com: Permission denied (publickey).", AWAY),
        ("", AWAY),
    ],
)
def test_a_failure_is_placed_where_git_says_it_is(stderr: str, told: str) -> None:
    step = "fetch" if told == HERE else "ls-remote"  # each way told for one of the steps
    message = str(unreachable("origin", step, stderr))
    assert message.startswith(told)
    assert "fatal:" not in message and "error:" not in message
    assert ("repair the clone" in message) == (told == HERE)
