"""What a build keeps for the next one, so a rebuild re-reads and re-renders only the models
whose files changed (issue 21.3): 10,000 models rebuild in about the time it takes to stat
their files.

Per model the state holds a fingerprint of its inputs (the stat keys of its manifest, history,
version files and the artifact and run manifests its pages showed: ``store/fingerprint.py``),
a fingerprint of the pages it wrote (their stat keys after writing), the version numbers it
had, and its row of the index. A model is skipped only when both fingerprints still match, so
a changed store file, a page edited or deleted by hand, or a build of another store into the
same folder all render the model again. A fingerprint taken while an input was younger than
``RACY_NS`` is not kept (a second write within one timestamp tick could go unseen), and the
state is tied to the dashboard's code, so a new zenml-cli renders everything once.

The state lives in the store's derived cache (``.zenml/.cache/dashboard/``), never in the site
folder: a committed site is untrusted, and the state changes on every build.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zenml_cli.dashboard import paths
from zenml_cli.dashboard.data import Reader

#: A fingerprint whose newest input changed this recently (2 s) before the model was read is
#: not trusted next time (the store's caches use the same bound).
RACY_NS = 2_000_000_000
#: Bump when the state's shape changes.
STATE_VERSION = 1


@dataclass
class Kept:
    """One model as the last build drew it."""

    inputs: bytes  # fingerprint of the store files it was drawn from
    outputs: bytes  # fingerprint of the pages written for it
    numbers: list[int]  # its version numbers (one page each)
    artifacts: list[tuple[str, str]]  # (name, version) of the artifacts its pages showed
    runs: list[str]  # ids of the runs its pages showed
    row: list[str]  # its row of the index (HTML cells)
    versions: int  # its number of versions, for the index's total

    def to_plain(self) -> tuple[Any, ...]:
        return (
            self.inputs,
            self.outputs,
            self.numbers,
            [list(pair) for pair in self.artifacts],
            self.runs,
            self.row,
            self.versions,
        )


def code_key() -> str:
    """The code that draws the pages: the size and time of each dashboard module (an
    upgrade or an edited checkout writes them anew); pages drawn by other code are never
    reused."""
    folder = Path(__file__).resolve().parent
    parts = [str(STATE_VERSION)]
    for path in sorted(folder.glob("*.py")):
        st = path.stat()
        parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def state_key(out: Path) -> str:
    return str(out.resolve())


def load(reader: Reader, out: Path) -> dict[str, Kept]:
    """The models the last build into ``out`` kept; empty when there is no usable state."""
    state = reader.load_state(state_key(out))
    if type(state) is not dict or state.get("code") != code_key():
        return {}
    models = state.get("models")
    if type(models) is not dict:
        return {}
    kept = {}
    for name, plain in models.items():
        entry = from_plain(plain)
        if type(name) is str and entry is not None:
            kept[name] = entry
    return kept


def save(reader: Reader, out: Path, kept: dict[str, Kept]) -> None:
    models = {name: entry.to_plain() for name, entry in kept.items()}
    reader.save_state(state_key(out), {"code": code_key(), "models": models})


def unchanged(reader: Reader, out: Path, name: str, entry: Kept | None) -> list[str] | None:
    """Model ``name``'s pages when those in ``out`` are still what ``entry`` recorded, drawn
    from files that have not changed since; else None (draw the model again)."""
    if entry is None:
        return None
    inputs, _ = reader.fingerprint(name, entry.artifacts, entry.runs)
    if inputs != entry.inputs:
        return None
    pages = model_pages(name, entry.numbers)
    return pages if outputs_fingerprint(out, pages) == entry.outputs else None


def record(
    reader: Reader, out: Path, name: str, numbers: list[int], row: list[str], read_at: int
) -> Kept | None:
    """The entry of a model just drawn (read from ``read_at``, a ``time.time_ns``), or None
    when one of its inputs changed too recently to trust its fingerprint."""
    artifacts, runs = sorted(reader.artifacts_read), sorted(reader.runs_read)
    inputs, newest = reader.fingerprint(name, artifacts, runs)
    if newest >= read_at - RACY_NS:
        return None
    outputs = outputs_fingerprint(out, model_pages(name, numbers))
    if outputs is None:
        return None
    return Kept(inputs, outputs, numbers, artifacts, runs, row, len(numbers))


def model_pages(name: str, numbers: list[int]) -> list[str]:
    """The model page and its version pages, relative to the site root."""
    folder = f"models/{paths.slug(name)}/"
    return [folder + paths.INDEX, *(f"{folder}{n}.html" for n in numbers)]


def outputs_fingerprint(out: Path, pages: list[str]) -> bytes | None:
    """A digest of the stat keys of ``pages`` in ``out``; None if one is missing."""
    root = f"{out}{os.sep}"
    keys = []
    try:
        for relative in pages:
            st = os.lstat(root + relative)
            keys.append((st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_mode))
    except OSError:
        return None
    return hashlib.blake2b(marshal.dumps((pages, keys), 2), digest_size=16).digest()


def now_ns() -> int:
    return time.time_ns()


def from_plain(plain: Any) -> Kept | None:
    """A state entry checked field by field (the state is a cache: odd ones are dropped)."""
    if type(plain) is not tuple or len(plain) != 7:
        return None
    inputs, outputs, numbers, artifacts, runs, row, versions = plain
    ok = (
        type(inputs) is bytes
        and type(outputs) is bytes
        and type(numbers) is list
        and all(type(n) is int for n in numbers)
        and type(artifacts) is list
        and all(
            type(a) is list and len(a) == 2 and all(type(x) is str for x in a) for a in artifacts
        )
        and type(runs) is list
        and all(type(r) is str for r in runs)
        and type(row) is list
        and all(type(cell) is str for cell in row)
        and type(versions) is int
    )
    if not ok:
        return None
    pairs = [(a[0], a[1]) for a in artifacts]
    return Kept(inputs, outputs, numbers, pairs, runs, row, versions)
