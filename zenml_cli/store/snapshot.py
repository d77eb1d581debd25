"""A registry's identity-bearing files as plain data, wherever they were read from.

``zenml doctor --against REF`` compares two states of ``.zenml/``: REF's (read through git,
``store/git_tree.py``) and the working store's (read here, through ``Store``) or the index's.
Both become a ``Snapshot``: every model manifest, version manifest, history line and artifact
version manifest, decoded and labelled with where it came from, so the comparison
(``core/successor.py``) never knows which source it has. A file that cannot be read is listed
in ``unreadable`` instead of stopping the read: one broken file must not hide the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from zenml_cli.errors import CorruptManifestError
from zenml_cli.store.store import Manifest

if TYPE_CHECKING:
    from zenml_cli.store.store import Store


@dataclass
class ModelFiles:
    """One model folder: its manifest (None when missing or unreadable), its version files by
    the number in their file name, and its history lines as stored."""

    folder: str
    source: str
    manifest: Manifest | None
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


def of_store(store: Store, label: str = "the working tree") -> Snapshot:
    """The working store's files, read through the store's own guarded readers."""
    snap = Snapshot(label)
    if not store.has_store_dir():
        return snap
    for name in sorted(store.model_names()):
        snap.models[name] = _model_of_store(store, name, snap)
    for name in sorted(store.artifact_names()):
        for version in sorted(store.artifact_version_names(name)):
            try:
                found = store.read_artifact_version(name, version)
            except CorruptManifestError as exc:
                snap.unreadable.append((exc.path, exc.problem))
                continue
            if found is not None:
                snap.artifacts[(name, version)] = found
                snap.files += 1
    return snap


def _model_of_store(store: Store, name: str, snap: Snapshot) -> ModelFiles:
    try:
        manifest = store.read_model(name)
    except CorruptManifestError as exc:
        snap.unreadable.append((exc.path, exc.problem))
        manifest = None
    model = ModelFiles(name, store.model_source(name), manifest)
    model.history_source = store.history_source(name)
    snap.files += manifest is not None
    for entry, number in store.version_entries(name):
        if number is None:
            continue
        try:
            model.versions[number] = store.read_version_entry(name, entry)
            snap.files += 1
        except CorruptManifestError as exc:
            snap.unreadable.append((exc.path, exc.problem))
        except OSError as exc:
            snap.unreadable.append((store.version_entry_source(name, entry), str(exc)))
    try:
        model.history = store.history_lines(name)
    except OSError as exc:
        snap.unreadable.append((model.history_source, str(exc)))
    return model
