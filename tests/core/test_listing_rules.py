"""Filtering, sorting and paging at the core (core/listing.py) and the bounds on untrusted
input (zenml_cli/limits.py), without a store: ``--where`` reads one condition and compares
numbers as numbers, a failed measurement never matches or sorts first, pages keep ZenML's
shape."""

from __future__ import annotations

import math
from typing import Any

import pytest

from zenml_cli.core.listing import (
    Condition,
    metadata_sort,
    paginate,
    parse_sort,
    parse_where,
    text_matcher,
    text_of,
)
from zenml_cli.core.metadata import MISSING
from zenml_cli.errors import InvalidInputError
from zenml_cli.limits import MAX_LOCK_TIMEOUT, lock_timeout_problem, too_deep

FIELDS = ("name", "stage", "number", "tags")

# ------------------------------------------------------------------ paging


@pytest.mark.parametrize(
    ("page", "size", "items", "pages"),
    [
        (1, 3, [0, 1, 2], 4),
        (4, 3, [9], 4),
        (5, 3, [], 4),  # past the end: empty, not an error
        (1, 100, list(range(10)), 1),
    ],
)
def test_a_page_is_a_slice_with_the_whole_results_size(
    page: int, size: int, items: list[int], pages: int
) -> None:
    result = paginate(list(range(10)), page, size)
    assert result.items == items and list(result) == items and len(result) == len(items)
    assert result.pagination() == {
        "index": page,
        "max_size": size,
        "total_pages": pages,
        "total": 10,
    }


def test_an_empty_result_still_has_one_page() -> None:
    assert paginate([], 1, 20).total_pages == 1


@pytest.mark.parametrize(("page", "size", "option"), [(0, 1, "--page"), (1, 0, "--size")])
def test_pages_and_sizes_start_at_one(page: int, size: int, option: str) -> None:
    with pytest.raises(InvalidInputError, match=f"{option} must be 1 or more"):
        paginate([1], page, size)


# ------------------------------------------------------------------ name filters and sorts


@pytest.mark.parametrize(
    ("expression", "matches", "misses"),
    [
        ("iris", ["iris"], ["iris2", "Iris"]),
        ("equals:iris", ["iris"], ["iris2"]),
        ("contains:ri", ["iris", "ri"], ["rose"]),
        ("startswith:ir", ["iris"], ["xiris"]),
        ("endswith:is", ["iris"], ["isa"]),
        ("unknown:x", ["unknown:x"], ["x"]),  # not an operator: the whole text is the name
        ("contains:", ["anything", ""], []),
    ],
)
def test_text_filters_speak_zenmls_operators(
    expression: str, matches: list[str], misses: list[str]
) -> None:
    test = text_matcher(expression)
    assert test is not None
    assert all(test(value) for value in matches)
    assert not any(test(value) for value in misses)
    assert text_matcher(None) is None


@pytest.mark.parametrize(
    ("sort_by", "expected"),
    [("name", ("name", False)), ("asc:number", ("number", False)), ("desc:stage", ("stage", True))],
)
def test_a_sort_is_a_field_with_an_optional_direction(
    sort_by: str, expected: tuple[str, bool]
) -> None:
    assert parse_sort(sort_by, FIELDS) == expected


