"""Issue 3 points 5 and 7: saving, loading, numbering, materializers, hashes and links."""

from __future__ import annotations

import importlib.util
import platform
import uuid
from fractions import Fraction
from pathlib import Path

import pytest

from zenml_cli import (
    ArtifactType,
    Client,
    Model,
    link_artifact_to_model,
    load_artifact,
    pipeline,
    save_artifact,
    step,
)
from zenml_cli.errors import (
    ConflictError,
    CorruptManifestError,
    InvalidInputError,
    NotFoundError,
    StepContextError,
)

pytestmark = pytest.mark.usefixtures("sdk_project")


@pytest.mark.parametrize(
    ("value", "materializer"),
    [
        ("text", "json"),
        (42, "json"),
        (1.5, "json"),
        (True, "json"),
        (None, "json"),
        ({"a": [1, {"b": None}]}, "json"),
        ([1, "x", False], "json"),
        (b"\x00raw", "bytes"),
        ((1, 2), "pickle"),  # JSON would turn a tuple into a list
        ({1: "int key"}, "pickle"),
        (Fraction(1, 3), "pickle"),
    ],
)
def test_values_round_trip_with_the_right_materializer(value: object, materializer: str) -> None:
    saved = save_artifact(value, "thing")
    assert saved.materializer == materializer
    assert load_artifact("thing") == value and saved.load() == value
    assert type(load_artifact("thing")) is type(value)


def test_pickle_records_python_version() -> None:
    saved = save_artifact(Fraction(2, 3), "frac")
    assert saved.environment["python"] == platform.python_version()
    assert Client().get_artifact_version("frac").data_type == "fractions.Fraction"


def test_unpicklable_value_is_refused_clearly() -> None:
    import threading

    with pytest.raises(InvalidInputError, match="cannot be pickled"):
        save_artifact(threading.Lock(), "lock")
    assert Client().list_artifact_versions().total == 0


def test_functions_round_trip_through_cloudpickle() -> None:
    saved = save_artifact(lambda x: x + 1, "fn")
    assert saved.materializer == "pickle" and "cloudpickle" in saved.environment
    assert load_artifact("fn")(1) == 2


def test_path_file_and_folder_are_copied(sdk_project: Path) -> None:
    source = sdk_project / "weights.bin"
    source.write_bytes(b"abc")
    folder = sdk_project / "model_dir"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "config.json").write_text("{}")
    file_version = save_artifact(source, "weights")
    folder_version = save_artifact(folder, "model_dir")
    source.write_bytes(b"changed")  # the artifact holds a copy
    loaded = load_artifact("weights")
    assert loaded.read_bytes() == b"abc" and loaded.name == "weights.bin"
    assert (load_artifact("model_dir") / "sub" / "config.json").read_text() == "{}"
    assert file_version.size == 3 and file_version.materializer == "path"
    assert folder_version.materializer == "folder"
    loaded.chmod(0o644)
    loaded.write_bytes(b"edited")  # a changed loaded copy is replaced on the next load
    assert load_artifact("weights").read_bytes() == b"abc"
    with pytest.raises(InvalidInputError, match="does not exist"):
        save_artifact(sdk_project / "missing", "missing")


def test_versions_are_numbered_per_name_unless_given() -> None:
    assert [save_artifact(i, "a").version for i in range(3)] == ["1", "2", "3"]
    assert save_artifact("x", "b").version == "1"
    assert save_artifact("named", "a", version="best").version == "best"
    assert save_artifact(4, "a").version == "5"  # numbers count every version
    assert save_artifact(5, "a", version="7").version == "7"
    assert save_artifact(6, "a").version == "8"
    assert load_artifact("a") == 6  # latest = highest number
    assert load_artifact("a", "best") == "named"
    with pytest.raises(ConflictError, match="already has a version 'best'"):
        save_artifact(1, "a", version="best")


def test_artifact_names_and_versions_follow_the_name_rules() -> None:
    with pytest.raises(InvalidInputError, match="artifact name"):
        save_artifact(1, "a/b")
    with pytest.raises(InvalidInputError, match="artifact version"):
        save_artifact(1, "a", version="x:y")
    save_artifact(1, "Data")
    with pytest.raises(ConflictError, match="ignoring case"):
        save_artifact(1, "data")


