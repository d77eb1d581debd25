"""The ``.zenml/`` folder: where it is, and every read and write of it.

This is the only module family that touches the filesystem. The core asks for records by
what they are ("model ``m``", "version 7 of ``m``", "the history of ``m``") and gets decoded
mappings back, each with its ``source`` (the file's name, for error messages only); it never
sees a path it has to open. ``store/layout.py`` names every path.
"""

from __future__ import annotations

import os

from zenml_cli.store.layout import GITATTRIBUTES, GITIGNORE
from zenml_cli.store.locate import ENV_PROJECT_DIR, find_project_root
from zenml_cli.store.store_base import INDEX_MIN_FILES, Clock, Manifest, utc_now
from zenml_cli.store.store_models import ModelFiles
from zenml_cli.store.store_records import RecordFiles

__all__ = [
    "ENV_PROJECT_DIR",
    "GITATTRIBUTES",
    "GITIGNORE",
    "INDEX_MIN_FILES",
    "Clock",
    "Manifest",
    "Store",
    "find_project_root",
    "utc_now",
]


class Store(ModelFiles, RecordFiles):
    """One project's ``.zenml/`` store. Cheap to build: nothing is read until asked.

    The jobs live in rooms: ``store_base.py`` (config, locks, sweeps, the guarded read and
    write), ``store_models.py`` (models and versions), ``store_records.py`` (history, runs,
    artifacts)."""

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
