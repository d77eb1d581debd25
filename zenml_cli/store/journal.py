"""What the store's own writers just wrote into a folder, so no reader parses it again.

A listing right after a registration found every new version file missing from the folder's
index, and parsed each one again (0.15 ms of YAML a file: 150 ms for 1,000 versions, where the
warm listing costs 20 ms; issue 21.5). The writer knows what it wrote: ``WriteJournal.record``
appends ``(file name, stat key after the write, CRC-32 of the bytes, decoded mapping, the
projections an index keeps of it)`` to ``.zenml/.cache/<folder>.written``, one small
``O_APPEND`` write, from this process or any other. ``FolderIndex.load`` takes a file it has
no entry for from the journal instead of decoding it, under the same rule as its own racy
entries: only while the file's stat key is the recorded one *and* its bytes (read, not
parsed) have the recorded CRC-32. So a second write inside one timestamp tick, of the same
size, is seen; a journal planted by a commit cannot match the inode and change time of a
checked-out file; and the journal is never the source of truth.

Each record is a frame ``marshal payload, CRC-32 of the payload, its length``, read from the
end back: a reader looks only as far back as the files it misses (one new version costs one
frame, not the whole journal), and the newest record of a file comes first. The process that
wrote the records keeps them in memory too, so its own listing right after its writes does not
read them back (the same entries, under the same check).

Reading a just-written file's bytes back (one ``open`` and ``read`` a file: 40 ms for 10,000
versions, a quarter of a listing of 1,000 in process) is needed only while a rewrite could
still keep its stat key: within the filesystem timestamp tick of its change time. A writer
in a burst proves that moment past for the files it wrote before: when the change time of
the file it has just written (the filesystem's clock now, in the filesystem's own ticks) is
later than an earlier record's, it reads that earlier file back, and if its stat key and
bytes are still the recorded ones, the record is *settled*: any change from then on gets a
later change time (which no tool can set back), so the stat key alone tells whether it
still holds. The writer appends the names and keys it settled to its own frame, and a
reader takes a settled record whose key matches without reading the file. The last few
writes of a burst (those of its last tick) stay unsettled and are read as before; on a
filesystem whose clock is coarse none settle, which costs speed, never a stale read.

A torn or corrupt frame ends the reading (what lies before it is parsed from the files,
never trusted). Past ``MAX_BYTES`` the writer compacts the journal to the newest records of
the files that still have their recorded stat keys, newest first, up to half of
``MAX_BYTES``: a reader that needed a dropped record parses that file, as it would with no
journal.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import struct
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from zenml_cli.errors import CorruptManifestError
from zenml_cli.store import codec
from zenml_cli.store.bounded import read_as_stated, read_cache, read_cache_end
from zenml_cli.store.manifest_cache import (
    Entry,
    StatKey,
    atomic_replace,
    exactly_plain,
    stat_key,
    through_link,
)

#: The journal is compacted by the write that makes it longer than this (about 25,000 records
#: of a version: its manifest, public form and JSON pieces take about 1.3 KB), keeping a burst
#: of up to about 12,000 writes whole.
MAX_BYTES = 32 * 1024 * 1024
#: What a reader first reads per record it looks for (the journal's end, not all of it).
USUAL_RECORD = 1536
#: Records a reader looks back through beyond twice the number of files it misses.
LOOK_BACK = 256
_TAIL = 8
#: A frame's tail: the CRC-32 of its payload, then the payload's length.
_TAIL_FORMAT = struct.Struct(">II")
_FLAGS = (
    os.O_WRONLY
    | os.O_APPEND
    | os.O_CREAT
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_BINARY", 0)
)


class WriteJournal:
    """The journal file ``path`` of the manifests in ``folder`` (see the module docstring)."""

    def __init__(self, path: Path, folder: Path) -> None:
        self.path = path
        self.folder = folder

    def record(
        self,
        name: str,
        raw: bytes,
        data: dict[str, Any],
        projections: dict[str, Any] | None = None,
    ) -> None:
        """Note that ``raw``, whose decoded form is ``data``, was just written to the folder's
        file ``name``, with the ``projections`` a derived index keeps of it (``{index name:
        value}``, computed by the writer, which has the record at hand).

        Only what decoding ``raw`` would give back is noted: a mapping of exactly the types a
        manifest decodes to, that passes the decoder's checks. Best effort: a journal that
        cannot be written is skipped (the reader then parses the file)."""
        if not exactly_plain(data) or codec.has_conflict_markers(raw):
            return
        path = self.folder / name
        journal = str(self.path)
        try:
            codec.checked(data, path)
            now = os.lstat(path)
            key = stat_key(now)
            # each value packed on its own: a reader unpacks only the one its index keeps
            packed = {index: marshal.dumps(value) for index, value in (projections or {}).items()}
            entry = (key, marshal.dumps(data), zlib.crc32(raw), packed, False)
            settles = _settle_pending(journal, self.folder, name, now)
            payload = marshal.dumps((name, key, entry[2], entry[1], packed, settles))
        except (CorruptManifestError, OSError, ValueError):
            return
        if through_link(self.path):
            return
        try:
            try:
                fd = os.open(self.path, _FLAGS, 0o666)
            except FileNotFoundError:  # the first record of this folder
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, _FLAGS, 0o666)
        except OSError:  # a symbolic link (ELOOP) is never written through: no record
            return
        try:
            os.write(fd, _frame(payload))  # one write: concurrent appenders never interleave
            full = os.fstat(fd).st_size > MAX_BYTES
            _remember(journal, name, entry, settles)
        except OSError:
            full = False
        finally:
            os.close(fd)
        if full:
            self._compact()

    def entries(
        self, wanted: set[str], keys: Mapping[str, StatKey] | None = None
    ) -> dict[str, Entry]:
        """``{file name: (stat key, packed mapping, crc32, {index name: packed value},
        settled)}``: the newest record of each ``wanted`` file (values packed by ``marshal``),
        trusted under the check of a racy index entry (or, settled, of its stat key alone).
        Read from the end back until all are found, or for at most twice as many records as
        wanted plus ``LOOK_BACK``: a file written long ago, or not by zenml, costs a short
        look, never a read of the whole journal (first only its end, as much as the records
        looked for and ``LOOK_BACK`` more usually take)."""
        found = _recorded_here(str(self.path), wanted, keys) if keys else {}
        if len(found) == len(wanted):
            return found
        wanted = wanted - found.keys()
        budget = 2 * len(wanted) + LOOK_BACK
        end = read_cache_end(self.path, (len(wanted) + LOOK_BACK) * USUAL_RECORD, MAX_BYTES * 2)
        if end is None:
            return found
        read, left = _look_back(end[0], wanted, budget)
        if left and end[1] and len(read) < len(wanted):  # bigger records: read them all
            raw = read_cache(self.path, MAX_BYTES * 2)
            read, _ = _look_back(raw or b"", wanted, budget)
        found.update(read)
        return found

    def recent(self, keys: Mapping[str, StatKey]) -> dict[str, Entry]:
        """``entries`` of the files ``keys`` names, given their stat keys now
        (``manifest_cache.Recent``)."""
        return self.entries(set(keys), keys)

    def _compact(self) -> None:
        """Keep the newest record of each file that still has its recorded stat key, newest
        first, up to half of ``MAX_BYTES``: the records of a burst of writes just made are
        kept, the oldest are dropped (a reader that needs one parses that file)."""
        raw = read_cache(self.path, MAX_BYTES * 2) or b""
        seen: set[str] = set()
        kept: list[bytes] = []
        size = 0
        for name, entry in _newest_first(memoryview(raw)):
            if name in seen:
                continue
            seen.add(name)
            with contextlib.suppress(OSError):
                key, data, crc, projections, settled = entry
                if stat_key(os.lstat(self.folder / name)) == key:
                    settles = ((name, key),) if settled else ()  # the record settles itself
                    frame = _frame(marshal.dumps((name, key, crc, data, projections, settles)))
                    if size + len(frame) > MAX_BYTES // 2:
                        break
                    kept.append(frame)
                    size += len(frame)
        atomic_replace(self.path, b"".join(reversed(kept)))


class JournalLookup:
    """One file at a time from a journal, for a reader that misses files one by one (the
    memo of model manifests): the journal is read once, and its records are scanned from the
    end back only as far as the names asked so far need (``LOOK_BACK`` records, plus two for
    each name asked), remembering what it passed."""

    def __init__(self, journal: WriteJournal) -> None:
        self.journal = journal
        self._frames: Iterator[tuple[str, Entry]] | None = None
        self._seen: dict[str, Entry] = {}
        self._budget = LOOK_BACK

    def get(self, name: str) -> Entry | None:
        """The newest record of file ``name`` (as ``WriteJournal.entries`` gives), or None."""
        if name in self._seen:
            return self._seen[name]
        if self._frames is None:
            raw = read_cache(self.journal.path, MAX_BYTES * 2) or b""
            self._frames = _newest_first(memoryview(raw))
        self._budget += 2
        while self._budget > 0:
            step = next(self._frames, None)
            if step is None:
                break
            self._budget -= 1
            self._seen.setdefault(*step)  # newest first: an older record never replaces it
            if step[0] == name:
                return self._seen[name]
        return None


#: The records this process appended, per journal: ``{journal path: {file name: entry}}``. A
#: listing right after this process's own writes takes them from here instead of reading the
#: journal's frames back (the same entries, under the same check: a record of a file that
#: another process has since rewritten no longer matches its stat key and checksum, and that
#: file is parsed). At most ``REMEMBERED`` of them; past that, forgotten all at once.
_written_here: dict[str, dict[str, Entry]] = {}
REMEMBERED = 20_000
_remembered = [0]
#: This process's records not settled yet, per journal: ``{journal path: {file name: (stat
#: key, crc32)}}``, oldest first; at most ``PENDING`` per journal (on a filesystem whose
#: clock is coarse, the oldest are dropped: they stay unsettled, and are read back as before).
_pending: dict[str, dict[str, tuple[StatKey, int]]] = {}
PENDING = 64
#: The files this process recorded in each journal since their records were last folded into
#: the folder's indexes (``unfolded``): ``{journal path: {file name}}``.
_unfolded: dict[str, set[str]] = {}


def _settle_pending(
    journal: str, folder: Path, name: str, now: os.stat_result
) -> tuple[tuple[str, StatKey], ...]:
    """The earlier records of this process in ``journal`` that the write of file ``name``
    settles (``now``: that file's ``lstat``; its change time is the filesystem's clock after
    those records were made): those from an earlier tick whose files, read back now, still
    have the recorded stat key and bytes. ``name``'s own earlier record is superseded."""
    pending = _pending.setdefault(journal, {})
    pending.pop(name, None)
    clock = stat_key(now)[1]  # through ``stat_key``: a test's coarse clock holds here too
    done = []
    for other, (key, crc) in list(pending.items()):
        if key[1] >= clock:
            continue  # changed in this very tick: a rewrite could still keep its stat key
        pending.pop(other, None)  # (another thread of this process may have taken it)
        path = folder / other
        with contextlib.suppress(OSError):
            st = os.lstat(path)
            if st.st_dev == now.st_dev and stat_key(st) == key:
                raw = read_as_stated(str(path), st)
                if raw is not None and zlib.crc32(raw) == crc:
                    done.append((other, key))
    return tuple(done)


