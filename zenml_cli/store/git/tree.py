"""Reading ``.zenml/`` as a commit holds it, and writing, staging and committing the store
``zenml resolve`` planned (which commits to read is ``store/git/state.py``'s job).

Nothing here checks anything out: a side's files come from ``git ls-tree`` and one
``git cat-file`` (``git_objects``, the one reader: one process for any number of files).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from zenml_cli.errors import InvalidInputError, RemoteError
from zenml_cli.store.atomic import link_out_of
from zenml_cli.store.git import cmd as git_cmd
from zenml_cli.store.git import objects as git_objects
from zenml_cli.store.git.repo import Repo
from zenml_cli.store.layout import TEMP_PREFIX, is_safe_component

Files = dict[str, bytes]


def read_store(repo: Repo, commit: str | None, extra: str | None = None) -> Files:
    """The ``.zenml/`` files of ``commit`` (paths relative to ``.zenml/``), plus those of
    ``extra`` (a stash's untracked files); empty for no commit."""
    files: Files = {}
    for source in (commit, extra):
        if source is not None:
            files.update(read_tree(repo, source))
    return files


def read_tree(repo: Repo, commit: str) -> Files:
    prefix = repo.store_path + "/"
    listed = repo.git("ls-tree", "-r", "-z", "--full-tree", commit, "--", repo.store_path)
    if not listed.ok:
        raise RemoteError(f"git ls-tree failed: {git_cmd.condense(listed.stderr)}")
    blobs: list[tuple[str, str]] = []
    for entry in listed.stdout.split("\0"):
        meta, _, path = entry.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob" and path.startswith(prefix):
            blobs.append((path[len(prefix) :], parts[2]))
    contents = git_objects.read_blobs(repo.top, [sha for _, sha in blobs])
    missing = [path for path, sha in blobs if sha not in contents]
    if missing:
        raise RemoteError(f"git cat-file cannot read {missing[0]} of {commit}; fetch it again")
    return {path: contents[sha] for path, sha in blobs}


def stage_store(repo: Repo) -> None:
    """``git add -A`` the store (its .gitignore keeps caches and locks out)."""
    repo.check("add", "-A", "--", repo.store_path)


def store_is_dirty(repo: Repo) -> bool:
    return bool(repo.git("status", "--porcelain", "--", repo.store_path).out)


def commit_store(repo: Repo, message: str) -> str:
    """Commit the index (the resolved store, just staged) on top of HEAD and return the new
    commit. Built from plumbing: a post-merge hook runs while git still holds MERGE_HEAD, and
    ``git commit`` there would make a second merge commit (or refuse a partial one)."""
    head = repo.check("rev-parse", "HEAD")
    tree = repo.check("write-tree")
    new = repo.commit_tree(tree, head, message, repo.identity_args())
    repo.check("update-ref", "-m", "zenml resolve", "HEAD", new, head)
    return new


def tracked_store_files(repo: Repo) -> list[str]:
    """Paths (relative to ``.zenml/``) git tracks in the store, conflicted ones included."""
    prefix = repo.store_path + "/"
    listed = repo.git("ls-files", "-z", "--full-name", "--", repo.store_path)
    names = {name for name in listed.stdout.split("\0") if name.startswith(prefix)}
    return sorted(name[len(prefix) :] for name in names)


def write_store(store_dir: Path, files: Files, remove: list[str]) -> tuple[int, int]:
    """Write the merged files into the work tree's ``.zenml/`` (each atomically; a file
    with the same bytes is left alone) and remove ``remove``; (written, removed)."""
    written = removed = 0
    for relative in sorted(files):
        path = _inside(store_dir, relative)
        if link_out_of(path, store_dir) is not None:
            raise InvalidInputError(f"{path} is reached through a symbolic link; not writing it")
        try:
            if path.read_bytes() == files[relative]:
                continue
        except OSError:
            pass
        _write(path, files[relative])
        written += 1
    for relative in remove:
        path = _inside(store_dir, relative)
        if path.is_file() or path.is_symlink():
            path.unlink()
            removed += 1
            remove_empty_folders(path.parent, store_dir)
    return written, removed


def _write(path: Path, data: bytes) -> None:
    """Temp file and rename, as every store write (a reader never sees a torn file), but
    without fsync: like a git checkout, the content is safe in git's objects already, and
    fsync per file would make a resolve of thousands of versions wait on the disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f"{TEMP_PREFIX}{os.urandom(8).hex()}.part")
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def remove_empty_folders(folder: Path, store_dir: Path) -> None:
    """A model whose files all went must not leave a folder doctor would call broken."""
    while folder != store_dir and store_dir in folder.parents:
        visible = (
            [e for e in folder.iterdir() if not e.name.startswith(".")] if folder.is_dir() else []
        )
        if visible:
            return
        shutil.rmtree(folder, ignore_errors=True)
        folder = folder.parent


def _inside(store_dir: Path, relative: str) -> Path:
    parts = relative.split("/")
    if not all(is_safe_component(part) for part in parts):
        raise InvalidInputError(f"{relative!r} is not a path inside the store")
    return store_dir.joinpath(*parts)


def store_is_dirty_index(repo: Repo) -> bool:
    """True when the index holds changes to the store that HEAD does not."""
    return not repo.git("diff", "--cached", "--quiet", "--", repo.store_path).ok
