"""The private work area of a ``--push`` transaction, kept between commands in the clone.

An attempt needs the tip's ``.zenml/`` as files (the store reads files), but writing out the
whole registry on every attempt made its cost grow with the registry, and so did asking git
which files the write changed (an index of every file, read, ``lstat``-ed and written three
times per attempt: ~120 ms of 360 at 10,000 versions). So a clone keeps a small pool of work
areas under ``<git-common-dir>/zenml-tx/pool-<key>/<n>/``, each holding one store's files and
a mark naming the tree those files are. An attempt costs what changed, not what exists:

- **moving** a work area to a new tip writes only the files ``git diff-tree`` names between
  the tree it holds and the tip's (nothing at all after this clone's own landing);
- **staging** takes only the paths the write changed, which every store primitive notes
  (``store/written.py``): their files are hashed (``git hash-object``) and only the folders
  on their way are rebuilt (``tree_edit.py``); every other subtree keeps its object id.

Anything unusual takes git's general way instead: a symbolic link, an executable or a
submodule among the changes, or a work area whose state is unknown (its last user was
killed, or a machine crash may have torn a file written without fsync) is rewritten whole
with ``git read-tree --reset -u``, and a changed path under a link is staged with
``git add -A``. A write that fails puts back the paths it noted, so the next attempt starts
from a known tree without rewriting the rest.

One process holds a work area at a time (an OS lock, released at once if the holder is
killed). What is staged never depends on the tip's ``.gitignore``: the store's
machine-local files (locks, caches, trash, temp files, payloads) are never staged, the one
rule a committed file cannot override. Attributes (filters such as git-lfs) do not apply
inside the work area: manifests are committed as the store wrote them.

With ``ZENML_CHECK_STAGE`` set (the test suite sets it), every stage is also done the
general way and a difference is an error: the proof that every write is noted.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from zenml_cli.errors import InvalidInputError, RemoteError
from zenml_cli.store import written
from zenml_cli.store.git import cmd as git_cmd
from zenml_cli.store.git import objects as git_objects
from zenml_cli.store.git import tree_edit
from zenml_cli.store.git.tree import remove_empty_folders, write_store
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
#: Set (to anything but empty): stage every write both ways and fail on a difference.
ENV_CHECK_STAGE = "ZENML_CHECK_STAGE"
_CLEAN_MARK = "clean"
#: The tree the work area's files are, trusted only beside the clean mark.
_TREE_MARK = "tree"
#: Present while the work area is written without fsync; found at the next checkout, it
#: means a machine crash may have torn a file, and the work area is rewritten whole.
_UNSYNCED_MARK = "unsynced"
#: The modes a change may have to be written or staged here (none: the path is gone).
_PLAIN_MODES = frozenset({"000000", "100644"})


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
        #: The tree the files were at ``checkout``; what the write noted since.
        self._base: str | None = None
        self._noted: set[str] = set()

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

    def _git(self, *args: str, stdin: str | None = None) -> str:
        base = ["--git-dir", str(self.git_dir), "--work-tree", str(self.store_dir)]
        return git_cmd.check([*base, *args], cwd=self.store_dir, env=self._env, stdin=stdin)

    # ----------------------------------------------------------------------- checkout
    def checkout(self, store_tree: str) -> Path:
        """Make the work area's files exactly ``store_tree`` (writing only what differs from
        the tree it holds) and return the private project root. From here until ``stage``
        or ``close`` every change to the store is noted."""
        self._stop_recording()
        mark = self.dir / _CLEAN_MARK
        was_clean = mark.exists()
        mark.unlink(missing_ok=True)
        self.store_dir.mkdir(parents=True, exist_ok=True)
        held = self._held_tree() if was_clean else None
        if held != store_tree:
            with self._marked_unsynced():
                if held is None or not self._move(held, store_tree):
                    self._rewrite(store_tree)
        self._base = store_tree
        self._noted = written.start(self.store_dir)
        return self.project_root

    def _held_tree(self) -> str | None:
        """The tree the files are, as the last ``stage`` (or put-back) left them."""
        if (self.dir / _UNSYNCED_MARK).exists():
            return None
        try:
            return (self.dir / _TREE_MARK).read_text().strip() or None
        except (OSError, UnicodeError):
            return None

    def _move(self, old: str, new: str) -> bool:
        """Write what differs between trees ``old`` (the files now) and ``new``; False
        (nothing trusted) when a change is not a plain file this can write."""
        code, out, _ = git_cmd.run_bytes(
            ["--git-dir", str(self.git_dir), "diff-tree", "-r", "-z", "--no-renames", old, new],
            cwd=self.git_dir,
        )
        if code != 0:
            return False
        fields = out.split(b"\0")
        wanted: dict[str, str] = {}
        removed: list[str] = []
        for meta, raw in zip(fields[0::2], fields[1::2], strict=False):
            old_mode, new_mode, _, oid, _ = meta.decode().lstrip(":").split()
            path = raw.decode("utf-8", "surrogateescape")
            if not {old_mode, new_mode} <= _PLAIN_MODES or _is_git_folder(path):
                return False
            if new_mode == "000000":
                removed.append(path)
            else:
                wanted[path] = oid
        return self._write(wanted, removed)

    def _write(self, wanted: dict[str, str], removed: list[str]) -> bool:
        """Write ``wanted`` (path: blob id) and remove ``removed``; False on anything odd."""
        blobs = git_objects.read_blobs(self.git_dir, list(wanted.values()))
        try:
            files = {path: blobs[oid] for path, oid in wanted.items()}
            write_store(self.store_dir, files, removed)
        except (KeyError, InvalidInputError, OSError):
            return False
        return True

    def _rewrite(self, store_tree: str) -> None:
        """Every file written anew from ``store_tree`` (git's own checkout)."""
        if self.store_dir.exists():
            shutil.rmtree(self.store_dir)
        self.store_dir.mkdir(parents=True)
        index = self.dir / "index"
        index.unlink(missing_ok=True)
        self._git("read-tree", "--reset", "-u", store_tree)
        index.unlink(missing_ok=True)

    # ----------------------------------------------------------------------- writing
    @contextlib.contextmanager
    def unsynced(self) -> Iterator[None]:
        """Write the work area without fsync within the block (``atomic.unsynced``): its files
        are a scratch copy, committed from git's objects. A durable mark says so until the
        block ends; a crash inside it makes the next checkout rewrite every file."""
        from zenml_cli.store import atomic

        with self._marked_unsynced(), atomic.unsynced():
            yield

    @contextlib.contextmanager
    def _marked_unsynced(self) -> Iterator[None]:
        mark = self.dir / _UNSYNCED_MARK
        with open(mark, "wb") as handle:
            os.fsync(handle.fileno())
        try:
            yield
        finally:  # an exception in this process tears nothing: only a machine crash can
            with contextlib.suppress(FileNotFoundError):
                mark.unlink()

    # ----------------------------------------------------------------------- staging
    def stage(self, outer: tree_edit.Levels | None = None) -> tuple[str, str | None]:
        """Stage what the write changed: the new store subtree and, given the ``outer`` trees
        that hold the store in the tip (``Repo.graft_levels``), the tip's root tree with it
        (written with the store's trees); None when the caller must graft it."""
        base = self._base
        if base is None:
            raise RemoteError("nothing to stage: the work area was never checked out")
        noted = self._stop_recording()
        edited = self._stage_noted(base, noted, outer)
        staged, root = edited if edited is not None else (self._stage_all(base), None)
        if edited is not None and os.environ.get(ENV_CHECK_STAGE):
            everything = self._stage_all(base)
            if everything != staged:
                raise RemoteError(
                    f"the work area holds tree {everything} but only {staged} was staged: a "
                    f"write changed a file of the store without noting it (store/written.py)"
                )
        self._mark_clean(staged)
        return staged, root

    def _stage_noted(
        self, base: str, noted: set[str], outer: tree_edit.Levels | None
    ) -> tuple[str, str | None] | None:
        """``base`` plus the noted paths as they are now, and the root tree around it (see
        ``stage``); None to stage the general way."""
        paths = self._store_paths(noted)
        if paths is None:
            return None
        if not paths:
            return base, None
        found: dict[str, Path] = {}
        for relative in paths:
            if not self._collect(relative, found):
                return None
        ordered = sorted(found)
        listed = "".join(f"{found[relative]}\n" for relative in ordered)
        ids = self._git("hash-object", "-w", "--no-filters", "--stdin-paths", stdin=listed)
        files = {
            relative: ("100644", oid) for relative, oid in zip(ordered, ids.split(), strict=True)
        }
        return tree_edit.edit_tree(self.git_dir, self.dir, base, files, paths, outer)

    def _store_paths(self, noted: set[str]) -> set[str] | None:
        """The noted paths that are committed store content, relative and ``/``-separated;
        None when one lies under a symbolic link (git's way then decides what it means)."""
        prefix = str(self.store_dir) + os.sep
        paths: set[str] = set()
        for path in noted:
            if not path.startswith(prefix):
                continue  # the user's project (payloads) or the store folder itself
            parts = path[len(prefix) :].split(os.sep)
            if parts[0] in NEVER_COMMITTED or any(p.startswith(TEMP_PREFIX) for p in parts):
                continue
            folder = self.store_dir
            for part in parts[:-1]:
                folder = folder / part
                if folder.is_symlink():
                    return None
            paths.add("/".join(parts))
        return paths

    def _collect(self, relative: str, found: dict[str, Path]) -> bool:
        """Add the plain files at or below ``relative`` to ``found``; False when a link, an
        executable or another kind of file is there."""
        path = self.store_dir / relative
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return True
        if stat.S_ISREG(mode):
            found[relative] = path
            return not mode & 0o111
        if not stat.S_ISDIR(mode):
            return False
        with os.scandir(path) as entries:
            children = [entry.name for entry in entries if not entry.name.startswith(TEMP_PREFIX)]
        return all(self._collect(f"{relative}/{name}", found) for name in children)

    def _stage_all(self, base: str) -> str:
        """git's general way: an index of ``base``, then ``git add -A`` of the work area."""
        index = self.dir / "index"
        index.unlink(missing_ok=True)
        try:
            self._git("read-tree", base)
            self._git("add", "-A", "-f", "--", ".", *NEVER_STAGED)
            return self._git("write-tree")
        finally:
            index.unlink(missing_ok=True)

    def _mark_clean(self, tree: str) -> None:
        (self.dir / _TREE_MARK).write_text(tree + "\n")
        (self.dir / _CLEAN_MARK).touch()
        self._base = None

    # ----------------------------------------------------------------------- closing
    def close(self) -> None:
        """Release the work area. A write that was not staged (it failed, or only read)
        puts back the paths it noted, so the files are the checked-out tree again."""
        try:
            base, noted = self._base, self._stop_recording()
            if base is not None:
                with contextlib.suppress(RemoteError, OSError):
                    self._put_back(base, noted)
        finally:
            self._base = None
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def _put_back(self, base: str, noted: set[str]) -> None:
        paths = self._store_paths(noted)
        if paths is None:
            return  # left unclean: the next checkout rewrites the work area
        if paths:
            listed = self._git(
                "--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree", base, "--",
                *sorted(paths),
            )  # fmt: skip
            wanted: dict[str, str] = {}
            for entry in filter(None, listed.split("\0")):
                meta, _, path = entry.partition("\t")
                mode, _, oid = meta.split()
                if mode not in _PLAIN_MODES:
                    return
                wanted[path] = oid
            with self._marked_unsynced():
                for relative in paths:
                    _remove(self.store_dir / relative)
                    remove_empty_folders((self.store_dir / relative).parent, self.store_dir)
                if not self._write(wanted, []):
                    return
        self._mark_clean(base)

    def _stop_recording(self) -> set[str]:
        written.stop(self.store_dir)
        noted, self._noted = self._noted, set()
        return noted


def _is_git_folder(path: str) -> bool:
    """A path through a ``.git`` folder: git itself refuses to check those out."""
    return any(part.casefold() == ".git" for part in path.split("/"))


def _remove(path: Path) -> None:
    """Remove a file or a folder (links are removed, never followed)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        shutil.rmtree(path)
    else:
        path.unlink()
