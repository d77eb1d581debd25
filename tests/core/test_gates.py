"""Metadata and gates (DESIGN section 9) at the core and the Python API: metadata on create and
update, --where and metadata sorts, compare, --if-better and --if-current."""

from __future__ import annotations

from pathlib import Path

import pytest

from zenml_cli import Client, ConflictError, InvalidInputError
from zenml_cli.core import history, metadata
from zenml_cli.core.listing import parse_where
from zenml_cli.core.stages.gates import Gate, IfCurrent
from zenml_cli.core.version_listing import WHERE_FIELDS
from zenml_cli.enums import LinkKind
from zenml_cli.registry import Registry, metadata_from_options

from support.running import snapshot


@pytest.fixture
def scored(client: Client) -> Client:
    """Model 'iris': v1 auc 0.8 (production), v2 auc 0.9, v3 auc 0.85, v4 without auc."""
    client.create_model("iris")
    for auc in (0.8, 0.9, 0.85):
        client.create_model_version("iris", metadata={"auc": auc, "loss": 1 - auc})
    client.create_model_version("iris", metadata={"note": "no score"})
    client.update_model_version("iris", 1, stage="production")
    return client


# ------------------------------------------------------------------------------- metadata
def test_metadata_on_create_is_in_the_first_write(client: Client, project: Path) -> None:
    client.create_model("iris")
    before = snapshot(project)
    version = client.create_model_version("iris", metadata={"auc": 0.9, "eval": {"f1": 0.7}})
    changed = {k for k, v in snapshot(project).items() if before.get(k) != v}
    assert changed == {"models/iris/versions/1.yaml"}
    assert client.get_model_version("iris", 1).run_metadata == version.run_metadata


def test_metadata_on_update_merges_with_other_changes_in_one_write(scored: Client) -> None:
    reg = Registry(scored.registry.store.root)
    result = reg.update_version("iris", 2, metadata={"auc": 0.95, "new": "x"}, add_tags=["best"])
    assert result.version.run_metadata == {"auc": 0.95, "loss": pytest.approx(0.1), "new": "x"}
    again = scored.get_model_version("iris", 2)
    assert again.tags == ["best"] and again.run_metadata["new"] == "x"


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        (["auc=0.93"], {"auc": 0.93}),
        (["n=3", "ok=true", "x=null"], {"n": 3, "ok": True, "x": None}),
        (["note=hello world"], {"note": "hello world"}),
        (['tags=["a","b"]', "eq=a=b"], {"tags": ["a", "b"], "eq": "a=b"}),
        (["v=1.0.5"], {"v": "1.0.5"}),
    ],
)
def test_metadata_pairs_are_json_when_they_parse(pairs: list[str], expected: dict) -> None:
    assert metadata.from_options(pairs, None) == expected


def test_metadata_file_json_or_yaml_and_pairs_win(tmp_path: Path) -> None:
    (tmp_path / "m.json").write_text('{"auc": 0.9, "f1": 0.5}')
    (tmp_path / "m.yaml").write_text("auc: 0.8\nrun: abc\n")
    assert metadata_from_options(["auc=1"], str(tmp_path / "m.json")) == {"auc": 1, "f1": 0.5}
    assert metadata_from_options(None, str(tmp_path / "m.yaml")) == {"auc": 0.8, "run": "abc"}
    (tmp_path / "list.yaml").write_text("- 1\n")
    with pytest.raises(InvalidInputError, match="must hold a mapping"):
        metadata_from_options(None, str(tmp_path / "list.yaml"))
    with pytest.raises(InvalidInputError, match="cannot read"):
        metadata_from_options(None, str(tmp_path / "missing.json"))
    with pytest.raises(InvalidInputError, match="not KEY=VALUE"):
        metadata.from_options(["auc"], None)


# ------------------------------------------------------------------------------- listing
def _numbers(client: Client, **filters: object) -> list[int]:
    page = client.list_model_versions("iris", **filters)  # type: ignore[arg-type]
    return [v.number for v in page]


