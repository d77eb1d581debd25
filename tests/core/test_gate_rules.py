"""Promotion preconditions at the core (core/stages/gates.py, core/metadata.py), without a store:
how ``--if-current`` and ``--if-better`` are read, and when each lets a promotion through."""

from __future__ import annotations

import math
from typing import Any

import pytest

from zenml_cli.core.metadata import MISSING, is_finite_number, lookup, parse_pairs
from zenml_cli.core.records import ModelVersionRecord, StageHolders
from zenml_cli.core.stages.gates import Gate, IfCurrent, check_gate, check_if_current
from zenml_cli.enums import ModelStages
from zenml_cli.errors import InvalidInputError, RefusedError

PRODUCTION, STAGING = ModelStages.PRODUCTION, ModelStages.STAGING


# ------------------------------------------------------------------ --if-current


@pytest.mark.parametrize(
    ("given", "number"),
    [
        ("3", 3),
        (" 12 ", 12),
        (7, 7),
        ("none", None),
        ("NONE", None),
        (" None ", None),
        (IfCurrent(4), 4),
    ],
)
def test_if_current_reads_a_number_or_none(given: Any, number: int | None) -> None:
    assert IfCurrent.parse(given).number == number


@pytest.mark.parametrize("given", ["0", "-1", 0, "²", "٣", "3.0", "", "nobody", "v3", True])
def test_if_current_refuses_anything_else_with_exit_5(given: Any) -> None:
    with pytest.raises(InvalidInputError) as caught:
        IfCurrent.parse(given)
    assert caught.value.exit_code == 5 and "--if-current" in str(caught.value)


def test_if_current_describes_what_it_expects() -> None:
    assert IfCurrent(None).describe() == "no version"
    assert IfCurrent(2).describe() == "version 2"


def test_if_current_passes_when_the_holder_is_the_expected_one() -> None:
    holders = StageHolders(staging=1, production=2)
    check_if_current("iris", holders, PRODUCTION, IfCurrent(2), 3)
    check_if_current("iris", StageHolders(), STAGING, IfCurrent(None), 3)


def test_if_current_refusal_says_who_holds_the_stage() -> None:
    holders = StageHolders(staging=3, production=2)
    with pytest.raises(RefusedError) as caught:
        check_if_current("iris", holders, PRODUCTION, IfCurrent(None), 3)
    error = caught.value
    assert error.exit_code == 4
    assert "held by version 2, not empty" in str(error)
    assert error.details == {
        "refused": "precondition",
        "rule": "if_current",
        "model": "iris",
        "number": 3,
        "stage": "staging",
        "target_stage": "production",
        "holder": 2,
        "expected_holder": None,
    }


def test_if_current_refusal_of_an_empty_stage_says_nobody() -> None:
    with pytest.raises(RefusedError) as caught:
        check_if_current("iris", StageHolders(), PRODUCTION, IfCurrent(5), 3)
    assert "held by nobody, not version 5" in str(caught.value)


@pytest.mark.parametrize("stage", [ModelStages.ARCHIVED, ModelStages.NONE])
def test_if_current_needs_a_stage_with_one_holder(stage: ModelStages) -> None:
    with pytest.raises(InvalidInputError) as caught:
        check_if_current("iris", StageHolders(), stage, IfCurrent(None), 1)
    assert f"not '{stage.value}'" in str(caught.value)


# ------------------------------------------------------------------ --if-better


@pytest.mark.parametrize(
    ("given", "key", "higher"),
    [
        ("accuracy", "accuracy", True),
        ("accuracy:higher", "accuracy", True),
        ("loss:lower", "loss", False),
        ("metadata.loss:lower", "loss", False),
        ("metadata.eval.auc", "eval.auc", True),
        (" auc ", "auc", True),
        ("a:b", "a:b", True),  # an unknown direction is part of the key
        ("time:12:lower", "time:12", False),
    ],
)
def test_a_gate_reads_key_and_direction(given: str, key: str, higher: bool) -> None:
    gate = Gate.parse(given)
    assert (gate.key, gate.higher_is_better) == (key, higher)
    assert gate.direction == ("higher" if higher else "lower")
    assert Gate.parse(gate) is gate


