"""The bounds every reader of untrusted input shares (DESIGN section 12).

The repository is untrusted: a commit can hold a manifest nested ten thousand levels deep, a
history file of gigabytes, or a lock timeout that means "wait forever". Each bound is said once
here, so doctor and every reader refuse the same files. A leaf module: it imports nothing of
ours, so the store, the core and the CLI can all use it.
"""

from __future__ import annotations

import math
from typing import Any

#: Items in a page of a listing when no size is asked (said here, in a leaf, so the CLI's
#: options need not import the listing core: a write never lists).
DEFAULT_PAGE_SIZE = 20

#: Deepest nesting of mappings and lists a manifest, a history event or metadata may have.
#: Real manifests nest 3-4 levels (metadata of metadata); deep nesting only serves to make a
#: reader recurse past Python's limit (or a renderer, or a JSON writer after it).
MAX_NESTING = 64

#: Largest manifest (model, version, artifact, run, config) read, and the largest
#: ``--metadata-file``. The biggest real manifest is a version with a few thousand metadata
#: keys, far below this.
MAX_MANIFEST_BYTES = 16 * 1024 * 1024

#: Largest ``history.jsonl`` read: about a million events.
MAX_HISTORY_BYTES = 256 * 1024 * 1024

#: Largest derived cache file read (an index of 100,000 versions is well below it).
MAX_CACHE_BYTES = 256 * 1024 * 1024

#: Longest lock wait (seconds) a setting may ask for: a day. A wait must end.
MAX_LOCK_TIMEOUT = 86400.0


def too_deep(value: Any, limit: int = MAX_NESTING) -> bool:
    """True when ``value`` nests mappings/lists more than ``limit`` levels deep. Iterative,
    so a value deeper than Python's recursion limit is measured, not crashed on."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def nesting_problem(limit: int = MAX_NESTING) -> str:
    return f"nested more than {limit} levels deep (a reader would recurse without bound)"


def lock_timeout_problem(value: object) -> str | None:
    """Why ``value`` is not a usable lock timeout, else None. filelock reads a negative
    timeout as "block forever"; NaN and infinity never end either."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"lock_timeout must be a number of seconds, not {value!r}"
    if not math.isfinite(value) or not 0 < value <= MAX_LOCK_TIMEOUT:
        return (
            f"lock_timeout must be more than 0 and at most {MAX_LOCK_TIMEOUT:g} seconds "
            f"(a wait must end), not {value!r}"
        )
    return None


def text_problem(value: str) -> str | None:
    """Why text cannot be stored (it is written as UTF-8), else None. A lone surrogate is what
    Python makes of bytes that are not UTF-8 in a command-line argument (``$'\\xff'``)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"it is not valid UTF-8 text (character {exc.start + 1} is a stray byte)"
    return None
