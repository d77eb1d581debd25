"""``zenml model register`` and ``zenml model update`` get their seven model-field options
from the schema table (``cli/model_field_options.py``), so a field is spelled once."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest
import typer

from zenml_cli import Client
from zenml_cli.cli.app import mount
from zenml_cli.cli.model_field_options import (
    CLI_SPELLING,
    MODEL_FIELDS,
    with_model_field_options,
)
from zenml_cli.core.keywords import ModelText
from zenml_cli.core.schema import MODEL_TEXT_FIELDS

from support.running import Cli

app = mount()  # every command, as the whole CLI has them

VALUES = {field: f"{field} text" for field in MODEL_TEXT_FIELDS}


def _command(*path: str) -> Any:
    command: Any = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return command


def test_the_spelling_covers_the_table() -> None:
    assert set(CLI_SPELLING) == set(MODEL_TEXT_FIELDS)


@pytest.mark.parametrize("verb", ["register", "update"])
def test_each_option_has_the_tables_help(verb: str) -> None:
    options = {param.name: param for param in _command("model", verb).params}
    for field, (parameter, flags) in CLI_SPELLING.items():
        option = options[parameter]
        assert option.help == MODEL_TEXT_FIELDS[field]
        assert set(option.opts) == set(flags)


def test_the_decorator_puts_the_options_where_fields_stood() -> None:
    seen: list[ModelText] = []

    def command(before: int, fields: ModelText = MODEL_FIELDS, after: int = 0) -> None:
        seen.append(fields)

    wrapped = with_model_field_options(command)
    names = list(inspect.signature(wrapped).parameters)
    assert names == ["before", *(name for name, _ in CLI_SPELLING.values()), "after"]
    wrapped(1, license="MIT", ethical="fair", after=2)
    assert seen[0]["license"] == "MIT" and seen[0]["ethics"] == "fair"
    assert seen[0]["trade_offs"] is None and set(seen[0]) == set(MODEL_TEXT_FIELDS)


def _flags(field: str) -> str:
    return CLI_SPELLING[field][1][0]


def test_register_and_update_write_every_field(cli: Cli, client: Client) -> None:
    given = [arg for field, text in VALUES.items() for arg in (_flags(field), text)]
    code, _, err = cli("model", "register", "iris", *given)
    assert code == 0, err
    assert {field: getattr(client.get_model("iris"), field) for field in VALUES} == VALUES
    changed = [arg for field in VALUES for arg in (_flags(field), f"new {field}")]
    code, out, err = cli("model", "update", "iris", *changed, "-o", "json")
    assert code == 0, err
    assert {field: json.loads(out)[field] for field in VALUES} == {
        field: f"new {field}" for field in VALUES
    }
    code, _, err = cli("model", "update", "iris")
    assert code == 2 and "nothing to change" in err
