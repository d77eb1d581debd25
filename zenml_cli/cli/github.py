"""GitHub Actions conventions: a short Markdown summary of a promotion in the job's summary
page when ``$GITHUB_STEP_SUMMARY`` names a file (GitHub sets it in every step)."""

from __future__ import annotations

import os
from typing import Any


def summarise_promotion(
    model: str,
    number: int,
    name: str,
    from_stage: str,
    to_stage: str,
    archived: int | None,
    gate: dict[str, Any] | None,
    why: str | None,
) -> None:
    """Append a few lines on one promotion to ``$GITHUB_STEP_SUMMARY`` (nothing if unset)."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    label = f"{number} (`{name}`)" if name != str(number) else str(number)
    lines = [
        f"### `{model}` version {label}: {from_stage} → **{to_stage}**",
        "",
    ]
    if archived:
        lines.append(f"- archived version {archived}")
    if gate:
        lines.append(
            f"- gate `{gate['key']}:{gate['direction']}` passed: {gate['candidate']} "
            f"against {gate['holder_value'] if gate['holder_value'] is not None else 'nothing'}"
        )
    if why:
        lines.append(f"- why: {why}")
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines).rstrip() + "\n\n")
