"""Stage planning at the core (core/stages/policies.py), without a store: who holds what after a
promotion, which project policies refuse it, and that ``force`` bypasses them."""

from __future__ import annotations

from typing import Any

import pytest

from zenml_cli.core.records import StageHolders
from zenml_cli.core.stages.policies import Policies, StageChange, plan
from zenml_cli.enums import ModelStages
from zenml_cli.errors import CorruptManifestError, RefusedError, StageOccupiedError

NONE, STAGING, PRODUCTION, ARCHIVED = (
    ModelStages.NONE,
    ModelStages.STAGING,
    ModelStages.PRODUCTION,
    ModelStages.ARCHIVED,
)
OPEN = Policies()
STRICT = Policies(strict_force=True)
STAGED = Policies(production_requires_staging=True)


def holders(staging: int | None = None, production: int | None = None, *archived: int) -> Any:
    return StageHolders(staging=staging, production=production, archived=list(archived))


def run(before: StageHolders, number: int, target: ModelStages, **kw: Any) -> Any:
    kw.setdefault("policies", OPEN)
    kw.setdefault("force", False)
    return plan(before, number, target, model="iris", **kw)


@pytest.mark.parametrize(
    ("before", "number", "target", "after", "archived"),
    [
        (holders(), 1, STAGING, holders(1), None),
        (holders(), 1, PRODUCTION, holders(None, 1), None),
        (holders(1), 1, PRODUCTION, holders(None, 1), None),
        (holders(None, 1), 1, STAGING, holders(1), None),
        (holders(None, 1), 2, PRODUCTION, holders(None, 2, 1), 1),
        (holders(1, 2), 1, PRODUCTION, holders(None, 1, 2), 2),
        (holders(1, 2), 2, STAGING, holders(2, None, 1), 1),
        (holders(1, 2), 3, ARCHIVED, holders(1, 2, 3), None),
        (holders(1, 2), 2, ARCHIVED, holders(1, None, 2), None),
        (holders(1, 2), 1, NONE, holders(None, 2), None),
        (holders(None, None, 4), 4, STAGING, holders(4), None),
        (holders(None, None, 4), 4, NONE, holders(), None),
        (holders(3, None, 1), 5, STAGING, holders(5, None, 1, 3), 3),
    ],
)
def test_a_plan_moves_one_version_and_archives_the_holder_it_replaces(
    before: StageHolders,
    number: int,
    target: ModelStages,
    after: StageHolders,
    archived: int | None,
) -> None:
    new, change = run(before, number, target)
    assert new.to_manifest() == after.to_manifest()
    assert change.number == number and change.to_stage is target
    assert change.from_stage is before.stage_of(number)
    assert change.archived == archived and change.changed
    assert new.stage_of(number) is target


@pytest.mark.parametrize(
    ("before", "number", "target"),
    [
        (holders(1), 1, STAGING),
        (holders(None, 2), 2, PRODUCTION),
        (holders(None, None, 3), 3, ARCHIVED),
        (holders(1, 2), 5, NONE),
    ],
)
def test_a_move_to_where_the_version_is_changes_nothing(
    before: StageHolders, number: int, target: ModelStages
) -> None:
    new, change = run(before, number, target, policies=Policies(True, True))
    assert new is before
    assert change == StageChange(number, target, target) and not change.changed


def test_a_plan_leaves_the_holders_it_was_given_as_they_were() -> None:
    before = holders(1, 2, 7)
    run(before, 3, PRODUCTION)
    assert before.to_manifest() == {"staging": 1, "production": 2, "archived": [7]}


def test_strict_force_refuses_taking_an_occupied_stage() -> None:
    with pytest.raises(StageOccupiedError) as caught:
        run(holders(None, 1), 2, PRODUCTION, policies=STRICT)
    error = caught.value
    assert isinstance(error, RuntimeError) and error.exit_code == 4
    assert error.details == {
        "refused": "policy",
        "rule": "strict_force",
        "model": "iris",
        "number": 2,
        "stage": "none",
        "target_stage": "production",
        "holder": 1,
    }
    assert "pass --force" in str(error)


