"""What the store's own writers just wrote into a folder, so no reader parses it again.

A listing right after a registration found every new version file missing from the folder's
index, and parsed each one again (0.15 ms of YAML a file: 150 ms for 1,000 versions, where the
warm listing costs 20 ms; issue 21.5). The writer knows what it wrote: ``WriteJournal.record``
appends ``(file name, stat key after the write, CRC-32 of the bytes, decoded mapping)`` to
``.zenml/.cache/<folder>.written``, one small ``O_APPEND`` write, from this process or any other.
``FolderIndex.load`` takes a file it has no entry for from the journal instead of decoding it,
under the same rule as its own racy entries: only while the file's stat key is the recorded
one *and* its bytes (read, not parsed) have the recorded CRC-32. So a second write inside one
timestamp tick, of the same size, is seen; a journal planted by a commit cannot match the
inode and change time of a checked-out file; and the journal is never the source of truth.

Each record is a frame ``length, CRC-32 of the payload, marshal payload``: a torn or corrupt
frame ends the reading (what follows is parsed from the files, never trusted). The file is
emptied once it passes ``MAX_BYTES`` (about 20,000 versions): a reader that still needed an
older record parses that file, as it would with no journal.
"""

from __future__ import annotations

import gc
import marshal
import os
import zlib
from pathlib import Path
from typing import Any

from zenml_cli.errors import CorruptManifestError
from zenml_cli.store import codec
from zenml_cli.store.bounded import read_cache
from zenml_cli.store.index import Entry, exactly_plain, stat_key, through_link

#: The journal is emptied by the write that makes it longer than this.
MAX_BYTES = 8 * 1024 * 1024
_HEAD = 8
_FLAGS = (
    os.O_WRONLY
    | os.O_APPEND
    | os.O_CREAT
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_BINARY", 0)
)


class WriteJournal:
    """The records of one folder's journal file (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def record(
        self,
        name: str,
        path: Path,
        raw: bytes,
        data: dict[str, Any],
        projections: dict[str, Any] | None = None,
    ) -> None:
        """Note that ``raw``, whose decoded form is ``data``, was just written to ``path``, with
        the ``projections`` a derived index keeps of it (``{index name: value}``, computed by
        the writer, which has the record at hand).

        Only what decoding ``raw`` would give back is noted: a mapping of exactly the types a
        manifest decodes to, that passes the decoder's checks. Best effort: a journal that
        cannot be written is skipped (the reader then parses the file)."""
        if not exactly_plain(data) or codec.has_conflict_markers(raw):
            return
        try:
            codec.checked(data, path)
            key = stat_key(os.lstat(path))
            # each value packed on its own: a reader unpacks only the one its index keeps
            packed = {index: marshal.dumps(value) for index, value in (projections or {}).items()}
            payload = marshal.dumps((name, key, zlib.crc32(raw), marshal.dumps(data), packed))
        except (CorruptManifestError, OSError, ValueError):
            return
        frame = len(payload).to_bytes(4, "big") + zlib.crc32(payload).to_bytes(4, "big")
        if through_link(self.path):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, _FLAGS, 0o666)
        except OSError:  # a symbolic link (ELOOP) is never written through: no record
            return
        try:
            os.write(fd, frame + payload)  # one write: concurrent appenders never interleave
            if os.fstat(fd).st_size > MAX_BYTES:
                os.ftruncate(fd, 0)
        except OSError:
            pass
        finally:
            os.close(fd)

    def entries(self) -> dict[str, Entry]:
        """``{file name: (stat key, packed mapping, crc32, {index name: packed value})}``, the
        newest record of each file (values packed by ``marshal``), trusted
        under the check of a racy ``FolderIndex`` entry."""
        raw = read_cache(self.path, MAX_BYTES * 2)
        found: dict[str, Entry] = {}
        if not raw:
            return found
        enabled = gc.isenabled()
        gc.disable()  # thousands of small dicts would otherwise trigger many GC passes
        try:
            _parse(memoryview(raw), found)
        finally:
            if enabled:
                gc.enable()
        return found


def _parse(view: memoryview, found: dict[str, Entry]) -> None:
    at, end = 0, len(view)
    while at + _HEAD <= end:
        size = int.from_bytes(view[at : at + 4], "big")
        body = view[at + _HEAD : at + _HEAD + size]
        if len(body) != size or zlib.crc32(body) != int.from_bytes(view[at + 4 : at + 8], "big"):
            return  # torn by a concurrent append or truncation: stop trusting here
        at += _HEAD + size
        try:
            name, key, crc, data, projections = marshal.loads(body)
        except (EOFError, ValueError, TypeError):
            return
        if (
            type(name) is str
            and type(key) is tuple
            and type(crc) is int
            and type(data) is bytes
            and type(projections) is dict
        ):
            found[name] = (key, data, crc, projections)
