"""One schema (``core/schema.py``): the public signatures that spell the model's text fields
out for readers and type checkers stay equal to the table, and the version manifest is written
and read from the table."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from zenml_cli import Client, Model
from zenml_cli.cli.commands.model import register, update
from zenml_cli.core import records
from zenml_cli.core.records import ModelRecord, ModelVersionRecord
from zenml_cli.core.schema import MODEL_TEXT_FIELDS, VERSION_FIELDS, VERSION_TRAILING_FIELDS

#: The CLI spells two fields the way ZenML's CLI does.
CLI_NAMES = {"trade_offs": "tradeoffs", "ethics": "ethical"}


@pytest.mark.parametrize(
    "function", [Client.create_model, Client.update_model, Model.__init__], ids=str
)
def test_python_signatures_name_every_model_text_field(function: object) -> None:
    parameters = inspect.signature(function).parameters  # type: ignore[arg-type]
    assert set(MODEL_TEXT_FIELDS) <= set(parameters)


@pytest.mark.parametrize("command", [register, update], ids=lambda c: c.__name__)
def test_cli_has_an_option_per_model_text_field(command: object) -> None:
    parameters = inspect.signature(command).parameters  # type: ignore[arg-type]
    assert {CLI_NAMES.get(key, key) for key in MODEL_TEXT_FIELDS} <= set(parameters)


def test_records_hold_the_tables_fields() -> None:
    model_fields = {f.name for f in dataclasses.fields(ModelRecord)}
    assert set(MODEL_TEXT_FIELDS) <= model_fields
    version_fields = {f.name for f in dataclasses.fields(ModelVersionRecord)}
    assert {f.attr for f in (*VERSION_FIELDS, *VERSION_TRAILING_FIELDS)} <= version_fields


def test_the_manifest_is_the_table_in_order() -> None:
    version = ModelVersionRecord(model="m", number=2, name="two", id="x", tags=["b", "a", "b"])
    manifest = version.to_manifest()
    keys = ["format", *(f.key for f in VERSION_FIELDS), "artifacts"]
    assert list(manifest) == keys + [f.key for f in VERSION_TRAILING_FIELDS]
    assert manifest["tags"] == ["a", "b"]
    assert set(manifest) == records.FAST_PATH_KEYS


@pytest.mark.parametrize(
    ("key", "bad"),
    [("number", 0), ("number", True), ("name", ""), ("tags", ["a", 1]), ("runs", "r"),
     ("from_failed_run", None), ("metadata", []), ("description", 3)],
)  # fmt: skip
def test_a_field_of_the_wrong_type_leaves_the_fast_path_and_fails_checked(
    key: str, bad: object
) -> None:
    data = ModelVersionRecord(model="m", number=2, name="two", id="x").to_manifest()
    data[key] = bad
    assert records._fast_version(ModelVersionRecord, "m", data, None) is None
    with pytest.raises(records.CorruptManifestError, match=key.split("_")[0]):
        ModelVersionRecord.from_manifest("m", data, "versions/2.yaml")


def test_a_new_configs_policy_switches_are_the_stage_rules_policies() -> None:
    from zenml_cli.core.stages.policies import Policies
    from zenml_cli.store.config import NEW_STORE_POLICIES, StoreConfig

    assert Policies().to_config() == NEW_STORE_POLICIES
    assert Policies.from_config(StoreConfig().policies, "config.yaml") == Policies()
    assert Policies.from_config({"strict_force": True}, "config.yaml").strict_force is True
