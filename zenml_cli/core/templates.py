"""Name templates: ZenML's ``{date}``, ``{time}`` and custom placeholders in run names and
model names and versions (``Model(name="{team}_model", version="v_{date}_{time}")``).

``{date}`` is ``YYYY_MM_DD`` and ``{time}`` ``HH_MM_SS_ffffff`` of the run's start in UTC, the
same in every step of a run; custom values come from ``@pipeline(substitutions=...)`` or
``with_options(substitutions=...)``. A placeholder nobody provides is refused, not kept as text.
"""

from __future__ import annotations

from datetime import datetime
from string import Formatter
from typing import TYPE_CHECKING

from zenml_cli.errors import InvalidInputError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from zenml_cli.core.refs import VersionRef
    from zenml_cli.enums import ModelStages


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


def run_substitutions(start_time: str, custom: Mapping[str, str]) -> dict[str, str]:
    """A run's placeholders: ``{date}``, ``{time}`` of its start (a stored timestamp), then
    the pipeline's own ``custom`` values."""
    from zenml_cli.core.actor import from_timestamp

    return {**time_substitutions(from_timestamp(start_time)), **custom}


def model_reference(
    name: str, version: str | int | ModelStages | None
) -> tuple[str, VersionRef | None]:
    """``Model(name, version)``'s name and version reference, checked now as far as they can
    be: a version name with placeholders is checked once a run has filled them."""
    from zenml_cli.core.names import check_name, check_version_name
    from zenml_cli.core.refs import VersionRef

    checked = check_name(name, "model name")
    ref = VersionRef.parse(version) if version is not None else None
    if ref is not None and ref.name is not None and not has_placeholders(ref.name):
        check_version_name(ref.name)
    return checked, ref


def fill_model_reference(
    name: str, ref: VersionRef | None, substitutions: dict[str, str] | None
) -> tuple[str, VersionRef | None]:
    """The model name and version reference with placeholders filled from
    ``substitutions`` (``{date}`` and ``{time}`` of now when None, outside a run)."""
    from zenml_cli.core.names import check_version_name
    from zenml_cli.core.refs import VersionRef

    named = ref is not None and ref.name is not None and has_placeholders(ref.name)
    if not has_placeholders(name) and not named:
        return name, ref
    if substitutions is None:
        from datetime import UTC

        substitutions = time_substitutions(datetime.now(UTC))
    name = substitute(name, substitutions, "model name")
    if named and ref is not None and ref.name is not None:
        ref = VersionRef.parse(substitute(ref.name, substitutions, "model version"))
        if ref.name is not None:
            check_version_name(ref.name)
    return name, ref
