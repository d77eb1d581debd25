"""Issue 20 items 4 and 6 and the integrations rule: ZenML's import paths for string types,
settings classes and response classes, and a one-line ImportError for integrations."""

from __future__ import annotations

import pytest

from zenml_cli.config import DockerSettings, ResourceSettings, settings_to_data
from zenml_cli.types import CSVString, HTMLString, JSONString, MarkdownString


def test_string_types_are_strings() -> None:
    for kind in (HTMLString, MarkdownString, CSVString, JSONString):
        value = kind("<b>x</b>")
        assert isinstance(value, str) and value == "<b>x</b>" and type(value) is kind


def test_settings_keep_their_values_as_data() -> None:
    docker = DockerSettings(requirements=["torch"], parent_image="zenml/cuda")
    assert docker.requirements == ["torch"]
    assert docker == DockerSettings(requirements=["torch"], parent_image="zenml/cuda")
    assert docker != ResourceSettings(requirements=["torch"], parent_image="zenml/cuda")
    data = settings_to_data({"docker": docker, "resources": ResourceSettings(cpu_count=2)})
    assert data == {
        "docker": {"requirements": ["torch"], "parent_image": "zenml/cuda"},
        "resources": {"cpu_count": 2},
    }
    with pytest.raises(AttributeError, match="no setting 'gpu_count'"):
        _ = ResourceSettings(cpu_count=2).gpu_count


def test_response_classes_import_from_zenml_path() -> None:
    from zenml_cli.core.runs import RunRecord
    from zenml_cli.model.responses import ModelVersionResponse as Bound
    from zenml_cli.models import ModelVersionResponse, PipelineRunResponse

    assert ModelVersionResponse is Bound
    assert issubclass(PipelineRunResponse, RunRecord)


@pytest.mark.parametrize(
    "module", ["zenml_cli.integrations.mlflow", "zenml_cli.integrations.evidently.steps"]
)
def test_integrations_raise_one_line_import_error(module: str) -> None:
    import importlib

    with pytest.raises(ImportError) as caught:
        importlib.import_module(module)
    text = str(caught.value)
    assert "zenml-cli has no integrations" in text and "\n" not in text
    assert module.split(".")[2] in text


def test_from_integrations_import_name_says_so() -> None:
    with pytest.raises(ImportError, match="'sklearn' was imported"):
        from zenml_cli.integrations import sklearn  # noqa: F401
