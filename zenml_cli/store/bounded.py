"""Bounded reads: a file from the repository is read only if it is a regular file of a sane
size, and never through a link (DESIGN section 12).

A commit can replace a manifest, ``history.jsonl`` or a cache file with a link to
``/dev/zero`` (endless bytes), a FIFO (an ``open`` or ``read`` that never returns) or a
gigabyte file. ``read_bounded`` refuses all three before reading. A store file that is a
symbolic link is refused when opened (``O_NOFOLLOW``, so no link is ever followed to a
device): git checks out links a commit holds, and a manifest linked to ``~/.aws/credentials``
or ``/proc/self/environ`` must not be read into a pull request's CI log or dashboard. What does
open is the entry itself (a commit makes it a regular file; git never checks out a device or
FIFO), opened non-blocking and checked on the handle before a byte is read, then read up to its
bound. A path the user typed (``--metadata-file``, ``config_path=``) is theirs to link: those
readers pass ``follow_links=True``, and such a path is checked by ``stat`` before it is opened
(no device is ever opened), then again on the handle (it may have been swapped in between).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from zenml_cli.errors import CorruptManifestError
from zenml_cli.limits import MAX_CACHE_BYTES, MAX_MANIFEST_BYTES

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_LINK_PROBLEM = (
    "is a symbolic link; zenml never reads a store file through a link (it could point "
    "anywhere on this machine): replace it with the real file"
)


class ReadRefused(Exception):
    """The file is not a regular file, or is larger than its bound; ``problem`` says which
    (the caller names the file and picks the error: exit 6 for the store, 5 for an option)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@contextmanager
def open_bounded(path: Path | str, limit: int, *, follow_links: bool = False) -> Iterator[BinaryIO]:
    """Regular file ``path`` opened for reading, once it is known to hold at most ``limit``
    bytes. FileNotFoundError passes through; ReadRefused for anything else."""
    fd = _open(path, limit, follow_links)
    try:
        _check(os.fstat(fd), limit)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        yield handle


def read_bounded(
    path: Path | str, limit: int = MAX_MANIFEST_BYTES, *, follow_links: bool = False
) -> bytes:
    """The bytes of regular file ``path``, at most ``limit`` of them. FileNotFoundError passes
    through; ReadRefused for anything else a reader must not read."""
    fd = _open(path, limit, follow_links)
    try:
        info = os.fstat(fd)
        _check(info, limit)
        chunks, total = [], 0
        while total <= limit:  # a file that grows while read stops one chunk past its bound
            chunk = os.read(fd, max(info.st_size + 1 - total, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total == info.st_size:
                break  # asked for a byte more than the file holds: the read stopped at its end
    finally:
        os.close(fd)
    if total > limit:
        raise ReadRefused(_too_big(total, limit))
    return b"".join(chunks)


def read_as_stated(
    path: str, info: os.stat_result, limit: int = MAX_MANIFEST_BYTES, *, dir_fd: int | None = None
) -> bytes | None:
    """The bytes of store file ``path``, whose ``stat`` the caller just took (``info``, e.g.
    from ``os.scandir``): read only if that says a regular file of at most ``limit`` bytes,
    opened never through a link, in one read of at most its size plus one byte. None when it is
    not such a file or no longer has that size (swapped or rewritten since): the caller then
    reads it the checked way (``read_bounded``), which says what is wrong. The listing's path
    for thousands of small files: three syscalls a file instead of four (issue 21.5). With
    ``dir_fd`` (the folder's handle), ``path`` is the file's name in that folder."""
    if not _NOFOLLOW or not stat.S_ISREG(info.st_mode) or info.st_size > limit:
        return None
    try:
        fd = os.open(path, _FLAGS | _NOFOLLOW, dir_fd=dir_fd)
    except OSError:
        return None
    try:
        data = os.read(fd, info.st_size + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) == info.st_size else None


def _open(path: Path | str, limit: int, follow_links: bool) -> int:
    """A descriptor of ``path``, checked before opening where a link may lead to a device.

    A store file (``follow_links`` False) is opened straight away with ``O_NOFOLLOW``: a link
    fails to open (ELOOP), so what opens is the entry itself, which a commit can only make a
    regular file (git checks out files and links, never devices or FIFOs), and the caller's
    ``fstat`` of the handle checks it before a byte is read. One syscall fewer per manifest
    than ``lstat`` first, on the path of every listing (issue 21)."""
    if follow_links:
        _check(os.stat(path), limit)  # a link the user named may lead to a device: never open one
    elif not _NOFOLLOW:  # no O_NOFOLLOW (Windows): refuse a link by looking first
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            raise ReadRefused(_LINK_PROBLEM)
        _check(info, limit)
    try:
        return os.open(path, _FLAGS if follow_links else _FLAGS | _NOFOLLOW)
    except OSError as exc:  # ELOOP: a link (or swapped for one since the check)
        if exc.errno == errno.ELOOP:
            raise ReadRefused(_LINK_PROBLEM) from None
        raise


def _check(info: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise ReadRefused(
            "is not a regular file (a device, FIFO, socket or folder, or a link to one); "
            "zenml reads only plain files here: replace it with the real file"
        )
    if info.st_size > limit:
        raise ReadRefused(_too_big(info.st_size, limit))


def _too_big(size: int, limit: int) -> str:
    return f"is {size:,} bytes, more than the {limit:,} zenml reads from one such file"


def read_manifest(path: Path | str) -> bytes:
    """A manifest's bytes: a regular file of at most ``MAX_MANIFEST_BYTES`` (a link to a
    device, a FIFO or a huge file is a corrupt manifest, exit 6 naming it, never a hang).
    FileNotFoundError passes through."""
    try:
        return read_bounded(path, MAX_MANIFEST_BYTES)
    except ReadRefused as exc:
        raise CorruptManifestError(path, exc.problem) from None


def read_cache_end(path: Path, size: int, limit: int) -> tuple[bytes, int] | None:
    """The last ``size`` bytes of a derived cache file and where they start in it (0: the
    whole file), read the way ``read_cache`` reads (a plain file of at most ``limit`` bytes,
    never through a link); None as for ``read_cache``."""
    if not _NOFOLLOW or not hasattr(os, "pread"):  # (Windows) the whole file, checked
        whole = read_cache(path, limit)
        return None if whole is None else (whole, 0)
    try:
        fd = os.open(path, _FLAGS | _NOFOLLOW)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        start = max(0, info.st_size - size)
        return os.pread(fd, info.st_size - start, start), start
    except OSError:
        return None
    finally:
        os.close(fd)


def read_cache(path: Path, limit: int = MAX_CACHE_BYTES) -> bytes | None:
    """A derived cache file's bytes, or None when it is missing or not a plain file of at most
    ``limit`` bytes (a cache is never needed: the caller rebuilds it)."""
    try:
        return read_bounded(path, limit)
    except (OSError, ReadRefused):
        return None
