"""The next version number of a folder without listing it (``NextNumberHint``).

The highest version number in a folder, trusted while the folder's own stat key is unchanged,
so registering does not list the folder: the same idea as the manifest index
(``store/manifest_cache.py``), for allocation.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

from zenml_cli.digits import is_number_text
from zenml_cli.store.bounded import read_cache
from zenml_cli.store.manifest_cache import StatKey, atomic_replace, stat_key, through_link

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class NextNumberHint:
    """The highest ``<number><suffix>`` file of a folder, cached with the folder's stat key.

    Adding, removing or renaming a file changes the folder's mtime, so an unchanged key means
    the file names are unchanged. Callers also check that the hinted file exists and the next
    one does not, which catches a change inside one timestamp tick that touched those names.
    """

    def __init__(self, folder: Path, cache_file: Path, suffix: str) -> None:
        self.folder = folder
        self.cache_file = cache_file
        self.suffix = suffix

    #: Fixed width, so every hint has the same size and an in-place rewrite never truncates.
    WIDTH = 20

    def get(self) -> int | None:
        """The cached highest number, or None when the hint is missing or out of date."""
        try:
            key = stat_key(os.stat(self.folder))
            text = (read_cache(self.cache_file, 4096) or b"").decode("ascii")
        except (OSError, ValueError):
            return None
        parts = text.split()
        if len(parts) != 6 or not all(is_number_text(p) for p in parts):
            return None
        *saved, highest, check = (int(p) for p in parts)
        if check != _hint_checksum((*saved, highest)) or tuple(saved) != key:
            return None  # torn by a concurrent rewrite, or the folder changed
        if highest and not (self.folder / f"{highest}{self.suffix}").exists():
            return None
        if (self.folder / f"{highest + 1}{self.suffix}").exists():
            return None
        return highest

    def folder_key(self) -> StatKey | None:
        try:
            return stat_key(os.stat(self.folder))
        except OSError:
            return None

    def put(self, highest: int, key: StatKey | None) -> None:
        """Record ``highest`` for the folder as it was when ``key`` was taken: before listing
        it, or just after this process wrote into it (under the model's lock).

        Rewritten in place with one fixed-size ``pwrite`` (creating a file per registration
        cost a fifth of registering); a reader that catches a half-written hint fails its
        checksum and lists the folder instead."""
        if key is None:
            return
        values = (*key, highest)
        text = " ".join(f"{v:0{self.WIDTH}d}" for v in (*values, _hint_checksum(values)))
        if not hasattr(os, "pwrite"):  # Windows
            atomic_replace(self.cache_file, text.encode("ascii"))
            return
        if through_link(self.cache_file):
            return
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            # non-blocking: a FIFO checked out at this path must not hold the write forever
            fd = os.open(self.cache_file, os.O_WRONLY | os.O_CREAT | _NOFOLLOW | _NONBLOCK, 0o666)
        except OSError:  # a symbolic link (ELOOP) is never written through: no hint this time
            return
        try:
            os.pwrite(fd, (text + "\n").encode("ascii"), 0)
        except OSError:
            pass
        finally:
            os.close(fd)


def _hint_checksum(values: tuple[int, ...]) -> int:
    return zlib.crc32(" ".join(map(str, values)).encode("ascii"))
