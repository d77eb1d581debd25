"""Folders of the store reached through a symbolic link (DESIGN section 12).

``O_NOFOLLOW`` refuses a link only as the last component of a path: a committed link
``models/<m> -> /elsewhere`` is a folder that opens, and every manifest under it would be read
from outside the repository. Readers check the folders below ``.zenml/`` once per folder read
(never per file: a listing of 10,000 versions pays for its folder, not its files), and a
listing of a folder's children takes their link bit from its own ``scandir`` (no syscall).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from zenml_cli.errors import CorruptManifestError
from zenml_cli.store.layout import TEMP_PREFIX

READ_LINK_PROBLEM = (
    "is a symbolic link; zenml never reads the store through a link (it could point anywhere "
    "on this machine): replace it with the real folder"
)


class LinkedFolderError(CorruptManifestError):
    """A store folder that is a symbolic link. Its own class so that a listing reports the
    folder once, instead of once for every file it would have read in it."""

    def __init__(self, link: Path | str) -> None:
        super().__init__(link, READ_LINK_PROBLEM)


def linked_component(folder: Path, root: Path) -> Path | None:
    """The first component of ``folder`` below ``root`` that is a symbolic link; None when
    there is none (or the path stops existing first: a missing folder is the caller's)."""
    current = root
    for part in folder.relative_to(root).parts:
        current = current / part
        try:
            if stat.S_ISLNK(os.lstat(current).st_mode):
                return current
        except (FileNotFoundError, NotADirectoryError):
            return None
    return None


def refuse_linked(folder: Path, root: Path) -> None:
    """LinkedFolderError naming the first link on the way from ``root`` to ``folder``."""
    link = linked_component(folder, root)
    if link is not None:
        raise LinkedFolderError(link)


def scanned_entries(folder: Path) -> list[tuple[str, bool]]:
    """``(name, is a symbolic link)`` for each entry of ``folder`` but in-flight temp files
    (none when it does not exist). The link bit comes with the listing (``d_type``), so a
    listing of 1,000 models learns which are links without a syscall per model."""
    try:
        with os.scandir(folder) as entries:
            return [(e.name, e.is_symlink()) for e in entries if not e.name.startswith(TEMP_PREFIX)]
    except FileNotFoundError:
        return []


def open_folder(name: Path | str, dir_fd: int | None = None) -> int:
    """A handle of folder ``name`` that is never a link's target: ``O_NOFOLLOW`` refuses a
    link as the last component at no extra cost (LinkedFolderError naming it)."""
    flags = os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0)
    try:
        return os.open(name, flags, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno != errno.ELOOP and not _is_link(name, dir_fd):
            raise
        raise LinkedFolderError(name) from None


def _is_link(name: Path | str, dir_fd: int | None) -> bool:
    """Whether ``name`` is a link (asked only once an open failed: some systems say ENOTDIR)."""
    try:
        return stat.S_ISLNK(os.lstat(name, dir_fd=dir_fd).st_mode)
    except OSError:
        return False
