"""Issue 19 item 1 on one branch: every reference carries the id beside the number; a
reference whose id is not the file's fails the read (exit 6, both ids, ``zenml resolve``)
and doctor reports it; deleting retires the id, for model and artifact versions alike."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from zenml_cli import Client, save_artifact

from support.running import Cli


def _model_yaml(project: Path) -> Path:
    return project / ".zenml" / "models" / "iris" / "model.yaml"


def test_a_holder_naming_another_id_fails_every_read_and_doctor(
    iris: Client, project: Path, cli: Cli
) -> None:
    iris.update_model_version("iris", 2, stage="production")
    three = iris.get_model_version("iris", 3)
    data = yaml.safe_load(_model_yaml(project).read_text())
    wrong = data["stages"]["production"]["id"]
    data["stages"]["production"]["number"] = 3  # as a merge that kept one side's model.yaml
    _model_yaml(project).write_text(yaml.safe_dump(data, sort_keys=False))
    for args in (
        ["model", "version", "describe", "iris", "production"],
        ["model", "version", "list", "iris"],
    ):
        code, _, err = cli(*args)
        assert code == 6, args
        assert three.id in err and wrong in err and "zenml resolve" in err
    code, out, _ = cli("doctor", "-o", "json")
    assert code == 6 and three.id in out


def test_history_events_carry_the_ids(iris: Client, project: Path) -> None:
    iris.update_model_version("iris", 1, stage="production")
    iris.update_model_version("iris", 2, stage="production")
    iris.delete_model_version("iris", 3)
    lines = (project / ".zenml/models/iris/history.jsonl").read_text().splitlines()
    events = [json.loads(line) for line in lines]
    ids = {n: iris.get_model_version("iris", n).id for n in (1, 2)}
    assert events[1]["version_id"] == ids[2] and events[1]["archived_id"] == ids[1]
    retired = yaml.safe_load(_model_yaml(project).read_text())["retired"]
    assert retired == [{"number": 3, "id": events[2]["version_id"]}]


def test_a_deleted_artifact_number_is_never_reused(client: Client, project: Path) -> None:
    save_artifact([1], "dataset")
    second = save_artifact([2], "dataset")
    client.delete_artifact_version("dataset", "2")
    assert save_artifact([3], "dataset").version == "3"
    retired = (project / ".zenml/artifacts/dataset/.retired.jsonl").read_text()
    assert json.loads(retired) == {"version": "2", "number": 2, "id": second.id}
