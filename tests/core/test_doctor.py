"""``zenml doctor``: every problem a hand edit or a git merge can cause, named by file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from zenml_cli import Client

from support.running import Cli


@pytest.fixture
def store_dir(iris: Client, project: Path) -> Path:
    iris.update_model_version("iris", 1, stage="staging")
    iris.update_model_version("iris", 2, stage="production")
    return project / ".zenml"


def _doctor(cli: Cli) -> tuple[int, list[dict[str, str]]]:
    code, out, _ = cli("doctor", "-o", "json")
    return code, json.loads(out)["items"]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (old, text)
    path.write_text(text.replace(old, new, 1))


def test_a_healthy_store_passes(store_dir: Path, cli: Cli) -> None:
    code, out, err = cli("doctor")
    assert code == 0 and "0 error(s)" in err


def test_an_empty_folder_passes(cli: Cli) -> None:
    assert cli("doctor")[0] == 0


def test_duplicate_version_names_after_a_merge(store_dir: Path, cli: Cli) -> None:
    _edit(store_dir / "models/iris/versions/3.yaml", "name: '3'", "name: v2")
    code, problems = _doctor(cli)
    assert code == 6
    assert any("share the name 'v2'" in p["problem"] for p in problems)


def _edit_stages(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = yaml.safe_load(path.read_text())
    change(data["stages"])
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_stage_holders_that_contradict(store_dir: Path, cli: Cli) -> None:
    _edit_stages(
        store_dir / "models/iris/model.yaml",
        lambda stages: stages.update(staging=dict(stages["production"])),
    )
    code, problems = _doctor(cli)
    assert code == 6
    assert any("holds both staging and production" in p["problem"] for p in problems)


def test_holder_that_does_not_exist(store_dir: Path, cli: Cli) -> None:
    _edit_stages(
        store_dir / "models/iris/model.yaml",
        lambda stages: stages["production"].update(number=42),
    )
    code, problems = _doctor(cli)
    assert code == 6
    assert problems[0]["path"].endswith("model.yaml")
    assert "missing version 42" in problems[0]["problem"]


def test_number_that_does_not_match_its_file(store_dir: Path, cli: Cli) -> None:
    _edit(store_dir / "models/iris/versions/3.yaml", "number: 3", "number: 2")
    code, problems = _doctor(cli)
    assert code == 6
    assert any(p["path"].endswith("3.yaml") and "does not match" in p["problem"] for p in problems)


def test_model_folders_that_differ_only_in_case(store_dir: Path, cli: Cli) -> None:
    import shutil

    shutil.copytree(store_dir / "models/iris", store_dir / "models/IRIS")
    code, problems = _doctor(cli)
    assert code == 6
    assert any("differ only in case" in p["problem"] for p in problems)


def test_stray_file_and_bad_history_line(store_dir: Path, cli: Cli) -> None:
    (store_dir / "models/iris/versions/notes.txt").write_text("hello")
    with (store_dir / "models/iris/history.jsonl").open("a") as handle:
        handle.write("{not json\n")
    code, problems = _doctor(cli)
    assert code == 6
    paths = [p["path"] for p in problems]
    assert any(path.endswith("notes.txt") for path in paths)
    assert any(path.endswith("history.jsonl:3") for path in paths)


def test_every_bad_file_is_listed_in_one_run(store_dir: Path, cli: Cli) -> None:
    (store_dir / "models/iris/versions/1.yaml").write_text("format: 1\nid: [\n")
    (store_dir / "models/iris/versions/3.yaml").write_text("format: 2\n")
    code, problems = _doctor(cli)
    assert code == 6
    assert sorted(Path(p["path"]).name for p in problems if p["severity"] == "error") == [
        "1.yaml",
        "3.yaml",
        "model.yaml",
    ]  # model.yaml: staging holder 1 is now unreadable


def test_an_interrupted_delete_is_only_a_warning(iris: Client, project: Path, cli: Cli) -> None:
    model = iris.get_model("iris")
    model.retired_numbers = [3]
    iris.registry.store.write_model("iris", model.to_manifest())
    code, problems = _doctor(cli)
    assert code == 0
    assert [p["severity"] for p in problems] == ["warning"]
    assert "interrupted delete" in problems[0]["problem"]


def test_a_torn_final_history_line_is_ignored_by_readers(store_dir: Path, cli: Cli) -> None:
    with (store_dir / "models/iris/history.jsonl").open("a") as handle:
        handle.write('{"seq": 3, "ti')  # a writer killed mid-append, no newline
    assert cli("doctor")[0] == 0
    code, out, _ = cli("model", "version", "history", "iris", "-o", "json")
    assert code == 0 and len(json.loads(out)["items"]) == 2


def test_doctor_from_python_checks_artifacts_without_the_cli_loaded(
    client: Client, project: Path
) -> None:
    import subprocess
    import sys

    from zenml_cli import save_artifact

    save_artifact({"a": 1}, name="features")
    manifest = next((project / ".zenml/artifacts/features").glob("*.yaml"))
    manifest.write_text("format: 1\nid: [\n")
    code = (
        "import sys; from zenml_cli.core.doctor import checkup as doctor; "
        "from zenml_cli.store import Store; "
        "report = doctor.run(Store(sys.argv[1])); "
        "print([p.path for p in report.problems])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(project)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert manifest.name in result.stdout


def test_doctor_json_reports_each_finding_with_file_severity_and_message(
    cli: Cli, project: Path
) -> None:
    cli("model", "register", "iris")
    code, out, _ = cli("doctor", "-o", "json")
    clean = json.loads(out)
    assert code == 0 and clean["ok"] is True and clean["items"] == []
    assert clean["checked_files"] >= 1 and clean["errors"] == 0
    (project / ".zenml/models/iris/model.yaml").write_text("name: [unclosed\n")
    code, out, _ = cli("doctor", "-o", "json")
    report = json.loads(out)
    assert code == 6 and report["ok"] is False and report["errors"] >= 1
    finding = report["items"][0]
    assert finding["file"].endswith("model.yaml") and finding["severity"] == "error"
    assert finding["message"] and "summary" in report


@pytest.mark.parametrize(
    ("switch", "problem"),
    [
        ('production_requires_staging: "false"', "must be true or false, not 'false'"),
        ("production_requires_stagin: true", "unknown policy 'production_requires_stagin'"),
    ],
)
def test_a_policy_that_is_not_true_or_false_or_unknown_is_an_error(
    store_dir: Path, cli: Cli, switch: str, problem: str
) -> None:
    """Read with bool() before, "false" turned the policy on; a misspelled one was off."""
    _edit(store_dir / "config.yaml", "production_requires_staging: false", switch)
    code, items = _doctor(cli)
    assert code == 6
    assert [(item["file"], problem in item["message"]) for item in items] == [
        (str(store_dir / "config.yaml"), True)
    ]
    promoted = cli("model", "version", "update", "iris", "3", "--stage", "production")
    assert promoted[0] == 6 and "config.yaml" in promoted[2] and problem in promoted[2]
    assert cli("model", "version", "list", "iris")[0] == 0  # reads need no policies
