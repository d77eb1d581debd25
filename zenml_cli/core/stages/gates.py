"""Preconditions on a promotion: ``--if-current N|none`` and ``--if-better KEY[:higher|:lower]``.

Both are parsed into small typed values at the edge (facade, CLI) and checked by
``versions.update_version`` under the model's lock, on the state it has just read, so a second
process (or a git transaction re-running the command on a new remote tip) sees them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zenml_cli.core.metadata import MISSING, is_finite_number, lookup
from zenml_cli.core.records import ModelVersionRecord, StageHolders
from zenml_cli.digits import is_number_text
from zenml_cli.enums import SINGLE_HOLDER_STAGES, ModelStages
from zenml_cli.errors import InvalidInputError, RefusedError


@dataclass(frozen=True)
class IfCurrent:
    """The holder a promotion expects the target stage to have (``None``: nobody)."""

    number: int | None

    @classmethod
    def parse(cls, value: IfCurrent | int | str) -> IfCurrent:
        if isinstance(value, IfCurrent):
            return value
        text = str(value).strip()
        if text.casefold() == "none":
            return cls(None)
        if is_number_text(text) and int(text) > 0:
            return cls(int(text))
        raise InvalidInputError(
            f"--if-current expects a version number or 'none', not {str(value)!r}"
        )

    def describe(self) -> str:
        return "no version" if self.number is None else f"version {self.number}"


@dataclass(frozen=True)
class Gate:
    """Promote only if the candidate's ``metadata[key]`` beats the holder's, strictly."""

    key: str
    higher_is_better: bool = True

    @property
    def direction(self) -> str:
        return "higher" if self.higher_is_better else "lower"

    @classmethod
    def parse(cls, value: Gate | str) -> Gate:
        if isinstance(value, Gate):
            return value
        key, sep, direction = str(value).strip().rpartition(":")
        if not sep or direction not in ("higher", "lower"):
            key, direction = str(value).strip(), "higher"
        if key.startswith("metadata."):
            key = key[len("metadata.") :]
        if not key:
            raise InvalidInputError(
                f"--if-better expects KEY, KEY:higher or KEY:lower, not {str(value)!r}"
            )
        return cls(key, direction == "higher")


def is_number(value: Any) -> bool:
    """A value a gate or a difference can use: a finite number (see ``is_finite_number``)."""
    return is_finite_number(value)


def _single_holder(target: ModelStages, option: str) -> None:
    if target not in SINGLE_HOLDER_STAGES:
        raise InvalidInputError(
            f"{option} needs --stage staging or production (a stage with one holder), "
            f"not '{target.value}'"
        )


def check_if_current(
    model: str, holders: StageHolders, target: ModelStages, expected: IfCurrent, number: int
) -> None:
    """RefusedError unless ``target``'s holder is the expected one (version ``number`` is
    the one being promoted)."""
    _single_holder(target, "--if-current")
    actual = holders.holder(target)
    if actual != expected.number:
        held = "nobody" if actual is None else f"version {actual}"
        wanted = "empty" if expected.number is None else expected.describe()
        raise RefusedError(
            f"--if-current {expected.number or 'none'} refused: {target.value} of model "
            f"'{model}' is held by {held}, not {wanted}; nothing changed (look again with "
            f"'zenml model version list {model} --stage {target.value}')",
            {
                "refused": "precondition",
                "rule": "if_current",
                "model": model,
                "number": number,
                "stage": holders.stage_of(number).value,
                "target_stage": target.value,
                "holder": actual,
                "expected_holder": expected.number,
            },
        )


def check_gate(
    model: str,
    candidate: ModelVersionRecord,
    holder: ModelVersionRecord | None,
    target: ModelStages,
    gate: Gate,
) -> dict[str, Any]:
    """What was compared, for the history; RefusedError when the candidate does not beat
    the holder strictly, InvalidInputError when a value is missing or not a number."""
    _single_holder(target, "--if-better")
    value = lookup(candidate.run_metadata, gate.key)
    where = f"version {candidate.number} of model '{model}'"
    if value is MISSING:
        raise InvalidInputError(
            f"{where} has no metadata '{gate.key}' to gate on; add it with "
            f"'zenml model version update {model} {candidate.number} -M {gate.key}=VALUE'"
        )
    if not is_number(value):
        raise InvalidInputError(
            f"{where} has {gate.key}={value!r}, not a number a gate can compare (NaN, inf "
            "and text are not); cannot gate on it "
            f"(fix it with 'zenml model version update {model} {candidate.number} "
            f"-M {gate.key}=VALUE')"
        )
    record: dict[str, Any] = {
        "key": gate.key,
        "direction": gate.direction,
        "candidate": value,
        "holder": holder.number if holder else None,
        "holder_value": None,
    }
    if holder is None or holder.number == candidate.number:
        return record  # an empty stage passes; so does the holder itself (nothing moves)
    held = lookup(holder.run_metadata, gate.key)
    if held is MISSING:
        return record  # a measured candidate beats an unmeasured holder
    if not is_number(held):
        # A holder whose metric is NaN, inf or text was never measured in a way that can be
        # beaten or defended: it counts as unmeasured (holder_value stays null, as for a
        # missing key), and the record keeps what was ignored.
        record["holder_value_ignored"] = held if isinstance(held, str) else repr(held)
        return record
    record["holder_value"] = held
    beats = value > held if gate.higher_is_better else value < held
    if not beats:
        raise RefusedError(
            f"gate {gate.key}:{gate.direction} refused: version {candidate.number} has "
            f"{gate.key}={value}, {target.value} (version {holder.number}) has "
            f"{gate.key}={held}; {target.value} unchanged",
            {
                "refused": "gate",
                "rule": "if_better",
                "model": model,
                "number": candidate.number,
                "stage": candidate.stage.value,
                "target_stage": target.value,
                "holder": holder.number,
                "gate": record,
            },
        )
    return record
