"""Name templates: ZenML's ``{date}``, ``{time}`` and custom placeholders in run names and
model names and versions (``Model(name="{team}_model", version="v_{date}_{time}")``).

``{date}`` is ``YYYY_MM_DD`` and ``{time}`` ``HH_MM_SS_ffffff`` of the run's start in UTC, the
same in every step of a run; custom values come from ``@pipeline(substitutions=...)`` or
``with_options(substitutions=...)``. A placeholder nobody provides is refused, not kept as text.
"""

from __future__ import annotations

from datetime import datetime
from string import Formatter

from zenml_cli.errors import InvalidInputError


def time_substitutions(moment: datetime) -> dict[str, str]:
    """The standard placeholders for ``moment`` (UTC)."""
    return {"date": moment.strftime("%Y_%m_%d"), "time": moment.strftime("%H_%M_%S_%f")}


def has_placeholders(text: str) -> bool:
    return "{" in text and any(field for _, field, _, _ in Formatter().parse(text))


def substitute(text: str, substitutions: dict[str, str], what: str = "name") -> str:
    """``text`` with each ``{key}`` replaced; ``{{``/``}}`` are literal braces."""
    if "{" not in text and "}" not in text:
        return text
    out = []
    try:
        parts = list(Formatter().parse(text))
    except ValueError as exc:
        raise InvalidInputError(f"{what} {text!r} is not a valid template: {exc}") from None
    for literal, field, spec, conversion in parts:
        out.append(literal)
        if field is None:
            continue
        if spec or conversion or field not in substitutions:
            known = ", ".join(sorted(substitutions)) or "none"
            raise InvalidInputError(
                f"{what} {text!r} uses placeholder {{{field}}}, which has no value "
                f"(known: {known}); pass substitutions={{'{field}': ...}} to @pipeline "
                "or with_options"
            )
        out.append(str(substitutions[field]))
    return "".join(out)
