"""ZenML's ``zenml.steps`` import path: ``from zenml_cli.steps import step, get_step_context``."""

from zenml_cli.pipelines.context import StepContext, get_step_context
from zenml_cli.pipelines.step import Step as BaseStep
from zenml_cli.pipelines.step import step

__all__ = ["BaseStep", "StepContext", "get_step_context", "step"]
