"""Crash-safe file writes: a manifest is always either its old or its new bytes, never torn."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from zenml_cli.errors import CorruptManifestError
from zenml_cli.store import written
from zenml_cli.store.layout import TEMP_PREFIX

#: Never follow a symbolic link when opening a file to write (0 where the OS has no such flag).
O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
#: False inside ``unsynced()``: writes still atomic (temp file + rename), but not fsynced.
_SYNC: ContextVar[bool] = ContextVar("zenml_fsync", default=True)


@contextlib.contextmanager
def unsynced() -> Iterator[None]:
    """Within the block, writes skip ``fsync``: for a ``--push`` work area, a scratch copy of
    the store whose files become git objects (``git_workspace.Workspace.unsynced`` makes a
    machine crash inside the block cost a full rewrite of that copy, never a torn read).
    fsync was most of the cost of applying a queued write (two or three per write)."""
    token = _SYNC.set(False)
    try:
        yield
    finally:
        _SYNC.reset(token)


def _fsync(fd: int) -> None:
    if _SYNC.get():
        os.fsync(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder, fsync, then ``os.replace``.

    The temp file lives beside the target so ``os.replace`` never crosses a filesystem, and its
    name starts with ``.tmp-`` so readers and ``.gitignore`` skip it if a crash leaves it behind.
    """
    written.note(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f"{TEMP_PREFIX}{os.urandom(8).hex()}.part"
    # 0o666 filtered by the umask, like any file an editor or git writes (mkstemp's 0600 is not)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_NOFOLLOW | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            _fsync(handle.fileno())
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
    The folder must exist (an append never recreates a model folder a rename or delete just
    moved away), and a symbolic link at ``path`` is refused, never written through.
    """
    if not line.endswith(b"\n"):
        line += b"\n"
    written.note(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | O_NOFOLLOW, 0o666)
    except OSError as exc:
        if exc.errno == errno.ELOOP or path.is_symlink():
            raise CorruptManifestError(path, LINK_PROBLEM) from exc
        raise
    try:
        os.write(fd, line)
        _fsync(fd)
    finally:
        os.close(fd)


LINK_PROBLEM = (
    "is a symbolic link; zenml never writes through links in .zenml/ "
    "(replace it with a regular file or folder)"
)


def link_out_of(path: Path, root: Path) -> Path | None:
    """The first existing component of ``path`` below ``root`` that is a symbolic link leading
    out of ``root`` (None when there is none): writing there would land outside the store."""
    try:
        relative = path.relative_to(root)
    except ValueError:
        return None
    current = root
    resolved_root: Path | None = None
    for part in relative.parts:
        current = current / part
        if not current.is_symlink():
            if not current.exists():
                return None
            continue
        if resolved_root is None:
            resolved_root = root.resolve()
        target = current.resolve()
        if target != resolved_root and resolved_root not in target.parents:
            return current
    return None


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    if not _SYNC.get():
        return
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
