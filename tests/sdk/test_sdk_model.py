"""Issue 3 points 1 and 2: Model version resolution, laziness, and promotion from code."""

from __future__ import annotations

from pathlib import Path

import pytest

from zenml_cli import Client, Model, ModelStages
from zenml_cli.errors import ConflictError, InvalidInputError, NotFoundError

pytestmark = pytest.mark.usefixtures("sdk_project")


def numbers(model: str) -> list[int]:
    return [v.number for v in Client().list_model_versions(model)]


def test_version_none_creates_model_and_one_version_per_object() -> None:
    model = Model(name="demo", license="Apache", description="d", tags=["t"])
    assert Client().list_models().total == 0  # lazy: nothing until a property is read
    assert model.number == 1
    assert model.number == 1 and model.id and model.stage is None
    assert model.version == "1"
    assert numbers("demo") == [1]
    record = Client().get_model("demo")
    assert (record.license, record.description, record.tags) == ("Apache", "d", ["t"])
    assert Model(name="demo").number == 2  # a second object: a second version


def test_reading_version_before_resolving_creates_nothing() -> None:
    model = Model(name="demo")
    assert model.version is None
    assert Client().list_models().total == 0


def test_named_version_is_get_or_create_and_takes_next_number() -> None:
    for _ in range(4):
        assert Model(name="my_model").number  # 1..4
    assert Model(name="my_model", version="really_good_version").number == 5
    assert Model(name="my_model", version="even_better_version").number == 6
    assert Model(name="my_model", version="really_good_version").number == 5
    assert numbers("my_model") == [1, 2, 3, 4, 5, 6]


def test_number_digits_and_stage_references_fetch() -> None:
    for name in ("a", "b", "c"):
        Model(name="m", version=name).number  # noqa: B018
    Client().update_model_version("m", 2, stage="production")
    assert Model(name="m", version=2).version == 2  # not resolved yet
    assert Model(name="m", version=2).id == Client().get_model_version("m", 2).id
    assert Model(name="m", version="3").number == 3
    assert Model(name="m", version=ModelStages.LATEST).number == 3
    assert Model(name="m", version="Production").number == 2
    assert Model(name="m", version=ModelStages.PRODUCTION).version == ModelStages.PRODUCTION
    assert numbers("m") == [1, 2, 3]  # fetching never creates


def test_missing_number_or_stage_raises_not_found_and_creates_nothing() -> None:
    Model(name="m").number  # noqa: B018
    with pytest.raises(NotFoundError, match="no version number 7"):
        Model(name="m", version=7).number  # noqa: B018
    with pytest.raises(NotFoundError, match="stage 'staging'"):
        Model(name="m", version="staging").id  # noqa: B018
    with pytest.raises(NotFoundError, match="no model named 'other'"):
        Model(name="other", version=1).number  # noqa: B018
    assert numbers("m") == [1]


@pytest.mark.parametrize("bad", ["a/b", "", " x", ".."])
def test_invalid_names_are_refused_up_front(bad: str) -> None:
    with pytest.raises(InvalidInputError):
        Model(name=bad)
    with pytest.raises(InvalidInputError):
        Model(name="ok", version=bad if bad else "x/y")


def test_model_name_clash_ignoring_case_is_a_conflict() -> None:
    Model(name="Iris").number  # noqa: B018
    with pytest.raises(ConflictError, match="ignoring case"):
        Model(name="iris").number  # noqa: B018


def test_existing_model_keeps_its_fields() -> None:
    Client().create_model("demo", license="MIT")
    Model(name="demo", license="Apache").number  # noqa: B018
    assert Client().get_model("demo").license == "MIT"


def test_set_stage_from_code_archives_previous_holder() -> None:
    Model(name="iris", version="1.2.3").set_stage(ModelStages.PRODUCTION)
    Model(name="iris").number  # noqa: B018 - version 2
    Model(name="iris", version=ModelStages.LATEST).set_stage(ModelStages.STAGING)
    Model(name="iris").number  # noqa: B018 - version 3
    Model(name="iris", version=ModelStages.LATEST).set_stage(ModelStages.STAGING)
    stages = {v.number: v.stage for v in Client().list_model_versions("iris")}
    assert stages == {1: "production", 2: "archived", 3: "staging"}
    model = Model(name="iris", version="1.2.3")
    assert model.stage == ModelStages.PRODUCTION
    model.set_stage("archived")
    assert model.stage == ModelStages.ARCHIVED  # re-read, not cached


def test_set_stage_refuses_latest() -> None:
    with pytest.raises(InvalidInputError, match="virtual"):
        Model(name="m").set_stage(ModelStages.LATEST)


def test_model_metadata_merges() -> None:
    model = Model(name="m")
    model.log_metadata({"accuracy": 0.9, "nested": {"a": [1, 2]}})
    model.log_metadata({"loss": 0.1})
    assert model.run_metadata == {"accuracy": 0.9, "nested": {"a": [1, 2]}, "loss": 0.1}
    with pytest.raises(InvalidInputError, match="metadata 'x'"):
        model.log_metadata({"x": object()})


def test_store_is_the_project_dir(sdk_project: Path) -> None:
    Model(name="m").number  # noqa: B018
    assert (sdk_project / ".zenml" / "models" / "m" / "versions" / "1.yaml").is_file()


def test_metadata_subclasses_become_plain_types() -> None:
    from enum import StrEnum

    class Color(StrEnum):
        RED = "red"

    class MyFloat(float):
        pass

    model = Model(name="m")
    model.log_metadata({"color": Color.RED, "score": MyFloat(0.5), "bad": float("nan")})
    assert model.run_metadata == {"color": "red", "score": 0.5, "bad": "nan"}
    assert type(model.run_metadata["score"]) is float
