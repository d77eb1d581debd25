"""How an update of a model version is described, once: one sentence per thing it changed.

The same sentences are the CLI's stderr lines, the subject of the git commit a pushed write
makes (``core/commit_notes.describe_update``) and the line under the heading of the GitHub
step summary (``cli/github.summarise_promotion``), so the three can never tell a reader two
different stories.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zenml_cli.core.records import ModelVersionRecord
    from zenml_cli.core.stages.policies import StageChange


def describe_change(
    version: ModelVersionRecord,
    change: StageChange | None,
    renamed_from: str | None,
    *,
    rollback: bool = False,
) -> list[str]:
    """What an update of ``version`` did (the parts of a ``VersionUpdate``), e.g.
    ``["moved version 2 ('1.0.5') of 'iris' from staging to production; archived version
    1"]``; ``rollback`` words a stage change as the rollback it was."""
    lines = []
    if renamed_from is not None:
        lines.append(
            f"renamed version {version.number} of '{version.model}' from "
            f"'{renamed_from}' to '{version.name}'"
        )
    if change is not None and (change.changed or rollback):
        archived = f"; archived version {change.archived}" if change.archived else ""
        if rollback:
            lines.append(
                f"rolled back {change.to_stage} of '{version.model}' to version "
                f"{version.number} ('{version.name}'){archived}"
            )
        else:
            lines.append(
                f"moved version {version.number} ('{version.name}') of '{version.model}' from "
                f"{change.from_stage} to {change.to_stage}{archived}"
            )
    elif change is not None:
        already = f"is already in {change.to_stage}"
        lines.append(f"version {version.number} of '{version.model}' {already}")
    if not lines:
        lines.append(f"updated version {version.number} ('{version.name}') of '{version.model}'")
    return lines


def describe_gate(gate: dict[str, Any], stage: str, number: int) -> str:
    """What a passed ``--if-better`` gate compared, e.g. ``gate auc:higher passed: version 3
    has auc=0.95; production (version 2) has auc=0.91``: the CLI's stderr line and the body
    of a pushed commit."""
    key = gate.get("key")
    said = (
        f"gate {key}:{gate.get('direction')} passed: version {number} has "
        f"{key}={gate.get('candidate')}"
    )
    holder = gate.get("holder")
    if holder is None:
        return f"{said}; {stage} was empty"
    if holder == number:
        return f"{said}; it already held {stage}"
    if "holder_value_ignored" in gate:
        ignored = gate["holder_value_ignored"]
        return (
            f"{said}; {stage} (version {holder}) has {key}={ignored}, "
            "not a finite number: treated as missing"
        )
    if gate.get("holder_value") is None:
        return f"{said}; {stage} (version {holder}) has no {key}"
    return f"{said}; {stage} (version {holder}) has {key}={gate.get('holder_value')}"
