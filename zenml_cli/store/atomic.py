"""Crash-safe file writes: a manifest is always either its old or its new bytes, never torn."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from zenml_cli.store.layout import TEMP_PREFIX


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder, fsync, then ``os.replace``.

    The temp file lives beside the target so ``os.replace`` never crosses a filesystem, and its
    name starts with ``.tmp-`` so readers and ``.gitignore`` skip it if a crash leaves it behind.
    """
    import tempfile  # here: read-only commands never write, so never pay for it

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def append_line(path: Path, line: bytes) -> None:
    """Append one newline-terminated record with a single ``write`` on an ``O_APPEND`` handle.

    One small write on an append-mode descriptor lands whole: concurrent appenders interleave by
    line, never inside one, and a killed writer either added its line or did not.
    """
    if not line.endswith(b"\n"):
        line += b"\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
