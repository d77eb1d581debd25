"""A build of thousands of models on two processes (issue 21.3): each model's pages depend on
that model's files alone, so a forked child can draw every second model while this process
draws the others, and the index, the marker and the kept state are still made here, from the
results in name order. The site is byte for byte the one a single process writes.

Kept simple on purpose: one child, never more (the machines this runs on have few cores and
the disk is shared anyway); the child sends its results (plain data, ``marshal``) through a
pipe once it is done, so it holds one half of the models' small results and nothing else. If
the child fails in any way (an error, a signal, a result that does not decode), this process
draws the child's models itself, so an error surfaces exactly as a single-process build
raises it. A process with other threads never forks (a fork copies no thread, and a lock one
of them held would never be released in the child).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

#: Fewer models than this are drawn in this process alone: a fork and the results' trip
#: through a pipe cost a few milliseconds, a model about one.
PARALLEL_FROM = 256

T = TypeVar("T")


def processes_for(count: int) -> int:
    """How many processes draw ``count`` models: two on a machine with two cores or more
    that can fork, one otherwise."""
    if count < PARALLEL_FROM or not hasattr(os, "fork") or threading.active_count() > 1:
        return 1
    sched_getaffinity = getattr(os, "sched_getaffinity", None)
    cpus = len(sched_getaffinity(0)) if sched_getaffinity else os.cpu_count() or 1
    return 2 if cpus >= 2 else 1


def split_map(items: Sequence[T], work: Callable[[T], Any], processes: int) -> list[Any]:
    """``[work(item) for item in items]``, in order. With ``processes`` 2 (and ``fork``), a
    child does every second item; ``work``'s results must be plain data ``marshal`` keeps.
    An error is the one a single process meets first, in the order of ``items``."""
    if processes < 2 or len(items) < 2 or not hasattr(os, "fork"):
        return [work(item) for item in items]
    theirs = items[1::2]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(theirs, work, write_end)
    os.close(write_end)
    mine: list[Any] = []
    try:
        try:
            for item in items[0::2]:
                mine.append(work(item))
        except Exception:
            _stop(pid)
            for item in theirs[: len(mine)]:  # the items a single process would do before
                work(item)
            raise
        sent = _read_all(read_end)
    except BaseException:
        _stop(pid)  # Ctrl-C, or an error: the child's work is moot
        raise
    finally:
        os.close(read_end)
        _, status = os.waitpid(pid, 0)
    received = _decoded(sent, status, len(theirs))
    if received is None:
        received = [work(item) for item in theirs]  # raises what the child ran into
    return [mine[at // 2] if at % 2 == 0 else received[at // 2] for at in range(len(items))]


def _stop(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _child(items: Sequence[T], work: Callable[[T], Any], write_end: int) -> None:
    """Do ``items``, send the results, and leave without running any of the parent's exit
    handlers or flushing its buffers (``os._exit``): exit 0 only once all is sent."""
    code = 1
    try:
        payload = marshal.dumps([work(item) for item in items])
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
        code = 0
    except BaseException:  # noqa: BLE001, S110 - the parent redoes the work and reports
        pass
    finally:
        os._exit(code)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _decoded(sent: bytes, status: int, count: int) -> list[Any] | None:
    """The child's results, or None if it did not finish them all."""
    if os.waitstatus_to_exitcode(status) != 0:
        return None
    try:
        received = marshal.loads(sent)
    except (EOFError, ValueError, TypeError):
        return None
    return received if type(received) is list and len(received) == count else None
