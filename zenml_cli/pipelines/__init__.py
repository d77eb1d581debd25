"""Pipeline code: ``@step``, ``@pipeline`` and ``get_step_context`` (a local orchestrator)."""

from zenml_cli.pipelines.context import StepContext, get_step_context
from zenml_cli.pipelines.pipeline import Pipeline, pipeline
from zenml_cli.pipelines.step import Step, step

__all__ = ["Pipeline", "Step", "StepContext", "get_step_context", "pipeline", "step"]
