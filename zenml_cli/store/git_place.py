"""Which git work tree holds a folder, and its common git dir: found the way git finds them,
without running git. Machine-local state that no checkout may write (the payload ledger, the
doctor cache) lives under that git dir."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["GitPlace", "git_place"]


@dataclass(frozen=True)
class GitPlace:
    """A git work tree: its top folder and its common git dir."""

    top: Path
    git_dir: Path


def git_place(start: Path) -> GitPlace | None:
    """The git work tree holding ``start`` (found like git does, without running git)."""
    here = Path(os.path.abspath(start.expanduser()))
    with contextlib.suppress(OSError):
        here = here.resolve()
    for folder in (here, *here.parents):
        dot = folder / ".git"
        if dot.is_dir():
            return GitPlace(folder, dot)
        if dot.is_file():
            git_dir = _linked_git_dir(folder, dot)
            if git_dir is not None:
                return GitPlace(folder, git_dir)
    return None


def _linked_git_dir(folder: Path, dot: Path) -> Path | None:
    """The common git dir of a linked worktree or submodule (``.git`` is a file)."""
    try:
        line = dot.read_text(encoding="utf-8", errors="replace")[:4096].strip()
    except OSError:
        return None
    if not line.startswith("gitdir:"):
        return None
    git_dir = (folder / line.split(":", 1)[1].strip()).resolve()
    common = git_dir / "commondir"
    with contextlib.suppress(OSError):
        return (git_dir / common.read_text(encoding="utf-8")[:4096].strip()).resolve()
    return git_dir
