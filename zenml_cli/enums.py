"""Enumerations shared by every layer (ZenML's names). A leaf module."""

from __future__ import annotations

import enum


class StrEnum(enum.StrEnum):
    """ZenML's ``StrEnum``: a string enum that lists its ``names()`` and ``values()``."""

    @classmethod
    def names(cls) -> list[str]:
        return [member.name for member in cls]

    @classmethod
    def values(cls) -> list[str]:
        return [member.value for member in cls]


class ModelStages(StrEnum):
    """Stages of a model version. ``LATEST`` is virtual: it can be asked for, never stored."""

    NONE = "none"
    STAGING = "staging"
    PRODUCTION = "production"
    ARCHIVED = "archived"
    LATEST = "latest"


#: Stages that at most one version of a model may hold at a time.
SINGLE_HOLDER_STAGES = (ModelStages.STAGING, ModelStages.PRODUCTION)
#: Stages a version can actually be stored in.
STORABLE_STAGES = (
    ModelStages.NONE,
    ModelStages.STAGING,
    ModelStages.PRODUCTION,
    ModelStages.ARCHIVED,
)


class ArtifactType(StrEnum):
    """What an artifact version holds (ZenML's values)."""

    DATA = "DataArtifact"
    MODEL = "ModelArtifact"
    DATA_ANALYSIS = "DataAnalysisArtifact"
    SERVICE = "ServiceArtifact"
    STATISTICS = "Statistics"
    SCHEMA = "Schema"
    BASE = "BaseArtifact"


class LinkKind(StrEnum):
    """How an artifact version is linked to a model version."""

    DATA = "data"
    MODEL = "model"
    DEPLOYMENT = "deployment"


class ExecutionStatus(StrEnum):
    """Status of a pipeline run or step run."""

    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    #: A step whose outputs were reused from an earlier completed run (step caching).
    CACHED = "cached"
