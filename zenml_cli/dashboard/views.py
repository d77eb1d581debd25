"""The plain data the dashboard's pages are drawn from: a version row, what a chart needs of
one version, a linked artifact, a run and its steps, a version page. ``data.py`` makes them
from the registry's records; the pages read nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ArtifactRef:
    """A version's link to an artifact version, as written in its manifest."""

    kind: str  # data | model | deployment
    name: str
    version: str
    id: str


@dataclass
class VersionRow:
    """One model version: what the model page shows per row, and the version page's fields."""

    number: int
    name: str
    id: str
    stage: str
    description: str | None
    tags: list[str]
    created: str
    created_by: str
    producing_run: str | None
    from_failed_run: bool
    metadata: dict[str, Any]
    links: list[ArtifactRef] = field(default_factory=list)
    run_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ChartRow:
    """What the charts need of one version, and no more: its number, name and numeric
    metadata (a model of 100,000 versions keeps these, not 100,000 ``VersionRow``s)."""

    number: int
    name: str
    metadata: dict[str, Any]


@dataclass
class ArtifactView:
    """A linked artifact version; ``missing`` when its manifest is gone (doctor reports it)."""

    kind: str
    name: str
    version: str
    id: str
    missing: bool = False
    type: str = ""
    size: int | None = None
    sha256: str = ""
    materializer: str = ""
    data_type: str = ""
    producing_run: str | None = None
    producing_run_name: str | None = None
    producing_step: str | None = None
    created: str = ""


@dataclass
class StepView:
    name: str
    status: str
    start_time: str
    end_time: str | None
    outputs: list[str]
    error: str | None


@dataclass
class RunView:
    """A pipeline run that produced or used a version; ``missing`` when its manifest is gone."""

    id: str
    missing: bool = False
    name: str = ""
    pipeline: str = ""
    status: str = ""
    start_time: str = ""
    end_time: str | None = None
    created_by: str = ""
    error: str | None = None
    steps: list[StepView] = field(default_factory=list)


@dataclass
class VersionDetail:
    """A version page."""

    model: str
    version: VersionRow
    artifacts: list[ArtifactView]
    runs: list[RunView]
