"""History logs, run manifests and artifact manifests of the store."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from zenml_cli.errors import CorruptManifestError, InvalidInputError
from zenml_cli.limits import MAX_HISTORY_BYTES
from zenml_cli.store import atomic, written
from zenml_cli.store.bounded import ReadRefused, open_bounded, read_bounded
from zenml_cli.store.layout import is_safe_component
from zenml_cli.store.linked import refuse_linked
from zenml_cli.store.store_base import Manifest, StoreBase, visible_entries


class RecordFiles(StoreBase):
    """``history/<model>``, ``runs/<id>`` and ``artifacts/<name>/<version>``."""

    # ----------------------------------------------------------------------------- history
    def history_source(self, model: str) -> str:
        return str(self.layout.history_file(model))

    def history_lines(self, model: str) -> list[bytes]:
        """Complete lines of the model's history; a torn final line (no newline) is skipped."""
        path = self.layout.history_file(model)
        refuse_linked(path.parent, self.dir)  # O_NOFOLLOW guards the file, not its folder
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
        refuse_linked(path.parent, self.dir)
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
        refuse_linked(self.layout.runs_dir, self.dir)
        entries = visible_entries(self.layout.runs_dir)
        return sorted(entry[: -len(ext)] for entry in entries if entry.endswith(ext))

    def run_source(self, run_id: str) -> str:
        return str(self.layout.run_file(run_id))

    def read_run(self, run_id: str, *, listed: bool = False) -> Manifest | None:
        """One run's manifest (None: no such run). ``listed``: the caller's ``run_ids`` just
        refused a linked ``runs/``, so reading every run checks the folder once, not per file."""
        if not is_safe_component(run_id):
            return None
        path = self.layout.run_file(run_id)
        if not listed:
            refuse_linked(path.parent, self.dir)
        data = self._read_optional(path)
        return Manifest(str(path), data) if data is not None else None

    def read_runs(self, run_ids: list[str]) -> list[Manifest | None]:
        """``read_run`` of each id, the runs folder checked once for all of them."""
        refuse_linked(self.layout.runs_dir, self.dir)
        return [self.read_run(run_id, listed=True) for run_id in run_ids]

    def write_run(self, run_id: str, data: dict[str, Any]) -> None:
        self._write(self._component_path(self.layout.run_file, run_id), data)

    def remove_run(self, run_id: str) -> None:
        """Remove a run's manifest (gone already is fine)."""
        if is_safe_component(run_id):
            path = self.layout.run_file(run_id)
            written.note(path)
            path.unlink(missing_ok=True)

    # ----------------------------------------------------------------------------- artifacts
    def remove_artifact_version(self, name: str, version: str) -> None:
        """Remove one artifact version's manifest, and the artifact's folder once empty (never
        while it keeps the list of deleted versions, which keeps their numbers retired)."""
        path = self._artifact_target(name, version)
        written.note(path)
        path.unlink(missing_ok=True)
        if self.layout.artifact_retired_file(name).exists():
            return
        if not self.artifact_version_names(name):
            written.note(path.parent)
            try:
                path.parent.rmdir()
            except OSError:  # hidden files (an index) left: remove those, then the folder
                import shutil

                shutil.rmtree(path.parent, ignore_errors=True)

    def artifact_retired_lines(self, name: str) -> list[bytes]:
        """The complete lines of artifact ``name``'s list of deleted versions."""
        if not is_safe_component(name):
            return []
        path = self.layout.artifact_retired_file(name)
        refuse_linked(path.parent, self.dir)
        try:  # bounded, never through a link: a commit can make it one, or a FIFO
            raw = read_bounded(path, MAX_HISTORY_BYTES)
        except FileNotFoundError:
            return []
        except ReadRefused as exc:
            raise CorruptManifestError(path, exc.problem) from None
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
        refuse_linked(self.layout.artifacts_dir, self.dir)
        return visible_entries(self.layout.artifacts_dir)

    def artifact_version_names(self, name: str) -> list[str]:
        """Version names of artifact ``name``, from file names alone (no file is opened)."""
        if not is_safe_component(name):
            return []
        ext = self.layout.ext
        refuse_linked(self.layout.artifact_dir(name), self.dir)
        entries = visible_entries(self.layout.artifact_dir(name))
        return [entry[: -len(ext)] for entry in entries if entry.endswith(ext)]

    def artifacts_source(self, name: str) -> str:
        """The folder of artifact ``name`` (for messages)."""
        return str(self.layout.artifact_dir(name))

    def artifact_source(self, name: str, version: str) -> str:
        return str(self.layout.artifact_file(name, version))

    def read_artifact_version(
        self, name: str, version: str, *, listed: bool = False
    ) -> Manifest | None:
        """The manifest of one artifact version; None when there is none. ``listed``: the
        caller's ``artifact_version_names(name)`` just refused a linked folder."""
        path = self._artifact_path(name, version)
        if path is None:
            return None
        if not listed:
            refuse_linked(path.parent, self.dir)
        data = self._read_optional(path)
        return Manifest(str(path), data) if data is not None else None

    def read_artifact_versions(self, name: str, versions: list[str]) -> list[Manifest | None]:
        """The manifests of artifact versions ``versions`` (None for a missing one), through
        the folder's index when many are wanted (as ``read_versions``)."""
        if not is_safe_component(name):
            return [None] * len(versions)
        folder = self.layout.artifact_dir(name)
        refuse_linked(folder, self.dir)
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
