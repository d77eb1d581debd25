"""Version references, parsed once at the edge into a typed value.

A reference is a number (``3`` or ``"3"``), a stage word (``latest``, ``staging``,
``production``, ``archived``, ``none``, any case; ``latest`` is the highest number), or else a
name (or id). The facade parses what the user gave; nothing downstream re-reads text.
Stage words are decided here too: ``stage_word`` (does a word name a stage) and
``parse_stage`` (a stage a version can be moved to, from user input), so a reader of stages
needs neither the update path nor the stage policies.
"""

from __future__ import annotations

from dataclasses import dataclass

from zenml_cli.digits import is_number_text
from zenml_cli.enums import STORABLE_STAGES, ModelStages
from zenml_cli.errors import InvalidInputError

__all__ = [
    "STAGE_CHOICES",
    "STAGE_WORDS",
    "RefInput",
    "VersionRef",
    "is_number_text",
    "parse_stage",
    "stage_word",
]

STAGE_WORDS = frozenset(stage.value for stage in ModelStages)


def stage_word(text: str) -> ModelStages | None:
    """The stage ``text`` names, in any case and ignoring surrounding space; else None.
    The one place that decides whether a word is a stage word."""
    folded = text.strip().casefold()
    return ModelStages(folded) if folded in STAGE_WORDS else None


STAGE_CHOICES = ", ".join(stage.value for stage in STORABLE_STAGES)


def parse_stage(value: str | ModelStages) -> ModelStages:
    """A stage from user input, case-insensitively; ``latest`` is refused (it is virtual)."""
    text = value.value if isinstance(value, ModelStages) else str(value)
    stage = stage_word(text)
    if stage is None:
        raise InvalidInputError(f"unknown stage {text!r}; choose one of: {STAGE_CHOICES}")
    if stage == ModelStages.LATEST:
        raise InvalidInputError(
            f"'latest' is a virtual stage (the highest number) and cannot be set; "
            f"choose one of: {STAGE_CHOICES}"
        )
    return stage


@dataclass(frozen=True)
class VersionRef:
    """Exactly one of ``number``, ``stage`` or ``name`` is set."""

    number: int | None = None
    stage: ModelStages | None = None
    name: str | None = None

    @classmethod
    def parse(cls, ref: RefInput) -> VersionRef:
        """Classify what a user or caller gave; ``None`` means ``latest``."""
        if isinstance(ref, VersionRef):
            return ref
        if ref is None:
            return cls(stage=ModelStages.LATEST)
        if isinstance(ref, bool):
            raise InvalidInputError(f"invalid version reference {ref!r}")
        if isinstance(ref, int):
            if ref < 1:
                raise InvalidInputError(f"version numbers start at 1, not {ref}")
            return cls(number=ref)
        if isinstance(ref, ModelStages):
            return cls(stage=ref)
        text = str(ref)
        if not text:
            raise InvalidInputError("empty version reference; give a number, name or stage")
        if is_number_text(text):
            return cls.parse(int(text))
        stage = stage_word(text)
        if stage is not None:
            return cls(stage=stage)
        return cls(name=text)

    @property
    def kind(self) -> str:
        return "number" if self.number is not None else "stage" if self.stage else "name"

    def __str__(self) -> str:
        if self.number is not None:
            return str(self.number)
        return self.stage.value if self.stage is not None else str(self.name)


RefInput = VersionRef | int | str | ModelStages | None
