"""Ctrl-C once a push may land: a landed write is finished and reported, never cut off.

A SIGINT between the remote's ref update and the end of the transaction exited 130 saying
nothing, though the write had landed: a rerun (the natural answer to an interrupt) registered
a second version, and one arriving after the checkout's ``read-tree`` left the pushed files
staged with HEAD unmoved. So from just before the push that may land until the transaction
returns, a SIGINT is recorded instead of raised. If the push did not land (a lost race), the
recorded interrupt is raised then: Ctrl-C still stops a command that has written nothing. If it
landed, the rest (the checkout's fast-forward: a few git processes) runs and the command
reports what landed. Python delivers signals to the main thread only, so elsewhere (a
pipeline's worker thread) nothing is held.
"""

from __future__ import annotations

import signal
import threading
from dataclasses import dataclass
from types import FrameType
from typing import Any

_NOT_HELD: Any = object()


@dataclass
class LandingGuard:
    """SIGINT held off from ``hold()`` until ``not_landed()`` or ``close()``."""

    interrupted: bool = False
    _previous: Any = _NOT_HELD

    def hold(self) -> None:
        """Just before a push that may land: record Ctrl-C from now on."""
        if self._previous is not _NOT_HELD or threading.current_thread() is not (
            threading.main_thread()
        ):
            return
        self._previous = signal.signal(signal.SIGINT, self._record)

    def not_landed(self) -> None:
        """The push did not land: Ctrl-C works again, and one recorded meanwhile is raised."""
        self.close()
        if self.interrupted:
            self.interrupted = False
            raise KeyboardInterrupt

    def close(self) -> None:
        """The transaction is over (landed, refused or failed): the old handler is back."""
        if self._previous is _NOT_HELD:
            return
        previous, self._previous = self._previous, _NOT_HELD
        # None: a handler not set from Python; the default one is the nearest
        signal.signal(signal.SIGINT, signal.default_int_handler if previous is None else previous)

    def _record(self, signum: int, frame: FrameType | None) -> None:
        self.interrupted = True
