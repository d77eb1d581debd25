"""The private work area of a ``--push`` transaction, kept between commands in the clone.

An attempt needs the tip's ``.zenml/`` as files (the store reads files), but writing out the
whole registry on every attempt made its cost grow with the registry. So a clone
keeps a small pool of work areas under ``<git-common-dir>/zenml-tx/pool/<n>/``, each holding
one store's files and an index (``GIT_INDEX_FILE``) of exactly that subtree. Moving a work
area to a new tip is ``git read-tree --reset -u <store tree>``: git compares the index with the
new tree and rewrites only the files that differ, so an attempt costs what changed, not what
exists. Staging is ``git add -A`` over the same index (an lstat per file, no re-hashing of
unchanged ones) and ``write-tree`` gives the new store subtree, which the caller grafts into
the tip's root tree.

One process holds a work area at a time (an OS lock, released at once if the holder is
killed); a work area whose last user did not finish is cleaned (``git clean -ffdx``) before
reuse, so a killed runner's half-written files never reach anyone's commit.

What is staged never depends on the tip's ``.gitignore``: every file the command left is
added (``-f``), except the store's machine-local files (locks, caches, trash, temp files,
payloads), which are excluded by pathspec, the one kind of rule a committed file cannot
override. Attributes outside ``.zenml/`` (filters such as git-lfs) do not apply
inside the work area: manifests are committed as the store wrote them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from zenml_cli.errors import RemoteError
from zenml_cli.store.git import cmd as git_cmd
from zenml_cli.store.layout import NEVER_COMMITTED, TEMP_PREFIX

POOL_DIR = "pool"
#: More concurrent transactions than this in one clone wait for a work area.
POOL_SIZE = 16
#: Pathspecs of what the store writes but never commits (layout.GITIGNORE, made unbeatable).
NEVER_STAGED = (
    *(f":(exclude){folder}" for folder in NEVER_COMMITTED),
    f":(exclude,glob)**/{TEMP_PREFIX}*",
    f":(exclude,glob)**/{TEMP_PREFIX}*/**",
)
_CLEAN_MARK = "clean"
#: The tree the last ``stage`` wrote: a clean work area already holding the tip's store
#: (the previous write from this clone landed) needs no ``read-tree`` at all.
_TREE_MARK = "tree"
#: Present while the work area is written without fsync (``unsynced``); found at the next
#: checkout, it means a machine crash may have torn a file git's index still trusts.
_UNSYNCED_MARK = "unsynced"


class Workspace:
    """One work area of the pool, held until ``close``. ``store_dir`` is the private
    ``.zenml/`` (the git work tree), ``project_root`` its parent as the store expects it."""

    def __init__(self, git_dir: Path, store_path: str, wait: float = 600.0) -> None:
        self.git_dir = git_dir
        key = hashlib.sha256(store_path.encode()).hexdigest()[:10]
        self._pool = git_dir / "zenml-tx" / f"{POOL_DIR}-{key}"
        self._lock: Any = None
        self.dir = self._acquire(wait)
        self.project_root = self.dir / "root" / store_path.removesuffix(".zenml")
        self.store_dir = self.project_root / ".zenml"
        self._env = {"GIT_INDEX_FILE": str(self.dir / "index")}

    def _acquire(self, wait: float) -> Path:
        """The first free work area; when all are busy, wait for the first one."""
        import filelock

        self._pool.mkdir(parents=True, exist_ok=True)
        for slot in range(POOL_SIZE):
            lock = filelock.FileLock(str(self._pool / f"{slot}.lock"), timeout=0)
            try:
                lock.acquire()
            except filelock.Timeout:
                continue
            self._lock = lock
            return self._pool / str(slot)
        lock = filelock.FileLock(str(self._pool / "0.lock"), timeout=wait)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise RemoteError(
                f"{POOL_SIZE} other --push commands in this clone held every work area for "
                f"{wait:g}s; retry when they finish"
            ) from None
        self._lock = lock
        return self._pool / "0"

    def _git(self, *args: str) -> str:
        base = ["--git-dir", str(self.git_dir), "--work-tree", str(self.store_dir)]
        return git_cmd.check([*base, *args], cwd=self.store_dir, env=self._env)

    def checkout(self, store_tree: str) -> Path:
        """Make the work area's files exactly ``store_tree`` (rewriting only what differs)
        and return the private project root."""
        mark = self.dir / _CLEAN_MARK
        was_clean = mark.exists()
        mark.unlink(missing_ok=True)
        self.store_dir.mkdir(parents=True, exist_ok=True)
        if not was_clean and (self.dir / "index").exists():
            self._git("clean", "-ffdxq")  # a killed or failed user's leftovers
        if (self.dir / _UNSYNCED_MARK).exists():  # rewrite every file, trusting no stat
            (self.dir / "index").unlink(missing_ok=True)
            (self.dir / _UNSYNCED_MARK).unlink()
        elif was_clean and self._staged_tree() == store_tree:
            return self.project_root  # files, index and tree agree since that stage
        self._git("read-tree", "--reset", "-u", store_tree)
        return self.project_root

    def _staged_tree(self) -> str | None:
        """The tree the last finished ``stage`` wrote, when the index is still there."""
        if not (self.dir / "index").exists():
            return None
        try:
            return (self.dir / _TREE_MARK).read_text().strip() or None
        except (OSError, UnicodeError):
            return None

    @contextlib.contextmanager
    def unsynced(self) -> Iterator[None]:
        """Write the work area without fsync within the block (``atomic.unsynced``): its files
        are a scratch copy, committed from git's objects. A durable mark says so until the
        block ends; a crash inside it makes the next checkout rewrite every file."""
        from zenml_cli.store import atomic

        mark = self.dir / _UNSYNCED_MARK
        with open(mark, "wb") as handle:
            os.fsync(handle.fileno())
        try:
            with atomic.unsynced():
                yield
        finally:  # an exception in this process tears nothing: only a machine crash can
            with contextlib.suppress(FileNotFoundError):
                mark.unlink()

    def stage(self) -> str:
        """Stage what the command left and return the new store subtree."""
        self._git("add", "-A", "-f", "--", ".", *NEVER_STAGED)
        tree = self._git("write-tree")
        (self.dir / _TREE_MARK).write_text(tree + "\n")
        (self.dir / _CLEAN_MARK).touch()
        return tree

    def close(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None
