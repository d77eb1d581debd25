"""ZenML's response classes at ZenML's import path (``from zenml_cli.models import
ModelVersionResponse``), for type hints and ``isinstance`` checks in ported code.

``ArtifactVersionResponse`` is the artifact version record and ``PipelineRunResponse`` the run
record: the objects ``Client`` and the step functions hand out.
"""

from zenml_cli.core.artifact_records import ArtifactVersionRecord as ArtifactVersionResponse
from zenml_cli.core.runs import RunRecord as PipelineRunResponse
from zenml_cli.core.runs import StepRunRecord as StepRunResponse
from zenml_cli.model.responses import ModelResponse, ModelVersionResponse

__all__ = [
    "ArtifactVersionResponse",
    "ModelResponse",
    "ModelVersionResponse",
    "PipelineRunResponse",
    "StepRunResponse",
]