@pytest.mark.parametrize(
    ("before", "number", "target"),
    [
        (holders(), 1, PRODUCTION),  # an empty stage is free to take
        (holders(None, 1), 2, ARCHIVED),  # archived has no single holder
        (holders(None, 1), 2, NONE),
    ],
)
def test_strict_force_lets_free_moves_through(
    before: StageHolders, number: int, target: ModelStages
) -> None:
    assert run(before, number, target, policies=STRICT)[0].stage_of(number) is target


def test_strict_force_guards_production_against_the_staging_holder_too() -> None:
    with pytest.raises(StageOccupiedError):
        run(holders(1, 2), 1, PRODUCTION, policies=STRICT)
    new, change = run(holders(1, 2), 1, PRODUCTION, policies=STRICT, force=True)
    assert (new.production, change.archived) == (1, 2)


@pytest.mark.parametrize("current", [holders(), holders(None, None, 1), holders(2)])
def test_production_requires_staging_refuses_a_version_that_is_not_staged(
    current: StageHolders,
) -> None:
    with pytest.raises(RefusedError) as caught:
        run(current, 1, PRODUCTION, policies=STAGED)
    assert caught.value.details["rule"] == "production_requires_staging"
    assert "promote it to staging first" in str(caught.value)
    assert not isinstance(caught.value, StageOccupiedError)


def test_production_requires_staging_lets_the_staging_holder_through() -> None:
    new, change = run(holders(1, 2), 1, PRODUCTION, policies=STAGED)
    assert new.to_manifest() == {"staging": None, "production": 1, "archived": [2]}
    assert change.from_stage is STAGING


def test_production_requires_staging_only_guards_production() -> None:
    new, _ = run(holders(), 1, STAGING, policies=STAGED)
    assert new.staging == 1


def test_force_bypasses_every_policy() -> None:
    both = Policies(strict_force=True, production_requires_staging=True)
    new, change = run(holders(None, 1), 2, PRODUCTION, policies=both, force=True)
    assert new.production == 2 and change.archived == 1


def test_the_staging_rule_is_checked_before_the_occupied_rule() -> None:
    both = Policies(strict_force=True, production_requires_staging=True)
    with pytest.raises(RefusedError) as caught:
        run(holders(None, 1), 2, PRODUCTION, policies=both)
    assert caught.value.details["rule"] == "production_requires_staging"


@pytest.mark.parametrize(
    ("switches", "expected"),
    [
        ({}, Policies()),
        ({"strict_force": True}, Policies(strict_force=True)),
        ({"production_requires_staging": True}, STAGED),
        ({"strict_force": False, "production_requires_staging": False}, Policies()),
    ],
)
def test_policies_read_from_config_and_back(switches: dict[str, Any], expected: Policies) -> None:
    policies = Policies.from_config(switches, "config.yaml")
    assert policies == expected
    assert Policies.from_config(policies.to_config(), "config.yaml") == policies
    assert set(policies.to_config()) == {"strict_force", "production_requires_staging"}


@pytest.mark.parametrize(
    ("switches", "fragment"),
    [
        ({"production_requires_staging": "false"}, "production_requires_staging must be true or"),
        ({"strict_force": 1}, "policies.strict_force must be true or false, not 1"),
        ({"strict_force": None}, "policies.strict_force must be true or false, not None"),
        (
            {"production_requires_stagin": True},
            "unknown policy 'production_requires_stagin' (policies are strict_force, "
            "production_requires_staging, each true or false)",
        ),
    ],
)
def test_a_policy_switch_that_is_not_true_or_false_or_unknown_is_a_corrupt_config(
    switches: dict[str, Any], fragment: str
) -> None:
    """``bool("false")`` turned a policy on, and a misspelled switch was silently off."""
    with pytest.raises(CorruptManifestError) as caught:
        Policies.from_config(switches, "config.yaml")
    assert caught.value.path == "config.yaml" and fragment in caught.value.problem