def test_sort_by_metadata_numbers_as_numbers_missing_last_both_ways(scored: Client) -> None:
    scored.create_model_version("iris", metadata={"auc": 10})  # 10 > 0.9, though "10" < "0.9"
    assert _numbers(scored, sort_by="metadata.auc") == [1, 3, 2, 5, 4]
    assert _numbers(scored, sort_by="desc:metadata.auc") == [5, 2, 3, 1, 4]
    reg = Registry(scored.registry.store.root)
    dicts = reg.list_version_dicts("iris", sort_by="desc:metadata.auc")
    assert [v["number"] for v in dicts] == [5, 2, 3, 1, 4]


def test_where_filters_are_anded_over_metadata_and_plain_fields(scored: Client) -> None:
    assert _numbers(scored, where=["metadata.auc >= 0.85"]) == [2, 3]
    assert _numbers(scored, where=["metadata.auc > 0.8", "metadata.auc<0.9"]) == [3]
    assert _numbers(scored, where=["stage == production"]) == [1]
    assert _numbers(scored, where=["stage != production", "number <= 3"]) == [2, 3]
    assert _numbers(scored, where=["metadata.note == 'no score'"]) == [4]
    assert _numbers(scored, where=["metadata.auc != 0.9"]) == [1, 3]  # no key: no match


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("metadata.auc 0.9", "no operator"),
        ("colour == red", "unknown field 'colour'"),
        ("metadata. == 1", "missing a key or a value"),
        ("stage ==", "missing a key or a value"),
    ],
)
def test_a_malformed_where_names_what_is_wrong(expression: str, problem: str) -> None:
    with pytest.raises(InvalidInputError, match=problem):
        parse_where(expression, WHERE_FIELDS)


# ------------------------------------------------------------------------------- compare
def test_compare_fields_tags_metadata_and_artifacts_by_hash(client: Client) -> None:
    reg = Registry(client.registry.store.root)
    client.create_model("iris")
    client.create_model_version("iris", tags=["a", "b"], metadata={"auc": 0.8, "gone": 1})
    client.create_model_version("iris", tags=["b", "c"], metadata={"auc": 0.93, "new": "x"})
    same_1, same_2 = reg.save_artifact([1, 2], "split"), reg.save_artifact([1, 2], "split")
    for ref, artifact in [(1, same_1), (2, same_2)]:
        reg.link_artifact("iris", ref, artifact, LinkKind.DATA)
    reg.link_artifact("iris", 1, reg.save_artifact([1], "data"), LinkKind.DATA)
    reg.link_artifact("iris", 2, reg.save_artifact([2], "data"), LinkKind.DATA)
    reg.link_artifact("iris", 1, reg.save_artifact("old", "old"), LinkKind.MODEL)
    reg.link_artifact("iris", 2, reg.save_artifact("w", "weights"), LinkKind.MODEL)
    result = reg.compare_versions("iris", 1, 2)
    assert result["tags"] == {"added": ["c"], "removed": ["a"], "common": ["b"]}
    by_key = {row["key"]: row for row in result["metadata"]}
    assert by_key["auc"]["difference"] == pytest.approx(0.13) and by_key["auc"]["b"] == 0.93
    assert (by_key["gone"]["status"], by_key["new"]["status"]) == ("removed", "added")
    names = {status: [r["name"] for r in rows] for status, rows in result["artifacts"].items()}
    assert names == {
        "added": ["weights"],
        "removed": ["old"],
        "changed": ["data"],
        "unchanged": ["split"],  # another artifact version, the same bytes
    }
    fields = {row["field"]: row for row in result["fields"]}
    assert fields["number"]["changed"] and not fields["created_by"]["changed"]


# ------------------------------------------------------------------------------- gates
def test_gate_promotes_a_better_candidate_and_records_both_values(scored: Client) -> None:
    moved = scored.update_model_version("iris", 2, stage="production", if_better="auc")
    assert moved.stage == "production"
    event = history.read(scored.registry.store, "iris")[-1]
    assert event.gate == {
        "key": "auc",
        "direction": "higher",
        "candidate": 0.9,
        "holder": 1,
        "holder_value": 0.8,
    }
    assert (event.version, event.archived) == (2, 1)


