"""Stage transitions: checking policies and planning who moves where (a stage from user input
is parsed by ``core/refs.parse_stage``).

Pure functions over StageHolders: the caller reads model.yaml, plans here, and writes the
result back in one atomic write, so the new holder and the archived old holder change together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from zenml_cli.core.records import StageHolders
from zenml_cli.enums import SINGLE_HOLDER_STAGES, ModelStages
from zenml_cli.errors import CorruptManifestError, RefusedError, StageOccupiedError


@dataclass(frozen=True)
class Policies:
    """Optional promotion rules a project opts into (``policies:`` in config.yaml); ``force``
    bypasses all of them.

    ``strict_force``: ZenML's own behaviour, where taking ``staging`` or ``production`` from
    another version needs ``force=True``. ``production_requires_staging``: only the current
    ``staging`` holder may be promoted to ``production``.
    """

    strict_force: bool = False
    production_requires_staging: bool = False

    @classmethod
    def from_config(cls, switches: Mapping[str, Any], source: str) -> Policies:
        """The policies of a config's ``policies:`` mapping (a missing switch is off).

        Strict, because a policy read wrongly fails open or shut without a word: ``bool()``
        made ``"false"`` mean on, and a misspelled switch was simply off. A value other than
        YAML's ``true``/``false`` or an unknown switch is CorruptManifestError naming
        ``source`` (exit 6). A switch a newer zenml-cli adds is unknown here too, on purpose:
        an older zenml-cli must not promote past a rule the project turned on."""
        known = [f.name for f in fields(cls)]
        allowed = f"policies are {', '.join(known)}, each true or false"
        for key, value in switches.items():
            if key not in known:
                raise CorruptManifestError(
                    source,
                    f"unknown policy {key!r} ({allowed}); fix the spelling, or upgrade "
                    "zenml-cli if a newer one added it",
                )
            if not isinstance(value, bool):
                raise CorruptManifestError(
                    source, f"policies.{key} must be true or false, not {value!r}"
                )
        return cls(**{name: switches.get(name, False) for name in known})

    def to_config(self) -> dict[str, bool]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class StageChange:
    """What one promotion did: ``number`` moved ``from_stage`` -> ``to_stage``; ``archived`` is
    the previous holder of a single-holder stage that was moved to ``archived``, if any."""

    number: int
    from_stage: ModelStages
    to_stage: ModelStages
    archived: int | None = None

    @property
    def changed(self) -> bool:
        return self.from_stage != self.to_stage


def plan(
    holders: StageHolders,
    number: int,
    target: ModelStages,
    *,
    policies: Policies,
    force: bool,
    model: str,
) -> tuple[StageHolders, StageChange]:
    """The holders after moving version ``number`` to ``target``, and a description of it.

    Raises RefusedError when a project policy forbids the move and ``force`` is not set.
    """
    current = holders.stage_of(number)
    change = StageChange(number=number, from_stage=current, to_stage=target)
    if current == target:
        return holders, change
    previous = holders.holder(target) if target in SINGLE_HOLDER_STAGES else None
    if not force:
        _check_policies(model, number, current, target, previous, policies)
    new = holders.without(number)
    if target == ModelStages.STAGING:
        new.staging = number
    elif target == ModelStages.PRODUCTION:
        new.production = number
    elif target == ModelStages.ARCHIVED:
        new.archived.append(number)
    if previous is not None and previous != number:
        new.archived.append(previous)
        change.archived = previous
    return new, change


def _check_policies(
    model: str,
    number: int,
    current: ModelStages,
    target: ModelStages,
    previous: int | None,
    policies: Policies,
) -> None:
    details = {
        "refused": "policy",
        "model": model,
        "number": number,
        "stage": current.value,
        "target_stage": target.value,
        "holder": previous,
    }
    if (
        policies.production_requires_staging
        and target == ModelStages.PRODUCTION
        and current != ModelStages.STAGING
    ):
        raise RefusedError(
            f"policy production_requires_staging refused: version {number} of model "
            f"'{model}' is '{current}', not 'staging'; promote it to staging first, or pass "
            "--force",
            {**details, "rule": "production_requires_staging"},
        )
    if policies.strict_force and previous is not None and previous != number:
        raise StageOccupiedError(
            f"policy strict_force refused: version {previous} of model '{model}' already holds "
            f"'{target}'; pass --force (force=True) to archive it and promote version {number}",
            {**details, "rule": "strict_force"},
        )
