"""Waiting for the filesystem's clock, for tests of what a timestamp tick can hide."""

from __future__ import annotations

import time
from pathlib import Path


def next_tick(folder: Path) -> None:
    """Wait until the filesystem's clock has moved past the change time of the files in
    ``folder`` written so far (a new file's change time is later)."""
    probe = folder / "tick-probe"
    probe.write_bytes(b"")
    first = probe.stat().st_ctime_ns
    while True:
        time.sleep(0.005)
        probe.write_bytes(b"x")
        if probe.stat().st_ctime_ns > first:
            break
    probe.unlink()
