"""The one door to the registry (``zenml_cli.registry.Registry``): see ``registry/door.py``."""

from zenml_cli.registry.door import Registry
from zenml_cli.registry.options import metadata_from_options

__all__ = ["Registry", "metadata_from_options"]
