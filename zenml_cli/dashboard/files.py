"""The site folder on disk, treated as untrusted input (DESIGN section 12): a committed site
can hold anything, so ``dashboard build`` writes and removes only inside its own folder, only
files of the shapes it writes itself, and never through a symbolic link.

A link anywhere in the site folder (or the folder itself, or for a relative ``--out`` any
folder leading to it inside the working tree) is refused with exit 4 before anything is
written: replacing it silently could hide a tampered commit, and following it could overwrite
or delete files elsewhere. Files are written through a temp file and ``os.replace``, which
swaps the directory entry and never writes into whatever an existing entry points at.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from pathlib import Path

from zenml_cli.errors import ConflictError

#: Every path a build writes, relative to the site root (see ``paths``); nothing else in an
#: earlier build's marker is ever removed.
SITE_FILE = re.compile(
    r"(style\.css|index\.html|models/[a-z0-9._-]+-[0-9a-f]{10}/(index|[0-9]+)\.html)"
)
#: Temp files start like the store's, so a crash leaves names that are plainly leftovers.
TEMP_PREFIX = ".tmp-"
O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def refuse_linked_path(out: Path, marker: str) -> None:
    """ConflictError if the site folder, its ``marker`` file or, for a relative ``out``, a
    folder on the way to it is a symbolic link (checked before the marker is read)."""
    leading = (
        [] if out.is_absolute() else [Path(*out.parts[: i + 1]) for i in range(len(out.parts))]
    )
    for path in [*leading, out, out / marker]:
        if path.is_symlink():
            raise ConflictError(_link_message(path))


def refuse_links_inside(out: Path) -> None:
    """ConflictError naming the first symbolic link anywhere inside the site folder (a
    listing per folder: ``scandir`` knows an entry's kind without a stat)."""
    if not out.is_dir():
        return
    folders = [str(out)]
    while folders:
        with os.scandir(folders.pop()) as listing:
            entries = list(listing)
        links = [entry.path for entry in entries if entry.is_symlink()]
        if links:
            raise ConflictError(_link_message(Path(min(links))))  # the same one every time
        folders.extend(sorted(e.path for e in entries if e.is_dir(follow_symlinks=False)))


def is_site_file(relative: str) -> bool:
    """Whether ``relative`` is a path a build writes (so a marker line may name it)."""
    return SITE_FILE.fullmatch(relative) is not None


def same_bytes(path: Path, data: bytes) -> bool | None:
    """Whether ``path`` is a regular file holding exactly ``data`` (a link never is); None
    when nothing is there at all."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
        return False
    return path.read_bytes() == data


def make_folder(folder: Path) -> bool:
    """Create ``folder`` and its parents; True when ``folder`` itself is new (so empty: what
    goes into it needs no comparing). ConflictError if a file stands where one goes."""
    try:
        os.mkdir(folder)
        return True
    except FileExistsError:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            raise ConflictError(_in_the_way(folder)) from None
        return False
    except FileNotFoundError:
        pass  # a parent is missing
    except NotADirectoryError:
        raise ConflictError(_in_the_way(folder)) from None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ConflictError(_in_the_way(folder)) from None
    return True


def write_file(path: Path, data: bytes) -> None:
    """Replace ``path``'s directory entry with a regular file holding ``data``."""
    tmp = path.parent / f"{TEMP_PREFIX}{os.urandom(8).hex()}.part"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_NOFOLLOW, 0o666)
    try:
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, IsADirectoryError):
            raise ConflictError(_in_the_way(path)) from None
        raise


def write_new_file(path: Path, data: bytes) -> None:
    """Create ``path``, where nothing was a moment ago, holding ``data``: no temp file and
    rename (half the system calls of a cold build), and ``O_EXCL`` never opens whatever
    appeared there meanwhile, which is then replaced as ``write_file`` does."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_NOFOLLOW, 0o666)
    except FileExistsError:
        write_file(path, data)
        return
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    """``data`` into ``fd`` with plain ``write`` calls (a file object would first ask whether
    the descriptor is a terminal and where it stands: two calls more per page)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def remove_file(out: Path, relative: str) -> bool:
    """Remove one earlier page if it is still a regular file the build wrote, then the model
    folders it leaves empty (never ``out`` itself); True if a file was removed."""
    if not is_site_file(relative):
        return False
    target = out / relative
    try:
        if not stat.S_ISREG(target.lstat().st_mode):
            return False
    except FileNotFoundError:
        return False
    target.unlink()
    folder = target.parent
    while folder != out and _is_empty_folder(folder):
        folder.rmdir()
        folder = folder.parent
    return True


def _is_empty_folder(folder: Path) -> bool:
    try:
        return stat.S_ISDIR(folder.lstat().st_mode) and not any(folder.iterdir())
    except FileNotFoundError:
        return False


def _in_the_way(path: Path) -> str:
    return (
        f"'{path}' is in the way of a page 'zenml dashboard build' writes (a file where a "
        "folder goes, or a folder where a file goes): remove it and build again"
    )


def _link_message(path: Path) -> str:
    return (
        f"'{path}' is a symbolic link; 'zenml dashboard build' never writes or deletes through "
        "a link: remove it (or choose another --out) and build again"
    )
