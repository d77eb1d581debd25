"""The one-home predicates at the core, without a store: "is a number" (zenml_cli/digits.py),
version references (core/refs.py), stage words and stage parsing, name, text and tag rules
(core/names.py), ids, artifact types and name templates."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from zenml_cli.core.artifacts.types import effective_artifact_type, parse_artifact_type
from zenml_cli.core.names import (
    case_clash,
    check_name,
    check_tags,
    check_text,
    check_version_name,
    id_key,
    looks_like_id,
    normal_form,
)
from zenml_cli.core.refs import STAGE_WORDS, VersionRef, parse_stage, stage_word
from zenml_cli.core.templates import has_placeholders, substitute, time_substitutions
from zenml_cli.digits import is_number_text
from zenml_cli.enums import ArtifactType, ModelStages
from zenml_cli.errors import InvalidInputError

# ------------------------------------------------------------------ is a number


@pytest.mark.parametrize("text", ["0", "7", "0042", "1234567890"])
def test_runs_of_ascii_digits_are_numbers(text: str) -> None:
    assert is_number_text(text)


@pytest.mark.parametrize(
    "text", ["", " 7", "7 ", "-1", "+1", "1.0", "1e3", "²", "٣", "１", "7a", "0x1", "1_000"]
)
def test_anything_else_is_not_a_number(text: str) -> None:
    """``str.isdigit`` says yes to ``²``, ``٣`` and the full-width ``１``; int() then refuses
    or reads another number, so none of them may pass."""
    assert not is_number_text(text)


# ------------------------------------------------------------------ version references


@pytest.mark.parametrize(
    ("given", "kind", "shown"),
    [
        (None, "stage", "latest"),
        (3, "number", "3"),
        ("3", "number", "3"),
        ("007", "number", "7"),
        ("latest", "stage", "latest"),
        ("Production", "stage", "production"),
        (" staging ", "stage", "staging"),
        ("ARCHIVED", "stage", "archived"),
        ("none", "stage", "none"),
        (ModelStages.STAGING, "stage", "staging"),
        ("v3", "name", "v3"),
        ("²", "name", "²"),
        ("3.0", "name", "3.0"),
        (" 3", "name", " 3"),
        ("production-candidate", "name", "production-candidate"),
        ("6f1c8a52-1b7e-4e0a-9a63-0c8f4f8b2d11", "name", "6f1c8a52-1b7e-4e0a-9a63-0c8f4f8b2d11"),
    ],
)
def test_a_reference_is_classified_once(given: Any, kind: str, shown: str) -> None:
    ref = VersionRef.parse(given)
    assert ref.kind == kind and str(ref) == shown
    assert VersionRef.parse(ref) is ref
    assert [ref.number, ref.stage, ref.name].count(None) == 2


@pytest.mark.parametrize(
    ("given", "fragment"),
    [
        (0, "start at 1"),
        (-2, "start at 1"),
        ("0", "start at 1"),
        ("", "empty version reference"),
        (True, "invalid version reference"),
        (False, "invalid version reference"),
    ],
)
def test_impossible_references_are_invalid_input(given: Any, fragment: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        VersionRef.parse(given)
    assert fragment in str(caught.value)


def test_stage_words_are_the_stages() -> None:
    assert {stage.value for stage in ModelStages} == STAGE_WORDS
    assert stage_word("\tProDuction\n") is ModelStages.PRODUCTION
    assert stage_word("prod") is None
    assert stage_word("") is None


@pytest.mark.parametrize(
    ("given", "stage"),
    [
        ("staging", ModelStages.STAGING),
        ("PRODUCTION", ModelStages.PRODUCTION),
        (" archived", ModelStages.ARCHIVED),
        ("None", ModelStages.NONE),
        (ModelStages.ARCHIVED, ModelStages.ARCHIVED),
    ],
)
def test_parse_stage_reads_the_storable_stages(given: Any, stage: ModelStages) -> None:
    assert parse_stage(given) is stage


@pytest.mark.parametrize(
    ("given", "fragment"),
    [
        ("latest", "virtual stage"),
        (ModelStages.LATEST, "virtual stage"),
        ("prod", "unknown stage 'prod'"),
        ("", "unknown stage ''"),
    ],
)
def test_parse_stage_refuses_latest_and_unknown_words(given: Any, fragment: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_stage(given)
    assert fragment in str(caught.value)
    assert "none, staging, production, archived" in str(caught.value)


# ------------------------------------------------------------------ names


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("CON", "device name"),
        ("con", "device name"),
        ("Aux.txt", "device name"),
        ("nul .yaml", "device name"),
        ("COM1", "device name"),
        ("lpt9", "device name"),
        ("COM²", "device name"),
        ("trailing.", "ends with '.'"),
        ("a*b", "'*'"),
        ("a?b", "'?'"),
        ("a<b", "'<'"),
        ("a>b", "'>'"),
        ("del\x7f", "control character"),
        ("nul\x00byte", "control character"),
        (".tmp-abc", "reserved for temp files"),
        ("é" * 126, "252 bytes long"),
        ("stray\udcff", "not valid UTF-8"),
    ],
)
def test_names_a_file_system_would_mangle_are_refused(name: str, fragment: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        check_name(name, "artifact name")
    assert fragment in str(caught.value) and "artifact name" in str(caught.value)


@pytest.mark.parametrize("name", ["COM0", "CONSOLE", "auxiliary", "com10", ".hidden", "a.b.c"])
def test_names_that_only_resemble_reserved_ones_pass(name: str) -> None:
    assert check_name(name, "model name") == name


def test_a_name_is_kept_in_its_composed_form() -> None:
    decomposed = "cafe\u0301"
    assert check_name(decomposed, "model name") == "caf\u00e9" == normal_form(decomposed)


@pytest.mark.parametrize("name", [None, 3, b"iris", ["iris"]])
def test_a_name_must_be_text(name: Any) -> None:
    with pytest.raises(InvalidInputError) as caught:
        check_name(name, "model name")
    assert f"must be text, not {type(name).__name__}" in str(caught.value)


def test_a_long_name_is_shortened_in_the_message() -> None:
    with pytest.raises(InvalidInputError) as caught:
        check_name("x" * 300, "model name")
    assert "'" + "x" * 37 + "...'" in str(caught.value)


def test_a_version_name_is_a_name_first() -> None:
    with pytest.raises(InvalidInputError) as caught:
        check_version_name("a/b")
    assert "invalid version name" in str(caught.value) and "'/'" in str(caught.value)


def test_an_all_digit_version_name_suggests_a_letter() -> None:
    with pytest.raises(InvalidInputError) as caught:
        check_version_name("42")
    assert "'v42'" in str(caught.value)


@pytest.mark.parametrize("name", ["²", "٣", "v²"])
def test_digits_outside_ascii_make_a_valid_version_name(name: str) -> None:
    """Only ASCII digits read as a number, so ``²`` names a version (it is not number 2)."""
    assert check_version_name(name) == name
    assert VersionRef.parse(name).name == name


@pytest.mark.parametrize(
    ("name", "existing", "ignoring", "clash"),
    [
        ("iris", ["Iris"], None, "Iris"),
        ("IRIS", ["iris", "other"], None, "iris"),
        ("caf\u00e9", ["Cafe\u0301"], None, "Cafe\u0301"),
        ("iris", ["irises", "xiris"], None, None),
        ("iris", [], None, None),
        ("Iris", ["iris"], "iris", None),  # a rename to a new spelling of its own name
        ("a", ["b\0a"], None, None),  # no false match across the joined names
        ("straße", ["STRASSE"], None, "STRASSE"),
    ],
)
def test_case_clash_finds_the_same_folder_on_a_case_blind_disk(
    name: str, existing: list[str], ignoring: str | None, clash: str | None
) -> None:
    assert case_clash(name, existing, ignoring) == clash


@pytest.mark.parametrize(
    ("text", "is_id"),
    [
        ("6f1c8a52-1b7e-4e0a-9a63-0c8f4f8b2d11", True),
        ("6F1C8A521B7E4E0A9A630C8F4F8B2D11", True),
        ("6f1c8a52-1b7e-4e0a-9a63-0c8f4f8b2d1", False),
        ("6f1c8a52-1b7e-4e0a-9a63-0c8f4f8b2d11x", False),
        ("gf1c8a52-1b7e-4e0a-9a63-0c8f4f8b2d11", False),
        ("v1", False),
    ],
)
def test_ids_are_uuids_with_or_without_dashes(text: str, is_id: bool) -> None:
    assert looks_like_id(text) is is_id


def test_ids_compare_without_dashes_or_case() -> None:
    assert id_key("6F1C8A52-1B7E") == id_key("6f1c8a521b7e") == "6f1c8a521b7e"


def test_tags_are_sorted_and_deduplicated() -> None:
    assert check_tags(["b", "a", "b"]) == ["a", "b"]
    assert check_tags(None) == [] and check_tags([]) == []


@pytest.mark.parametrize("tags", [[""], ["  "], ["ok", 3], ["bad\udcff"]])
def test_tags_must_be_non_empty_text(tags: list[Any]) -> None:
    with pytest.raises(InvalidInputError):
        check_tags(tags)


def test_free_text_is_checked_before_it_is_stored() -> None:
    assert check_text(None, "description") is None
    assert check_text("any\ntext\tgoes", "description") == "any\ntext\tgoes"
    with pytest.raises(InvalidInputError) as caught:
        check_text("bad\udcff", "description")
    assert "character 4 is a stray byte" in str(caught.value)
    with pytest.raises(InvalidInputError):
        check_text(3, "description")  # type: ignore[arg-type]


# ------------------------------------------------------------------ artifact types


@pytest.mark.parametrize("artifact_type", list(ArtifactType))
def test_every_artifact_type_parses_from_its_value(artifact_type: ArtifactType) -> None:
    assert parse_artifact_type(artifact_type.value) is artifact_type
    assert parse_artifact_type(artifact_type) is artifact_type


def test_an_unknown_artifact_type_names_the_choices() -> None:
    assert parse_artifact_type(None) is None
    with pytest.raises(InvalidInputError) as caught:
        parse_artifact_type("Model")
    assert "unknown artifact type 'Model'" in str(caught.value)
    assert all(t.value in str(caught.value) for t in ArtifactType)


@pytest.mark.parametrize(
    ("given", "is_model", "expected"),
    [
        (None, True, ArtifactType.MODEL),
        (None, False, None),
        (ArtifactType.DATA, True, ArtifactType.DATA),
        (ArtifactType.MODEL, False, ArtifactType.MODEL),
    ],
)
def test_a_model_artifact_is_a_model_unless_told_otherwise(
    given: ArtifactType | None, is_model: bool, expected: ArtifactType | None
) -> None:
    assert effective_artifact_type(given, is_model) is expected


# ------------------------------------------------------------------ name templates


MOMENT = datetime(2026, 3, 4, 5, 6, 7, 89, tzinfo=UTC)


def test_time_placeholders_are_zenmls_spelling() -> None:
    assert time_substitutions(MOMENT) == {"date": "2026_03_04", "time": "05_06_07_000089"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("run_{date}", "run_2026_03_04"),
        ("{team}_{time}", "ml_05_06_07_000089"),
        ("{{literal}}", "{literal}"),
        ("{{{team}}}", "{ml}"),
        ("a}}b", "a}b"),
    ],
)
def test_substitute_fills_every_placeholder(text: str, expected: str) -> None:
    values = {**time_substitutions(MOMENT), "team": "ml"}
    assert substitute(text, values) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{unknown}", "placeholder {unknown}, which has no value"),
        ("{date:>10}", "placeholder {date}"),
        ("{date!r}", "placeholder {date}"),
        ("{", "not a valid template"),
        ("}", "not a valid template"),
        ("{0}", "placeholder {0}"),
    ],
)
def test_substitute_refuses_what_it_cannot_fill(text: str, fragment: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        substitute(text, {"date": "d"}, what="run name")
    assert fragment in str(caught.value) and "run name" in str(caught.value)


def test_the_refusal_lists_the_known_placeholders() -> None:
    with pytest.raises(InvalidInputError) as caught:
        substitute("{x}", {})
    assert "(known: none)" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "has"), [("{date}", True), ("plain", False), ("{{x}}", False), ("a{b}c", True)]
)
def test_has_placeholders(text: str, has: bool) -> None:
    assert has_placeholders(text) is has
