"""zenml-cli: ZenML's Model Control Plane as manifests in your repository's ``.zenml/``.

Importing this package imports neither typer nor rich (nor yaml, filelock, numpy or pickle):
pipeline code pays only for what it uses.
"""

from zenml_cli.artifacts.artifact_config import ArtifactConfig
from zenml_cli.artifacts.utils import (
    link_artifact_to_model,
    load_artifact,
    log_artifact_metadata,
    log_metadata,
    log_model_metadata,
    save_artifact,
)
from zenml_cli.client import Client
from zenml_cli.enums import ArtifactType, ModelStages
from zenml_cli.errors import (
    ConflictError,
    CorruptManifestError,
    InvalidInputError,
    LockTimeoutError,
    NotFoundError,
    StepContextError,
    ZenMLCliError,
)
from zenml_cli.model import Model
from zenml_cli.pipelines import get_step_context, pipeline, step

__version__ = "0.1.0"

__all__ = [
    "ArtifactConfig",
    "ArtifactType",
    "Client",
    "ConflictError",
    "CorruptManifestError",
    "InvalidInputError",
    "LockTimeoutError",
    "Model",
    "ModelStages",
    "NotFoundError",
    "StepContextError",
    "ZenMLCliError",
    "get_step_context",
    "link_artifact_to_model",
    "load_artifact",
    "log_artifact_metadata",
    "log_metadata",
    "log_model_metadata",
    "pipeline",
    "save_artifact",
    "step",
]