def test_gate_refuses_a_worse_or_equal_candidate_and_changes_nothing(
    scored: Client, project: Path
) -> None:
    scored.update_model_version("iris", 2, stage="production", if_better="auc")
    before = snapshot(project)
    for candidate in (3, 1):
        with pytest.raises(ConflictError, match=r"auc=0\.\d+.*auc=0\.9") as refused:
            scored.update_model_version("iris", candidate, stage="production", if_better="auc")
        assert "version 2" in str(refused.value)
    scored.update_model_version("iris", 2, metadata={"auc": 0.85})
    before = snapshot(project)
    with pytest.raises(ConflictError, match="refused"):  # equal is not better
        scored.update_model_version("iris", 3, stage="production", if_better="auc")
    assert snapshot(project) == before


def test_gate_lower_is_better_and_an_empty_stage_passes(scored: Client) -> None:
    scored.update_model_version("iris", 3, stage="staging", if_better="loss:lower")
    with pytest.raises(ConflictError):
        scored.update_model_version("iris", 1, stage="staging", if_better="loss:lower")
    scored.update_model_version("iris", 2, stage="staging", if_better="metadata.loss:lower")
    assert scored.get_model_version("iris", "staging").number == 2


def test_gate_uses_metadata_given_in_the_same_update(scored: Client) -> None:
    reg = Registry(scored.registry.store.root)
    result = reg.update_version(
        "iris", 4, stage="production", metadata={"auc": 0.99}, if_better="auc"
    )
    assert result.gate is not None and result.gate["candidate"] == 0.99


@pytest.mark.parametrize(
    ("candidate_meta", "problem"),
    [({}, "has no metadata 'auc'"), ({"auc": "high"}, "not a number"), ({"auc": True}, "not a")],
)
def test_gate_on_a_candidate_without_a_numeric_value_is_invalid(
    scored: Client, candidate_meta: dict, problem: str
) -> None:
    version = scored.create_model_version("iris", metadata=candidate_meta)
    with pytest.raises(InvalidInputError, match=problem):
        scored.update_model_version("iris", version.number, stage="production", if_better="auc")


def test_if_current_checks_the_holder(scored: Client) -> None:
    with pytest.raises(ConflictError, match="held by version 1, not version 2"):
        scored.update_model_version("iris", 3, stage="production", if_current=2)
    with pytest.raises(ConflictError, match="held by nobody, not version 1"):
        scored.update_model_version("iris", 3, stage="staging", if_current="1")
    scored.update_model_version("iris", 3, stage="staging", if_current="none")
    scored.update_model_version("iris", 2, stage="production", if_current=1, if_better="auc")
    assert scored.get_model_version("iris", "production").number == 2


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"if_better": "auc"}, "add --stage"),
        ({"stage": "archived", "if_better": "auc"}, "staging or production"),
        ({"stage": "production", "if_current": "two"}, "version number or 'none'"),
        ({"stage": "production", "if_better": ":lower"}, "KEY, KEY:higher"),
    ],
)
def test_bad_gate_options_are_invalid_input(scored: Client, changes: dict, problem: str) -> None:
    with pytest.raises(InvalidInputError, match=problem):
        scored.update_model_version("iris", 2, **changes)


def test_gate_and_if_current_parse_once() -> None:
    assert Gate.parse("auc") == Gate("auc", True)
    assert Gate.parse("eval.loss:lower") == Gate("eval.loss", False)
    assert Gate.parse("odd:key") == Gate("odd:key", True)
    assert IfCurrent.parse("NONE") == IfCurrent(None) and IfCurrent.parse(3) == IfCurrent(3)


def test_history_json_without_a_gate_is_unchanged(scored: Client) -> None:
    event = history.read(scored.registry.store, "iris")[-1].to_dict()
    assert "gate" not in event
