"""Which git command runs the merge driver, and whether a hook will resolve what it defers.

The driver may keep ours and mark a colliding file (git goes on) only when something later
re-plans the store: the ``post-merge``, ``post-rewrite`` or ``post-commit`` hook, or a
``zenml resolve`` that finds git's state (``MERGE_HEAD``, a rebase step, a kept stash). Where
neither comes, a clean exit loses work: ``git stash pop`` then drops the stash holding the
other version, and nothing names it again (issue: the stash dropped). So everywhere else the
driver stops git with a conflict.

git 2.39 tells a driver nothing about the command that runs it: no ``%X``/``%Y`` labels, no
state file before the merge ends (``CHERRY_PICK_HEAD`` and ``MERGE_HEAD`` come after), and
the environment misleads (the autostash a rebase or merge applies at its end inherits the
rebase's ``rebase-merge/`` and the merge's ``GIT_REFLOG_ACTION``, though its hook already ran).
The command line of the git process that started the driver is what says it: the nearest
``git`` among the driver's ancestors (git runs a driver through ``sh -c``; an autostash is a
``git stash apply`` child of the rebase or merge). Where that cannot be read (no ``/proc``
and no ``ps``, e.g. Windows), nothing is certain, and the driver stops.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from zenml_cli.store.git import cmd as git_cmd

#: How far up the process tree to look for git (driver, ``sh -c``, a launcher shim or two).
_MAX_DEPTH = 6
#: git's own options that take their value as the next argument (``git -C dir merge``).
_VALUED = frozenset({"-c", "-C", "--git-dir", "--work-tree", "--namespace", "--config-env"})


def git_command(pid: int | None = None) -> list[str] | None:
    """The subcommand and its arguments of the nearest git process above ``pid`` (this
    process), aliases expanded (``['merge', '--no-edit', 'b']``); None when none is found
    or the process table cannot be read."""
    current = os.getpid() if pid is None else pid
    for _ in range(_MAX_DEPTH):
        found = _parent_and_args(current)
        if found is None:
            return None
        current, args = found
        if current <= 1 and not args:
            return None
        if args and Path(args[0]).name in ("git", "git.exe"):
            return _expand_alias(_subcommand(args[1:]))
    return None


def stop_reason(several_picks: bool) -> str | None:
    """None when a hook (or git state ``zenml resolve`` reads) follows the git command that
    runs this driver; else what to do, for the conflict message. ``several_picks``: a
    cherry-pick sequence is in progress (``state.picking_several``)."""
    command = git_command()
    if not command:
        return "zenml cannot tell which git command is merging, so it stops here"
    name, args = command[0], command[1:]
    if name in ("merge", "rebase"):
        return None  # post-merge / post-rewrite, or MERGE_HEAD / REBASE_HEAD where git stops
    if name == "cherry-pick":
        if several_picks:
            return (
                "a cherry-pick of several commits stops here: run 'zenml resolve', then "
                "'git cherry-pick --continue'"
            )
        if "-n" in args or "--no-commit" in args:
            return (
                "'git cherry-pick --no-commit' runs no hook, so it stops here: run 'zenml "
                "resolve --base X^ --theirs X' (X: the picked commit)"
            )
        return None  # the post-commit hook, while git still holds CHERRY_PICK_HEAD
    if name == "stash":
        return (
            "'git stash' runs no hook, so it stops here and keeps the stash: run 'zenml "
            "resolve', then 'git stash drop'"
        )
    return f"'git {name}' runs no hook that resolves the registry, so it stops here"


def _subcommand(args: list[str]) -> list[str]:
    """``args`` from the subcommand on, git's own options (``-c k=v``, ``-C dir``) skipped."""
    index = 0
    while index < len(args) and args[index].startswith("-"):
        index += 2 if args[index] in _VALUED else 1
    return args[index:]


def _expand_alias(command: list[str]) -> list[str]:
    """``git mg`` where ``alias.mg = merge --no-ff``: git runs a builtin's alias in the same
    process, so its command line shows the alias. A shell alias (``!...``) stays as it is."""
    if not command:
        return command
    alias = git_cmd.run(["config", "--get", f"alias.{command[0]}"], cwd=Path.cwd())
    words = alias.out.split() if alias.ok else []
    if not words or words[0].startswith("!"):
        return command
    return [*words, *command[1:]]


def _parent_and_args(pid: int) -> tuple[int, list[str]] | None:
    """``(parent pid, parent's argv)`` of process ``pid``: ``/proc`` (Linux), else ``ps``
    (macOS, BSD; its argv is split at spaces, which is enough to name a subcommand)."""
    proc = Path("/proc")
    if proc.is_dir():
        try:
            stat = (proc / str(pid) / "stat").read_text(encoding="utf-8", errors="replace")
            parent = int(stat.rpartition(")")[2].split()[1])  # the name may hold ") "
            raw = (proc / str(parent) / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            return None
        return parent, [part.decode("utf-8", "replace") for part in raw.split(b"\0") if part]
    return _ps(pid)


def _ps(pid: int) -> tuple[int, list[str]] | None:
    try:
        own = _ps_field(pid, "ppid=")
        parent = int(own) if own is not None else None  # int() refuses anything but a number
        args = _ps_field(parent, "args=") if parent is not None else None
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    return (parent, args.split()) if parent is not None and args is not None else None


def _ps_field(pid: int, field: str) -> str | None:
    done = subprocess.run(
        ["ps", "-o", field, "-p", str(pid)], capture_output=True, text=True, timeout=10
    )
    return done.stdout.strip() if done.returncode == 0 else None
