"""The ``.zenml/`` store: the only layer that touches the filesystem or takes locks."""

from zenml_cli.store.store import Manifest, Store, find_project_root

__all__ = ["Manifest", "Store", "find_project_root"]
