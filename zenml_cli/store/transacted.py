"""What a registry write returned, and what reaching its store took: one small type every
transport (``store/transport.py``) gives back, kept apart so a local write never imports
the git engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Transacted(Generic[T]):
    """What a write returned, and what reaching the remote took.

    ``commit`` is None when nothing was pushed (no change, or push off); ``note`` is one line
    for stderr naming the commit and, if the checkout was left behind, how to pull."""

    result: T
    commit: str | None
    attempts: int
    note: str | None
