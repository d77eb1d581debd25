"""zenml-cli: ZenML's Model Control Plane as manifests in your repository's ``.zenml/``.

Importing this package imports neither typer nor rich: pipeline code pays only for what it uses.
"""

from zenml_cli.client import Client
from zenml_cli.enums import ArtifactType, ModelStages
from zenml_cli.errors import (
    ConflictError,
    CorruptManifestError,
    InvalidInputError,
    LockTimeoutError,
    NotFoundError,
    ZenMLCliError,
)

__version__ = "0.1.0"

__all__ = [
    "ArtifactType",
    "Client",
    "ConflictError",
    "CorruptManifestError",
    "InvalidInputError",
    "LockTimeoutError",
    "ModelStages",
    "NotFoundError",
    "ZenMLCliError",
]
