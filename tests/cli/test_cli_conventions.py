"""The CLI fits the conventions people and CI already have (issue 14): a version, readable
write output, tables that fit 60 columns, colour that NO_COLOR turns off, one meaning per short
option, stage choices in help."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from zenml_cli import Client, __version__
from zenml_cli.cli import render
from zenml_cli.cli.app import mount

from support.running import run_zenml

app = mount()  # every command, as the whole CLI has them

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def wide(client: Client) -> Client:
    """Models and versions whose rows are far wider than 60 columns."""
    client.create_model(
        "credit-scoring-gradient-boosted",
        license="Apache-2.0 with an unusually long licence name",
        tags=["tabular", "gradient-boosting", "credit", "risk"],
    )
    for _ in range(3):
        client.create_model_version(
            "credit-scoring-gradient-boosted", tags=["nightly", "candidate"]
        )
    client.update_model_version("credit-scoring-gradient-boosted", 1, stage="production")
    client.update_model_version("credit-scoring-gradient-boosted", 2, stage="staging")
    return client


# ------------------------------------------------------------------------------- item 2
def test_version_option_command_and_help(project: Path) -> None:
    assert invoke("--version")[1].strip() == f"zenml-cli {__version__}"
    assert invoke("version")[1].strip() == f"zenml-cli {__version__}"
    assert __version__ in "".join(invoke("--help")[1].splitlines()[:4])


def test_the_zenml_cli_console_script_is_the_same_tool(project: Path) -> None:
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("zenml-cli")
    proc = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stdout.strip() == f"zenml-cli {__version__}"


# ------------------------------------------------------------------------------- item 3
def test_writes_print_one_line_and_the_record_only_when_asked(project: Path) -> None:
    code, out, err = invoke("model", "register", "iris", "-t", "a")
    assert code == 0 and out == "" and err.strip() == "registered model 'iris'"
    code, out, err = invoke("model", "version", "create", "iris")
    assert out == "" and err.strip() == "registered version 1 ('1') of model 'iris'"
    code, out, err = invoke("model", "version", "update", "iris", "1", "-s", "staging")
    assert out == "" and err.count("\n") == 1 and "from none to staging" in err
    code, out, err = invoke("model", "version", "update", "iris", "1", "-d", "better")
    assert out == "" and err.strip() == "updated version 1 ('1') of 'iris'"
    code, out, _ = invoke("model", "update", "iris", "-d", "flowers", "-v")
    assert "description" in out and "flowers" in out
    code, out, _ = invoke("model", "version", "create", "iris", "-o", "json")
    assert json.loads(out)["number"] == 2  # JSON output is unchanged


def test_record_tables_leave_out_empty_fields(project: Path, client: Client) -> None:
    client.create_model("iris")
    out = invoke("model", "describe", "iris")[1]
    assert "audience" not in out and "name" in out
    assert "audience" in json.loads(invoke("model", "describe", "iris", "-o", "json")[1])


@pytest.mark.parametrize("command", [["model", "list"], ["model", "version", "list"]])
def test_tables_fit_60_columns_without_splitting_headers(wide: Client, command: list[str]) -> None:
    code, out, err = invoke(*command, env={"COLUMNS": "60"})
    assert code == 0
    lines = out.splitlines()
    assert all(len(line) <= 60 for line in lines), out
    header = lines[1].split()
    labels = set(render.HEADER_LABELS.values()) | {
        "name",
        "tags",
        "license",
        "created",
        "model",
        "number",
        "stage",
    }
    assert header[0] in ("name", "model") and set(header) <= labels  # whole words only
    assert "not shown at 60 columns" in err


@pytest.mark.parametrize("command", [["model", "list"], ["model", "version", "list"]])
def test_tables_at_200_columns_show_every_column_on_one_line(
    wide: Client, command: list[str]
) -> None:
    code, out, err = invoke(*command, env={"COLUMNS": "200"})
    lines = out.splitlines()
    assert "not shown" not in err
    assert len(lines) == 2 + (1 if command == ["model", "list"] else 3)  # title, header, rows
    assert "created" in lines[1]


def test_stages_are_coloured_and_no_color_turns_it_off(wide: Client) -> None:
    out = invoke("model", "version", "list", env={"FORCE_COLOR": "1"})[1]
    assert "\x1b[32mproduction\x1b[0m" in out and "\x1b[33mstaging\x1b[0m" in out
    assert not ANSI.search(invoke("model", "version", "list", env={"NO_COLOR": "1"})[1])
    plain = invoke("--no-color", "model", "version", "list", env={"FORCE_COLOR": "1"})[1]
    assert not ANSI.search(plain)
    assert not ANSI.search(invoke("model", "version", "list")[1])  # piped: plain by default


def test_more_pages_say_how_to_see_the_newest(wide: Client) -> None:
    _, _, err = invoke("model", "version", "list", "--size", "2")
    assert "page 1 of 2 (3 in all)" in err and "--page 2" in err
    assert "--sort-by desc:number" in err


def test_a_1000_row_table_has_a_line_per_row(capsys: pytest.CaptureFixture[str]) -> None:
    """Rich took ~470 ms of a 583 ms command; test_perf_imports checks the CLI never imports
    it, and benchmarks/run.py measures the speed."""
    items = [
        {"model": "iris", "number": n, "name": f"v{n}", "stage": "none", "tags": ["a", "b"]}
        | {"created": "2026-01-01T00:00:00.000000Z", "created_by": "bench"}
        for n in range(1000)
    ]
    columns = ("model", "number", "name", "stage", "tags", "created", "created_by")
    render.render_list(items, None, "table", columns)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1001 and "v999" in lines[-1]


# ------------------------------------------------------------------------------- item 4
def _commands(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    found = [(path, command)]
    for name, sub in getattr(command, "commands", {}).items():
        found += _commands(sub, [*path, name])
    return found


#: Where ZenML gives a letter two meanings, ZenML's letters win (DESIGN section 5): ``-s`` is
#: ``--save-models-to-registry`` in ``model register``/``model update`` (ZenML's tests run
#: ``zenml model register -n NAME -s false``) and ``--stage`` in the version commands; ``-v``
#: is ``--model_version`` in the lists of what a version links (``--version`` here).
ZENML_LETTERS = {
    ("model", "register"): {"-s": "--save-models-to-registry"},
    ("model", "update"): {"-s": "--save-models-to-registry"},
    **{
        ("model", listing): {"-v": "--version"}
        for listing in ("data_artifacts", "model_artifacts", "deployment_artifacts", "runs")
    },
}


def test_each_short_option_has_one_meaning_across_commands() -> None:
    meanings: dict[str, set[str]] = {}
    for path, command in _commands(typer.main.get_command(app), []):
        exceptions = ZENML_LETTERS.get(tuple(path), {})
        for param in command.params:
            longs = [o for o in param.opts if o.startswith("--")]
            for short in (o for o in [*param.opts, *param.secondary_opts] if len(o) == 2):
                if exceptions.get(short) in longs:
                    continue
                meanings.setdefault(short, set()).update(longs[:1])
    clashes = {short: longs for short, longs in meanings.items() if len(longs) > 1}
    assert clashes == {}
    assert meanings["-m"] == {"--message"} and meanings["-s"] == {"--stage"}
    assert meanings["-v"] == {"--verbose"}


@pytest.mark.parametrize(
    ("command", "expected"), [(("register", "-n", "m1"), False), (("update", "m0"), False)]
)
def test_s_is_save_models_to_registry_in_model_register_and_update(
    project: Path, command: tuple[str, ...], expected: bool
) -> None:
    """ZenML's tests run ``zenml model register -n NAME -s false`` (issue 20 item 11)."""
    assert invoke("init")[0] == 0
    assert invoke("model", "register", "m0")[0] == 0
    code, out, err = invoke("model", *command, "-s", "false", "-o", "json")
    assert code == 0, err
    assert json.loads(out)["save_models_to_registry"] is expected
    code, _, err = invoke("model", "version", "create", "m0", "-o", "json")
    assert code == 0
    assert invoke("model", "version", "update", "m0", "1", "-s", "staging")[0] == 0


def test_stage_choices_are_shown_in_help(project: Path) -> None:
    out = invoke("model", "version", "update", "--help", env={"COLUMNS": "200"})[1]
    assert "[staging|production|archived|none]" in out


def test_installed_command_prints_the_version(project: Path) -> None:
    assert run_zenml("--version", cwd=project).stdout.strip() == f"zenml-cli {__version__}"
