"""Which paths a command changed, for the ``--push`` work area to stage only those.

A ``--push`` attempt runs the registry's write on a private copy of the remote tip's store
(``store/git/workspace.py``) and commits what the write changed. Finding that out by looking
at every file (``git add -A``: an ``lstat`` per file and the whole index read and written)
made each attempt cost what the registry holds. Instead every primitive that changes a file
or a folder of the store notes its path here while a work area records
(``start``): the atomic writes and appends (``atomic.py``, cache files included, which
staging skips) and the store's renames and deletes (``store_models``, ``store_records``).

A path is noted before it is changed, so a failed write leaves it noted too (the work area
then puts it back). While nothing records, noting costs one dictionary check.
Nothing else may change a committed file of the store: the test suite runs every pushed
write with ``ZENML_CHECK_STAGE`` set, which compares the staged tree with a full
``git add -A`` and fails on any difference.
"""

from __future__ import annotations

import os
import threading

#: The folders being recorded (each with a trailing separator) and what was noted in each. A
#: plain dict under a lock, not a context variable: a write made by a worker thread of the
#: command must be noted too.
_RECORDING: dict[str, set[str]] = {}
_LOCK = threading.Lock()


def start(folder: str | os.PathLike[str]) -> set[str]:
    """Record every change below ``folder`` from now on (any thread); returns the set that
    fills up, until ``stop(folder)``."""
    noted: set[str] = set()
    with _LOCK:
        _RECORDING[os.path.join(os.fspath(folder), "")] = noted
    return noted


def stop(folder: str | os.PathLike[str]) -> None:
    with _LOCK:
        _RECORDING.pop(os.path.join(os.fspath(folder), ""), None)


def note(path: str | os.PathLike[str]) -> None:
    """``path`` (a file or a folder, absolute as the store spells it) is about to change."""
    if not _RECORDING:
        return
    spelled = os.fspath(path)
    with _LOCK:
        for folder, noted in _RECORDING.items():
            if spelled.startswith(folder):
                noted.add(spelled)
