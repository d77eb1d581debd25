"""A large payload of a folder store: written past the page cache (``O_DIRECT``), read without
filling it.

Written the ordinary way, a 1 GiB array is first copied into 1 GiB of freshly allocated page
cache, which ``fsync`` then writes out. Where memory is slow to hand out (a VM whose host takes
back the guest's free pages, like the machine of ``benchmarks/payloads.py``: there that copy
took 3-5 s where the disk itself needs 0.5 s) the copy, not the disk, is the cost, and either
way a payload that is rarely read again pushes a gigabyte of other files out of the cache.
With ``O_DIRECT`` the disk takes the bytes from one small buffer that is reused throughout, and
``fsync`` is left with the metadata and the device's cache. Crash safety is unchanged: the
caller writes a temp file, this fsyncs it, the caller renames it.

Direct I/O wants offsets, lengths and memory aligned to the device's blocks: the pieces are
copied into one page-aligned buffer of ``BLOCK`` bytes and written a whole buffer at a time;
the last write is padded to ``ALIGN`` and the file is cut back to its true size. Where there is
no direct I/O (macOS and Windows have no ``O_DIRECT``; tmpfs and some network shares refuse it
with EINVAL when the file is opened or first written), the ordinary write runs instead, from
the start. Payloads under ``DIRECT_MIN`` always take the ordinary write: their page cache is
cheap, and a load soon after finds them there.

A large load reads the object straight into the value's memory with ordinary reads (so the
kernel reads ahead while the worker hashes), and drops each block from the page cache once it
is read (``read_uncached``): the cache recycles the same few pages instead of filling a gigabyte,
the cost the save avoided, and a payload read once does not push other files out. An object
read this way is not kept in the cache for the next load; sha256, not the disk, is the slow
part of a load either way.
"""

from __future__ import annotations

import errno
import mmap
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from zenml_cli.store.payloads.local_files import Buffer

#: From this size on, a payload is written with O_DIRECT where the filesystem allows it.
DIRECT_MIN = 64 << 20
#: The buffer a direct write goes through, and a large read's step: a multiple of every block
#: size in use (512 B to 64 KiB).
BLOCK = 8 << 20
#: The last write is padded to this (4 KiB: the largest common logical block).
ALIGN = 4096


def write_direct(path: Path, pieces: Sequence[Buffer]) -> bool:
    """Write ``pieces`` in order into the new, empty file ``path`` with O_DIRECT and fsync it:
    True once done; False, with the file left empty, for a payload under ``DIRECT_MIN`` or
    where direct I/O is refused (the caller writes it the ordinary way). Any other failure (a
    full disk) is raised."""
    flag = getattr(os, "O_DIRECT", 0)
    size = sum(memoryview(piece).nbytes for piece in pieces)
    if not flag or size < DIRECT_MIN:
        return False
    try:
        fd = os.open(path, os.O_WRONLY | flag | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        if exc.errno == errno.EINVAL:
            return False
        raise
    try:
        try:
            _copy_out(fd, pieces)
        except OSError as exc:
            if exc.errno != errno.EINVAL:
                raise
            os.ftruncate(fd, 0)  # the ordinary write starts again from an empty file
            return False
        os.ftruncate(fd, size)  # the last block's padding off
        os.fsync(fd)
    finally:
        os.close(fd)
    return True


def _copy_out(fd: int, pieces: Sequence[Buffer]) -> None:
    """The concatenation of ``pieces`` from offset 0, through one page-aligned buffer."""
    view = memoryview(mmap.mmap(-1, BLOCK))  # anonymous memory is page-aligned
    filled = offset = 0
    for piece in pieces:
        data = memoryview(piece).cast("B")
        at = 0
        while at < len(data):
            count = min(BLOCK - filled, len(data) - at)
            view[filled : filled + count] = data[at : at + count]
            filled, at = filled + count, at + count
            if filled == BLOCK:
                _write_at(fd, view, offset)
                filled, offset = 0, offset + BLOCK
    if filled:
        padded = -(-filled // ALIGN) * ALIGN
        view[filled:padded] = bytes(padded - filled)
        _write_at(fd, view[:padded], offset)


def _write_at(fd: int, view: memoryview, offset: int) -> None:
    done = 0
    while done < len(view):  # a short write leaves an unaligned rest: EINVAL, then fallback
        done += os.pwrite(fd, view[done:], offset + done)


def read_uncached(
    fd: int, start: int, view: memoryview, filled_piece: Callable[[memoryview], object]
) -> int:
    """Fill ``view`` with the bytes of the file ``fd`` from offset ``start``, straight into
    ``view`` ``BLOCK`` bytes at a time (ordinary reads, so the kernel reads ahead while the
    previous block is hashed), dropping each block's pages from the page cache once it is
    read, and calling ``filled_piece`` with each part of ``view`` as it is filled: how many
    bytes were filled. Fewer than ``len(view)`` where the file ends, 0 for a read under
    ``DIRECT_MIN`` or where the platform cannot drop pages (the caller reads the rest the
    ordinary way). The file's position is left as it was."""
    if len(view) < DIRECT_MIN or not hasattr(os, "posix_fadvise"):
        return 0
    os.posix_fadvise(fd, start, len(view), os.POSIX_FADV_SEQUENTIAL)
    filled = 0
    while filled < len(view):
        count = os.preadv(fd, [view[filled : filled + BLOCK]], start + filled)
        if count == 0:
            break  # the file ended
        filled_piece(view[filled : filled + count])
        os.posix_fadvise(fd, start + filled, count, os.POSIX_FADV_DONTNEED)
        filled += count
    return filled