@pytest.mark.parametrize("sort_by", ["size", "up:name", "desc:", "DESC:name", "name:desc"])
def test_an_unknown_sort_names_the_choices(sort_by: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_sort(sort_by, FIELDS)
    assert "use one of name, stage, number, tags" in str(caught.value)


# ------------------------------------------------------------------ --where


@pytest.mark.parametrize(
    ("expression", "condition"),
    [
        ("metadata.auc >= 0.9", Condition("metadata.auc", ">=", "0.9")),
        ("metadata.auc>=0.9", Condition("metadata.auc", ">=", "0.9")),
        ("stage == production", Condition("stage", "==", "production")),
        ("name == 'my model'", Condition("name", "==", "my model")),
        ('name != "a b"', Condition("name", "!=", "a b")),
        ("number < 3", Condition("number", "<", "3")),
        ("number <= 3", Condition("number", "<=", "3")),
        ("name == a<b", Condition("name", "==", "a<b")),
        ("name == ''", Condition("name", "==", "")),
        ("name == '=x'", Condition("name", "==", "=x")),
        ("metadata.eval.auc > 0", Condition("metadata.eval.auc", ">", "0")),
    ],
)
def test_a_where_reads_field_operator_and_value(expression: str, condition: Condition) -> None:
    assert parse_where(expression, FIELDS) == condition


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("metadata.auc", "has no operator"),
        ("== 3", "has no operator"),
        ("size > 3", "unknown field 'size'"),
        ("metadata. > 3", "missing a key or a value"),
        ("name ==", "missing a key or a value"),
        # typos of an operator: read as a key ending in '=' or a value starting with '>'
        ("metadata.auc => 0.5", "unknown operator"),
        ("metadata.auc =< 0.5", "unknown operator"),
        ("metadata.auc >> 0.5", "unknown operator"),
        ("metadata.auc <> 0.5", "unknown operator"),
        ("metadata.auc === 0.5", "unknown operator"),
        ("name == =x", "unknown operator"),
    ],
)
def test_a_where_that_cannot_be_read_says_why(expression: str, fragment: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_where(expression, FIELDS)
    assert fragment in str(caught.value)


def test_a_metadata_condition_knows_its_key() -> None:
    assert Condition("metadata.eval.auc", ">", "0").metadata_key == "eval.auc"
    assert Condition("name", "==", "x").metadata_key is None


@pytest.mark.parametrize(
    ("condition", "actual", "matches"),
    [
        (Condition("metadata.auc", ">=", "0.9"), 0.95, True),
        (Condition("metadata.auc", ">=", "0.9"), 0.9, True),
        (Condition("metadata.auc", ">=", "0.9"), 0.5, False),
        (Condition("metadata.auc", ">=", "0.9"), 10, True),  # 10 > 0.9 as numbers, not text
        (Condition("metadata.auc", ">=", "0.9"), math.nan, False),
        (Condition("metadata.auc", ">=", "0.9"), math.inf, False),
        (Condition("metadata.auc", ">=", "0.9"), 10**400, True),  # no OverflowError
        (Condition("metadata.auc", "<", "0.9"), -(10**400), True),
        (Condition("metadata.auc", ">=", "0.9"), "0.95", False),  # text is not a measurement
        (Condition("metadata.auc", "!=", "0.9"), MISSING, False),  # missing never matches
        (Condition("metadata.auc", "==", "nan"), "nan", True),  # failed runs are findable
        (Condition("metadata.auc", "==", "null"), None, True),
        (Condition("metadata.auc", "==", "x"), None, False),
        (Condition("metadata.ok", "==", "true"), True, True),
        (Condition("metadata.cfg", "==", '{"a": 1}'), {"a": 1}, True),
        (Condition("tags", "==", "prod"), ["dev", "prod"], True),
        (Condition("tags", "!=", "prod"), ["dev", "prod"], False),
        (Condition("tags", "!=", "prod"), ["dev"], True),
        (Condition("number", "<", "10"), 9, True),
        (Condition("name", "<", "b"), "a", True),
        (Condition("name", ">", "10"), "9", True),  # a name compares as text
    ],
)
def test_a_condition_compares_numbers_as_numbers_and_the_rest_as_text(
    condition: Condition, actual: Any, matches: bool
) -> None:
    assert condition.matches(actual) is matches


def test_metadata_sorts_put_failed_and_missing_measurements_last_both_ways() -> None:
    values = {"a": 0.5, "b": math.nan, "c": 0.9, "d": MISSING, "e": "n/a", "f": 0.1, "g": None}
    ascending = metadata_sort(list(values), values.__getitem__, descending=False)
    descending = metadata_sort(list(values), values.__getitem__, descending=True)
    assert ascending == ["f", "a", "c", "e", "b", "d", "g"]
    assert descending == ["c", "a", "f", "b", "e", "d", "g"]


def test_metadata_sorts_place_integers_past_floats_range_exactly() -> None:
    values = {"big": 10**400, "max": 1e308, "neg": -(10**400), "zero": 0}
    ordered = metadata_sort(list(values), values.__getitem__, descending=True)
    assert ordered == ["big", "max", "zero", "neg"]


def test_metadata_sorts_keep_ties_in_their_incoming_order() -> None:
    values = {"x": 1, "y": 1, "z": 0}
    assert metadata_sort(["y", "x", "z"], values.__getitem__, descending=True) == ["y", "x", "z"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("t", "t"),
        (True, "true"),
        (None, "null"),
        ([2, 1], "[2, 1]"),
        ({"b": 1, "a": 2}, '{"a": 2, "b": 1}'),
        (0.5, "0.5"),
    ],
)
def test_values_read_as_json_words_in_a_comparison(value: Any, text: str) -> None:
    assert text_of(value) == text


# ------------------------------------------------------------------ limits


def nested(depth: int) -> Any:
    value: Any = "leaf"
    for level in range(depth):
        value = {"k": value} if level % 2 else [value]
    return value


@pytest.mark.parametrize(("depth", "limit", "deep"), [(3, 3, False), (4, 3, True), (0, 0, False)])
def test_too_deep_counts_mappings_and_lists(depth: int, limit: int, deep: bool) -> None:
    assert too_deep(nested(depth), limit) is deep


def test_too_deep_measures_what_would_crash_a_recursive_reader() -> None:
    assert too_deep(nested(100_000))


@pytest.mark.parametrize("value", [0.001, 1, 10.5, MAX_LOCK_TIMEOUT])
def test_a_usable_lock_timeout(value: float) -> None:
    assert lock_timeout_problem(value) is None


@pytest.mark.parametrize(
    "value", [0, -1, math.nan, math.inf, MAX_LOCK_TIMEOUT + 1, "10", True, None]
)
def test_a_lock_timeout_that_never_ends_or_is_not_seconds_is_refused(value: Any) -> None:
    problem = lock_timeout_problem(value)
    assert problem is not None and problem.startswith("lock_timeout must be")
