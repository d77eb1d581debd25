"""ZenML's ``zenml.metadata`` import path (``from zenml_cli.metadata.metadata_types import
Uri``)."""
