"""The ``.zenml/`` folder: where it is, and every read and write of it.

This is the only module family that touches the filesystem. The core asks for records by
what they are ("model ``m``", "version 7 of ``m``", "the history of ``m``") and gets decoded
mappings back, each with its ``source`` (the file's name, for error messages only); it never
sees a path it has to open. ``store/layout.py`` names every path.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from zenml_cli.digits import is_number_text
from zenml_cli.errors import CorruptManifestError, InvalidInputError
from zenml_cli.limits import MAX_HISTORY_BYTES
from zenml_cli.store import atomic, codec, locks
from zenml_cli.store.bounded import ReadRefused, open_bounded, read_bounded, read_manifest
from zenml_cli.store.config import StoreConfig
from zenml_cli.store.index import FolderIndex, ManifestMemo, NextNumberHint, atomic_replace
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
from zenml_cli.store.locate import ENV_PROJECT_DIR, find_project_root

__all__ = ["ENV_PROJECT_DIR", "Manifest", "Store", "find_project_root"]

#: Reading this many files of one folder goes through the folder's cached index instead.
INDEX_MIN_FILES = 32

Clock = Callable[[], datetime]


class Manifest(NamedTuple):
    """A decoded manifest and where it came from (``source`` is for messages only)."""

    source: str
    data: dict[str, Any]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Store:
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

    def uncached(self) -> Store:
        """The same store, reading every manifest from its file and never from a cache."""
        return Store(self.root, clock=self.clock, payload_home=self.payload_home, use_cache=False)

    @classmethod
    def locate(
        cls, project_dir: str | os.PathLike[str] | None = None, *, require_store: bool = False
    ) -> Store:
        """The store found by ``store/locate.py``'s rules; ``require_store`` refuses an
        explicit folder without ``.zenml/`` (everything but ``zenml init``)."""
        return cls(find_project_root(project_dir, require_store=require_store))

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
        """Write a new config (``zenml init`` options, tests), and the git files if missing.

        The git files come first: once ``config.yaml`` exists the store counts as created and
        ``ensure_created`` no longer looks, so a crash in between must not leave them out."""
        self.dir.mkdir(parents=True, exist_ok=True)
        self._write_git_files()
        self._config = config
        self._layout = None
        self._write_bytes(
            self.dir / CONFIG_FILE, codec.encode(config.to_manifest(codec.FORMAT_VERSION), "yaml")
        )
        self._config_stamp = _stamp(self.dir / CONFIG_FILE)

    def _write_git_files(self) -> None:
        for name, text in ((".gitignore", GITIGNORE), (".gitattributes", GITATTRIBUTES)):
            if not (self.dir / name).exists():
                self._write_bytes(self.dir / name, text.encode())

    # ----------------------------------------------------------------------------- models
    def model_names(self) -> list[str]:
        """Names of every model folder (unsorted)."""
        return _visible_entries(self.layout.models_dir)

    def has_model_folder(self, name: str) -> bool:
        """True when a folder of exactly this name is listed (on a case-insensitive file
        system, opening 'IRIS' would find iris/; lookups must stay exact). Where names are
        case-sensitive, one ``stat`` says it; listing ``models/`` for every lookup made
        anything that looks up each model quadratic (issue 21.3)."""
        if not is_safe_component(name):
            return False
        if self._case_sensitive():
            return self.layout.model_dir(name).is_dir()
        return name in self.model_names()

    def _case_sensitive(self) -> bool:
        """Whether the store's file system tells names apart by case (probed once per
        Store: does ``.zenml`` spelled in upper case open the same folder?)."""
        if self._names_by_case is None:
            if not self.dir.is_dir():
                return False  # no store yet (so no models): ask again once there is one
            try:
                os.stat(self.dir.with_name(self.dir.name.upper()))
                self._names_by_case = False  # an existing .ZENML: case-insensitive
            except FileNotFoundError:
                self._names_by_case = True
            except OSError:
                self._names_by_case = False  # cannot tell: keep the listing
        return self._names_by_case

    def read_model(self, name: str) -> Manifest | None:
        """The model manifest of folder ``name``; None when there is none. Model manifests
        come through the store's memo (``store/index.py``), validated on every read."""
        if not is_safe_component(name):
            return None
        path = self.layout.model_file(name)
        relative = str(path)[len(str(self.dir)) + 1 :]
        try:
            return Manifest(str(path), self._memo_read(path, relative, self._decode))
        except FileNotFoundError:
            return None

    def model_source(self, name: str) -> str:
        return str(self.layout.model_file(name))

    def model_folder_source(self, name: str) -> str:
        return str(self.layout.model_dir(name))

    def models_source(self) -> str:
        return str(self.layout.models_dir)

    def create_model(self, name: str, data: dict[str, Any]) -> None:
        """Create a model folder with its manifest. The folder is built under a temp name and
        renamed into place, so a crash never leaves a model folder without its manifest."""
        target = self._component_path(self.layout.model_dir, name)
        self.ensure_created()
        self._sweep(self.layout.models_dir)
        temp = self.layout.temp_in(self.layout.models_dir)
        self._write_bytes(temp / self.layout.model_file_name, self._encode(data))
        os.rename(temp, target)

    def write_model(self, name: str, data: dict[str, Any]) -> None:
        path = self._component_path(self.layout.model_file, name)
        self._write(path, data)
        self._sweep(path.parent)
        self._sweep_now_and_then(self.layout.versions_dir(name))

    def rename_model(self, old: str, new: str) -> None:
        os.rename(
            self._component_path(self.layout.model_dir, old),
            self._component_path(self.layout.model_dir, new),
        )

    def delete_model(self, name: str) -> None:
        """Delete a model folder so that a crash leaves it either whole or gone: rename it into
        ``.trash/`` in one step, then remove it at leisure."""
        import shutil

        trash = self.layout.temp_in(self.layout.trash_dir)
        trash.parent.mkdir(parents=True, exist_ok=True)
        os.rename(self._component_path(self.layout.model_dir, name), trash)
        shutil.rmtree(trash, ignore_errors=True)

    # ----------------------------------------------------------------------------- versions
    def version_numbers(self, model: str, *, require_model: bool = False) -> list[int]:
        """Numbers of a model's version files, from file names alone (no file is opened).
        With ``require_model``, a model folder that is gone raises FileNotFoundError instead
        of reading as "no versions" (see ``version_entries``)."""
        numbers = []
        for entry, number in self.version_entries(model, require_model=require_model):
            if number is None:
                raise CorruptManifestError(
                    self.layout.versions_dir(model) / entry,
                    f"unexpected file in versions folder (version files are "
                    f"<number>{self.layout.ext})",
                )
            numbers.append(number)
        return numbers

    def version_entries(
        self, model: str, *, require_model: bool = False
    ) -> list[tuple[str, int | None]]:
        """``(file name, its number or None when the name is not <number><ext>)`` for every
        file of the model's versions folder (doctor reports the strays). With
        ``require_model`` the versions folder is found through the model folder's own handle:
        a model folder renamed away (even and back, by a concurrent rename) between reading
        model.yaml and here is a FileNotFoundError, never an empty "no versions" answer."""
        ext = self.layout.ext
        entries: list[tuple[str, int | None]] = []
        if require_model:
            names = _entries_under(self.layout.model_dir(model), "versions")
        else:
            names = _visible_entries(self.layout.versions_dir(model))
        for entry in names:
            stem, dot, tail = entry.partition(".")
            ok = dot and "." + tail == ext and is_number_text(stem)
            entries.append((entry, int(stem) if ok else None))
        return entries

    def version_source(self, model: str, number: int) -> str:
        return str(self.layout.version_file(model, number))

    def version_entry_source(self, model: str, entry: str) -> str:
        return str(self.layout.versions_dir(model) / entry)

    def versions_source(self, model: str) -> str:
        return str(self.layout.versions_dir(model))

    def read_version_entry(self, model: str, entry: str) -> Manifest:
        """One file of the versions folder by its file name (doctor reads every file)."""
        path = self.layout.versions_dir(model) / entry
        return Manifest(str(path), self._decode(read_manifest(path), path))

    def read_versions(self, model: str, numbers: list[int]) -> list[Manifest | None]:
        """The manifests of versions ``numbers`` (None for a missing one): the hot path of
        listings. Many files of one folder come from the folder's index (see
        ``store/index.py``): only files changed since the last call are parsed. Files the index
        could not decode are read directly, so their error names them as before."""
        folder = self.layout.versions_dir(model)
        names = [self.layout.version_file_name(number) for number in numbers]
        loaded = self._indexed(folder, len(names))
        base = f"{folder}{os.sep}"
        results: list[Manifest | None] = []
        for name in names:
            data = loaded.get(name)
            if data is None:
                data = self._read_optional(folder / name)
            results.append(Manifest(base + name, data) if data is not None else None)
        return results

    def create_version(self, model: str, number: int, data: dict[str, Any]) -> None:
        """Write a new version file, which must not exist yet (FileExistsError otherwise), and
        keep the number hint current (the caller holds the model's lock)."""
        path = self.layout.version_file(model, number)
        if path.exists():
            raise FileExistsError(path)
        if number <= INDEX_MIN_FILES:  # small folders here; big ones on the model's next write
            self._sweep(path.parent)
        self._write(path, data)
        if number >= INDEX_MIN_FILES:
            hint = self._number_hint(model)
            hint.put(number, hint.folder_key())

    def write_version(self, model: str, number: int, data: dict[str, Any]) -> None:
        self._write(self.layout.version_file(model, number), data)

    def remove_version(self, model: str, number: int) -> None:
        self.layout.version_file(model, number).unlink()

    def version_fields(
        self, model: str, fields: tuple[str, ...], numbers: list[int]
    ) -> dict[int, tuple[Any, ...]]:
        """``{number: (value of each field, None if absent)}`` for the model's version files,
        from a small index of just those fields (``store/index.py``). Files that cannot be
        decoded are left out: read them directly to get the error that names them. Empty when
        ``numbers`` (the versions the caller will look at) are too few to be worth an index."""

        def project(data: dict[str, Any]) -> tuple[Any, ...]:
            return tuple(data.get(field) for field in fields)

        return self.version_projections(model, "fields-" + "-".join(fields), project, numbers)

    def version_projections(
        self,
        model: str,
        name: str,
        project: Callable[[dict[str, Any]], Any],
        numbers: list[int],
    ) -> dict[int, Any]:
        """``{number: project(manifest)}`` for the model's version files, kept in a derived
        index named ``name`` (change the name whenever ``project`` changes what it returns).
        Files that cannot be decoded are left out, as are all files when ``numbers`` are too
        few to be worth an index: the caller reads those directly."""
        if len(numbers) < INDEX_MIN_FILES or not self.use_cache:
            return {}
        folder = self.layout.versions_dir(model)
        cache = self.layout.cache_path(folder, "." + name)
        loaded = FolderIndex(folder, cache, self.layout.ext, project).load(self._decode)
        cut = len(self.layout.ext)
        return {
            int(entry[:-cut]): value
            for entry, value in loaded.items()
            if is_number_text(entry[:-cut])
        }

    def highest_version_number(self, model: str) -> int:
        """The highest number among the model's version files (0 if none), from a validated
        hint when the versions folder is unchanged, else from listing it."""
        hint = self._number_hint(model)
        highest = hint.get()
        if highest is None:
            key = hint.folder_key()
            highest = max(self.version_numbers(model), default=0)
            if highest >= INDEX_MIN_FILES:  # a small folder is listed as fast as a hint is read
                hint.put(highest, key)
        return highest

    # ----------------------------------------------------------------------------- history
    def history_source(self, model: str) -> str:
        return str(self.layout.history_file(model))

    def history_lines(self, model: str) -> list[bytes]:
        """Complete lines of the model's history; a torn final line (no newline) is skipped."""
        path = self.layout.history_file(model)
        try:
            raw = read_bounded(path, MAX_HISTORY_BYTES)
        except FileNotFoundError:
            return []
        except ReadRefused as exc:
            raise CorruptManifestError(path, exc.problem) from None
        lines = raw.split(b"\n")
        return [line for line in lines[:-1] if line.strip()]

    def last_history_line(self, model: str) -> bytes | None:
        """The last complete line of the model's history, reading only its tail."""
        path = self.layout.history_file(model)
        try:
            with open_bounded(path, MAX_HISTORY_BYTES) as handle:
                handle.seek(0, os.SEEK_END)
                size = handle.tell()
                chunk = 4096
                while True:
                    start = max(0, size - chunk)
                    handle.seek(start)
                    tail = handle.read(size - start)
                    lines = [ln for ln in tail.split(b"\n")[:-1] if ln.strip()]
                    if len(lines) >= 2 or start == 0:
                        return lines[-1] if lines else None
                    chunk *= 4
        except FileNotFoundError:
            return None
        except ReadRefused as exc:
            raise CorruptManifestError(path, exc.problem) from None

    def append_history(self, model: str, line: bytes) -> None:
        """Append one event to an existing model's history (FileNotFoundError when the model
        folder is gone: an append never recreates it)."""
        self.ensure_created()
        path = self._component_path(self.layout.history_file, model)
        self._guard(path)
        atomic.append_line(path, line)

    # ----------------------------------------------------------------------------- runs
    def run_ids(self) -> list[str]:
        ext = self.layout.ext
        entries = _visible_entries(self.layout.runs_dir)
        return sorted(entry[: -len(ext)] for entry in entries if entry.endswith(ext))

    def run_source(self, run_id: str) -> str:
        return str(self.layout.run_file(run_id))

    def read_run(self, run_id: str) -> Manifest | None:
        if not is_safe_component(run_id):
            return None
        path = self.layout.run_file(run_id)
        data = self._read_optional(path)
        return Manifest(str(path), data) if data is not None else None

    def write_run(self, run_id: str, data: dict[str, Any]) -> None:
        self._write(self._component_path(self.layout.run_file, run_id), data)

    def remove_run(self, run_id: str) -> None:
        """Remove a run's manifest (gone already is fine)."""
        if is_safe_component(run_id):
            self.layout.run_file(run_id).unlink(missing_ok=True)

    # ----------------------------------------------------------------------------- artifacts
    def remove_artifact_version(self, name: str, version: str) -> None:
        """Remove one artifact version's manifest, and the artifact's folder once empty (never
        while it keeps the list of deleted versions, which keeps their numbers retired)."""
        path = self._artifact_target(name, version)
        path.unlink(missing_ok=True)
        if self.layout.artifact_retired_file(name).exists():
            return
        if not self.artifact_version_names(name):
            try:
                path.parent.rmdir()
            except OSError:  # hidden files (an index) left: remove those, then the folder
                import shutil

                shutil.rmtree(path.parent, ignore_errors=True)

    def artifact_retired_lines(self, name: str) -> list[bytes]:
        """The complete lines of artifact ``name``'s list of deleted versions."""
        if not is_safe_component(name):
            return []
        try:
            raw = self.layout.artifact_retired_file(name).read_bytes()
        except FileNotFoundError:
            return []
        return [line for line in raw.split(b"\n")[:-1] if line.strip()]

    def artifact_retired_source(self, name: str) -> str:
        return str(self.layout.artifact_retired_file(name))

    def append_artifact_retired(self, name: str, line: bytes) -> None:
        """Record one deleted version of artifact ``name`` (caller holds its lock)."""
        path = self._component_path(self.layout.artifact_retired_file, name)
        self._guard(path)
        atomic.append_line(path, line)

    def artifact_names(self) -> list[str]:
        """Names of every artifact folder (unsorted)."""
        return _visible_entries(self.layout.artifacts_dir)

    def artifact_version_names(self, name: str) -> list[str]:
        """Version names of artifact ``name``, from file names alone (no file is opened)."""
        if not is_safe_component(name):
            return []
        ext = self.layout.ext
        entries = _visible_entries(self.layout.artifact_dir(name))
        return [entry[: -len(ext)] for entry in entries if entry.endswith(ext)]

    def artifacts_source(self, name: str) -> str:
        """The folder of artifact ``name`` (for messages)."""
        return str(self.layout.artifact_dir(name))

    def artifact_source(self, name: str, version: str) -> str:
        return str(self.layout.artifact_file(name, version))

    def read_artifact_version(self, name: str, version: str) -> Manifest | None:
        """The manifest of one artifact version; None when there is none."""
        path = self._artifact_path(name, version)
        if path is None:
            return None
        data = self._read_optional(path)
        return Manifest(str(path), data) if data is not None else None

    def read_artifact_versions(self, name: str, versions: list[str]) -> list[Manifest | None]:
        """The manifests of artifact versions ``versions`` (None for a missing one), through
        the folder's index when many are wanted (as ``read_versions``)."""
        if not is_safe_component(name):
            return [None] * len(versions)
        folder = self.layout.artifact_dir(name)
        loaded = self._indexed(folder, len(versions))
        results: list[Manifest | None] = []
        for version in versions:
            path = self._artifact_path(name, version)
            data = None if path is None else loaded.get(path.name)
            if data is None and path is not None:
                data = self._read_optional(path)
            results.append(Manifest(str(path), data) if data is not None else None)
        return results

    def create_artifact_version(self, name: str, version: str, data: dict[str, Any]) -> None:
        """Write a new artifact version manifest, which must not exist yet (FileExistsError
        otherwise); the caller holds the artifact's lock."""
        path = self._artifact_target(name, version)
        if path.exists():
            raise FileExistsError(path)
        self._write(path, data)

    def write_artifact_version(self, name: str, version: str, data: dict[str, Any]) -> None:
        self._write(self._artifact_target(name, version), data)

    def _artifact_path(self, name: str, version: str) -> Path | None:
        """The file of one artifact version, or None when a name would leave its folder."""
        ext = self.layout.ext
        if not is_safe_component(name) or not is_safe_component(f"{version}{ext}"):
            return None
        return self.layout.artifact_file(name, version)

    def _artifact_target(self, name: str, version: str) -> Path:
        path = self._artifact_path(name, version)
        if path is None:
            raise InvalidInputError(
                f"artifact {name!r} version {version!r} cannot be used as a file name in the store"
            )
        return path

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
        try:
            entries = [e for e in os.scandir(folder) if e.name.startswith(TEMP_PREFIX)]
        except OSError:
            return
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_mtime >= cutoff:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
            except OSError:
                continue

    # ----------------------------------------------------------------------------- internals
    def _component_path(self, build: Callable[[str], Path], name: str) -> Path:
        """``build(name)`` after the one path guard: a name is one path component."""
        if not is_safe_component(name):
            raise InvalidInputError(f"{name!r} cannot be used as a file name in the store")
        return build(name)

    def _write(self, path: Path, data: dict[str, Any]) -> None:
        self.ensure_created()
        self._write_bytes(path, self._encode(data))

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
        return self._folder_index(folder).load(self._decode)

    def _folder_index(self, folder: Path) -> FolderIndex:
        return FolderIndex(folder, self.layout.cache_path(folder, ".index"), self.layout.ext)

    def _number_hint(self, model: str) -> NextNumberHint:
        folder = self.layout.versions_dir(model)
        return NextNumberHint(folder, self.layout.cache_path(folder, ".next"), self.layout.ext)

    @functools.cached_property
    def _manifest_memo(self) -> ManifestMemo:
        return ManifestMemo(manifest_memo_file(self.dir))


def _entries_under(folder: Path, child: str) -> list[str]:
    """``_visible_entries(folder / child)``, where ``folder`` must exist (FileNotFoundError
    otherwise) and ``child`` may not: both are read through one open handle of ``folder``."""
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            inner = os.open(child, os.O_RDONLY | os.O_DIRECTORY, dir_fd=handle)
        except FileNotFoundError:
            return []
        try:
            return [name for name in os.listdir(inner) if not name.startswith(TEMP_PREFIX)]
        finally:
            os.close(inner)
    finally:
        os.close(handle)


def _visible_entries(folder: Path) -> list[str]:
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
