"""Per-resource inter-process locks, with a timeout that names the lock instead of hanging.

Locks are advisory OS locks: a killed holder releases them at once, and a lock file left
behind on disk is harmless. filelock owns every case but the common one: a lock file that
already exists and is free takes one ``flock`` here (the very call filelock makes, on the
same file, so a holder of either kind excludes the other). Anything else (a new lock file, a
lock someone holds, a filesystem without ``flock``, Windows) goes to filelock, imported only
then: importing it cost a write a third of Python's start-up (issue 21).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from zenml_cli.errors import CorruptManifestError, InvalidInputError, LockTimeoutError
from zenml_cli.limits import lock_timeout_problem

#: Never follow a symbolic link when opening a lock file (0 where the OS has no such flag).
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
#: The kernel's "unknown owner" uid: filelock refuses to trust a lock file it owns.
_OVERFLOW_UID = 65534


@contextmanager
def hold(lock_path: Path, timeout: float) -> Iterator[None]:
    """Hold the lock at ``lock_path`` for the body; raise LockTimeoutError after ``timeout`` s."""
    problem = lock_timeout_problem(timeout)
    if problem:  # filelock would read a negative timeout as "wait forever"
        raise InvalidInputError(problem)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    if lock_path.is_symlink():  # filelock would open (and truncate) whatever it points at
        raise CorruptManifestError(
            lock_path, "lock file is a symbolic link; delete it (lock files are plain files)"
        )
    if lock_path.exists() and not lock_path.is_file():  # a folder, FIFO or device
        raise CorruptManifestError(
            lock_path, "lock file is not a plain file; delete it (lock files are plain files)"
        )
    fd = _take_free_lock(lock_path)
    if fd is not None:
        try:
            yield
        finally:
            _let_go(fd)
        return
    with _filelock_hold(lock_path, timeout):
        yield


def _take_free_lock(lock_path: Path) -> int | None:
    """The descriptor of ``lock_path`` locked exclusively, when the file exists, is free and
    is one filelock would lock the same way; None to leave the case to filelock (which then
    creates, waits, polls or falls back exactly as it always did)."""
    try:
        import fcntl
    except ImportError:  # Windows: filelock's msvcrt lock
        return None
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_NONBLOCK | _O_NOFOLLOW)
    except OSError:  # missing (filelock creates it), a link, no permission ...
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # held (filelock waits for it) or no flock here (its soft lock)
        os.close(fd)
        return None
    found = os.fstat(fd)
    # As filelock's own checks after it locks: an unlinked file locks nothing, and a file of
    # another owner could be replaced under a sticky folder. Leave such a file to filelock.
    euid = os.geteuid()
    if (
        not stat.S_ISREG(found.st_mode)
        or found.st_nlink != 1
        or found.st_uid != euid
        or euid == _OVERFLOW_UID
    ):
        _let_go(fd)
        return None
    return fd


def _let_go(fd: int) -> None:
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def _filelock_hold(lock_path: Path, timeout: float) -> Iterator[None]:
    import filelock

    lock = filelock.FileLock(str(lock_path), timeout=timeout)
    try:
        lock.acquire()
    except filelock.Timeout as exc:
        raise LockTimeoutError(
            f"timed out after {timeout:g}s waiting for lock {lock_path}: another zenml process "
            "is writing; retry, or raise ZENML_LOCK_TIMEOUT / lock_timeout in .zenml/config.yaml"
        ) from exc
    try:
        yield
    finally:
        lock.release()