def test_manifest_names_the_payload_by_hash_and_payload_is_git_ignored(
    sdk_project: Path,
) -> None:
    import hashlib

    saved = save_artifact({"k": "v"}, "m", tags=["t"], user_metadata={"rows": 1})
    manifest = (sdk_project / ".zenml" / "artifacts" / "m" / "1.yaml").read_text()
    assert f"sha256: {saved.sha256}" in manifest and f"size: {saved.size}" in manifest
    assert "uri" not in manifest  # loading goes by hash: no path to steer
    store = sdk_project / ".zenml" / "artifact_store"
    payload = store / "sha256" / saved.sha256[:2] / saved.sha256
    assert saved.uri == str(payload)
    assert hashlib.sha256(payload.read_bytes()).hexdigest() == saved.sha256
    assert "artifact_store/" in (sdk_project / ".zenml" / ".gitignore").read_text()
    assert saved.tags == ["t"] and saved.run_metadata == {"rows": 1}


def test_configured_artifact_store_path(sdk_project: Path) -> None:
    (sdk_project / ".zenml" / "config.yaml").write_text("format: 1\nartifact_store: payloads\n")
    saved = save_artifact("x", "a")
    assert Path(saved.uri).parent.parent.parent == sdk_project / "payloads"
    assert load_artifact("a") == "x"


def test_hash_mismatch_on_load_raises() -> None:
    saved = save_artifact({"weights": [1, 2]}, "model")
    payload = Path(saved.uri)
    payload.write_bytes(payload.read_bytes().replace(b"1", b"6"))  # same size, other bytes
    with pytest.raises(CorruptManifestError, match="'model' version '1': payload .*sha256"):
        load_artifact("model")
    payload.write_text("{}")
    with pytest.raises(CorruptManifestError, match="has 2 bytes, not the"):
        load_artifact("model")


def test_missing_payload_on_load_is_not_found() -> None:
    saved = save_artifact(1, "gone")
    Path(saved.uri).unlink()
    with pytest.raises(NotFoundError, match="artifact 'gone' version '1': payload .* missing"):
        saved.load()


def test_client_get_and_list_artifact_versions_are_exact() -> None:
    first = save_artifact(1, "existing_artifact")
    save_artifact(2, "existing_artifact")
    save_artifact(3, "other", artifact_type=ArtifactType.MODEL)
    client = Client()
    assert client.get_artifact_version("existing_artifact").version == "2"
    assert client.get_artifact_version("existing_artifact", 1).id == first.id
    assert client.get_artifact_version(first.id).version == "1"
    with pytest.raises(NotFoundError):
        client.get_artifact_version("existing")  # never by prefix
    with pytest.raises(NotFoundError, match="no version '9'"):
        client.get_artifact_version("existing_artifact", "9")
    with pytest.raises(NotFoundError):
        client.get_artifact_version(str(uuid.uuid4()))
    assert client.list_artifact_versions().total == 3
    assert [a.version for a in client.list_artifact_versions(name="existing_artifact")] == [
        "1",
        "2",
    ]
    assert client.list_artifact_versions(name="startswith:exist").total == 2
    assert [a.name for a in client.list_artifact_versions(type=ArtifactType.MODEL)] == ["other"]


def test_save_inside_step_links_checkpoints_to_the_step_model() -> None:
    @step(model=Model(name="MyModel", version="1.2.42"))
    def trainer() -> None:
        for epoch in range(3):
            save_artifact(
                data={"epoch": epoch}, name="training_checkpoint", version=f"1.2.42_{epoch}"
            )

    @pipeline
    def p() -> None:
        trainer()

    p()
    version = Client().get_model_version("MyModel", "1.2.42")
    assert [link.version for link in version.artifacts["data"]] == [
        "1.2.42_0",
        "1.2.42_1",
        "1.2.42_2",
    ]
    model = Model(name="MyModel", version="1.2.42")
    assert model.get_artifact("training_checkpoint").version == "1.2.42_2"
    assert model.get_data_artifact("training_checkpoint", "1.2.42_0").load() == {"epoch": 0}
    assert model.load_artifact("training_checkpoint", "1.2.42_1") == {"epoch": 1}
    assert model.get_model_artifact("training_checkpoint") is None
    assert model.get_artifact("nope") is None
    with pytest.raises(NotFoundError, match="no linked artifact 'nope'"):
        model.load_artifact("nope")


