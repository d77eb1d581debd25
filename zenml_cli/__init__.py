"""zenml-cli: ZenML's Model Control Plane as manifests in your repository's ``.zenml/``.

Importing this package imports neither typer nor rich (nor yaml, filelock, numpy or pickle),
and each public name is imported on first use (PEP 562), so the ``zenml`` command, which lives
inside this package, does not pay for the pipeline SDK, and pipeline code pays only for what
it touches.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from zenml_cli.artifacts.artifact_config import ArtifactConfig
    from zenml_cli.artifacts.external_artifact import ExternalArtifact
    from zenml_cli.artifacts.utils import (
        link_artifact_to_model,
        load_artifact,
        log_artifact_metadata,
        log_metadata,
        log_model_metadata,
        log_step_metadata,
        save_artifact,
    )
    from zenml_cli.client import Client
    from zenml_cli.model import Model
    from zenml_cli.pipelines.context import get_pipeline_context, get_step_context
    from zenml_cli.pipelines.pipeline import pipeline
    from zenml_cli.pipelines.step import step
    from zenml_cli.utils.tag_utils import Tag, add_tags, remove_tags

from zenml_cli.version import __version__ as __version__

#: Public name -> the module that defines it, imported when the name is first used.
_LAZY = {
    "ArtifactConfig": "zenml_cli.artifacts.artifact_config",
    "ExternalArtifact": "zenml_cli.artifacts.external_artifact",
    "Client": "zenml_cli.client",
    "Model": "zenml_cli.model",
    "get_pipeline_context": "zenml_cli.pipelines.context",
    "get_step_context": "zenml_cli.pipelines.context",
    "pipeline": "zenml_cli.pipelines.pipeline",
    "step": "zenml_cli.pipelines.step",
    "Tag": "zenml_cli.utils.tag_utils",
    "add_tags": "zenml_cli.utils.tag_utils",
    "remove_tags": "zenml_cli.utils.tag_utils",
    **{
        name: "zenml_cli.artifacts.utils"
        for name in (
            "link_artifact_to_model",
            "load_artifact",
            "log_artifact_metadata",
            "log_metadata",
            "log_model_metadata",
            "log_step_metadata",
            "save_artifact",
        )
    },
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'zenml_cli' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "ArtifactConfig",
    "ArtifactType",
    "Client",
    "ExternalArtifact",
    "ConflictError",
    "CorruptManifestError",
    "InvalidInputError",
    "LockTimeoutError",
    "Model",
    "ModelStages",
    "NotFoundError",
    "StepContextError",
    "Tag",
    "ZenMLCliError",
    "add_tags",
    "get_pipeline_context",
    "get_step_context",
    "link_artifact_to_model",
    "load_artifact",
    "log_artifact_metadata",
    "log_metadata",
    "log_model_metadata",
    "log_step_metadata",
    "pipeline",
    "remove_tags",
    "save_artifact",
    "step",
]
