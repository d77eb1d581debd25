"""Model and version manifests of the store: folders under ``models/``, numbered version
files, and the cached projections that keep a listing of 10,000 versions cheap."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zenml_cli.digits import is_number_text
from zenml_cli.errors import CorruptManifestError
from zenml_cli.store import written
from zenml_cli.store.bounded import read_manifest
from zenml_cli.store.layout import is_safe_component
from zenml_cli.store.linked import LinkedFolderError, refuse_linked, scanned_entries
from zenml_cli.store.manifest_cache import FolderIndex, Recent
from zenml_cli.store.model_names import NameCache
from zenml_cli.store.store_base import (
    INDEX_MIN_FILES,
    Manifest,
    StoreBase,
    entries_under,
    index_path,
    visible_entries,
)


class ModelFiles(StoreBase):
    """``models/<name>/model`` and ``models/<name>/versions/<n>``."""

    def model_names(self) -> list[str]:
        """Names of every model folder (unsorted); LinkedFolderError when ``models/`` is a
        link (its names would be another folder's)."""
        refuse_linked(self.layout.models_dir, self.dir)
        return visible_entries(self.layout.models_dir)

    def model_entries(self) -> list[tuple[str, bool]]:
        """``(name, is a symbolic link)`` of every model folder (unsorted), for listings: the
        link bit comes with the listing, so ``read_model(name, listed=True)`` of a folder
        listed as no link need not ``lstat`` it again."""
        refuse_linked(self.layout.models_dir, self.dir)
        return scanned_entries(self.layout.models_dir)

    def linked_model(self, name: str) -> LinkedFolderError:
        """The error for model folder ``name``, listed as a link by ``model_entries``."""
        return LinkedFolderError(self.layout.model_dir(name))

    def model_names_for_create(self, name: str, fold: Callable[[str], str]) -> list[str]:
        """The model folders ``create_model``'s case-clash check must look at (models lock
        held): none when a derived cache proves no name folds like ``name``
        (``model_names.py``), so registering does not list every model folder; else all
        (each listed once)."""
        if not self.use_cache:
            return self.model_names()
        return self._name_cache.to_check(name, fold)

    def model_folder_created(self, name: str, fold: Callable[[str], str]) -> None:
        """Keep the name cache current after ``create_model`` added ``name``."""
        if self.use_cache:
            self._name_cache.created(name, fold)

    @functools.cached_property
    def _name_cache(self) -> NameCache:
        return NameCache(self)

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

    def read_model(self, name: str, *, memo: bool = True, listed: bool = False) -> Manifest | None:
        """The model manifest of folder ``name``; None when there is none. Model manifests
        come through the store's memo (``store/memo.py``), validated on every read; with
        ``memo=False`` straight from the file (a reader of every model, such as a dashboard
        build, has no use for the memo). LinkedFolderError when the folder (or ``models/``)
        is a link; ``listed``: the caller's ``model_entries`` just said neither is."""
        if not is_safe_component(name):
            return None
        path = self.layout.model_file(name)
        if not listed:
            refuse_linked(path.parent, self.dir)
        relative = str(path)[len(str(self.dir)) + 1 :]
        try:
            if not memo:
                return Manifest(str(path), self._decode(read_manifest(path), path))
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
        self._sweep_now_and_then(self.layout.models_dir)  # listing 10,000 models each time
        temp = self.layout.temp_in(self.layout.models_dir)
        raw = self._encode(data)
        self._write_bytes(temp / self.layout.model_file_name, raw)
        written.note(target)
        os.rename(temp, target)
        self._note_manifest(target / self.layout.model_file_name, raw, data)

    def write_model(self, name: str, data: dict[str, Any]) -> None:
        path = self._component_path(self.layout.model_file, name)
        self.ensure_created()
        raw = self._encode(data)
        self._write_bytes(path, raw)
        self._note_manifest(path, raw, data)
        self._sweep(path.parent)
        self._sweep_now_and_then(self.layout.versions_dir(name))

    def rename_model(self, old: str, new: str) -> None:
        source = self._component_path(self.layout.model_dir, old)
        target = self._component_path(self.layout.model_dir, new)
        written.note(source)
        written.note(target)
        os.rename(source, target)

    def delete_model(self, name: str) -> None:
        """Delete a model folder so that a crash leaves it either whole or gone: rename it into
        ``.trash/`` in one step, then remove it at leisure."""
        import shutil

        trash = self.layout.temp_in(self.layout.trash_dir)
        trash.parent.mkdir(parents=True, exist_ok=True)
        folder = self._component_path(self.layout.model_dir, name)
        written.note(folder)
        os.rename(folder, trash)
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
        if require_model:  # O_NOFOLLOW on the model folder and versions/: no lstat needed
            names = entries_under(self.layout.model_dir(model), "versions")
        else:
            refuse_linked(self.layout.versions_dir(model), self.dir)
            names = visible_entries(self.layout.versions_dir(model))
        for entry in names:
            stem, dot, tail = entry.partition(".")
            ok = dot and "." + tail == ext and is_number_text(stem)
            entries.append((entry, int(stem) if ok else None))
        return entries

    def version_source(self, model: str, number: int) -> str:
        return str(self.layout.version_file(model, number))

    def has_version_file(self, model: str, number: int) -> bool:
        """Whether anything stands at version ``number``'s file (one ``lstat``; not read)."""
        return os.path.lexists(self.layout.version_file(model, number))

    def version_entry_source(self, model: str, entry: str) -> str:
        return str(self.layout.versions_dir(model) / entry)

    def versions_source(self, model: str) -> str:
        return str(self.layout.versions_dir(model))

    def read_version_entry(self, model: str, entry: str) -> Manifest:
        """One file of the versions folder by its file name (doctor reads every file)."""
        path = self.layout.versions_dir(model) / entry
        refuse_linked(path.parent, self.dir)
        return Manifest(str(path), self._decode(read_manifest(path), path))

    def read_versions(self, model: str, numbers: list[int]) -> list[Manifest | None]:
        """The manifests of versions ``numbers`` (None for a missing one): the hot path of
        listings. Many files of one folder come from the folder's index (see
        ``manifest_cache.py``): only files changed since the last call are parsed. Files the index
        could not decode are read directly, so their error names them as before."""
        folder = self.layout.versions_dir(model)
        refuse_linked(folder, self.dir)
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

    def create_version(
        self,
        model: str,
        number: int,
        data: dict[str, Any],
        projections: dict[str, Any] | None = None,
    ) -> None:
        """Write a new version file, which must not exist yet (FileExistsError otherwise), and
        keep the number hint current (the caller holds the model's lock). ``projections``:
        what ``version_projections`` indexes of it, by index name, if the caller has them (a
        listing right after then neither parses nor projects the file)."""
        path = self.layout.version_file(model, number)
        if path.exists():
            raise FileExistsError(path)
        if number <= INDEX_MIN_FILES:  # small folders here; big ones on the model's next write
            self._sweep(path.parent)
        self._write(path, data, note=_noted(number, projections))
        if number >= INDEX_MIN_FILES:
            hint = self._number_hint(model)
            hint.put(number, hint.folder_key())

    def write_version(
        self,
        model: str,
        number: int,
        data: dict[str, Any],
        projections: dict[str, Any] | None = None,
    ) -> None:
        """Rewrite a version file (``projections`` as for ``create_version``)."""
        self._write(self.layout.version_file(model, number), data, note=_noted(number, projections))

    def remove_version(self, model: str, number: int) -> None:
        path = self.layout.version_file(model, number)
        written.note(path)
        path.unlink()

    def version_fields(
        self, model: str, fields: tuple[str, ...], numbers: list[int]
    ) -> dict[int, tuple[Any, ...]]:
        """``{number: (value of each field, None if absent)}`` for the model's version files,
        from a small index of just those fields (``store/manifest_cache.py``). Files that cannot be
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
        refuse_linked(folder, self.dir)  # the index is built by listing the folder
        cache = index_path(self.layout, folder, name)
        loaded = FolderIndex(folder, cache, self.layout.ext, project, name).load(
            self._decode, self._recent(folder)
        )
        cut = len(self.layout.ext)
        return {
            int(entry[:-cut]): value
            for entry, value in loaded.items()
            if is_number_text(entry[:-cut])
        }

    def _recent(self, folder: Path) -> Recent:
        """The journal's records of a versions folder's files (``WriteJournal.entries``),
        not looked for the first ``JOURNAL_FROM`` versions, which are never recorded (looking
        for a file that is not there reads back through the whole journal)."""
        journal, ext = self._journal(folder), self.layout.ext

        def recorded(name: str) -> bool:
            stem = name[: -len(ext)]
            return not (is_number_text(stem) and int(stem) <= JOURNAL_FROM)

        return lambda keys: journal.entries({name for name in keys if recorded(name)}, keys)

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


#: Versions numbered up to this are not recorded in the journal: a small model gets no cache
#: files, and once a folder is big enough to be indexed only its first few files are parsed.
JOURNAL_FROM = INDEX_MIN_FILES // 4


def _noted(number: int, projections: dict[str, Any] | None) -> dict[str, Any] | None:
    """What to record in the versions folder's journal for a write of version ``number``
    (see ``JOURNAL_FROM``): the projections the writer has, maybe none; None for nothing."""
    return None if number <= JOURNAL_FROM else projections or {}