@pytest.mark.parametrize("given", ["", "  ", ":lower", "metadata.", "metadata.:higher"])
def test_a_gate_without_a_key_is_refused(given: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        Gate.parse(given)
    assert "--if-better expects KEY" in str(caught.value)


def version(number: int, **metadata: Any) -> ModelVersionRecord:
    return ModelVersionRecord(
        model="iris", number=number, name=str(number), id=f"id-{number}", run_metadata=metadata
    )


def test_a_better_candidate_passes_and_the_record_says_what_was_compared() -> None:
    record = check_gate("iris", version(2, acc=0.9), version(1, acc=0.8), PRODUCTION, Gate("acc"))
    assert record == {
        "key": "acc",
        "direction": "higher",
        "candidate": 0.9,
        "holder": 1,
        "holder_value": 0.8,
    }


@pytest.mark.parametrize(
    ("candidate", "held", "higher", "passes"),
    [
        (0.9, 0.8, True, True),
        (0.8, 0.8, True, False),  # a tie never wins: strictly better only
        (0.7, 0.8, True, False),
        (0.1, 0.2, False, True),
        (0.2, 0.2, False, False),
        (0.3, 0.2, False, False),
        (2, 1.5, True, True),  # ints and floats compare
        (10**400, 1e308, True, True),  # an int past float's range compares exactly
        (1e308, 10**400, True, False),
    ],
)
def test_a_gate_passes_only_a_strictly_better_value(
    candidate: float, held: float, higher: bool, passes: bool
) -> None:
    gate = Gate("m", higher)
    args = ("iris", version(2, m=candidate), version(1, m=held), PRODUCTION, gate)
    if passes:
        assert check_gate(*args)["holder_value"] == held
    else:
        with pytest.raises(RefusedError) as caught:
            check_gate(*args)
        assert caught.value.details["rule"] == "if_better"
        assert caught.value.details["gate"]["holder_value"] == held
        assert "production unchanged" in str(caught.value)


def test_an_empty_stage_and_the_holder_itself_pass() -> None:
    assert check_gate("iris", version(2, m=0.1), None, STAGING, Gate("m"))["holder"] is None
    same = version(2, m=0.1)
    assert check_gate("iris", same, same, STAGING, Gate("m"))["holder_value"] is None


def test_an_unmeasured_holder_is_beaten_by_any_measured_candidate() -> None:
    assert check_gate("iris", version(2, m=0.0), version(1), PRODUCTION, Gate("m"))


@pytest.mark.parametrize("held", [math.nan, math.inf, -math.inf, "n/a", True, None, [1]])
def test_a_holder_value_that_is_not_a_finite_number_counts_as_unmeasured(held: Any) -> None:
    record = check_gate("iris", version(2, m=0.5), version(1, m=held), PRODUCTION, Gate("m"))
    assert record["holder_value"] is None
    assert "holder_value_ignored" in record


def test_a_candidate_without_the_key_is_invalid_input_with_the_fix() -> None:
    with pytest.raises(InvalidInputError) as caught:
        check_gate("iris", version(2), version(1, m=1), PRODUCTION, Gate("m"))
    assert "has no metadata 'm'" in str(caught.value)
    assert "zenml model version update iris 2 -M m=VALUE" in str(caught.value)


@pytest.mark.parametrize("value", [math.nan, math.inf, "0.9", False, None, {"a": 1}])
def test_a_candidate_value_that_is_not_a_finite_number_cannot_gate(value: Any) -> None:
    with pytest.raises(InvalidInputError) as caught:
        check_gate("iris", version(2, m=value), None, PRODUCTION, Gate("m"))
    assert "not a number a gate can compare" in str(caught.value)


def test_a_gate_reads_a_dotted_key_into_nested_metadata() -> None:
    candidate = version(2, eval={"auc": 0.9})
    holder = version(1, eval={"auc": 0.95})
    with pytest.raises(RefusedError):
        check_gate("iris", candidate, holder, PRODUCTION, Gate("eval.auc"))


def test_a_gate_needs_a_stage_with_one_holder() -> None:
    with pytest.raises(InvalidInputError):
        check_gate("iris", version(2, m=1), None, ModelStages.ARCHIVED, Gate("m"))


# ------------------------------------------------------------------ metadata values


@pytest.mark.parametrize(
    ("value", "finite"),
    [
        (0, True),
        (-3, True),
        (0.5, True),
        (1e308, True),
        (10**400, True),  # past float's range, still a finite number (no OverflowError)
        (-(10**400), True),
        (math.nan, False),
        (math.inf, False),
        (True, False),
        (False, False),
        ("1", False),
        (None, False),
        ([1], False),
    ],
)
def test_only_finite_ints_and_floats_are_numbers(value: Any, finite: bool) -> None:
    assert is_finite_number(value) is finite


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("a", 1),
        ("b.c", 2),
        ("b", {"c": 2, "d": None}),
        ("b.d", None),
        ("dotted.key", "flat wins"),
        ("b.x", MISSING),
        ("a.c", MISSING),
        ("z", MISSING),
    ],
)
def test_lookup_prefers_the_exact_key_then_walks_dots(key: str, expected: Any) -> None:
    metadata = {"a": 1, "b": {"c": 2, "d": None}, "dotted.key": "flat wins", "dotted": {}}
    found = lookup(metadata, key)
    assert found is MISSING if expected is MISSING else found == expected


@pytest.mark.parametrize(
    ("pair", "value"),
    [
        ("auc=0.93", 0.93),
        ("n=3", 3),
        ("ok=true", True),
        ("note=text", "text"),
        ("note=", ""),
        ("list=[1, 2]", [1, 2]),
        ("eq=a=b", "a=b"),
        (" spaced =1", 1),
    ],
)
def test_metadata_pairs_read_json_else_text(pair: str, value: Any) -> None:
    key = pair.partition("=")[0].strip()
    assert parse_pairs([pair]) == {key: value}


@pytest.mark.parametrize("pair", ["novalue", "=1", "  =x"])
def test_a_pair_without_a_key_is_refused(pair: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_pairs([pair])
    assert "is not KEY=VALUE" in str(caught.value)
