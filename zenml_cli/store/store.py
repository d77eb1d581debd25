"""The ``.zenml/`` folder: where it is, how it is laid out, and every read and write of it.

This is the only module family that touches the filesystem. The core asks it for manifests
as dicts and hands dicts back; it never sees a path it has to open itself.

Layout (format 1)::

    .zenml/config.yaml                       format, manifest encoding, policies
    .zenml/.gitignore, .gitattributes        keep locks/caches/payloads out of git
    .zenml/models/<model>/model.yaml         model fields, stage holders, retired numbers
    .zenml/models/<model>/versions/<n>.yaml  one version each
    .zenml/models/<model>/history.jsonl      append-only stage/rename/delete events
    .zenml/artifacts/<name>/<version>.yaml   artifact versions
    .zenml/runs/<run>.yaml                   pipeline runs

The model's folder name *is* its name, so a rename is one atomic ``os.rename``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from zenml_cli.errors import CorruptManifestError
from zenml_cli.store import atomic, codec, locks
from zenml_cli.store.config import StoreConfig
from zenml_cli.store.index import FolderIndex, ManifestMemo, NextNumberHint
from zenml_cli.store.locate import ENV_PROJECT_DIR, find_project_root

__all__ = ["ENV_PROJECT_DIR", "Store", "find_project_root"]

STORE_DIR = ".zenml"
CONFIG_FILE = "config.yaml"
TEMP_PREFIX = atomic.TEMP_PREFIX
CACHE_DIR = ".cache"
#: Reading this many files of one folder goes through the folder's cached index instead.
INDEX_MIN_FILES = 32

GITIGNORE = """\
# Written by zenml-cli: derived or machine-local files that must not be committed.
.locks/
.cache/
.trash/
.tmp-*
artifact_store/
"""
GITATTRIBUTES = """\
# Written by zenml-cli: history is append-only, so concurrent branches merge by union.
models/*/history.jsonl merge=union
"""

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Store:
    """One project's ``.zenml/`` store. Cheap to build: nothing is read until asked."""

    def __init__(self, root: Path, *, clock: Clock = utc_now) -> None:
        self.root = Path(root)
        self.dir = self.root / STORE_DIR
        self.clock = clock
        self._config: StoreConfig | None = None

    @classmethod
    def locate(
        cls, project_dir: str | os.PathLike[str] | None = None, *, require_store: bool = False
    ) -> Store:
        """The store found by ``store/locate.py``'s rules; ``require_store`` refuses an
        explicit folder without ``.zenml/`` (every CLI command but ``zenml init``)."""
        return cls(find_project_root(project_dir, require_store=require_store))

    # ----------------------------------------------------------------------------- config
    @property
    def config(self) -> StoreConfig:
        if self._config is None:
            path = self.dir / CONFIG_FILE
            try:
                data = self._manifest_memo.read(path, CONFIG_FILE, _decode_yaml)
            except FileNotFoundError:
                self._config = StoreConfig()
            else:
                self._config = StoreConfig.from_manifest(data, path)
        return self._config

    @property
    def ext(self) -> str:
        return "." + self.config.manifest_format

    def is_initialised(self) -> bool:
        """True once ``config.yaml`` exists (a store may be found before it is initialised)."""
        return (self.dir / CONFIG_FILE).exists()

    def exists(self) -> bool:
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
        for name, text in ((".gitignore", GITIGNORE), (".gitattributes", GITATTRIBUTES)):
            if not (self.dir / name).exists():
                self._write_bytes(self.dir / name, text.encode())
        self._config = config
        self._write_bytes(
            self.dir / CONFIG_FILE, codec.encode(config.to_manifest(codec.FORMAT_VERSION), "yaml")
        )

    # ----------------------------------------------------------------------------- layout
    @property
    def models_dir(self) -> Path:
        return self.dir / "models"

    def model_dir(self, model: str) -> Path:
        return self.models_dir / model

    def model_file(self, model: str) -> Path:
        return self.model_dir(model) / ("model" + self.ext)

    def versions_dir(self, model: str) -> Path:
        return self.model_dir(model) / "versions"

    def version_file(self, model: str, number: int) -> Path:
        return self.versions_dir(model) / f"{number}{self.ext}"

    def history_file(self, model: str) -> Path:
        return self.model_dir(model) / "history.jsonl"

    def artifact_dir(self, name: str) -> Path:
        return self.dir / "artifacts" / name

    def artifact_file(self, name: str, version: str) -> Path:
        return self.artifact_dir(name) / f"{version}{self.ext}"

    def run_file(self, run_id: str) -> Path:
        return self.dir / "runs" / f"{run_id}{self.ext}"

    @property
    def artifact_store_dir(self) -> Path:
        return (self.root / self.config.artifact_store).resolve()

    # ----------------------------------------------------------------------------- reading
    def read(self, path: Path) -> dict[str, Any]:
        """One manifest as a dict. FileNotFoundError passes through; anything else unreadable
        becomes CorruptManifestError naming the file. Model manifests come through the store's
        memo (``store/index.py``), validated against the file on every read."""
        if path.name == self._model_file_name:
            relative = str(path)[len(str(self.dir)) + 1 :]
            return self._manifest_memo.read(path, relative, self._decode)
        return codec.decode(path.read_bytes(), self.config.manifest_format, path)

    def read_optional(self, path: Path) -> dict[str, Any] | None:
        try:
            return self.read(path)
        except FileNotFoundError:
            return None

    def read_many(self, paths: list[Path]) -> list[dict[str, Any] | None]:
        """Several manifests at once (None for a missing one): the hot path of listings.

        When many files of one folder are wanted, they come from the folder's index (see
        ``store/index.py``): only files changed since the last call are parsed. Files the index
        could not decode are read directly, so their error names them as before."""
        by_folder: dict[Path, int] = {}
        for path in paths:
            by_folder[path.parent] = by_folder.get(path.parent, 0) + 1
        loaded = {folder: self._indexed(folder, count) for folder, count in by_folder.items()}
        results: list[dict[str, Any] | None] = []
        for path in paths:
            data = loaded.get(path.parent, {}).get(path.name)
            results.append(data if data is not None else self.read_optional(path))
        return results

    def read_version_manifests(
        self, model: str, numbers: list[int]
    ) -> list[tuple[str, dict[str, Any] | None]]:
        """``(path, mapping or None if missing)`` for each version number: ``read_many`` for
        one model's versions, without building a Path per file (that alone costs ~10 us)."""
        folder = self.versions_dir(model)
        names = [f"{number}{self.ext}" for number in numbers]
        loaded = self._indexed(folder, len(names))
        base = f"{folder}{os.sep}"
        results: list[tuple[str, dict[str, Any] | None]] = []
        for name in names:
            data = loaded.get(name)
            results.append(
                (base + name, data if data is not None else self.read_optional(folder / name))
            )
        return results

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
        if len(numbers) < INDEX_MIN_FILES:
            return {}
        folder = self.versions_dir(model)
        cache = self._cache_path(folder, "." + name)
        loaded = FolderIndex(folder, cache, self.ext, project).load(self._decode)
        cut = len(self.ext)
        return {
            int(entry[:-cut]): value for entry, value in loaded.items() if entry[:-cut].isdigit()
        }

    def highest_version_number(self, model: str) -> int:
        """The highest number among the model's version files (0 if none), from a validated
        hint when the versions folder is unchanged, else from listing it."""
        hint = self._number_hint(model)
        highest = hint.get()
        if highest is None:
            key = hint.folder_key()
            highest = max(self.list_version_numbers(model), default=0)
            if highest >= INDEX_MIN_FILES:  # a small folder is listed as fast as a hint is read
                hint.put(highest, key)
        return highest

    def note_version_written(self, model: str, number: int) -> None:
        """Update the number hint after writing version ``number``, the new highest (the
        caller holds the model's lock)."""
        if number >= INDEX_MIN_FILES:
            hint = self._number_hint(model)
            hint.put(number, hint.folder_key())

    def _cache_path(self, folder: Path, suffix: str) -> Path:
        relative = folder.relative_to(self.dir)
        return self.dir / CACHE_DIR / relative.parent / (relative.name + suffix)

    def _indexed(self, folder: Path, wanted: int) -> dict[str, dict[str, Any]]:
        """The folder's decoded manifests from its index when ``wanted`` files make one worth
        it; else nothing, and the caller reads the few files directly."""
        if wanted < INDEX_MIN_FILES:
            return {}
        return self._folder_index(folder).load(self._decode)

    def _folder_index(self, folder: Path) -> FolderIndex:
        return FolderIndex(folder, self._cache_path(folder, ".index"), self.ext)

    def _number_hint(self, model: str) -> NextNumberHint:
        folder = self.versions_dir(model)
        return NextNumberHint(folder, self._cache_path(folder, ".next"), self.ext)

    @functools.cached_property
    def _manifest_memo(self) -> ManifestMemo:
        return ManifestMemo(self.dir / CACHE_DIR / "manifests.index")

    @property
    def _model_file_name(self) -> str:
        return "model" + self.ext

    def _decode(self, raw: bytes, path: Path) -> dict[str, Any]:
        return codec.decode(raw, self.config.manifest_format, path)

    def list_model_names(self) -> list[str]:
        """Names of every model folder (unsorted)."""
        return _visible_entries(self.models_dir)

    def list_version_numbers(self, model: str) -> list[int]:
        """Numbers of a model's version files, from file names alone (no file is opened)."""
        numbers = []
        ext = self.ext
        for entry in _visible_entries(self.versions_dir(model)):
            stem, dot, tail = entry.partition(".")
            if dot and "." + tail == ext and stem.isdigit():
                numbers.append(int(stem))
            else:
                raise CorruptManifestError(
                    self.versions_dir(model) / entry,
                    f"unexpected file in versions folder (version files are <number>{ext})",
                )
        return numbers

    def list_entries(self, folder: Path) -> list[str]:
        return _visible_entries(folder)

    def read_lines(self, path: Path) -> list[bytes]:
        """Complete lines of an append-only file; a torn final line (no newline) is skipped."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return []
        lines = raw.split(b"\n")
        return [line for line in lines[:-1] if line.strip()]

    def read_last_line(self, path: Path) -> bytes | None:
        """The last complete line of an append-only file, reading only its tail."""
        try:
            with path.open("rb") as handle:
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

    # ----------------------------------------------------------------------------- writing
    def write(self, path: Path, data: dict[str, Any]) -> None:
        """Atomically write one manifest (creating the store on first write)."""
        self.ensure_created()
        self._write_bytes(path, codec.encode(data, self.config.manifest_format))

    def append(self, path: Path, line: bytes) -> None:
        self.ensure_created()
        atomic.append_line(path, line)

    def create_exclusive(self, path: Path, data: dict[str, Any]) -> None:
        """Write a new manifest that must not exist yet (FileExistsError otherwise)."""
        if path.exists():
            raise FileExistsError(path)
        self.write(path, data)

    def remove_tree(self, folder: Path) -> None:
        """Delete a folder so that a crash leaves it either whole or gone: rename it into
        ``.trash/`` in one step, then remove it at leisure."""
        import shutil
        import uuid

        trash = self.dir / ".trash" / uuid.uuid4().hex
        trash.parent.mkdir(parents=True, exist_ok=True)
        os.rename(folder, trash)
        shutil.rmtree(trash, ignore_errors=True)

    def remove_file(self, path: Path) -> None:
        path.unlink()

    def rename(self, source: Path, target: Path) -> None:
        os.rename(source, target)

    def _write_bytes(self, path: Path, data: bytes) -> None:
        atomic.atomic_write(path, data)

    # ----------------------------------------------------------------------------- locking
    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Hold the lock for one resource (``models``, ``model-<name>``, ``artifact-<name>``)
        for a whole read-modify-write. Keys are case-folded: names that differ only in case
        share a lock, as they would share a folder on macOS or Windows."""
        self.ensure_created()
        # Quote the key: it embeds user input, which must never steer the path out of .locks/.
        path = self.dir / ".locks" / f"{quote(key.casefold(), safe='')}.lock"
        with locks.hold(path, self.config.lock_timeout):
            yield


def _visible_entries(folder: Path) -> list[str]:
    """Entries of a folder, minus temp files a crashed writer may have left behind."""
    try:
        return [name for name in os.listdir(folder) if not name.startswith(TEMP_PREFIX)]
    except FileNotFoundError:
        return []


def _decode_yaml(raw: bytes, path: Path) -> dict[str, Any]:
    return codec.decode(raw, "yaml", path)
