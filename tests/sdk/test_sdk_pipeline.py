"""Issue 3 points 2, 3, 4 and 6: steps, pipelines, outputs, step context, runs."""

from __future__ import annotations

from typing import Annotated, Tuple  # noqa: UP035 - ZenML users write Tuple

import pytest

from zenml_cli import (
    ArtifactConfig,
    ArtifactType,
    Client,
    Model,
    ModelStages,
    get_step_context,
    log_metadata,
    log_model_metadata,
    pipeline,
    step,
)
from zenml_cli.core import runs
from zenml_cli.errors import InvalidInputError, StepContextError

pytestmark = pytest.mark.usefixtures("sdk_project")


@step
def load() -> Tuple[  # noqa: UP006
    Annotated[list[int], ArtifactConfig("train_set")],
    Annotated[list[int], ArtifactConfig("test_set")],
]:
    return [1, 2, 3], [4]


@step
def train(
    data: list[int],
) -> Annotated[dict[str, int], ArtifactConfig("trained_model", is_model_artifact=True)]:
    return {"weights": sum(data)}


@step
def deploy_uri() -> Annotated[str, ArtifactConfig("deployment_uri", is_deployment_artifact=True)]:
    return "http://serve"


@step
def report(model: dict[str, int]) -> str:
    return f"w={model['weights']}"


@pipeline(model=Model(name="demo", license="Apache", description="Show case"), enable_cache=False)
def training() -> None:
    train_set, _ = load()
    model = train(train_set)
    report(model)
    deploy_uri(after=["train"])


def linked(model: str, number: int) -> dict[str, list[str]]:
    version = Client().get_model_version(model, number)
    return {kind.value: [link.name for link in links] for kind, links in version.artifacts.items()}


def test_pipeline_creates_model_and_one_version_per_run_linking_outputs() -> None:
    first = training()
    second = training()
    assert [v.number for v in Client().list_model_versions("demo")] == [1, 2]
    assert Client().get_model("demo").license == "Apache"
    for number, run in ((1, first), (2, second)):
        version = Client().get_model_version("demo", number)
        assert version.producing_run == run.id and version.pipeline_run_ids == {run.name: run.id}
        assert linked("demo", number) == {
            "data": ["train_set", "test_set", "training__report__output"],
            "model": ["trained_model"],
            "deployment": ["deployment_uri"],
        }
    second_version = Client().get_model_version("demo", 2)
    model_artifact = Client().get_artifact_version("trained_model")
    assert model_artifact.version == "2" and model_artifact.type == ArtifactType.MODEL
    assert second_version.model_artifact_ids == [model_artifact.id]
    assert model_artifact.producing_step == "train" and model_artifact.producing_run == second.id


def test_run_record_has_steps_status_outputs_and_model_versions() -> None:
    run = training()
    stored = Client().get_pipeline_run(run.id)
    assert stored.status == "completed" and stored.pipeline == "training"
    assert list(stored.steps) == ["load", "train", "report", "deploy_uri"]
    assert all(
        s.status == "completed" and s.start_time <= (s.end_time or "")
        for s in stored.steps.values()
    )
    assert stored.steps["load"].outputs["train_set"].name == "train_set"  # ZenML's shape
    assert stored.steps["load"].outputs["train_set"].load() == [1, 2, 3]
    assert stored.steps["train"].model_version == {
        "model": "demo",
        "number": 1,
        "id": stored.model_versions[0]["id"],
    }
    assert [v["number"] for v in stored.model_versions] == [1]
    version_id = stored.model_versions[0]["id"]  # every reference carries the id (format 2)
    assert stored.steps["train"].model_version == {"model": "demo", "number": 1, "id": version_id}


def test_outputs_pass_through_as_python_values() -> None:
    seen = []

    @step
    def consume(value: dict[str, int]) -> None:
        seen.append(value)

    @pipeline
    def p() -> None:
        consume(train([5, 6]))

    p()
    assert seen == [{"weights": 11}]


def test_step_level_model_wins_over_pipeline_model() -> None:
    @step(model=Model(name="special", version="v-special"))
    def special() -> int:
        return get_step_context().model.number

    @step
    def plain() -> int:
        return get_step_context().model.number

    @pipeline(model=Model(name="demo"))
    def p() -> None:
        special()
        plain()

    p()
    assert linked("special", 1)["data"] == ["p__special__output"]
    assert linked("demo", 1)["data"] == ["p__plain__output"]


def test_one_version_per_model_per_run_across_steps_and_objects() -> None:
    @step(model=Model(name="demo"))
    def a() -> int:
        return get_step_context().model.number

    @step
    def b() -> int:
        return Model(name="demo").number  # a fresh object inside the run: same version

    @pipeline(model=Model(name="demo"))
    def p() -> tuple[int, int]:
        return a(), b()

    p()
    assert [v.number for v in Client().list_model_versions("demo")] == [1]


def test_after_with_names_and_step_objects_and_missing_step_error() -> None:
    order = []

    @step
    def first() -> None:
        order.append("first")

    @step
    def second() -> None:
        order.append("second")

    @pipeline(enable_cache=False)  # else ZenML caches the second call of `second`
    def good() -> None:
        first()
        second(after=[first])
        second(after="first")

    good()
    assert order == ["first", "second", "second"]

    @pipeline
    def bad() -> None:
        second(after=["first"])

    with pytest.raises(InvalidInputError, match="'first', which has not run"):
        bad()


