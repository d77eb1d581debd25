"""ZenML's ``zenml.model.utils``: the model metadata and linking helpers."""

from zenml_cli.artifacts.utils import link_artifact_to_model, log_metadata, log_model_metadata

__all__ = ["link_artifact_to_model", "log_metadata", "log_model_metadata"]
