"""Locks at the store boundary (store/locks.py), in one process: a second holder waits for
at most its timeout and is told which lock and what to do (exit 7), a timeout that would wait
forever is refused before anything is locked, and a lock path a commit replaced with a link,
a folder or a FIFO is never opened. Across processes: a free lock file taken with one
``flock`` (filelock not imported) excludes filelock's lock on it, as filelock's own does."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from zenml_cli.errors import CorruptManifestError, InvalidInputError, LockTimeoutError
from zenml_cli.store.locks import hold


def test_a_second_holder_times_out_naming_the_lock(tmp_path: Path) -> None:
    lock = tmp_path / ".locks" / "model%3Airis.lock"
    with hold(lock, 5), pytest.raises(LockTimeoutError) as caught, hold(lock, 0.05):
        pass
    message = str(caught.value)
    assert caught.value.exit_code == 7
    assert f"waiting for lock {lock}" in message and "ZENML_LOCK_TIMEOUT" in message
    assert "timed out after 0.05s" in message


def test_a_lock_is_free_again_after_its_holder_leaves(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    with hold(lock, 1):
        pass
    with hold(lock, 0.05):
        assert lock.is_file()  # the file stays behind: harmless, and reused


def test_a_holder_that_fails_still_releases(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    with pytest.raises(RuntimeError), hold(lock, 1):
        raise RuntimeError("the write failed")
    with hold(lock, 0.05):
        pass


def test_a_waiting_holder_gets_the_lock_once_it_is_released(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    taken, release, order = threading.Event(), threading.Event(), []

    def first() -> None:
        with hold(lock, 5):
            taken.set()
            release.wait(5)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    assert taken.wait(5)
    release.set()
    with hold(lock, 5):
        order.append("second in")
    thread.join(5)
    assert order == ["first done", "second in"]


@pytest.mark.parametrize("timeout", [0, -1, math.nan, math.inf, 86_401])
def test_a_timeout_that_would_never_end_is_refused(tmp_path: Path, timeout: float) -> None:
    lock = tmp_path / "x.lock"
    with pytest.raises(InvalidInputError, match="lock_timeout must be"), hold(lock, timeout):
        pass
    assert not (tmp_path / "x.lock").exists()


def test_a_lock_that_is_a_link_is_never_opened(tmp_path: Path) -> None:
    victim = tmp_path / "precious"
    victim.write_text("keep me")
    lock = tmp_path / "x.lock"
    lock.symlink_to(victim)
    with pytest.raises(CorruptManifestError, match="symbolic link"), hold(lock, 1):
        pass
    assert victim.read_text() == "keep me"


def test_a_lock_that_is_a_folder_or_fifo_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.lock"
    folder.mkdir()
    fifo = tmp_path / "fifo.lock"
    os.mkfifo(fifo)
    for path in (folder, fifo):
        with pytest.raises(CorruptManifestError, match="not a plain file"), hold(path, 1):
            pass


#: A child that tries filelock's own lock on argv[1] for a tenth of a second and says whether
#: it got it: the lock ``hold`` takes must exclude filelock's, whichever path took it.
TRY_FILELOCK = (
    "import filelock, sys\n"
    "try:\n"
    "    filelock.FileLock(sys.argv[1], timeout=0.1).acquire()\n"
    "    print('got it')\n"
    "except filelock.Timeout:\n"
    "    print('timed out')\n"
)


def _filelock_in_child(lock: Path) -> str:
    found = subprocess.run(
        [sys.executable, "-c", TRY_FILELOCK, str(lock)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return found.stdout.strip()


def test_a_held_lock_excludes_filelock_in_another_process(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    with hold(lock, 1):  # a new lock file: filelock creates and takes it
        assert _filelock_in_child(lock) == "timed out"
    assert lock.is_file()
    with hold(lock, 1):  # the file exists and is free: one flock, filelock not asked
        assert _filelock_in_child(lock) == "timed out"
    assert _filelock_in_child(lock) == "got it"  # released on leaving


def test_a_free_existing_lock_is_taken_without_importing_filelock(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    with hold(lock, 1):
        pass
    probe = (
        "import sys\nfrom pathlib import Path\nfrom zenml_cli.store.locks import hold\n"
        "with hold(Path(sys.argv[1]), 1):\n    print('filelock' in sys.modules)\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe, str(lock)], capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "False"
