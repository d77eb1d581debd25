"""CLI wiring: seed commands verbatim, output formats, stdout/stderr split, exit codes, help."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from zenml_cli.cli.app import mount

from support.running import Cli, snapshot

app = mount()  # every command, as the whole CLI has them

#: A child process that takes a lock, says so, and keeps it until its stdin closes.
HOLD_LOCK = (
    "import filelock, sys; lock = filelock.FileLock(sys.argv[1]); lock.acquire(); "
    "print('held', flush=True); sys.stdin.read()"
)


def _json(text: str) -> Any:
    return json.loads(text)


def test_seed_commands_work_verbatim(cli: Cli) -> None:
    code, _, err = cli(
        "model",
        "register",
        "iris_logistic_regression",
        "--license=MIT",
        "--description=Logistic regression model trained on the Iris dataset.",
        "--tag",
        "regression",
        "--tag",
        "sklearn",
    )
    assert code == 0, err
    for _ in range(3):
        assert cli("model", "version", "create", "iris_logistic_regression")[0] == 0
    code, _, err = cli("model", "version", "update", "iris_logistic_regression", "--stage=staging")
    assert code == 0 and "moved version 3" in err and "to staging" in err
    code, _, err = cli(
        "model", "version", "update", "iris_logistic_regression", "2", "--stage", "production"
    )
    assert code == 0 and "version 2" in err
    code, out, err = cli(
        "model",
        "version",
        "update",
        "iris_logistic_regression",
        "3",
        "--stage",
        "production",
        "--force",
        "-o",
        "json",
    )
    assert code == 0
    assert "archived version 2" in err
    moved = _json(out)
    assert (moved["number"], moved["stage"], moved["archived_version"]) == (3, "production", 2)
    code, out, _ = cli("model", "list")
    assert code == 0 and "iris_logistic_regression" in out
    code, out, _ = cli("model", "describe", "iris_logistic_regression", "-o", "json")
    described = _json(out)
    assert described["license"] == "MIT"
    assert described["tags"] == ["regression", "sklearn"]
    assert described["production_version"] == 3 and described["version_count"] == 3


def test_register_takes_name_option_and_every_model_field(cli: Cli) -> None:
    code, out, _ = cli(
        "model",
        "register",
        "-n",
        "wine",
        "-l",
        "Apache",
        "-d",
        "desc",
        "-a",
        "analysts",
        "-u",
        "pricing",
        "--tradeoffs",
        "slow",
        "-e",
        "fair",
        "--limitations",
        "tiny",
        "-t",
        "x",
        "--no-save-models-to-registry",
        "-o",
        "json",
    )
    assert code == 0
    model = _json(out)
    assert (model["name"], model["license"], model["audience"]) == ("wine", "Apache", "analysts")
    assert (model["use_cases"], model["trade_offs"], model["ethics"]) == ("pricing", "slow", "fair")
    assert (model["limitations"], model["save_models_to_registry"]) == ("tiny", False)


def test_register_without_a_name_is_a_usage_error(cli: Cli) -> None:
    code, out, err = cli("model", "register")
    assert code == 2 and out == "" and "missing model name" in err


def test_json_lists_have_items_and_pagination_and_stdout_is_pure_json(cli: Cli) -> None:
    cli("model", "register", "iris")
    for name in ("a1", "a2", "a3"):
        cli("model", "version", "create", "iris", name)
    code, out, err = cli("model", "version", "list", "--model", "iris", "-o", "json", "--size", "2")
    assert code == 0
    body = _json(out)
    assert [(v["model"], v["number"], v["name"], v["stage"]) for v in body["items"]] == [
        ("iris", 1, "a1", "none"),
        ("iris", 2, "a2", "none"),
    ]
    assert body["pagination"] == {"index": 1, "max_size": 2, "total_pages": 2, "total": 3}
    code, out, _ = cli("model", "list", "-o", "json")
    assert [m["name"] for m in _json(out)["items"]] == ["iris"]
    code, out, _ = cli("model", "version", "list", "iris", "-o", "json", "--stage", "latest")
    assert [v["name"] for v in _json(out)["items"]] == ["a3"]


def test_yaml_csv_and_tsv_outputs(cli: Cli) -> None:
    cli("model", "register", "iris", "-t", "a", "-t", "b")
    cli("model", "version", "create", "iris", "first")
    code, out, _ = cli("model", "version", "list", "--model", "iris", "-o", "yaml")
    assert yaml.safe_load(out)["items"][0]["name"] == "first"
    code, out, _ = cli("model", "version", "list", "--model", "iris", "-o", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert (rows[0]["model"], rows[0]["number"], rows[0]["name"]) == ("iris", "1", "first")
    code, out, _ = cli("model", "list", "-o", "tsv")
    rows = list(csv.DictReader(io.StringIO(out), delimiter="\t"))
    assert rows[0]["name"] == "iris" and rows[0]["tags"] == "a, b"
    code, out, _ = cli("model", "describe", "iris", "-o", "yaml")
    assert yaml.safe_load(out)["name"] == "iris"


def _a_run_on_first_then_a_bare_version() -> None:
    """Model iris: version 1 ('first') made by a pipeline run with a data artifact, then
    version 2 with neither."""
    from zenml_cli import Client, Model, pipeline, step

    @step
    def produce() -> bytes:
        return b"x"

    @pipeline(model=Model(name="iris", version="first"))
    def train() -> None:
        produce()

    train()
    Client().create_model_version("iris")


@pytest.mark.parametrize(
    ("listing", "empty_filter"),
    [
        (("model", "version", "list", "iris"), ("--stage", "production")),
        (("model", "list"), ("--name", "nothing")),
        (("artifact", "list"), ("--name", "nothing")),
        (("model", "data_artifacts", "iris", "--version", "first"), ("--version", "2")),
        (("model", "runs", "iris", "--version", "first"), ("--version", "2")),
    ],
)
@pytest.mark.parametrize("output", ["csv", "tsv"])
def test_an_empty_delimited_list_has_the_full_lists_header(
    cli: Cli, listing: tuple[str, ...], empty_filter: tuple[str, ...], output: str
) -> None:
    """A script that picks columns by position must read the same column whether or not
    anything matched: the header of no rows is the header of rows."""
    _a_run_on_first_then_a_bare_version()
    full = cli(*listing, "-o", output)
    empty = cli(*listing, *empty_filter, "-o", output)
    assert full[0] == empty[0] == 0
    assert empty[1].splitlines()[0] == full[1].splitlines()[0]
    assert len(empty[1].splitlines()) == 1 and len(full[1].splitlines()) >= 2


@pytest.mark.parametrize("spelling", ["--version", "--model_version", "-v"])
@pytest.mark.parametrize("command", ["data_artifacts", "runs"])
def test_linked_lists_take_zenmls_model_version_option(
    cli: Cli, spelling: str, command: str
) -> None:
    """ZenML's CLI names the version of these lists ``--model_version``/``-v``; ported
    scripts must work (DESIGN section 5)."""
    _a_run_on_first_then_a_bare_version()
    code, out, err = cli("model", command, "iris", spelling, "first", "-o", "json")
    assert (code, err) == (0, "")
    assert len(json.loads(out)["items"]) == 1


def test_version_describe_defaults_to_latest_and_takes_any_reference(cli: Cli) -> None:
    cli("model", "register", "iris")
    cli("model", "version", "create", "iris", "first")
    cli("model", "version", "create", "iris")
    assert _json(cli("model", "version", "describe", "iris", "-o", "json")[1])["number"] == 2
    assert (
        _json(cli("model", "version", "describe", "iris", "first", "-o", "json")[1])["number"] == 1
    )
    assert (
        _json(cli("model", "version", "describe", "iris", "1", "-o", "json")[1])["name"] == "first"
    )


def test_update_and_rename_versions_and_models(cli: Cli) -> None:
    cli("model", "register", "iris", "-t", "old")
    cli("model", "version", "create", "iris")
    code, out, err = cli(
        "model",
        "version",
        "update",
        "iris",
        "1",
        "-n",
        "golden",
        "-d",
        "best",
        "-t",
        "gold",
        "-o",
        "json",
    )
    assert code == 0 and "renamed version 1" in err
    assert (_json(out)["name"], _json(out)["description"], _json(out)["tags"]) == (
        "golden",
        "best",
        ["gold"],
    )
    code, out, _ = cli(
        "model", "update", "iris", "-n", "flowers", "-t", "new", "-r", "old", "-o", "json"
    )
    assert code == 0 and _json(out)["name"] == "flowers" and _json(out)["tags"] == ["new"]
    assert cli("model", "describe", "iris")[0] == 3


def test_deletes_need_confirmation_without_a_terminal(cli: Cli, project: Path) -> None:
    cli("model", "register", "iris")
    cli("model", "version", "create", "iris")
    before = snapshot(project)
    code, out, err = cli("model", "version", "delete", "iris", "1")
    assert code == 2 and "pass -y" in err and out == ""
    code, _, err = cli("model", "delete", "iris")
    assert code == 2 and "pass -y" in err
    assert snapshot(project) == before
    assert cli("model", "version", "delete", "iris", "1", "-y")[0] == 0
    code, out, _ = cli("model", "version", "list", "--model", "iris", "-o", "json")
    assert _json(out)["items"] == []
    assert cli("model", "delete", "iris", "-y")[0] == 0
    assert _json(cli("model", "list", "-o", "json")[1])["items"] == []


def test_history_command_and_point_in_time_query(cli: Cli) -> None:
    cli("model", "register", "iris")
    cli("model", "version", "create", "iris")
    cli("model", "version", "create", "iris")
    cli("model", "version", "update", "iris", "1", "-s", "production", "-m", "launch")
    cli("model", "version", "update", "iris", "2", "-s", "production")
    code, out, _ = cli("model", "version", "history", "iris", "-o", "json")
    events = _json(out)["items"]
    assert [(e["version"], e["to"], e["archived"]) for e in events] == [
        (1, "production", None),
        (2, "production", 1),
    ]
    assert events[0]["message"] == "launch" and events[0]["actor"] == "tester"
    code, out, _ = cli(
        "model", "version", "history", "iris", "--at", events[0]["time"], "-o", "json"
    )
    assert _json(out)["items"][0]["production"] == 1
    code, _, err = cli("model", "version", "history", "iris", "--at", "yesterday")
    assert code == 5 and "ISO 8601" in err


def test_empty_store_lists_nothing_and_describe_is_not_found(cli: Cli, project: Path) -> None:
    code, out, _ = cli("model", "list", "-o", "json")
    assert code == 0 and _json(out)["items"] == []
    code, out, err = cli("model", "describe", "nope")
    assert code == 3 and out == "" and err.count("\n") == 1 and "zenml model list" in err
    assert not (project / ".zenml").exists()  # reads never create the store


def test_init_with_json_manifests(cli: Cli, project: Path) -> None:
    assert cli("init", "--manifest-format", "json", "--strict-force")[0] == 0
    cli("model", "register", "iris")
    cli("model", "version", "create", "iris")
    assert json.loads((project / ".zenml/models/iris/versions/1.json").read_text())["number"] == 1
    assert cli("init")[0] == 4
    cli("model", "version", "create", "iris")
    cli("model", "version", "update", "iris", "1", "-s", "production")
    code, _, err = cli("model", "version", "update", "iris", "2", "-s", "production")
    assert code == 4 and "--force" in err


def test_project_dir_option_and_parent_discovery(
    cli: Cli, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("model", "register", "iris")
    nested = project / "src" / "deep"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    assert _json(cli("model", "list", "-o", "json")[1])["items"][0]["name"] == "iris"
    elsewhere = project.parent / "other"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert _json(cli("model", "list", "-o", "json")[1])["items"] == []
    code, out, _ = cli("--project-dir", str(project), "model", "list", "-o", "json")
    assert _json(out)["items"][0]["name"] == "iris"
    monkeypatch.setenv("ZENML_PROJECT_DIR", str(project))
    assert _json(cli("model", "list", "-o", "json")[1])["items"][0]["name"] == "iris"


def test_lock_timeout_exits_7_naming_the_lock(
    cli: Cli, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("model", "register", "iris")
    lock = project / ".zenml/.locks/model-iris.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            HOLD_LOCK,
            str(lock),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("ZENML_LOCK_TIMEOUT", "0.2")
        before = snapshot(project)
        code, out, err = cli("model", "version", "create", "iris")
        assert code == 7 and out == ""
        assert "model-iris.lock" in err and "timed out" in err
        assert snapshot(project) == before
    finally:
        holder.communicate("", timeout=10)


def _walk(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    found = [(path, command)]
    for name, child in sorted(getattr(command, "commands", {}).items()):
        found.extend(_walk(child, [*path, name]))
    return found


def test_every_command_and_option_has_help() -> None:
    root = typer.main.get_command(app)
    missing = []
    commands = _walk(root, ["zenml"])
    assert len(commands) >= 15
    for path, command in commands:
        if not (command.help or "").strip():
            missing.append(" ".join(path))
        for param in command.params:
            if param.name == "help":
                continue
            if not (getattr(param, "help", None) or "").strip():
                missing.append(f"{' '.join(path)} {param.name}")
    assert missing == []


@pytest.mark.parametrize(
    "path",
    [
        ["--help"],
        ["model", "--help"],
        ["model", "version", "--help"],
        ["model", "version", "update", "--help"],
    ],
)
def test_help_renders(cli: Cli, path: list[str]) -> None:
    code, out, _ = cli(*path)
    assert code == 0 and "Usage:" in out


def test_json_is_indented_on_a_terminal_and_compact_when_piped(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from zenml_cli.cli import render

    data = {"items": [{"name": "iris", "tags": ["a"]}], "pagination": {"index": 1}}
    render.render_list(data["items"], data["pagination"], "json", ["name"])
    piped = capsys.readouterr().out
    assert piped == json.dumps(data, ensure_ascii=False) + "\n"
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    render.render_list(data["items"], data["pagination"], "json", ["name"])
    assert capsys.readouterr().out == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def test_an_empty_table_says_so_on_stderr(cli: Cli) -> None:
    code, out, err = cli("model", "list")
    assert code == 0 and out == "" and "no models found" in err
    cli("model", "register", "iris")
    code, out, err = cli("model", "list", "--page", "3")
    assert out == "" and "no models found on this page" in err
