"""Which model of one side is which model of the other: matched by the id in ``model.yaml``,
never by folder name (DESIGN section 11: identity is the id). A model renamed on one side
(``zenml model update iris -n iris2``) is the other side's ``iris``: it gets that side's new
versions, promotions and history events, under the new name. A folder name is only a label,
like a version's number.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from zenml_cli.core.merge.report import MergeReport
from zenml_cli.core.merge.state import Side


@dataclass(frozen=True)
class ModelPair:
    """One model across the three sides: its folder name on each (None: not there) and the
    name it has after the merge."""

    name: str
    base: str | None = None
    keep: str | None = None
    other: str | None = None

    def names(self) -> set[str]:
        """Every name the model has on any side (runs may name it by any of them)."""
        return {n for n in (self.name, self.base, self.keep, self.other) if n is not None}


def pair_models(b: Side, k: Side, o: Side, report: MergeReport) -> list[ModelPair]:
    """The models of ``keep`` and ``other`` (with their base), matched by id; a model without
    a readable id, or whose id its side already used for another folder, by name."""
    groups: dict[str, dict[str, str]] = {}
    for label, side in (("base", b), ("keep", k), ("other", o)):
        for name, model in sorted(side.models.items()):
            key = f"id:{model.record.id}" if model.record is not None else f"name:{name}"
            if label in groups.get(key, {}):  # a copied folder: two models, one id
                key = f"name:{name}"
            groups.setdefault(key, {})[label] = name
    pairs = [_named(group, report) for group in groups.values() if {"keep", "other"} & {*group}]
    return _join_same_names(pairs, report)


def _named(group: dict[str, str], report: MergeReport) -> ModelPair:
    """The merged name: the side that renamed the model since the base wins; two different
    renames are a clash (keep's name stays, reported; nothing of either side is lost)."""
    base, keep, other = group.get("base"), group.get("keep"), group.get("other")
    pair = ModelPair(keep or other or "", base, keep, other)
    if keep is None or other is None or keep == other or other == base:
        return pair
    if keep == base:
        return replace(pair, name=other)
    report.note(
        "clash",
        f"models/{keep}",
        f"model renamed to '{keep}' on one side and to '{other}' on the other; "
        f"'{keep}' ({report.kept_numbers}) kept, with both sides' versions",
    )
    return pair


def _join_same_names(pairs: list[ModelPair], report: MergeReport) -> list[ModelPair]:
    """Pairs that end up with the same name: two models the sides created apart under one
    name (different ids) merge as one, as they always did by name; where both sides hold
    both models (each renamed a different one to the same name) the second keeps a name of
    its own, reported."""
    by_name: dict[str, ModelPair] = {}
    for pair in sorted(pairs, key=lambda p: (p.name, p.keep is None)):
        found = by_name.get(pair.name)
        if found is None:
            by_name[pair.name] = pair
        elif _apart(found, pair):
            by_name[pair.name] = ModelPair(
                pair.name,
                found.base or pair.base,
                found.keep or pair.keep,
                found.other or pair.other,
            )
        else:
            free = [n for n in (pair.keep, pair.other, pair.base) if n and n not in by_name]
            name = free[0] if free else f"{pair.name}-{pair.other or pair.keep}"
            report.note(
                "clash",
                f"models/{pair.name}",
                f"two models were renamed to '{pair.name}'; the second is '{name}'",
            )
            by_name[name] = replace(pair, name=name)
    return list(by_name.values())


def _apart(first: ModelPair, second: ModelPair) -> bool:
    """True when no side holds both models (so they can be merged into one)."""
    return not any(
        getattr(first, side) is not None and getattr(second, side) is not None
        for side in ("base", "keep", "other")
    )
