"""The files git hands the merge driver (``%O %A %B``): read each side, write the result over
``%A``. They are git's temp files, not the store's, so they are named by the path git passes
(the merge itself is ``core/merge/driver.py``; ``registry/project.py`` joins the two)."""

from __future__ import annotations

from pathlib import Path

from zenml_cli.store.atomic import atomic_write


def read_side(path: str) -> bytes:
    """One side of the merge (empty when git passes none: a file one side added)."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        return b""


def replace_ours(path: str, data: bytes) -> None:
    """The driver's result, written where git reads it (``%A``), atomically."""
    atomic_write(Path(path), data)
