"""Issue 20 items 4 and 6 and the integrations rule: ZenML's import paths for string types,
settings classes and response classes, and a one-line ImportError for integrations."""

from __future__ import annotations

import pytest

from zenml_cli import Client
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


def test_a_bound_version_is_the_one_init_would_build(client: Client) -> None:
    """``ModelVersionResponse.bind`` takes a plain record's attributes over without calling
    ``__init__`` (speed); the response must be exactly what ``__init__`` builds from them."""
    from zenml_cli.core.records import ArtifactLink, ModelVersionRecord
    from zenml_cli.enums import LinkKind, ModelStages
    from zenml_cli.model.responses import ModelVersionResponse, _bound

    record = ModelVersionRecord(
        model="iris",
        number=3,
        name="v3",
        id="an-id",
        model_id="model-id",
        stage=ModelStages.STAGING,
        description="third",
        tags=["b", "a"],
        created="2026-01-01T00:00:00.000000Z",
        created_by="me",
        producing_run="run-id",
        from_failed_run=True,
        run_metadata={"auc": 0.9},
        artifacts={kind: [ArtifactLink("data", "1", "art-id")] for kind in LinkKind},
        pipeline_run_ids=["r1", "r2"],
    )
    fast = ModelVersionResponse.bind(record, client.registry)
    slow = _bound(ModelVersionResponse, record, client.registry)
    assert vars(fast) == vars(slow)
    assert fast == slow and fast.to_dict() == record.to_dict()
    assert fast.stage is ModelStages.STAGING and [t.name for t in fast.tags] == ["b", "a"]
    assert fast._run_ids == ["r1", "r2"] and fast._run_ids is not record.pipeline_run_ids
    unstaged = ModelVersionResponse.bind(
        ModelVersionRecord(model="iris", number=1, name="1", id="x"), client.registry
    )
    assert unstaged.stage is None and unstaged.to_dict()["stage"] == "none"
