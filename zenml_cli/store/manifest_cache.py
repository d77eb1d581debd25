"""A derived, git-ignored cache of decoded manifests, so big folders are not re-parsed.

Parsing YAML costs ~0.2 ms a file, so a model with 10,000 versions would cost two seconds to
list. ``FolderIndex`` keeps the decoded mapping of every manifest of one folder in
``.zenml/.cache/<folder>.index`` and trusts an entry only while the file's stat key is unchanged:
``(st_mtime_ns, st_ctime_ns, st_size, st_ino)`` from one ``os.scandir``. The cache is never the
source of truth and never stale:

- any write replaces the file (new inode, new ctime); an in-place edit changes ctime, which
  ordinary tools cannot set back (``os.utime``/``touch -d`` restore mtime only); ``git
  checkout``/``merge`` write new files; a deleted file has no stat and drops out; an added file
  has no entry and is parsed. (On Windows ``st_ctime`` is the creation time, so there an
  in-place edit that keeps the size *and* restores the mtime would go unseen.)
- "racy" entries, whose mtime or ctime is within ``RACY_NS`` of the scan, are cached with a
  CRC-32 of the file's bytes and trusted only while the bytes still match (one read, no
  parse): a second write inside the same filesystem timestamp tick, of the same size, could
  not be told apart by its stat key alone. A store written moments ago (by this process or
  another) is thus served from the cache on the next read, never stale (issue 21.5). Once
  the file is older than ``RACY_NS``, its entry drops the checksum and the stat key suffices.
- the cache file is written atomically (temp file + ``os.replace``) and carries a checksum; a
  corrupt, partial or foreign cache is ignored and rebuilt. Concurrent writers of the cache
  race harmlessly: each writes a complete, self-validating snapshot.

``store/number_hint.py`` is the same idea for allocation.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeGuard

from zenml_cli.limits import MAX_CACHE_BYTES, MAX_MANIFEST_BYTES
from zenml_cli.store.bounded import (
    ReadRefused,
    read_as_stated,
    read_bounded,
    read_cache,
    read_manifest,
)
from zenml_cli.store.layout import CACHE_DIR, TEMP_PREFIX

#: Bump when the cache layout changes; an old cache is then simply rebuilt.
CACHE_FORMAT = b"zenml-cli-index-2\n"
#: Files touched this recently (2 s) are cached only with a checksum of their bytes.
RACY_NS = 2_000_000_000

#: The clock the racy check compares file times with (tests move it forward).
clock_ns: Callable[[], int] = time.time_ns

StatKey = tuple[int, int, int, int]
#: Where ``os.scandir`` takes a folder's handle (not Windows), a listing reads through one.
_BY_HANDLE = os.scandir in os.supports_fd and os.open in os.supports_dir_fd
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
#: No value yet (a journal record that could not be used).
_UNSET: Any = object()
#: ``(stat key, value)``, or ``(stat key, value, crc32)`` for a file cached while racy.
Entry = tuple[Any, ...]
Decoder = Callable[[bytes, Path], dict[str, Any]]
#: What the store's writers just wrote (``store/journal.py``) of the files named, given each
#: file's stat key now: ``{file name: journal entry}``.
Recent = Callable[[dict[str, StatKey]], dict[str, Entry]]
#: A file the cache could not vouch for: ``(path, name, stat, stat key, racy, bytes or None,
#: a symbolic link)``.
_Miss = tuple[str, str, os.stat_result, StatKey, bool, bytes | None, bool]


def stat_key(st: os.stat_result) -> StatKey:
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


class FolderIndex:
    """The decoded manifests of one folder, validated file by file against the disk.

    With ``project``, the index keeps ``project(mapping)`` instead of the whole mapping (e.g.
    just the name and id of each version): a much smaller cache for lookups."""

    def __init__(
        self,
        folder: Path,
        cache_file: Path,
        suffix: str,
        project: Callable[[dict[str, Any]], Any] | None = None,
        name: str = "",
    ) -> None:
        self.folder = folder
        #: The projection's name, under which a writer may have recorded its value.
        self.name = name
        self.cache_file = cache_file
        self.suffix = suffix
        self.project = project

    def load(
        self,
        decode: Decoder,
        recent: Recent | None = None,
    ) -> dict[str, Any]:
        """``{file name: decoded mapping}`` for every manifest in the folder, parsing only the
        files whose stat key changed since the cache was written. A file that fails to decode is
        left out (and never cached): reading it directly raises the error that names it.

        ``recent({name: stat key})`` gives what the store's writers just wrote of those files
        (``store/journal.py``), as racy entries: a file missing here is taken from there,
        without parsing, while its stat key and the CRC-32 of its bytes are the recorded ones."""
        settled_before = clock_ns() - RACY_NS
        enabled = gc.isenabled()
        gc.disable()  # thousands of small objects would otherwise trigger many GC passes
        try:
            return self._load(decode, recent, settled_before)
        finally:
            if enabled:
                gc.enable()

    def _load(
        self,
        decode: Decoder,
        recent: Recent | None,
        settled_before: int,
    ) -> dict[str, Any]:
        cached = self._read_cache()
        try:  # files are stat'ed and opened through the folder's handle: no path walk each
            handle = os.open(self.folder, _FOLDER_FLAGS) if _BY_HANDLE else None
        except FileNotFoundError:
            return {}
        try:
            return self._scan(cached, handle, decode, recent, settled_before)
        finally:
            if handle is not None:
                os.close(handle)

    def _scan(
        self,
        cached: dict[str, Entry],
        handle: int | None,
        decode: Decoder,
        recent: Recent | None,
        settled_before: int,
    ) -> dict[str, Any]:
        fresh: dict[str, Entry] = {}
        result: dict[str, Any] = {}
        changed = False
        misses: list[_Miss] = []
        try:
            entries = list(os.scandir(self.folder if handle is None else handle))
        except FileNotFoundError:
            return {}
        suffix, mapping, key_of = self.suffix, self.project is None, stat_key
        base = os.path.join(self.folder, "")
        for entry in entries:
            name = entry.name
            if not name.endswith(suffix) or name.startswith(TEMP_PREFIX):
                continue
            try:
                st = entry.stat()  # follows a symlink: the target's key counts
            except FileNotFoundError:  # deleted while we scanned
                changed = True
                continue
            key = key_of(st)
            racy = st.st_mtime_ns >= settled_before or st.st_ctime_ns >= settled_before
            hit = cached.get(name)
            raw = None
            if hit is not None and entry_ok(hit, mapping) and hit[0] == key:
                if len(hit) == 2:
                    fresh[name] = hit
                    result[name] = hit[1]
                    continue
                where = name if handle is not None else base + name  # in the folder, or whole
                raw = read_as_stated(where, st, dir_fd=handle) or read_or_none(base + name)
                if raw is not None and zlib.crc32(raw) == hit[2]:  # same bytes as cached
                    if racy:
                        fresh[name] = hit
                    else:
                        fresh[name] = (key, hit[1])
                        changed = True
                    result[name] = hit[1]
                    continue
            misses.append((base + name, name, st, key, racy, raw, entry.is_symlink()))
        if misses:
            written = recent({miss[1]: miss[3] for miss in misses}) if recent is not None else {}
            self._read_misses(misses, written, decode, fresh, result, handle)
        if misses or changed or len(fresh) != len(cached):
            self._write_cache(fresh)
        return result

    def _read_misses(
        self,
        misses: list[_Miss],
        written: dict[str, Entry],
        decode: Decoder,
        fresh: dict[str, Entry],
        result: dict[str, Any],
        handle: int | None,
    ) -> None:
        """Read the files the cache could not vouch for into ``fresh`` and ``result``: each
        as the store's writer recorded it (``written``), while the file's stat key and checksum
        are the recorded ones (``store/journal.py``), or its stat key alone for a record its
        writer settled (the file is then not read); else decoded (and projected) here."""
        for path, name, st, key, racy, raw, link in misses:
            noted = written.get(name)
            if noted is not None and noted[0] != key:
                noted = None  # a record of what the file held before
            try:
                if noted is not None and not link and settled(noted):
                    value = self._noted(noted)
                    if value is not _UNSET:
                        result[name] = value
                        fresh[name] = (key, value)  # settled: the stat key suffices from now on
                        continue
                if raw is None:
                    where = name if handle is not None else path
                    raw = read_as_stated(where, st, dir_fd=handle) or read_manifest(Path(path))
                crc = zlib.crc32(raw)
                value = _UNSET
                if noted is not None and noted[2] == crc:
                    value = self._noted(noted)
                if value is _UNSET:
                    data = decode(raw, Path(path))
                    value = data if self.project is None else self.project(data)
            except Exception:  # unreadable or invalid: not cached; a direct read reports it
                continue
            result[name] = value
            fresh[name] = (key, value, crc) if racy else (key, value)

    def _noted(self, noted: Entry) -> Any:
        """What this index keeps of a journal record whose file is unchanged: the writer's
        projection for it, else the record's mapping (these very bytes, decoded), projected
        here; ``_UNSET`` for a damaged record (the caller then parses the file)."""
        packed = noted[3].get(self.name) if self.name else None
        try:
            if packed is not None:
                return unpack(packed)  # as the writer projected it
            data = unpack(noted[1])
        except ValueError:
            return _UNSET
        if type(data) is not dict:
            return _UNSET
        return data if self.project is None else self.project(data)

    def fold(self, written: dict[str, Entry]) -> None:
        """Put records of files this process just wrote (``{file name: journal entry}``,
        ``store/journal.py``) into the cache file, as entries a reader checks as it checks its
        own: by stat key alone for a settled record, else also by the checksum of the bytes.
        A burst of writes then reads warm without its journal (issue 21.5). A projection
        index takes only records that carry its projection (it never projects here)."""
        cached = self._read_cache()
        for name, noted in written.items():
            if self.name and self.name not in noted[3]:
                continue
            value = self._noted(noted)
            if value is _UNSET or not entry_ok((noted[0], value), not self.name):
                continue
            cached[name] = (noted[0], value) if settled(noted) else (noted[0], value, noted[2])
        self._write_cache(cached)

    def _read_cache(self) -> dict[str, Entry]:
        body = read_checked_cache(self.cache_file, CACHE_FORMAT)
        if body is None:
            return {}  # missing, foreign, torn or corrupt: ignore and rebuild
        enabled = gc.isenabled()
        gc.disable()  # loading 10,000 small dicts would otherwise trigger many GC passes
        try:
            suffix, entries = marshal.loads(body)
        except (EOFError, ValueError, TypeError):
            return {}
        finally:
            if enabled:
                gc.enable()
        if suffix != self.suffix or not isinstance(entries, dict):
            return {}
        return entries

    def _write_cache(self, entries: dict[str, Entry]) -> None:
        try:
            body = marshal.dumps((self.suffix, entries))
        except ValueError:  # a value marshal cannot hold (YAML's dates): leave those out
            entries = {name: entry for name, entry in entries.items() if marshals(entry)}
            body = marshal.dumps((self.suffix, entries))
        write_checked_cache(self.cache_file, CACHE_FORMAT, body)


def write_checked_cache(path: Path, header: bytes, body: bytes) -> None:
    """A derived cache file as ``header``, the CRC-32 of ``body``, then ``body``: what
    ``read_checked_cache`` accepts (written with ``atomic_replace``, best effort)."""
    atomic_replace(path, header + zlib.crc32(body).to_bytes(4, "big") + body)


def read_checked_cache(path: Path, header: bytes, limit: int = MAX_CACHE_BYTES) -> bytes | None:
    """The body of a cache file ``write_checked_cache`` wrote under ``header``; None when the
    file is missing, over ``limit``, another format's, torn or corrupt (its caller then
    rebuilds: a cache is never needed)."""
    raw = read_cache(path, limit)
    head = len(header)
    if raw is None or raw[:head] != header or len(raw) < head + 4:
        return None
    body = raw[head + 4 :]
    if zlib.crc32(body).to_bytes(4, "big") != raw[head : head + 4]:
        return None
    return body


def atomic_replace(path: Path, data: bytes) -> None:
    """Write a cache file atomically, best effort: a cache that cannot be written is skipped.

    No fsync: after a crash the checksum or the stat check rejects whatever is left. A cache
    path that passes through a symbolic link is not written (``os.replace`` would replace a
    link at ``path`` itself, but a linked folder would lead out of the store)."""
    tmp = path.with_name(f"{TEMP_PREFIX}{os.urandom(6).hex()}-{path.name}")
    if through_link(path):
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def entry_ok(hit: object, mapping: bool) -> TypeGuard[tuple[Any, ...]]:
    """True for a well-formed cache entry ``(stat key, value)`` or, for a file cached while
    racy, ``(stat key, value, crc32 of its bytes)``: a cache whose checksum holds
    can still be foreign or hand-made, and a malformed entry is ignored (and rebuilt), never
    trusted or crashed on."""
    return (
        type(hit) is tuple
        and (len(hit) == 2 or (len(hit) == 3 and type(hit[2]) is int))
        and type(hit[0]) is tuple
        and len(hit[0]) == 4
        and (not mapping or type(hit[1]) is dict)
    )


def settled(noted: Entry) -> bool:
    """True for a journal record (``store/journal.py``) its writer proved settled: while the
    file's stat key is the recorded one, so are its bytes."""
    return len(noted) > 4 and noted[4] is True


