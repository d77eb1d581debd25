"""Issue 3 point 8 at the CLI: linked artifacts, runs and artifact versions as JSON; help
texts; and ``zenml doctor`` over artifact and run manifests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from zenml_cli import ArtifactConfig, Model, pipeline, save_artifact, step
from zenml_cli.cli.app import mount

app = mount()  # every command, as the whole CLI has them

pytestmark = pytest.mark.slow  # the installed zenml in real processes


def zenml(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@step
def data() -> Annotated[list[int], ArtifactConfig("dataset")]:
    return [1, 2]


@step
def model_out() -> Annotated[str, ArtifactConfig("weights", is_model_artifact=True)]:
    return "w"


@step
def endpoint() -> Annotated[str, ArtifactConfig("endpoint", is_deployment_artifact=True)]:
    return "http://x"


@pipeline(model=Model(name="demo"), enable_cache=False)  # each run saves new versions
def train() -> None:
    data()
    model_out()
    endpoint()


@pytest.fixture
def two_runs(sdk_project: Path) -> list[str]:
    return [train().id, train().id]


@pytest.mark.parametrize(
    ("command", "names"),
    [
        ("data_artifacts", ["dataset"]),
        ("model_artifacts", ["weights"]),
        ("deployment_artifacts", ["endpoint"]),
    ],
)
def test_model_artifact_listings_json(two_runs: list[str], command: str, names: list[str]) -> None:
    code, out, _ = zenml("model", command, "demo", "-o", "json")
    assert code == 0
    body = json.loads(out)
    assert [item["name"] for item in body["items"]] == names
    assert body["items"][0]["version"] == "2"  # default: the latest model version
    assert body["pagination"]["total"] == 1
    code, out, _ = zenml("model", command, "demo", "--version", "1", "-o", "json")
    assert json.loads(out)["items"][0]["version"] == "1"


def test_model_runs_json(two_runs: list[str]) -> None:
    code, out, _ = zenml("model", "runs", "demo", "--version", "1", "-o", "json")
    assert code == 0
    items = json.loads(out)["items"]
    assert [item["id"] for item in items] == [two_runs[0]]
    assert items[0]["status"] == "completed" and items[0]["pipeline"] == "train"
    assert [s["name"] for s in items[0]["steps"]] == ["data", "model_out", "endpoint"]


def test_unknown_model_or_version_exit_3(two_runs: list[str]) -> None:
    code, out, err = zenml("model", "data_artifacts", "nope", "-o", "json")
    assert code == 3 and out == "" and "no model named 'nope'" in err
    code, _, err = zenml("model", "runs", "demo", "--version", "9")
    assert code == 3 and "no version number 9" in err


def test_artifact_list_and_describe(two_runs: list[str]) -> None:
    code, out, _ = zenml("artifact", "list", "--name", "dataset", "-o", "json")
    assert code == 0
    body = json.loads(out)
    assert [(i["name"], i["version"]) for i in body["items"]] == [
        ("dataset", "1"),
        ("dataset", "2"),
    ]
    code, out, _ = zenml("artifact", "describe", "dataset", "1", "-o", "json")
    record = json.loads(out)
    assert (
        record["version"] == "1"
        and len(record["sha256"]) == 64
        and record["materializer"] == "json"
    )
    code, out, _ = zenml("artifact", "describe", record["id"], "-o", "json")
    assert json.loads(out)["version"] == "1"
    code, _, err = zenml("artifact", "describe", "datas")
    assert code == 3 and "no artifact named 'datas'" in err
    code, out, _ = zenml("artifact", "list", "-o", "csv")
    assert code == 0 and out.splitlines()[0].startswith("id,name,version")


def test_doctor_reports_broken_artifact_and_run_manifests_and_dangling_links(
    two_runs: list[str],
    sdk_project: Path,
) -> None:
    code, _, err = zenml("doctor")
    assert code == 0, err
    store = sdk_project / ".zenml"
    (store / "artifacts" / "endpoint" / "1.yaml").unlink()  # dangling link from version 1
    (store / "artifacts" / "dataset" / "2.yaml").write_text("format: 1\nname: [\n")
    (store / "runs" / f"{two_runs[1]}.yaml").write_text("format: 1\nid: other\n")
    code, out, _ = zenml("doctor", "-o", "json")
    assert code == 6
    problems = " | ".join(f"{p['path']}: {p['problem']}" for p in json.loads(out)["items"])
    assert "endpoint' version '1' points to a missing artifact version" in problems
    assert "dataset/2.yaml: not valid YAML" in problems
    assert f"{two_runs[1]}.yaml: field 'name' must be non-empty text" in problems


def test_hash_mismatch_at_load_has_exit_code_6(sdk_project: Path) -> None:
    from zenml_cli.errors import CorruptManifestError

    saved = save_artifact("x", "a")
    Path(saved.uri).write_text('"z"')
    with pytest.raises(CorruptManifestError) as caught:
        saved.load()
    assert caught.value.exit_code == 6


def test_every_new_command_and_option_has_help() -> None:
    """(Argument help is declared too, but typer 0.20 drops it from the click object.)"""
    command = typer.main.get_command(app)
    new = ["data_artifacts", "model_artifacts", "deployment_artifacts", "runs"]
    group = command.commands["model"]  # type: ignore[attr-defined]
    targets = [group.commands[name] for name in new]
    targets += list(command.commands["artifact"].commands.values())  # type: ignore[attr-defined]
    assert len(targets) == 8  # artifact list, describe, migrate, trust
    for cmd in targets:
        assert cmd.help, cmd.name
        for param in cmd.params:
            if param.param_type_name == "option" and param.name != "help":
                assert param.help, f"{cmd.name} {param.name}"
