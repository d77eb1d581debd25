"""Store strings printed to a terminal or a CI log (issue 18, the next holes of the "forged
outputs" class): terminal escape sequences show as text, no store string can start a line
that GitHub Actions would run as a workflow command (``::set-output``, ``::add-mask::``), a
CSV cell a spreadsheet would run as a formula gets a leading ``'``, and JSON and YAML still
read back to the exact values."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from zenml_cli import Client, Model

from support.running import run_zenml

ESCAPES = "\x1b]0;owned\x07\x1b[2J\x9b31m\u202eevil"
COMMAND = "::set-output name=stage::production"
#: A description that, folded at 40 columns or split at its line break, starts a line with
#: a workflow command.
DESCRIPTION = f"{'word ' * 12}{COMMAND}\n{COMMAND} {ESCAPES}"


@pytest.fixture
def hostile(client: Client, project: Path) -> Client:
    client.create_model("iris", description=DESCRIPTION, tags=["@SUM(A1)", "ok"])
    client.create_model_version("iris", description='=HYPERLINK("https://e.example","x")')
    Model(name="iris", version=1).log_metadata({COMMAND: ESCAPES, "delta": -0.5})
    return client


def command_lines(text: str) -> list[str]:
    """Lines GitHub's runner would read as workflow commands (``::`` after leading space)."""
    return [line for line in text.splitlines() if line.lstrip().startswith("::")]


def zenml(project: Path, *args: str) -> tuple[str, str]:
    result = run_zenml(*args, cwd=project, env={"COLUMNS": "40", "FORCE_COLOR": "1"})
    assert result.returncode == 0, result.stderr
    return result.stdout, result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ("model", "describe", "iris"),
        ("model", "list"),
        ("model", "version", "describe", "iris", "1"),
        ("model", "version", "list", "iris"),
    ],
)
def test_tables_show_escapes_as_text_and_start_no_workflow_command(
    hostile: Client, project: Path, args: tuple[str, ...]
) -> None:
    out, err = zenml(project, *args)
    for text in (out, err):
        assert "\x1b]" not in text and "\x1b[2J" not in text and "\x9b" not in text
        assert "\u202e" not in text
        assert command_lines(text) == []
    if args == ("model", "describe", "iris"):  # wide enough not to fold: the escapes as text
        wide = run_zenml(*args, cwd=project, env={"COLUMNS": "400", "FORCE_COLOR": "1"}).stdout
        assert "\\x1b]0;owned\\x07" in wide and "\\u202eevil" in wide


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["model", "version"])
def test_yaml_starts_no_workflow_command_and_reads_back_exactly(
    hostile: Client, project: Path, kind: str
) -> None:
    args = (
        ("model", "describe", "iris")
        if kind == "model"
        else ("model", "version", "describe", "iris", "1")
    )
    out, _ = zenml(project, *args, "-o", "yaml")
    assert command_lines(out) == [] and "\x1b" not in out and "\u202e" not in out
    data = yaml.safe_load(out)
    if kind == "model":
        assert data["description"] == DESCRIPTION
    else:
        assert data["run_metadata"] == {COMMAND: ESCAPES, "delta": -0.5}


def test_json_escapes_c1_controls_and_reads_back_exactly(hostile: Client, project: Path) -> None:
    out, _ = zenml(project, "model", "version", "describe", "iris", "1", "-o", "json")
    assert "\x9b" not in out and "\x1b" not in out
    assert json.loads(out)["run_metadata"] == {COMMAND: ESCAPES, "delta": -0.5}


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_cells_never_run_as_a_formula(hostile: Client, project: Path, fmt: str) -> None:
    out, _ = zenml(project, "model", "version", "list", "iris", "-o", fmt)
    rows = list(csv.DictReader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
    assert rows[0]["description"] == '\'=HYPERLINK("https://e.example","x")'
    assert command_lines(out) == [] and "\x1b" not in out
    models, _ = zenml(project, "model", "list", "-o", fmt)
    row = next(csv.DictReader(io.StringIO(models), delimiter="," if fmt == "csv" else "\t"))
    assert row["tags"].startswith("'@SUM(A1)")
    assert row["name"] == "iris"


@pytest.mark.slow
def test_stderr_messages_carry_no_escape_or_workflow_command(
    hostile: Client, project: Path
) -> None:
    manifest = project / ".zenml" / "models" / "iris" / "versions" / "1.yaml"
    name = f"v\n{COMMAND}\x1b]0;owned\x07"
    manifest.write_text(manifest.read_text().replace("name: '1'", f"name: {json.dumps(name)}"))
    _, err = zenml(project, "model", "version", "update", "iris", "1", "-s", "staging")
    assert "moved version 1" in err
    assert command_lines(err) == [] and "\x1b" not in err