def test_save_outside_step_links_nothing() -> None:
    Model(name="m").number  # noqa: B018
    save_artifact(1, "loose")
    assert Client().get_model_version("m", 1).data_artifact_ids == []


def test_save_artifact_model_flag_links_as_model_artifact() -> None:
    @step(model=Model(name="m"))
    def s() -> None:
        save_artifact("w", "weights", is_model_artifact=True)
        save_artifact("http://x", "endpoint", is_deployment_artifact=True)

    s()
    version = Client().get_model_version("m", 1)
    assert version.model_artifact_ids == [Client().get_artifact_version("weights").id]
    assert Client().get_artifact_version("weights").type == ArtifactType.MODEL
    assert version.deployment_artifact_ids == [Client().get_artifact_version("endpoint").id]


def test_link_outside_step_is_idempotent_and_needs_a_model() -> None:
    existing = save_artifact([1, 2, 3], "existing_artifact")
    for _ in range(3):
        link_artifact_to_model(existing.id, model=Model(name="MyModel", version="0.2.42"))
    link_artifact_to_model(existing, model=Model(name="MyModel", version="0.2.42"))
    version = Client().get_model_version("MyModel", "0.2.42")
    assert version.data_artifact_ids == [existing.id]
    with pytest.raises(StepContextError, match="pass model="):
        link_artifact_to_model(artifact_version_id=existing.id)
    with pytest.raises(NotFoundError):
        link_artifact_to_model(str(uuid.uuid4()), model=Model(name="MyModel", version="0.2.42"))


def test_link_inside_step_defaults_to_step_model_or_explicit_model() -> None:
    @step(model=Model(name="StepModel"))
    def s() -> None:
        artifact = save_artifact("Hello, World!", "manual_artifact", version="v")
        link_artifact_to_model(artifact.id)  # already linked by save: no-op
        link_artifact_to_model(artifact.id, model=Model(name="MyModel", version="0.0.42"))

    s()
    assert len(Client().get_model_version("StepModel", 1).data_artifact_ids) == 1
    linked = Model(name="MyModel", version="0.0.42").load_artifact("manual_artifact")
    assert linked == "Hello, World!"


def test_link_inside_step_without_model_is_an_error() -> None:
    @step
    def s() -> None:
        link_artifact_to_model(save_artifact(1, "a").id)

    with pytest.raises(StepContextError, match="has no model"):
        s()


def test_artifact_metadata() -> None:
    from zenml_cli import log_metadata

    save_artifact(1, "a")
    log_metadata({"rows": 10}, artifact_name="a")
    log_metadata({"cols": 2}, artifact_name="a", artifact_version="1")
    assert Client().get_artifact_version("a").run_metadata == {"rows": 10, "cols": 2}


@pytest.mark.skipif(importlib.util.find_spec("numpy") is None, reason="numpy not installed")
def test_numpy_arrays_use_npy() -> None:
    import numpy

    saved = save_artifact(numpy.arange(6).reshape(2, 3), "arr")
    assert saved.materializer == "numpy"
    assert (load_artifact("arr") == numpy.arange(6).reshape(2, 3)).all()


@pytest.mark.skipif(importlib.util.find_spec("pandas") is None, reason="pandas not installed")
def test_pandas_frames_round_trip() -> None:
    import pandas

    frame = pandas.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    saved = save_artifact(frame, "frame")
    assert saved.materializer == "pandas" and "pandas" in saved.environment
    assert load_artifact("frame").equals(frame)


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("sklearn") is None, reason="sklearn not installed")
def test_sklearn_estimators_are_model_artifacts() -> None:
    from sklearn.linear_model import LinearRegression

    estimator = LinearRegression().fit([[0.0], [1.0]], [0.0, 2.0])

    @step(model=Model(name="m"))
    def train() -> LinearRegression:
        return estimator

    train()
    saved = Client().get_artifact_version("train__train__output")
    assert saved.materializer == "sklearn" and saved.type == ArtifactType.MODEL
    assert Model(name="m", version=1).get_model_artifact("train__train__output") is not None
    assert load_artifact("train__train__output").predict([[2.0]])[0] == pytest.approx(4.0)
