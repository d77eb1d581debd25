"""Which git command runs the merge driver (``store/git/operation.py``): read from the nearest
git process above the driver, git's own options skipped; where none can be found, the driver
stops git rather than defer to a hook that may never run."""

from __future__ import annotations

import pytest

from zenml_cli.store.git import operation


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["merge", "--no-edit", "b"], ["merge", "--no-edit", "b"]),
        (
            ["-c", "core.quotepath=false", "-C", "dir", "--no-pager", "stash", "pop"],
            ["stash", "pop"],
        ),
        (["--git-dir", "x/.git", "--work-tree=x", "cherry-pick", "abc"], ["cherry-pick", "abc"]),
        (["--version"], []),
    ],
)
def test_the_subcommand_after_gits_own_options(args: list[str], expected: list[str]) -> None:
    assert operation._subcommand(args) == expected


@pytest.mark.parametrize(
    ("command", "stops"),
    [
        (["merge", "b"], False),
        (["rebase", "main"], False),
        (["cherry-pick", "abc"], False),
        (["cherry-pick", "-n", "abc"], True),
        (["stash", "pop"], True),
        (["stash", "apply", "abc"], True),
        (["checkout", "-m", "b"], True),
        (["revert", "abc"], True),
        (None, True),
        ([], True),
    ],
)
def test_only_a_command_a_hook_follows_lets_the_driver_defer(
    monkeypatch: pytest.MonkeyPatch, command: list[str] | None, stops: bool
) -> None:
    monkeypatch.setattr(operation, "git_command", lambda pid=None: command)
    assert (operation.stop_reason(several_picks=False) is not None) is stops


def test_a_cherry_pick_of_several_commits_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(operation, "git_command", lambda pid=None: ["cherry-pick", "a", "b"])
    reason = operation.stop_reason(several_picks=True)
    assert reason is not None and "'git cherry-pick --continue'" in reason