def _remember(
    journal: str, name: str, entry: Entry, settles: tuple[tuple[str, StatKey], ...]
) -> None:
    """Keep the record this process just appended (pending until a later write settles it),
    and mark the records that write settled."""
    if _remembered[0] >= REMEMBERED:
        _written_here.clear()
        _unfolded.clear()
        _remembered[0] = 0
    mine = _written_here.setdefault(journal, {})
    for other, key in settles:
        kept = mine.get(other)
        if kept is not None and kept[0] == key:
            mine[other] = (*kept[:4], True)
    mine[name] = entry
    _remembered[0] += 1
    _unfolded.setdefault(journal, set()).add(name)
    pending = _pending.setdefault(journal, {})
    pending[name] = (entry[0], entry[2])
    if len(pending) > PENDING:
        pending.pop(next(iter(pending)), None)


def unfolded_count(journal: Path) -> int:
    """How many files this process recorded in ``journal`` since the last ``unfolded``."""
    return len(_unfolded.get(str(journal), ()))


def unfolded(journal: Path) -> dict[str, Entry]:
    """This process's current records of the files it recorded in ``journal`` since the last
    call (those it still remembers), to be folded into the folder's indexes."""
    names = _unfolded.pop(str(journal), set())
    mine = _written_here.get(str(journal), {})
    return {name: mine[name] for name in names if name in mine}


