"""Pipeline code: ``@step``, ``@pipeline`` and ``get_step_context`` (a local orchestrator)."""

from zenml_cli.pipelines.context import (
    PipelineContext,
    StepContext,
    get_pipeline_context,
    get_step_context,
)
from zenml_cli.pipelines.pipeline import Pipeline, pipeline
from zenml_cli.pipelines.step import Step, step

__all__ = [
    "Pipeline",
    "PipelineContext",
    "Step",
    "StepContext",
    "get_pipeline_context",
    "get_step_context",
    "pipeline",
    "step",
]
