"""The public import paths ZenML users port to, and the cost of ``import zenml_cli``."""

from __future__ import annotations

import subprocess
import sys

PUBLIC = [
    "Model",
    "Client",
    "step",
    "pipeline",
    "get_step_context",
    "ArtifactConfig",
    "save_artifact",
    "load_artifact",
    "link_artifact_to_model",
    "log_metadata",
    "log_model_metadata",
    "ModelStages",
    "ArtifactType",
]


def test_public_names_and_zenml_paths() -> None:
    import zenml_cli
    from zenml_cli.artifacts.utils import link_artifact_to_model, load_artifact, save_artifact
    from zenml_cli.client import Client
    from zenml_cli.enums import ArtifactType, ModelStages
    from zenml_cli.model import Model

    for name in PUBLIC:
        assert hasattr(zenml_cli, name), name
    assert zenml_cli.Model is Model and zenml_cli.Client is Client
    assert zenml_cli.save_artifact is save_artifact and zenml_cli.load_artifact is load_artifact
    assert zenml_cli.link_artifact_to_model is link_artifact_to_model
    assert zenml_cli.ModelStages is ModelStages and zenml_cli.ArtifactType is ArtifactType


def test_import_pulls_in_no_cli_or_heavy_modules() -> None:
    banned = ["typer", "rich", "click", "yaml", "filelock", "pickle", "numpy", "pandas", "sklearn"]
    code = f"import sys, zenml_cli\nprint(','.join(m for m in {banned!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == ""