def _recorded_here(journal: str, wanted: set[str], keys: Mapping[str, StatKey]) -> dict[str, Entry]:
    """The record this process appended to ``journal`` of each ``wanted`` file whose stat key
    is still the recorded one (``keys``: the files' keys now); a file rewritten since by
    another process is looked up in the journal, where that process recorded it."""
    mine = _written_here.get(journal)
    if not mine:
        return {}
    found = {}
    for name in wanted:
        entry = mine.get(name)
        if entry is not None and entry[0] == keys.get(name):
            found[name] = entry
    return found


def _look_back(raw: bytes, wanted: set[str], budget: int) -> tuple[dict[str, Entry], int]:
    """The newest record of each ``wanted`` file in ``raw`` (journal frames), looking at most
    ``budget`` records back; and what is left of the budget."""
    found: dict[str, Entry] = {}
    enabled = gc.isenabled()
    gc.disable()  # thousands of small dicts would otherwise trigger many GC passes
    try:
        for name, entry in _newest_first(memoryview(raw)):
            if name in wanted and name not in found:
                found[name] = entry
                if len(found) == len(wanted):
                    break
            budget -= 1
            if not budget:
                break
    finally:
        if enabled:
            gc.enable()
    return found, budget


def _frame(payload: bytes) -> bytes:
    return payload + zlib.crc32(payload).to_bytes(4, "big") + len(payload).to_bytes(4, "big")


