"""A registry's identity-bearing files as plain data, wherever they were read from.

``zenml doctor --against REF`` compares two states of ``.zenml/``: REF's (read through git,
``store/git/ref_store.py``) and the working store's (read here, through ``Store``) or the index's.
Both become a ``Snapshot``: model manifests, version manifests, history lines and artifact
version manifests, decoded and labelled with where they came from, so the comparison
(``core/doctor/successor.py``) never knows which source it has. A file that cannot be read is listed
in ``unreadable`` instead of stopping the read: one broken file must not hide the others.

A snapshot may hold only some files (``only``: store-relative paths): the comparison reads
just the files that differ between the two states, so its cost follows the change, not the
registry's size.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from zenml_cli.digits import is_number_text
from zenml_cli.errors import CorruptManifestError
from zenml_cli.store.layout import CONFIG_FILE, HISTORY_FILE
from zenml_cli.store.store import Manifest

if TYPE_CHECKING:
    from zenml_cli.store.store import Store

MODEL_FILES = ("model.yaml", "model.json")


@dataclass
class ModelFiles:
    """One model folder: its manifest (None when missing or unreadable), its version files by
    the number in their file name, and its history lines as stored."""

    folder: str
    source: str = ""
    manifest: Manifest | None = None
    versions: dict[int, Manifest] = field(default_factory=dict)
    history: list[bytes] = field(default_factory=list)
    history_source: str = ""


@dataclass
class Snapshot:
    """``label`` names the state in messages ("origin/main", "the index", "the working
    tree"); ``artifacts`` is keyed by ``(artifact name, version)``."""

    label: str
    models: dict[str, ModelFiles] = field(default_factory=dict)
    artifacts: dict[tuple[str, str], Manifest] = field(default_factory=dict)
    #: ``(source, problem)`` of every file that could not be read.
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    #: How many manifests were read.
    files: int = 0

    def model(self, folder: str) -> ModelFiles:
        return self.models.setdefault(folder, ModelFiles(folder))

    def merge(self, more: Snapshot) -> None:
        """Add the version files, artifacts and problems ``more`` read (a second, smaller
        read of the same state)."""
        for folder, model in more.models.items():
            self.model(folder).versions.update(model.versions)
        self.artifacts.update(more.artifacts)
        self.unreadable += more.unreadable
        self.files += more.files


def kind_of(relative: str) -> str | None:
    """Which store file a store-relative path is (``config``, ``model``, ``history``,
    ``version``, ``artifact``), or None for one the comparison does not read."""
    parts = relative.split("/")
    if parts == [CONFIG_FILE]:
        return "config"
    if len(parts) == 3 and parts[0] == "models" and parts[2] in MODEL_FILES:
        return "model"
    if len(parts) == 3 and parts[0] == "models" and parts[2] == HISTORY_FILE:
        return "history"
    if len(parts) == 4 and parts[0] == "models" and parts[2] == "versions":
        return "version"
    if len(parts) == 3 and parts[0] == "artifacts":
        return "artifact"
    return None


def with_model_files(paths: Iterable[str]) -> set[str]:
    """``paths`` plus the manifest of every model they touch (models are matched by id)."""
    wanted = set(paths)
    for path in list(wanted):
        parts = path.split("/")
        if kind_of(path) in ("model", "history", "version"):
            wanted.update(f"models/{parts[1]}/{name}" for name in MODEL_FILES)
    return wanted


def of_store(store: Store, only: Iterable[str], label: str = "the working tree") -> Snapshot:
    """The working store's files among ``only`` (store-relative paths), read through the
    store's own guarded readers; a path that does not exist is simply absent."""
    snap = Snapshot(label)
    ext = store.layout.ext
    for relative in sorted(only):
        parts = relative.split("/")
        kind = kind_of(relative)
        try:
            if kind == "model" and parts[2] == "model" + ext:
                _read_model(store, parts[1], snap)
            elif kind == "history":
                _read_history(store, parts[1], snap)
            elif kind == "version" and parts[3].endswith(ext):
                stem = parts[3].removesuffix(ext)
                if is_number_text(stem) and (store.dir / relative).is_file():
                    found = store.read_version_entry(parts[1], parts[3])
                    snap.model(parts[1]).versions[int(stem)] = found
                    snap.files += 1
            elif kind == "artifact" and parts[2].endswith(ext):
                artifact = store.read_artifact_version(parts[1], parts[2].removesuffix(ext))
                if artifact is not None:
                    snap.artifacts[(parts[1], parts[2].removesuffix(ext))] = artifact
                    snap.files += 1
        except CorruptManifestError as exc:
            snap.unreadable.append((exc.path, exc.problem))
        except OSError as exc:
            snap.unreadable.append((str(store.dir / relative), exc.strerror or str(exc)))
    return snap


def _read_model(store: Store, name: str, snap: Snapshot) -> None:
    manifest = store.read_model(name)
    if manifest is not None:
        model = snap.model(name)
        model.source, model.manifest = manifest.source, manifest
        snap.files += 1


def _read_history(store: Store, name: str, snap: Snapshot) -> None:
    model = snap.model(name)
    model.history_source = store.history_source(name)
    model.history = store.history_lines(name)
