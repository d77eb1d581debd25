"""``Model`` and the model helpers, at the import paths ZenML users write:
``zenml_cli.model`` and ``zenml_cli.model.model`` (``Model``), ``zenml_cli.model.utils``
(``log_model_metadata``, ``link_artifact_to_model``)."""

from zenml_cli.model.model import ACTIVE_SCOPE, Model, VersionScope

__all__ = ["ACTIVE_SCOPE", "Model", "VersionScope"]
