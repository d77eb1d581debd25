"""Per-resource inter-process locks, with a timeout that names the lock instead of hanging.

filelock is imported only here and only when a write takes a lock, so read-only commands never
pay its import cost. Locks are advisory OS locks: a killed holder releases them at once, and a
lock file left behind on disk is harmless.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from zenml_cli.errors import CorruptManifestError, InvalidInputError, LockTimeoutError
from zenml_cli.limits import lock_timeout_problem


@contextmanager
def hold(lock_path: Path, timeout: float) -> Iterator[None]:
    """Hold the lock at ``lock_path`` for the body; raise LockTimeoutError after ``timeout`` s."""
    import filelock

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
