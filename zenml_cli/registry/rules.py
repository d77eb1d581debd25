"""The rules a front end applies before it has a project's store: names, name templates,
metadata values, artifact types, and the one replay of a history it was handed. Static
methods of ``Registry``, so ``Model(...)``, ``ArtifactConfig(...)`` and ``@pipeline`` check
their arguments when they are made (as ZenML does) through the same door as every other
call, without importing the core's functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from zenml_cli.core.history import HistoryEvent
    from zenml_cli.core.refs import VersionRef
    from zenml_cli.core.runs import RunRecord
    from zenml_cli.enums import ArtifactType, ModelStages


class RulesDoor:
    """Store-free checks and parsers of ``Registry``."""

    @staticmethod
    def check_name(name: str, what: str = "name") -> str:
        """``name`` if it is a valid model/version/artifact/pipeline name; else exit 5."""
        from zenml_cli.core.names import check_name

        return check_name(name, what)

    @staticmethod
    def model_reference(
        name: str, version: str | int | ModelStages | None
    ) -> tuple[str, VersionRef | None]:
        """What ``Model(name, version)`` names, checked as far as it can be before a run
        fills its placeholders (see ``core/templates.py``)."""
        from zenml_cli.core.templates import model_reference

        return model_reference(name, version)

    @staticmethod
    def fill_model_reference(
        name: str, ref: VersionRef | None, substitutions: dict[str, str] | None
    ) -> tuple[str, VersionRef | None]:
        """The model name and version reference with placeholders filled (``{date}`` and
        ``{time}`` of now when ``substitutions`` is None)."""
        from zenml_cli.core.templates import fill_model_reference

        return fill_model_reference(name, ref, substitutions)

    @staticmethod
    def run_substitutions(run: RunRecord, custom: Mapping[str, str]) -> dict[str, str]:
        """``{date}``, ``{time}`` of the run's start, then the pipeline's own values."""
        from zenml_cli.core.templates import run_substitutions

        return run_substitutions(run.start_time, custom)

    @staticmethod
    def checked_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
        """``metadata`` as it will be stored; exit 5 for a key or value that cannot be."""
        from zenml_cli.core.metadata import checked_metadata

        return checked_metadata(metadata)

    @staticmethod
    def finite_number_rule() -> Callable[[Any], bool]:
        """The core's one test of a usable number (``core/metadata.is_finite_number``: an int
        or a finite float, never a bool), handed out as the function itself so a front end
        applying it to every metadata value pays for the door once, not per value."""
        from zenml_cli.core.metadata import is_finite_number

        return is_finite_number

    @staticmethod
    def artifact_type(
        value: ArtifactType | str | None, is_model_artifact: bool = False
    ) -> ArtifactType | None:
        """``value`` as an ArtifactType (exit 5 naming the choices), else ``ModelArtifact``
        for a model artifact, else None."""
        from zenml_cli.core.artifacts.types import effective_artifact_type, parse_artifact_type

        return effective_artifact_type(parse_artifact_type(value), is_model_artifact)

    @staticmethod
    def replay_order(events: list[HistoryEvent]) -> list[HistoryEvent]:
        """Events in the order the core replays them (by sequence number, never by time)."""
        from zenml_cli.core.history import replay_order

        return replay_order(events)

    @staticmethod
    def replay(events: list[HistoryEvent]) -> list[tuple[HistoryEvent, dict[str, int | None]]]:
        """Every event in replay order with who held staging and production right after it:
        the core's one replay of a history (``core/history.replay``)."""
        from zenml_cli.core.history import replay

        return replay(events)