def _newest_first(view: memoryview) -> Iterator[tuple[str, Entry]]:
    """``(file name, entry)`` of each well-formed frame, from the last back to a damaged one;
    an entry is settled when its frame or a later one says so (a writer settles its earlier
    records in a later frame, which this reads first)."""
    marks: set[tuple[str, StatKey]] = set()
    end = len(view)
    while end >= _TAIL:
        checksum, size = _TAIL_FORMAT.unpack_from(view, end - _TAIL)
        start = end - _TAIL - size
        if start < 0:
            return
        body = view[start : end - _TAIL]
        if zlib.crc32(body) != checksum:
            return  # torn by a killed writer, or a foreign file: stop trusting here
        end = start
        try:
            name, key, crc, data, projections, *rest = marshal.loads(body)
        except (EOFError, ValueError, TypeError):
            return
        if rest and rest[0] and type(rest[0]) is tuple:  # (none in a journal from before)
            marks.update(mark for mark in rest[0] if _is_mark(mark))
        if (
            type(name) is str
            and type(key) is tuple
            and type(crc) is int
            and type(data) is bytes
            and type(projections) is dict
        ):
            yield name, (key, data, crc, projections, (name, key) in marks)


def _is_mark(mark: object) -> bool:
    """True for a well-formed settle mark: ``(file name, stat key)``."""
    return (
        type(mark) is tuple and len(mark) == 2 and type(mark[0]) is str and type(mark[1]) is tuple
    )
