"""Issue 20, item by item, in process: what ported ZenML programs call (output metadata, run
configuration files, the local stack, ``Model`` as a value, pipelines and runs from the
client, ``Step.with_options``, step caching, a long-lived client)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pytest

from zenml_cli import Client, Model, get_step_context, log_metadata, pipeline, save_artifact, step
from zenml_cli.artifacts.utils import log_artifact_metadata
from zenml_cli.errors import (
    InvalidInputError,
    MissingTargetError,
    NotFoundError,
    StageOccupiedError,
    StepContextError,
)


@pytest.fixture(autouse=True)
def _project(sdk_project: Path) -> Path:
    return sdk_project


# ------------------------------------------------------------------------ item 1: metadata
def test_metadata_targets_the_running_steps_outputs() -> None:
    @step
    def two() -> tuple[Annotated[int, "a"], Annotated[int, "b"]]:
        log_metadata({"x": 1}, artifact_name="b", infer_artifact=True)
        log_artifact_metadata({"y": 2}, artifact_name="a")
        get_step_context().add_output_metadata({"z": 3}, output_name="b")
        return 1, 2

    run = pipeline(lambda: two(), name="p")()  # noqa: PLW0108
    outputs = run.steps["two"].outputs
    assert outputs["a"].run_metadata == {"y": 2}
    assert outputs["b"].run_metadata == {"x": 1, "z": 3}


def test_inferring_the_output_needs_exactly_one() -> None:
    @step
    def two() -> tuple[Annotated[int, "a"], Annotated[int, "b"]]:
        log_metadata({"x": 1}, infer_artifact=True)
        return 1, 2

    with pytest.raises(StepContextError, match="exactly one output; step 'two' has 2"):
        pipeline(lambda: two(), name="p")()  # noqa: PLW0108
    with pytest.raises(MissingTargetError, match="only inside a step"):
        log_artifact_metadata({"x": 1})


def test_a_name_that_is_no_output_still_means_an_existing_artifact() -> None:
    save_artifact([1], "older")

    @step
    def tag_older() -> int:
        log_artifact_metadata({"seen": True}, artifact_name="older")
        return 1

    pipeline(lambda: tag_older(), name="p")()  # noqa: PLW0108
    assert Client().get_artifact_version("older").run_metadata == {"seen": True}


# ------------------------------------------------------------------------ item 2: config file
@step
def scaled(value: int, factor: int = 1) -> int:
    return value * factor


@pipeline
def configured(value: int = 1) -> None:
    scaled(value)


def write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


def test_config_file_applies_model_parameters_steps_and_code_wins(tmp_path: Path) -> None:
    config = write(
        tmp_path / "c.yaml",
        "model: {name: cfg, version: v1, license: MIT}\n"
        "parameters: {value: 3}\n"
        "run_name: cfg_run\n"
        # `value` is passed positionally in code: code wins, no "multiple values" error
        "steps: {scaled: {parameters: {factor: 10, value: 100}, enable_cache: false}}\n"
        "tags: [nightly]\n",
    )
    run = configured.with_options(config_path=config)()
    assert run.name == "cfg_run" and run.steps["scaled"].output.load() == 30
    assert run.steps["scaled"].config["enable_cache"] is False
    assert run.config["tags"] == ["nightly"] and run.config["config_path"] == config
    version = Client().get_model_version("cfg", "v1")
    assert Client().get_model("cfg").license == "MIT" and version.number == 1
    run = configured.with_options(config_path=config, model=Model(name="code"), run_name="r2")(5)
    assert run.steps["scaled"].output.load() == 50  # the call's argument wins over the file
    assert [m["model"] for m in run.model_versions] == ["code"]


@pytest.mark.parametrize(
    ("text", "error", "match"),
    [
        ("paramters: {value: 3}\n", InvalidInputError, "unknown key 'paramters'"),
        ("model: {version: v1}\n", InvalidInputError, "model needs a name"),
        ("model: {name: m, flavour: x}\n", InvalidInputError, "unknown field 'flavour'"),
        ("- a\n- b\n", InvalidInputError, "must be a mapping"),
        ("a: &x 1\nb: *x\n", InvalidInputError, "not valid YAML"),
        ("enable_cache: maybe\n", InvalidInputError, "must be true or false"),
        ("steps: [a]\n", InvalidInputError, "steps must be a mapping"),
    ],
)
def test_bad_config_files_are_one_line_errors(
    tmp_path: Path, text: str, error: type[Exception], match: str
) -> None:
    path = write(tmp_path / "bad.yaml", text)
    with pytest.raises(error, match=match) as caught:
        configured.with_options(config_path=path)
    assert "\n" not in str(caught.value) and "bad.yaml" in str(caught.value)
    assert Client().list_pipeline_runs().total == 0


def test_a_missing_or_huge_config_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="does not exist"):
        configured.with_options(config_path=str(tmp_path / "nope.yaml"))
    huge = write(tmp_path / "huge.yaml", "extra: {k: '" + "x" * (1024 * 1024) + "'}\n")
    with pytest.raises(InvalidInputError, match="more than the 1,048,576"):
        configured.with_options(config_path=huge)


# ------------------------------------------------------------------------ item 5: the stack
def test_the_local_stack_project_and_user(sdk_project: Path) -> None:
    client = Client()
    client.activate_stack("default")
    stack = client.active_stack
    assert stack.name == "default" and stack.orchestrator.flavor == "local"
    assert stack.artifact_store.path == str(sdk_project / ".zenml/artifact_store")
    assert stack.experiment_tracker is None and client.active_stack_model.id == stack.id
    assert client.active_project.name == sdk_project.name
    assert client.active_user.name == "tester"
    with pytest.raises(NotFoundError, match="one local stack, 'default'"):
        client.activate_stack("k8s_stack")


# ------------------------------------------------------------------------ item 7: Model
def test_model_version_is_assignable_and_models_compare_by_value() -> None:
    assert Model(name="a", version="1") == Model(name="a", version="1")
    assert Model(name="a", version="1") != Model(name="a", version="2")
    assert Model(name="a", license="MIT") != Model(name="a")
    model = Model(name="a", version="first")
    model.version = "second"
    assert model.number == 1 and model.version == "second"
    model.version = "third"
    assert model.number == 2
    assert [v.name for v in Client().list_model_versions("a")] == ["second", "third"]


# ------------------------------------------------------------------------ item 8: pipelines
def test_pipelines_and_their_runs_from_the_client() -> None:
    first, second = configured(), configured()
    client = Client()
    found = client.get_pipeline("configured")
    assert client.get_pipeline(found.id) == found
    assert [r.id for r in found.runs] == [second.id, first.id]  # newest first, as in ZenML
    assert found.last_run.id == second.id == found.last_successful_run.id
    assert found.last_run.steps["scaled"].output.load() == 1
    assert found.last_run.steps["scaled"].outputs["output"][0].load() == 1  # ZenML's newer form
    for given in ("configured", found.id, found):
        assert client.list_pipeline_runs(pipeline=given).total == 2
    assert [p.name for p in client.list_pipelines().items] == ["configured"]
    with pytest.raises(NotFoundError, match="no pipeline 'other'"):
        client.get_pipeline("other")


# ------------------------------------------------------------------------ item 9: Step options
def test_step_with_options_and_configure() -> None:
    tenfold = scaled.with_options(parameters={"factor": 10}, enable_cache=False, name="tenfold")
    assert scaled.name == "scaled" and scaled.parameters == {}

    @pipeline
    def uses() -> None:
        tenfold(2)
        tenfold(2)

    run = uses()
    assert [(s.name, s.status.value) for s in run.steps.values()] == [
        ("tenfold", "completed"),
        ("tenfold_2", "completed"),
    ]
    assert run.steps["tenfold"].output.load() == 20


# ------------------------------------------------------------------------ item 10: caching
calls: list[str] = []


@step
def counted(value: int) -> int:
    calls.append("counted")
    return value + 1


def test_cache_rules_step_over_pipeline_and_what_invalidates() -> None:
    calls.clear()

    @pipeline(enable_cache=False)
    def off(value: int = 1) -> None:
        counted.with_options(enable_cache=True)(value)  # the step's setting wins

    off()
    off()
    assert calls == ["counted"]
    off(2)  # another parameter: a new key
    assert calls == ["counted", "counted"]

    @pipeline
    def chained(value: int = 1) -> None:
        counted(counted(value))

    calls.clear()
    chained()  # inner is cached from `off`, the outer takes its artifact: a new key
    assert calls == ["counted"]
    chained()
    assert calls == ["counted"]


def test_a_cached_output_that_no_longer_loads_runs_the_step_again() -> None:
    calls.clear()
    first = pipeline(lambda: counted(5), name="p")()
    Client().delete_artifact_version(first.steps["counted"].output.id)
    again = pipeline(lambda: counted(5), name="p")()
    assert calls == ["counted", "counted"]
    assert again.steps["counted"].status.value == "completed"


def test_unpicklable_parameters_are_never_cached() -> None:
    import threading

    @step
    def takes(lock: object) -> int:
        calls.append("takes")
        return 1

    calls.clear()
    lock = threading.Lock()
    run = pipeline(lambda: takes(lock), name="p")()
    pipeline(lambda: takes(lock), name="p")()
    assert calls == ["takes", "takes"] and run.steps["takes"].cache_key is None


def test_cached_outputs_link_to_the_new_model_version() -> None:
    @pipeline(model=Model(name="cached_model"))
    def trains() -> None:
        counted(1)

    trains()
    trains()
    versions = Client().list_model_versions("cached_model").items
    assert [v.get_artifact("p__counted__output") for v in versions] == [None, None]
    links = [v.get_artifact("trains__counted__output") for v in versions]
    assert [link.version if link else None for link in links] == ["1", "1"]


# ------------------------------------------------------------------------ item 12: reload
def test_a_long_lived_client_sees_a_changed_config(sdk_project: Path) -> None:
    client = Client()
    client.create_model("iris")
    for _ in range(2):
        client.create_model_version("iris")
    client.update_model_version("iris", 1, stage="production")
    config = sdk_project / ".zenml" / "config.yaml"
    config.write_text(config.read_text().replace("strict_force: false", "strict_force: true"))
    with pytest.raises(StageOccupiedError, match="strict_force"):
        client.update_model_version("iris", 2, stage="production")


# ------------------------------------------------------------------------ more ZenML paths
def test_steps_module_external_artifacts_and_step_metadata() -> None:
    from zenml_cli import ExternalArtifact, log_step_metadata
    from zenml_cli.steps import get_step_context as from_steps
    from zenml_cli.steps import step as step_from_steps

    saved = save_artifact([1, 2, 3], "raw")

    @step_from_steps
    def total(values: list[int], more: list[int]) -> int:
        log_step_metadata({"seen": from_steps().step_name})
        return sum(values) + sum(more)

    run = pipeline(
        lambda: total(ExternalArtifact(value=[10]), ExternalArtifact(name="raw", version="1")),
        name="ext",
    )()
    assert run.steps["total"].output.load() == 16
    assert run.steps["total"].run_metadata == {"seen": "total"}
    log_step_metadata({"later": 1}, step_name="total", run_id=run.id)
    assert Client().get_pipeline_run(run.id).steps["total"].run_metadata["later"] == 1
    with pytest.raises(InvalidInputError, match="one of value=, id= or name="):
        ExternalArtifact()
    assert saved.version == "1"


def test_large_parameters_are_recorded_by_size() -> None:
    @step
    def length(values: list[int]) -> int:
        return len(values)

    run = pipeline(lambda: length(list(range(5000))), name="big")()
    recorded = run.steps["length"].config["parameters"]["values"]
    assert recorded.startswith("<list: ") and recorded.endswith(" bytes of JSON>")


def test_a_schedule_is_recorded_not_run() -> None:
    from zenml_cli.config import DockerSettings
    from zenml_cli.config.schedule import Schedule

    run = configured.with_options(
        schedule=Schedule(cron_expression="0 3 * * *"),
        settings={"docker": DockerSettings(parent_image="python:3.11")},
    )()
    assert run.config["schedule"] == {"cron_expression": "0 3 * * *"}
    assert run.config["settings"] == {"docker": {"parent_image": "python:3.11"}}


def test_failure_and_success_hooks_run_in_the_step() -> None:
    seen: list[str] = []

    def alert(exception: BaseException) -> None:
        seen.append(f"failed {get_step_context().step_name}: {exception}")

    def done() -> None:
        seen.append("ok")

    @step(on_failure=alert)
    def breaks() -> None:
        raise ValueError("boom")

    @step(enable_cache=False)
    def works() -> None:
        pass

    @pipeline(on_success=done)
    def hooked() -> None:
        works()
        breaks()

    with pytest.raises(ValueError, match="boom"):
        hooked()
    assert seen == ["ok", "failed breaks: boom"]


def test_add_and_remove_tags() -> None:
    from zenml_cli import Tag, add_tags, remove_tags

    @step
    def tagged() -> Annotated[int, "scores"]:
        add_tags(tags=["fresh", Tag(name="gold", exclusive=True)], infer_artifact=True)
        add_tags(["nightly"])  # no target inside a step: the run
        return 1

    run = pipeline(lambda: tagged(), name="tags")()  # noqa: PLW0108
    assert Client().get_artifact_version("scores").tags == ["fresh", "gold"]
    assert Client().get_pipeline_run(run.id).config["tags"] == ["nightly"]
    add_tags(["reviewed"], artifact_name="scores", artifact_version="1")
    remove_tags(["fresh"], artifact_version_id=run.steps["tagged"].output.id)
    assert Client().get_artifact_version("scores").tags == ["gold", "reviewed"]
    remove_tags(["nightly"], run=run.name)
    assert Client().get_pipeline_run(run.id).config.get("tags") == []
    with pytest.raises(InvalidInputError, match="cannot tag a pipeline here"):
        add_tags(["x"], pipeline="tags")
    with pytest.raises(MissingTargetError, match="needs a target"):
        add_tags(["x"])