def read_or_none(path: str) -> bytes | None:
    """A manifest's bytes for the checksum check, or None (then the caller reads it the
    checked way, which names what is wrong): bounded, never through a link or a FIFO."""
    try:
        return read_bounded(path, MAX_MANIFEST_BYTES)
    except (OSError, ReadRefused):
        return None


def through_link(path: Path) -> bool:
    """True when a folder of ``path`` at or below the store's ``.cache`` is a symbolic link."""
    for folder in path.parents:
        if folder.is_symlink():
            return True
        if folder.name == CACHE_DIR:
            return False
    return False


def exactly_plain(value: Any) -> bool:
    """True if ``value`` is built only of what decoding a manifest yields (mappings with text
    keys, lists, text, numbers, booleans, None): no tuple, which would come back a list."""
    kind = type(value)
    if kind is dict:
        return all(type(k) is str and exactly_plain(v) for k, v in value.items())
    if kind is list:
        return all(exactly_plain(item) for item in value)
    return kind in (str, int, float, bool, type(None))


def unpack(packed: object) -> Any:
    """A value packed by ``marshal`` in a journal record; ValueError when it is not one."""
    if type(packed) is not bytes:
        raise ValueError("not a packed value")
    try:
        return marshal.loads(packed)
    except (EOFError, TypeError) as exc:
        raise ValueError(str(exc)) from None


def marshals(value: Any) -> bool:
    """True if marshal can hold ``value``; what it holds comes back unchanged, of the very same
    types (it refuses dates, subclasses such as enums, and anything else YAML may yield)."""
    try:
        marshal.dumps(value)
    except ValueError:
        return False
    return True
