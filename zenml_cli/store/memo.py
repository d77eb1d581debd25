"""A memo of the store's decoded config and model manifests, so a command that reads only
those never imports or runs PyYAML (the rules of trust are ``store/manifest_cache.py``'s)."""

from __future__ import annotations

import contextlib
import marshal
import os
import weakref
import zlib
from pathlib import Path
from typing import Any

from zenml_cli.store import manifest_cache as index
from zenml_cli.store.bounded import read_manifest
from zenml_cli.store.journal import JournalLookup, WriteJournal
from zenml_cli.store.manifest_cache import Decoder, Entry


class ManifestMemo:
    """Decoded config and model manifests of the whole store, in one small cache file.

    Every read still stats the manifest and uses the memo only while its stat key matches, as
    ``FolderIndex`` does; a hit unmarshals its own bytes, so callers always get fresh objects.
    The gain: a command that reads only cached manifests never imports or runs PyYAML.
    """

    MAX_ENTRIES = 4096
    FLUSH_EVERY = 64

    def __init__(self, cache_file: Path, store_dir: Path) -> None:
        self.cache_file = cache_file
        self._entries: dict[str, Entry] | None = None
        #: What the store's writers just wrote of these manifests (``store/journal.py``),
        #: by path relative to ``store_dir``, as the memo names them.
        self.journal = WriteJournal(cache_file.with_suffix(".written"), store_dir)
        self._recent: JournalLookup | None = None
        self._pending: dict[str, Entry] = {}
        weakref.finalize(self, _flush, cache_file, self._pending)

    def read(self, path: Path, name: str, decode: Decoder) -> dict[str, Any]:
        """``path`` decoded (``name``: its key in the memo). FileNotFoundError passes through."""
        st = os.stat(path)
        key = index.stat_key(st)
        if self._entries is None:
            self._entries = self._load()
        hit = self._entries.get(name)
        racy = max(st.st_mtime_ns, st.st_ctime_ns) >= index.clock_ns() - index.RACY_NS
        raw = None
        if index.entry_ok(hit, False) and type(hit[1]) is bytes and hit[0] == key:
            if len(hit) == 3:  # cached while racy: trusted only with the same bytes
                raw = index.read_or_none(str(path))
            if len(hit) == 2 or (raw is not None and zlib.crc32(raw) == hit[2]):
                with contextlib.suppress(EOFError, ValueError, TypeError):
                    data = marshal.loads(hit[1])
                    if type(data) is dict:
                        if len(hit) == 3 and not racy:  # settled: the stat key suffices now
                            self._entries[name] = (key, hit[1])
                            self._save(name)
                        return data
        if raw is None:
            data = self._recorded(name, key, None)
            if data is not None:  # settled by its writer: the stat key suffices, no read
                self._keep(name, key, data, None)
                return data
            raw = read_manifest(path)
        data = self._recorded(name, key, raw) or decode(raw, path)
        self._keep(name, key, data, zlib.crc32(raw) if racy else None)
        return data

    def _keep(self, name: str, key: index.StatKey, data: dict[str, Any], crc: int | None) -> None:
        """Memo ``data`` under the file's stat key (and ``crc``, the checksum of its bytes,
        for a file that could still change within its timestamp tick)."""
        assert self._entries is not None
        if index.marshals(data):
            packed = marshal.dumps(data)
            self._entries[name] = (key, packed) if crc is None else (key, packed, crc)
            self._save(name)

    def _recorded(self, name: str, key: index.StatKey, raw: bytes | None) -> dict[str, Any] | None:
        """The manifest as its writer recorded it, while the file's stat key and checksum are
        the recorded ones, or (``raw`` None: the file not read) its stat key alone for a record
        its writer settled (never parsed: a just-created model lists without PyYAML)."""
        if self._recent is None:
            self._recent = JournalLookup(self.journal)
        noted = self._recent.get(name)
        if noted is None or noted[0] != key:
            return None
        if not (index.settled(noted) if raw is None else noted[2] == zlib.crc32(raw)):
            return None
        with contextlib.suppress(ValueError):
            data = index.unpack(noted[1])
            if type(data) is dict:
                return data
        return None

    def _load(self) -> dict[str, Entry]:
        return _load(self.cache_file)

    def _save(self, name: str) -> None:
        """Keep entry ``name`` for the memo file: written with the others this memo changes,
        once ``FLUSH_EVERY`` are waiting, when the memo is dropped, or at exit (a listing of
        20 new models replaced the file 20 times: 8 ms a rename on a busy disk)."""
        assert self._entries is not None
        self._pending[name] = self._entries[name]
        if len(self._pending) >= self.FLUSH_EVERY:
            _flush(self.cache_file, self._pending)


def _load(cache_file: Path) -> dict[str, Entry]:
    body = index.read_checked_cache(cache_file, index.CACHE_FORMAT)
    if body is None:
        return {}
    try:
        entries = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return {}
    return entries if type(entries) is dict else {}


def _flush(cache_file: Path, pending: dict[str, Entry]) -> None:
    """Merge ``pending`` into the memo file (keeping what other processes added meanwhile),
    unless the store is gone (a temporary project deleted before this process exits)."""
    if not pending or not cache_file.parent.parent.is_dir():
        return
    merged = _load(cache_file)
    if len(merged) + len(pending) > ManifestMemo.MAX_ENTRIES:
        merged = {}
    merged.update(pending)
    pending.clear()
    index.write_checked_cache(cache_file, index.CACHE_FORMAT, marshal.dumps(merged))