def test_failed_step_marks_run_failed_and_keeps_version() -> None:
    @step
    def boom() -> None:
        raise RuntimeError("training diverged")

    @pipeline(model=Model(name="demo"))
    def p() -> None:
        load()
        boom()

    with pytest.raises(RuntimeError, match="training diverged"):
        p()
    version = Client().get_model_version("demo", 1)
    assert version.from_failed_run is True
    assert linked("demo", 1)["data"] == ["train_set", "test_set"]
    run = Client().get_pipeline_run(version.producing_run or "")
    assert run.status == "failed" and "training diverged" in (run.error or "")
    assert run.steps["boom"].status == "failed" and run.steps["load"].status == "completed"


def test_failed_run_does_not_mark_a_version_it_only_used() -> None:
    Model(name="demo", version="keep").number  # noqa: B018

    @step
    def boom() -> None:
        raise ValueError("x")

    @pipeline(model=Model(name="demo", version="keep"))
    def p() -> None:
        boom()

    with pytest.raises(ValueError):
        p()
    assert Client().get_model_version("demo", "keep").from_failed_run is False


def test_promotion_inside_a_step_with_force() -> None:
    @step
    def promote() -> None:
        get_step_context().model.set_stage(ModelStages.STAGING, force=True)

    @pipeline(model=Model(name="demo"), enable_cache=False)  # a cached promote would not run
    def p() -> None:
        promote()

    p()
    p()
    stages = {v.number: v.stage for v in Client().list_model_versions("demo")}
    assert stages == {1: "archived", 2: "staging"}


def test_step_context_errors_outside_step_and_without_model() -> None:
    with pytest.raises(StepContextError, match="inside a running step"):
        get_step_context()

    @step
    def no_model() -> None:
        get_step_context().model  # noqa: B018

    @pipeline
    def p() -> None:
        no_model()

    with pytest.raises(StepContextError, match="has no model"):
        p()


def test_step_context_exposes_run_and_step() -> None:
    seen = {}

    @step
    def look() -> None:
        context = get_step_context()
        seen.update(run=context.pipeline_run.id, step=context.step_run.name, model=context.model)

    @pipeline(model=Model(name="demo"))
    def p() -> None:
        look()

    run = p()
    assert seen["run"] == run.id and seen["step"] == "look"
    assert seen["model"].number == 1


def test_tuple_output_count_mismatch_fails_the_step() -> None:
    @step
    def wrong() -> Tuple[int, int]:  # noqa: UP006
        return (1,)  # type: ignore[return-value]

    @pipeline
    def p() -> None:
        wrong()

    with pytest.raises(InvalidInputError, match="2 outputs but returned 1"):
        p()


def test_artifact_type_and_version_from_artifact_config() -> None:
    @step
    def stats() -> Annotated[
        dict[str, int],
        ArtifactConfig(
            "stats",
            version="v1",
            artifact_type=ArtifactType.STATISTICS,
            tags=["x"],
            run_metadata={"rows": 3},
        ),
    ]:
        return {"rows": 3}

    @pipeline(model=Model(name="demo"), enable_cache=False)  # cached, it would not save again
    def p() -> None:
        stats()

    p()
    record = Client().get_artifact_version("stats", "v1")
    assert record.type == ArtifactType.STATISTICS and record.tags == ["x"]
    assert record.run_metadata == {"rows": 3}
    assert linked("demo", 1)["data"] == ["stats"]
    with pytest.raises(Exception, match="already has a version 'v1'"):
        p()  # a fixed version cannot be saved twice


def test_model_typed_output_links_as_model_artifact() -> None:
    @step
    def typed() -> Annotated[str, ArtifactConfig("weights", artifact_type=ArtifactType.MODEL)]:
        return "w"

    @pipeline(model=Model(name="demo"))
    def p() -> None:
        typed()

    p()
    assert linked("demo", 1)["model"] == ["weights"]


def test_conflicting_artifact_config_flags_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="not both"):
        ArtifactConfig("x", is_model_artifact=True, is_deployment_artifact=True)


def test_log_metadata_targets() -> None:
    @step
    def logs() -> None:
        log_metadata({"step_key": 1})
        log_metadata({"acc": 0.9}, infer_model=True)
        log_model_metadata({"loss": 0.2})

    @pipeline(model=Model(name="demo"))
    def p() -> None:
        logs()

    run = p()
    assert Model(name="demo", version=1).run_metadata == {"acc": 0.9, "loss": 0.2}
    assert Client().get_pipeline_run(run.id).steps["logs"].run_metadata == {"step_key": 1}
    log_metadata({"from_ci": True}, model_name="demo", model_version=1)
    assert Model(name="demo", version=1).run_metadata["from_ci"] is True
    with pytest.raises(StepContextError, match="needs a target"):
        log_metadata({"a": 1})
    with pytest.raises(StepContextError, match="only inside a step"):
        log_model_metadata({"a": 1})


def test_step_outside_pipeline_runs_as_one_step_run() -> None:
    assert train([1, 1]) == {"weights": 2}
    ids = runs.run_ids(Client().registry.store)
    assert len(ids) == 1
    run = Client().get_pipeline_run(ids[0])
    assert run.pipeline == "train" and list(run.steps) == ["train"]


def test_pipeline_called_inside_a_pipeline_composes() -> None:
    """Issue 20 item 3: the inner pipeline's steps join the outer run, its return value is
    passed on, and no second run is recorded (as ZenML composes pipelines)."""

    @step
    def make() -> int:
        return 20

    @step
    def double(value: int) -> int:
        return value * 2

    @pipeline(model=Model(name="inner_model_is_ignored"))
    def inner() -> int:
        return make()

    @pipeline(model=Model(name="composed"))
    def outer() -> None:
        double(inner())

    run = outer()
    assert list(run.steps) == ["make", "double"]
    assert run.steps["double"].output.load() == 40
    assert [r.pipeline for r in Client().list_pipeline_runs().items] == ["outer"]
    assert [m.name for m in Client().list_models().items] == ["composed"]
