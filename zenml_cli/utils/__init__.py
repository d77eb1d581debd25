"""ZenML's ``zenml.utils`` import path (``from zenml_cli.utils.tag_utils import add_tags``)."""
