"""What the CLI prints, as functions (cli/render.py) and what a write says about itself
(core/commit_notes.py), without a subprocess: tables fit the width they are given, dropping
the least important columns and saying so; CSV cells never run as formulas; JSON and YAML
lists keep ZenML's page shape; one description of an update serves every reader."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from zenml_cli.cli import render
from zenml_cli.core.commit_notes import describe_created, describe_update
from zenml_cli.core.records import ModelVersionRecord
from zenml_cli.core.stages.policies import StageChange
from zenml_cli.core.update_notes import describe_gate
from zenml_cli.core.versions import VersionUpdate
from zenml_cli.enums import ModelStages

ITEMS = [
    {
        "number": n,
        "name": f"version-{n}",
        "stage": "production" if n == 2 else "none",
        "description": "a long free text description that folds at spaces " * 2,
        "created_by": "someone@example.com",
    }
    for n in range(1, 4)
]
COLUMNS = ["number", "name", "stage", "description", "created_by"]
PAGE = {"index": 1, "max_size": 3, "total_pages": 2, "total": 5}


@pytest.fixture(autouse=True)
def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@pytest.fixture
def table(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., tuple[str, str]]:
    """Renders ITEMS as a table at a width (stdout is piped: $COLUMNS is the width)."""

    def draw(width: int, **options: Any) -> tuple[str, str]:
        monkeypatch.setenv("COLUMNS", str(width))
        render.render_list(ITEMS, PAGE, "table", COLUMNS, title="versions", **options)
        captured = capsys.readouterr()
        return captured.out, captured.err

    return draw


@pytest.mark.parametrize("width", [200, 100, 80, 60, 40])
def test_a_table_fits_the_width_it_is_given(table: Any, width: int) -> None:
    out, err = table(width, priority=["number", "stage", "name"])
    lines = out.splitlines()
    assert lines[0] == "versions"
    assert all(len(line) <= width for line in lines), (width, out)
    assert "number" in lines[1] and "stage" in lines[1]  # the most important stay
    assert "production" in out


def test_dropped_columns_are_named_on_stderr(table: Any) -> None:
    out, err = table(24, priority=["number", "stage"])
    header = out.splitlines()[1]
    assert header.split() == ["number", "stage"]
    assert "not shown at 24 columns" in err and "-o json" in err
    assert "description" in err and "by" in err  # created_by's short label


def test_long_text_folds_onto_more_lines(table: Any) -> None:
    out, _ = table(80)
    body = out.splitlines()[2:]
    assert len(body) > len(ITEMS)  # the descriptions folded
    assert not any(line.endswith(" ") for line in body)


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("short", 10, ["short"]),
        ("aaa bbb ccc", 7, ["aaa bbb", "ccc"]),
        ("abcdefghij", 4, ["abcd", "efgh", "ij"]),  # no space: cut at the width
        ("a b" + "c" * 10, 6, ["a bccc", "cccccc", "c"]),  # a space too early: cut at the width
        ("one\ntwo", 10, ["one", "two"]),
        ("x" * 8, 8, ["x" * 8]),
    ],
)
def test_a_cell_folds_at_a_late_space_else_at_the_width(
    text: str, width: int, lines: list[str]
) -> None:
    assert render._fold(text, width) == lines


def test_a_wide_table_keeps_every_column_on_one_line_per_row(table: Any) -> None:
    out, err = table(400)
    assert len(out.splitlines()) == 2 + len(ITEMS)
    assert "not shown" not in err


def test_paging_is_told_on_stderr_so_stdout_stays_data(table: Any) -> None:
    _, err = table(200, newest="desc:number")
    assert "page 1 of 2 (5 in all); next: --page 2" in err
    assert "newest first: --sort-by desc:number" in err


def test_an_empty_list_is_a_sentence_not_an_empty_frame(capsys: pytest.CaptureFixture[str]) -> None:
    render.render_list([], {"index": 3, "max_size": 2, "total_pages": 2, "total": 4}, "table",
                       COLUMNS, title="versions")  # fmt: skip
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.strip() == "no versions found on this page"


@pytest.mark.parametrize("output", ["json", "yaml"])
def test_structured_lists_keep_zenmls_page_shape(
    capsys: pytest.CaptureFixture[str], output: str
) -> None:
    render.render_list(ITEMS, PAGE, output, COLUMNS)
    out = capsys.readouterr().out
    data = json.loads(out) if output == "json" else yaml.safe_load(out)
    assert data == {"items": ITEMS, "pagination": PAGE}


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-0.5", "-0.5"),  # a number stays a number
        ("+3", "+3"),
        ("plain", "plain"),
    ],
)
@pytest.mark.parametrize("output", ["csv", "tsv"])
def test_delimited_cells_never_start_a_formula(
    capsys: pytest.CaptureFixture[str], output: str, cell: str, written: str
) -> None:
    render.render_list([{"name": cell, "n": 1}], None, output, ["name"])
    rows = list(
        csv.reader(io.StringIO(capsys.readouterr().out), delimiter="," if output == "csv" else "\t")
    )
    assert rows == [["name", "n"], [written, "1"]]


def test_a_record_table_leaves_out_empty_fields(capsys: pytest.CaptureFixture[str]) -> None:
    render.render_record({"name": "iris", "description": None, "tags": [], "ok": True}, "table")
    out = capsys.readouterr().out
    assert "iris" in out and "true" in out
    assert "description" not in out and "tags" not in out


# ------------------------------------------------------------------ what a write says


def version(number: int = 3, name: str | None = None) -> ModelVersionRecord:
    return ModelVersionRecord(model="iris", number=number, name=name or str(number), id="x")


def test_a_promotion_says_what_moved_and_what_was_archived() -> None:
    change = StageChange(3, ModelStages.STAGING, ModelStages.PRODUCTION, archived=2)
    text = describe_update(VersionUpdate(version(), change), " ship it \n")
    moved = "moved version 3 ('3') of 'iris' from staging to production; archived version 2"
    assert text == f"{moved}\n\nship it"


def test_a_rename_and_a_note_are_in_the_subject() -> None:
    result = VersionUpdate(version(name="v3"), None, renamed_from="3")
    assert describe_update(result, rollback=True) == (
        "renamed version 3 of 'iris' from '3' to 'v3' (rollback)"
    )


def test_an_update_that_moved_nothing_says_where_the_version_already_is() -> None:
    same = StageChange(3, ModelStages.NONE, ModelStages.NONE)
    said = describe_update(VersionUpdate(version(), same), "  ")
    assert said == "version 3 of 'iris' is already in none"


def test_an_update_of_fields_only_says_it_updated_the_version() -> None:
    said = describe_update(VersionUpdate(version(name="v3"), None))
    assert said == "updated version 3 ('v3') of 'iris'"


def test_a_gated_promotion_gives_the_compared_values_in_the_body() -> None:
    change = StageChange(3, ModelStages.NONE, ModelStages.PRODUCTION, archived=2)
    gate = {"key": "auc", "direction": "higher", "candidate": 0.95, "holder": 2,
            "holder_value": 0.91}  # fmt: skip
    text = describe_update(VersionUpdate(version(), change, gate=gate))
    assert text.split("\n\n")[1] == (
        "gate auc:higher passed: version 3 has auc=0.95; production (version 2) has auc=0.91"
    )


@pytest.mark.parametrize(
    ("holder", "holder_value", "ending"),
    [
        (None, None, "; production was empty"),
        (3, None, "; it already held production"),
        (2, None, "; production (version 2) has no auc"),
        (2, 0.5, "; production (version 2) has auc=0.5"),
        (2, "nan", "; production (version 2) has auc=nan, not a finite number: treated as missing"),
    ],
)
def test_a_gate_line_says_what_the_holder_had(
    holder: int | None, holder_value: float | str | None, ending: str
) -> None:
    gate: dict[str, object] = {"key": "auc", "direction": "higher", "candidate": 0.9,
                               "holder": holder, "holder_value": holder_value}  # fmt: skip
    if isinstance(holder_value, str):  # what gates.py records for a value it could not use
        gate.update(holder_value=None, holder_value_ignored=holder_value)
    line = describe_gate(gate, "production", 3)
    assert line == "gate auc:higher passed: version 3 has auc=0.9" + ending


def test_a_registration_names_the_version_only_when_it_has_a_name() -> None:
    assert describe_created(version(4)) == "register iris version 4"
    assert describe_created(version(4, "v4")) == "register iris version 4 ('v4')"
