"""ZenML's response classes at ZenML's import path (``from zenml_cli.models import
ModelVersionResponse``), for type hints and ``isinstance`` checks in ported code.

``ArtifactVersionResponse`` is the artifact version record; ``PipelineRunResponse``,
``StepRunResponse`` and ``PipelineResponse`` are what ``Client`` and calling a pipeline hand
out (run records bound to the registry, so step outputs load).
"""

from zenml_cli.core.artifacts.records import ArtifactVersionRecord as ArtifactVersionResponse
from zenml_cli.model.responses import ModelResponse, ModelVersionResponse
from zenml_cli.models.run_responses import (
    PipelineResponse,
    PipelineRunResponse,
    StepRunResponse,
)

__all__ = [
    "ArtifactVersionResponse",
    "ModelResponse",
    "ModelVersionResponse",
    "PipelineResponse",
    "PipelineRunResponse",
    "StepRunResponse",
]
