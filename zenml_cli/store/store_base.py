"""The store's foundation: where ``.zenml/`` is, its config, locks, temp-file sweeps and the
one guarded way to read and write a manifest. The record families (``store_models.py``,
``store_records.py``) build on it; ``store.py`` puts them together as ``Store``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import stat
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from zenml_cli.errors import CorruptManifestError, InvalidInputError
from zenml_cli.store import atomic, codec, locks
from zenml_cli.store.bounded import read_manifest
from zenml_cli.store.config import StoreConfig
from zenml_cli.store.journal import WriteJournal, unfolded, unfolded_count
from zenml_cli.store.layout import (
    CACHE_DIR,
    CONFIG_FILE,
    GITATTRIBUTES,
    GITIGNORE,
    LOCKS_DIR,
    STORE_DIR,
    TEMP_PREFIX,
    TRASH_DIR,
    Layout,
    is_safe_component,
    manifest_memo_file,
)
from zenml_cli.store.linked import LinkedFolderError, open_folder
from zenml_cli.store.manifest_cache import FolderIndex, atomic_replace
from zenml_cli.store.memo import ManifestMemo
from zenml_cli.store.number_hint import NextNumberHint

#: Reading this many files of one folder goes through the folder's cached index instead.
INDEX_MIN_FILES = 32

Clock = Callable[[], datetime]


class Manifest(NamedTuple):
    """A decoded manifest and where it came from (``source`` is for messages only)."""

    source: str
    data: dict[str, Any]


def utc_now() -> datetime:
    return datetime.now(UTC)


class StoreBase:
    """One project's ``.zenml/`` store. Cheap to build: nothing is read until asked."""

    def __init__(
        self,
        root: Path,
        *,
        clock: Clock = utc_now,
        payload_home: Path | None = None,
        use_cache: bool = True,
    ) -> None:
        self.root = Path(root)
        self.dir = self.root / STORE_DIR
        self.clock = clock
        #: The project whose artifact store and payload cache a relative ``artifact_store``
        #: means: the root itself, except for a transaction's private copy of ``.zenml/``,
        #: whose payloads must land in the user's project, not in a folder about to vanish.
        self.payload_home = Path(payload_home) if payload_home is not None else self.root
        self._config: StoreConfig | None = None
        self._config_stamp: tuple[int, int, int] | None = None
        self._layout: Layout | None = None
        self._names_by_case: bool | None = None
        #: False: every manifest is parsed from its file (doctor checks files, not caches).
        self.use_cache = use_cache
        self._recorded_in: set[Path] | None = None

    # ----------------------------------------------------------------------------- config
    @property
    def config(self) -> StoreConfig:
        """``config.yaml``, re-read whenever the file changed (a ``git pull`` that turns a
        policy on applies to the next write of a long-lived ``Client``); one stat per use."""
        path = self.dir / CONFIG_FILE
        stamp = _stamp(path)
        if self._config is None or stamp != self._config_stamp:
            try:
                data = self._memo_read(path, CONFIG_FILE, _decode_yaml)
            except FileNotFoundError:
                config = StoreConfig()
            else:
                config = StoreConfig.from_manifest(data, path)
            if self._config is not None and config.manifest_format != self._config.manifest_format:
                self._layout = None
            self._config, self._config_stamp = config, stamp
        return self._config

    @property
    def layout(self) -> Layout:
        """The store's paths (for the store's own modules and for tests that corrupt files)."""
        if self._layout is None:
            self._layout = Layout(self.root, "." + self.config.manifest_format)
        return self._layout

    def config_source(self) -> str:
        return str(self.dir / CONFIG_FILE)

    def is_initialised(self) -> bool:
        """True once ``config.yaml`` exists (a store may be found before it is initialised)."""
        return (self.dir / CONFIG_FILE).exists()

    def has_store_dir(self) -> bool:
        """True when the ``.zenml/`` folder exists (initialised or not)."""
        return self.dir.is_dir()

    def ensure_created(self) -> None:
        """Create the store on first write, with its config and git files (idempotent)."""
        if self.is_initialised():
            return
        self.set_config(self._config or StoreConfig())

    def set_config(self, config: StoreConfig) -> None:
        """Write a whole new config (``zenml init`` options, tests), and the git files if
        missing; ``set_config_value`` changes one setting of an existing one.

        The git files come first: once ``config.yaml`` exists the store counts as created and
        ``ensure_created`` no longer looks, so a crash in between must not leave them out."""
        self.dir.mkdir(parents=True, exist_ok=True)
        self._write_git_files()
        self._config = config
        self._layout = None
        manifest = config.to_manifest(codec.FORMAT_VERSION)
        raw = codec.encode(manifest, "yaml")
        self._write_bytes(self.dir / CONFIG_FILE, raw)
        self._note_manifest(self.dir / CONFIG_FILE, raw, manifest)
        self._config_stamp = _stamp(self.dir / CONFIG_FILE)

    def set_config_value(self, key: str, value: object) -> None:
        """Change one committed setting, keeping every other value of ``config.yaml`` as the
        file has it: never this process's overrides (``ZENML_LOCK_TIMEOUT``), nor a
        normalised or defaulted copy of what a teammate wrote."""
        self.ensure_created()
        path = self.dir / CONFIG_FILE
        data = {**_decode_yaml(read_manifest(path), path), key: value}
        raw = codec.encode(data, "yaml")
        self._write_bytes(path, raw)
        self._note_manifest(path, raw, data)
        self._config = self._layout = None  # read back, checked, on next use

    def _write_git_files(self) -> None:
        for name, text in ((".gitignore", GITIGNORE), (".gitattributes", GITATTRIBUTES)):
            if not (self.dir / name).exists():
                self._write_bytes(self.dir / name, text.encode())

    # ----------------------------------------------------------------------------- models

    # ----------------------------------------------------------------------------- locking
    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Hold the lock for one resource (``models``, ``model-<name>``, ``artifact-<name>``)
        for a whole read-modify-write. Keys are case-folded: names that differ only in case
        share a lock, as they would share a folder on macOS or Windows."""
        self.ensure_created()
        path = self.layout.lock_file(key)
        self._guard(path)
        with locks.hold(path, self.config.lock_timeout):
            yield

    def temp_leftovers(self) -> list[str]:
        """Every ``.tmp-*`` file or folder a killed writer left in the store (for doctor)."""
        found = []
        for folder, dirs, files in os.walk(self.dir):
            if folder == str(self.dir):
                dirs[:] = [d for d in dirs if d not in (CACHE_DIR, LOCKS_DIR, TRASH_DIR)]
            for name in (*dirs, *files):
                if name.startswith(TEMP_PREFIX):
                    found.append(os.path.join(folder, name))
            dirs[:] = [d for d in dirs if not d.startswith(TEMP_PREFIX)]
        return sorted(found)

    def _sweep_now_and_then(self, folder: Path) -> None:
        """``_sweep`` for a folder that may hold thousands of files (a model's versions), at
        most once per lock timeout, remembered by a marker's time in the cache: a promotion
        at 10,000 versions must not list the whole folder every time. A leftover missed by
        one sweep is removed by a later write."""
        import time

        marker = self.layout.cache_path(folder, ".swept")
        try:
            if marker.stat().st_mtime > time.time() - self.config.lock_timeout:
                return
        except OSError:
            pass
        self._sweep(folder)
        atomic_replace(marker, b"")

    def _sweep(self, folder: Path) -> None:
        """Remove ``.tmp-*`` leftovers of killed writers from ``folder`` once they are older
        than the lock timeout (no live writer holds a temp file that long); best effort."""
        import shutil
        import time

        cutoff = time.time() - self.config.lock_timeout  # file times are real times
        try:  # names only (no DirEntry per file): a quarter cheaper at 10,000 versions
            names = [name for name in os.listdir(folder) if name.startswith(TEMP_PREFIX)]
        except OSError:
            return
        for name in names:
            path = os.path.join(folder, name)
            try:
                found = os.lstat(path)
                if found.st_mtime >= cutoff:
                    continue
                if stat.S_ISDIR(found.st_mode):
                    shutil.rmtree(path)
                else:
                    os.unlink(path)
            except OSError:
                continue

    # ----------------------------------------------------------------------------- internals
    def _component_path(self, build: Callable[[str], Path], name: str) -> Path:
        """``build(name)`` after the one path guard: a name is one path component."""
        if not is_safe_component(name):
            raise InvalidInputError(f"{name!r} cannot be used as a file name in the store")
        return build(name)

    def _write(
        self, path: Path, data: dict[str, Any], *, note: dict[str, Any] | None = None
    ) -> None:
        """Write manifest ``data`` to ``path``. With ``note`` (the projections of ``data`` the
        writer has at hand, ``{index name: value}``, maybe none), also record it in the
        folder's journal, so the next reader of the folder's indexes need not parse it
        (``store/journal.py``)."""
        self.ensure_created()
        raw = self._encode(data)
        self._write_bytes(path, raw)
        if note is not None and self.use_cache:
            folder = path.parent
            journal = self._journal(folder)
            journal.record(path.name, raw, data, note)
            self._burst_folders().add(folder)

    def _burst_folders(self) -> set[Path]:
        """The folders this store recorded writes in: their records are folded into the
        folders' indexes when the store is dropped (or at exit), after a burst."""
        if self._recorded_in is None:
            self._recorded_in = set()
            weakref.finalize(self, fold_bursts, self.layout, self._recorded_in)
        return self._recorded_in

    def _write_bytes(self, path: Path, data: bytes) -> None:
        self._guard(path)
        atomic.atomic_write(path, data)

    def _guard(self, path: Path) -> None:
        """Refuse a write whose path passes through a symbolic link out of ``.zenml/``."""
        link = atomic.link_out_of(path, self.dir)
        if link is not None:
            raise CorruptManifestError(
                link, "is a symbolic link out of the store; zenml never writes through it"
            )

    def _encode(self, data: dict[str, Any]) -> bytes:
        return codec.encode(data, self.config.manifest_format)

    def _decode(self, raw: bytes, path: Path) -> dict[str, Any]:
        return codec.decode(raw, self.config.manifest_format, path)

    def _read_optional(self, path: Path) -> dict[str, Any] | None:
        try:
            return self._decode(read_manifest(path), path)
        except FileNotFoundError:
            return None

    def _memo_read(
        self, path: Path, name: str, decode: Callable[[bytes, Path], dict[str, Any]]
    ) -> dict[str, Any]:
        if not self.use_cache:
            return decode(read_manifest(path), path)
        return self._manifest_memo.read(path, name, decode)

    def _indexed(self, folder: Path, wanted: int) -> dict[str, dict[str, Any]]:
        """The folder's decoded manifests from its index when ``wanted`` files make one worth
        it; else nothing, and the caller reads the few files directly."""
        if wanted < INDEX_MIN_FILES or not self.use_cache:
            return {}
        journal = self._journal(folder)
        return self._folder_index(folder).load(
            self._decode, lambda keys: journal.entries(set(keys), keys)
        )

    def _folder_index(self, folder: Path) -> FolderIndex:
        return FolderIndex(folder, index_path(self.layout, folder), self.layout.ext)

    def _journal(self, folder: Path) -> WriteJournal:
        return WriteJournal(journal_path(self.layout, folder), folder)

    def _number_hint(self, model: str) -> NextNumberHint:
        folder = self.layout.versions_dir(model)
        return NextNumberHint(folder, self.layout.cache_path(folder, ".next"), self.layout.ext)

    @functools.cached_property
    def _manifest_memo(self) -> ManifestMemo:
        return ManifestMemo(manifest_memo_file(self.dir), self.dir)

    def _note_manifest(self, path: Path, raw: bytes, data: dict[str, Any]) -> None:
        """Record a config or model manifest just written in the memo's journal, so the next
        reader takes it from there instead of parsing it (``store/journal.py``)."""
        if self.use_cache:
            relative = str(path)[len(str(self.dir)) + 1 :]
            self._manifest_memo.journal.record(relative, raw, data)


def journal_path(layout: Layout, folder: Path) -> Path:
    """Where the journal of what was just written into ``folder`` lives (``store/journal.py``)."""
    return layout.cache_path(folder, ".written")


def index_path(layout: Layout, folder: Path, name: str = "") -> Path:
    """Where ``folder``'s derived index ``name`` lives: the whole manifests' without a name,
    else the projection's of that name (``manifest_cache.FolderIndex``)."""
    return layout.cache_path(folder, "." + name if name else ".index")


#: When a store is dropped (or at exit), the journal records it made in a folder, if at least
#: this many, are folded into the folder's indexes (``FolderIndex.fold``): a burst of
#: registrations then lists warm in any process, without reading its journal back. Never
#: inside a write (its locks held), and never for one write (a CLI registration): a fold
#: rewrites each index of the folder (~0.2 s at 10,000 versions).
FOLD_FROM = 64


def fold_records(layout: Layout, folder: Path) -> None:
    """Fold this process's unfolded journal records of ``folder`` into each of its indexes
    (the whole manifests', and each projection the records carry). Best effort: a folder
    gone meanwhile (a deleted project) is left alone, an index not written is rebuilt."""
    records = unfolded(journal_path(layout, folder))
    if not records or not folder.is_dir():
        return
    names = {""} | {name for entry in records.values() for name in entry[3]}
    for name in sorted(names):
        cache = index_path(layout, folder, name)
        with contextlib.suppress(OSError, ValueError):  # a cache is never needed
            FolderIndex(folder, cache, layout.ext, None, name).fold(records)


def fold_bursts(layout: Layout, folders: set[Path]) -> None:
    """``fold_records`` for each of a store's ``folders`` with at least ``FOLD_FROM`` unfolded
    records."""
    for folder in list(folders):
        if unfolded_count(journal_path(layout, folder)) >= FOLD_FROM:
            fold_records(layout, folder)


def entries_under(folder: Path, child: str) -> list[str]:
    """``visible_entries(folder / child)``, where ``folder`` must exist (FileNotFoundError
    otherwise) and ``child`` may not: both are read through one open handle of ``folder``,
    neither through a link (LinkedFolderError: a committed link would list another folder)."""
    handle = open_folder(folder)
    try:
        try:
            inner = open_folder(child, handle)
        except FileNotFoundError:
            return []
        except LinkedFolderError:
            raise LinkedFolderError(folder / child) from None
        try:
            return [name for name in os.listdir(inner) if not name.startswith(TEMP_PREFIX)]
        finally:
            os.close(inner)
    finally:
        os.close(handle)


def visible_entries(folder: Path) -> list[str]:
    """Entries of a folder, minus temp files a crashed writer may have left behind."""
    try:
        return [name for name in os.listdir(folder) if not name.startswith(TEMP_PREFIX)]
    except FileNotFoundError:
        return []


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """What tells a changed file: inode, size and modification time (None: no file)."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return (found.st_ino, found.st_size, found.st_mtime_ns)


def _decode_yaml(raw: bytes, path: Path) -> dict[str, Any]:
    return codec.decode(raw, "yaml", path)
