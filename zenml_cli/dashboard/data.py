"""Everything the dashboard reads from the registry, and the only dashboard module that
imports the core. It hands the page builders plain dataclasses, so a change in the core's
function names or modules is absorbed here and nowhere else.

A ``Reader`` reads one consistent-enough view per use: the static build makes one for the
whole site, the live server a fresh one per request (so a change shows on reload).
Artifact and run manifests are read once per reader, however many versions link them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from zenml_cli.core.history import HistoryEvent
from zenml_cli.core.records import ModelRecord, ModelVersionRecord
from zenml_cli.core.runs import RunRecord
from zenml_cli.core.schema import MODEL_TEXT_FIELDS
from zenml_cli.dashboard.views import ArtifactRef as ArtifactRef
from zenml_cli.dashboard.views import ArtifactView as ArtifactView
from zenml_cli.dashboard.views import ChartRow as ChartRow
from zenml_cli.dashboard.views import RunView as RunView
from zenml_cli.dashboard.views import StepView as StepView
from zenml_cli.dashboard.views import VersionDetail as VersionDetail
from zenml_cli.dashboard.views import VersionRow as VersionRow
from zenml_cli.enums import LinkKind
from zenml_cli.errors import NotFoundError
from zenml_cli.registry import Registry

#: One history event (stage change, rename, delete, model rename): the core's own record,
#: already plain data, so the pages read it as it is.
Event = HistoryEvent
#: The core's one replay of a history (the timeline presents it, never re-derives it).
replay_history = Registry.replay
#: The core's one rule for a usable number (the chart adds only that it must fit a float).
is_finite_number = Registry.finite_number_rule()
#: The most versions a model page lists: the newest this many, plus the staging and
#: production holders; a model with more says how many are left out (each version keeps its
#: own page, and the charts still have a point for every version). Bounds the page (its
#: table of 100,000 versions was 40 MB of HTML) and what a build holds of one model.
MODEL_PAGE_VERSIONS = 1000
#: Versions read per batch from a model with more than ``MODEL_PAGE_VERSIONS``: fewer than the
#: store's folder index threshold, so they are read file by file and only one batch of records
#: is alive at a time (the index would hold every manifest of the folder at once).
STREAM_BATCH = 24


def is_number(value: Any) -> bool:
    """Numeric for charts: the core's finite number (an int or a finite float, never a bool)
    that also fits a float. Here, beside the rule it extends, so the charts and the rows
    kept for them agree (``markup`` re-exports it for the page builders)."""
    # A chart draws floats: an int past float's range cannot be placed (float() overflows).
    fits = not isinstance(value, int) or abs(value) <= sys.float_info.max
    return is_finite_number(value) and fits


@dataclass
class ModelSummary:
    """One row of the index."""

    name: str
    id: str
    description: str | None
    tags: list[str]
    staging: int | None
    production: int | None
    version_count: int
    latest_number: int | None
    latest_name: str | None
    last_promotion: Event | None


@dataclass
class ModelDetail:
    """A model page: the model's fields, the versions it lists (ascending number: all of them,
    or the newest ``MODEL_PAGE_VERSIONS`` and the stage holders), every version's chart row
    and its history. ``record`` is what the version pages are read from (``Reader.rows``)."""

    summary: ModelSummary
    fields: dict[str, Any]
    versions: list[VersionRow]
    events: list[Event]
    charted: list[ChartRow]
    record: ModelRecord | None = None

    @property
    def numbers(self) -> list[int]:
        """Every version's number, ascending."""
        return [row.number for row in self.charted]

    @property
    def unlisted(self) -> int:
        """How many versions the model page leaves out of its table."""
        return len(self.charted) - len(self.versions)


class Reader:
    """Read-only access to one registry, in the dashboard's terms."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._artifacts: dict[tuple[str, str], ArtifactView | None] = {}
        self._runs: dict[str, RunView] = {}
        #: The artifact versions and runs read since ``forget_links``: what a model's pages
        #: drew from beyond its own folder (its fingerprint covers them).
        self.artifacts_read: set[tuple[str, str]] = set()
        self.runs_read: set[str] = set()

    # ----------------------------------------------------------------------------- models
    def model_names(self) -> list[str]:
        """Every model name, sorted by code point (the same order on every machine)."""
        return self.registry.model_names()

    def summaries(self) -> list[ModelSummary]:
        """The index: one summary per model, reading only each model's latest version."""
        found = []
        for name in self.model_names():
            record = self.registry.find_model(name)
            if record is None:
                continue
            count, latest = self.registry.version_summary(record)
            events = self._events(record.name)
            found.append(_summary(record, count, _row(latest) if latest else None, events))
        return found

    def model(self, name: str) -> ModelDetail:
        """One model with all its versions and history; NotFoundError if there is none."""
        record = self.registry.read_model_file(name)  # a listed name: exact already
        if record is None:
            raise NotFoundError(f"no model '{name}'")
        numbers = self.registry.live_version_numbers(record)
        if len(numbers) <= MODEL_PAGE_VERSIONS:
            versions = [_row(v) for v in self.registry.read_version_numbers(record, numbers)]
            charted = [_charted(row) for row in versions]
        else:
            versions, charted = self._bounded(record, numbers)
        events = self._events(record.name)
        latest = versions[-1] if versions else None
        summary = _summary(record, len(charted), latest, events)
        fields: dict[str, Any] = {key: getattr(record, key) for key in MODEL_TEXT_FIELDS}
        fields.update(
            id=record.id,
            created=record.created,
            created_by=record.created_by,
            save_models_to_registry=record.save_models_to_registry,
            archived_versions=sorted(set(record.stages.archived)),
        )
        return ModelDetail(summary, fields, versions, events, charted, record)

    def rows(self, detail: ModelDetail) -> Iterator[VersionRow]:
        """Every version of ``detail``'s model, ascending: the rows it holds when it holds all
        of them, else read again in batches of ``STREAM_BATCH`` (each row dropped once drawn)."""
        if detail.record is None or not detail.unlisted:
            yield from detail.versions
            return
        for batch in _batches(detail.numbers):
            for record in self.registry.read_version_numbers(detail.record, batch):
                yield _row(record)

    def version_at(
        self, name: str, number: int
    ) -> tuple[VersionRow, int | None, int | None] | None:
        """``(row, previous number, next number)`` of version ``number`` of model ``name``,
        reading that one file (the live server's version page), or None if there is none."""
        record = self.registry.read_model_file(name)
        if record is None:
            return None
        numbers = self.registry.live_version_numbers(record)
        found = self.registry.read_version_numbers(record, [number]) if number in numbers else []
        if not found:
            return None
        at = numbers.index(number)
        previous = numbers[at - 1] if at else None
        following = numbers[at + 1] if at + 1 < len(numbers) else None
        return _row(found[0]), previous, following

    def _bounded(
        self, record: ModelRecord, numbers: list[int]
    ) -> tuple[list[VersionRow], list[ChartRow]]:
        """The rows a model page lists (``MODEL_PAGE_VERSIONS``) and every chart row, read in
        batches so only one batch of records and the listed rows are held."""
        holders = {record.stages.staging, record.stages.production}
        listed = set(numbers[-MODEL_PAGE_VERSIONS:]) | holders
        versions: list[VersionRow] = []
        charted: list[ChartRow] = []
        for batch in _batches(numbers):
            for version in self.registry.read_version_numbers(record, batch):
                row = _row(version)
                charted.append(_charted(row))
                if row.number in listed:
                    versions.append(row)
        return versions, charted

    def version(self, model: str, row: VersionRow) -> VersionDetail:
        """The version page of ``row`` (a row of ``model(model).versions``)."""
        artifacts = [self._artifact(link) for link in row.links]
        run_ids = list(row.run_ids)
        if row.producing_run and row.producing_run not in run_ids:
            run_ids.insert(0, row.producing_run)
        return VersionDetail(model, row, artifacts, [self._run(run_id) for run_id in run_ids])

    # ------------------------------------------------------------------- incremental builds
    def forget_links(self) -> None:
        """Start a new model: ``artifacts_read`` and ``runs_read`` begin empty again, and the
        artifacts and runs read so far are dropped (a build's memory stays one model's)."""
        self.artifacts_read, self.runs_read = set(), set()
        self._artifacts.clear()
        self._runs.clear()

    def fingerprint(
        self, name: str, artifacts: list[tuple[str, str]], runs: list[str]
    ) -> tuple[bytes, int]:
        """``(digest, newest change in ns)`` of the files model ``name``'s pages draw on."""
        return self.registry.model_fingerprint(name, artifacts, runs)

    def load_state(self, key: str) -> Any:
        return self.registry.load_build_state(key)

    def save_state(self, key: str, state: Any) -> None:
        self.registry.save_build_state(key, state)

    # ----------------------------------------------------------------------------- helpers
    def _events(self, model: str) -> list[Event]:
        return self.registry.replay_order(self.registry.model_events(model))  # as replayed

    def _artifact(self, link: ArtifactRef) -> ArtifactView:
        key = (link.name, link.version)
        self.artifacts_read.add(key)
        if key not in self._artifacts:
            record = self.registry.find_artifact_version(link.name, link.version)
            self._artifacts[key] = None if record is None else _artifact_view(record)
        found = self._artifacts[key]
        if found is None or found.id != link.id:
            return ArtifactView(link.kind, link.name, link.version, link.id, missing=True)
        view = ArtifactView(**{**found.__dict__, "kind": link.kind})
        if view.producing_run:
            run = self._run(view.producing_run)
            view.producing_run_name = None if run.missing else run.name
        return view

    def _run(self, run_id: str) -> RunView:
        self.runs_read.add(run_id)
        if run_id not in self._runs:
            try:
                run = self.registry.get_run(run_id)
            except NotFoundError:
                self._runs[run_id] = RunView(id=run_id, missing=True)
            else:
                self._runs[run_id] = _run_view(run)
        return self._runs[run_id]


def fresh_readers(registry: Registry) -> Callable[[], Reader]:
    """A factory of readers over a new Registry for the same project each call, so a
    long-lived server never answers from an object that cached an older config."""
    root = registry.root
    return lambda: Reader(Registry(root))


# ------------------------------------------------------------------------------- converting
_NO_NUMBERS: dict[str, Any] = {}


def _batches(numbers: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(numbers), STREAM_BATCH):
        yield numbers[start : start + STREAM_BATCH]


def _charted(row: VersionRow) -> ChartRow:
    numeric = {key: value for key, value in row.metadata.items() if is_number(value)}
    return ChartRow(row.number, row.name, numeric or _NO_NUMBERS)  # shared when empty


def _summary(
    record: ModelRecord, count: int, latest: VersionRow | None, events: list[Event]
) -> ModelSummary:
    return ModelSummary(
        name=record.name,
        id=record.id,
        description=record.description,
        tags=sorted(set(record.tags)),
        staging=record.stages.staging,
        production=record.stages.production,
        version_count=count,
        latest_number=latest.number if latest else None,
        latest_name=latest.name if latest else None,
        last_promotion=_last_promotion(events),
    )


def _last_promotion(events: list[Event]) -> Event | None:
    stage_events = [e for e in events if e.event == "stage"]
    return stage_events[-1] if stage_events else None


def _row(version: ModelVersionRecord) -> VersionRow:
    links = [
        ArtifactRef(kind.value, link.name, link.version, link.id)
        for kind in LinkKind
        for link in version.artifacts[kind]
    ]
    return VersionRow(
        number=version.number,
        name=version.name,
        id=version.id,
        stage=version.stage.value,
        description=version.description,
        tags=sorted(set(version.tags)),
        created=version.created,
        created_by=version.created_by,
        producing_run=version.producing_run,
        from_failed_run=version.from_failed_run,
        metadata=dict(version.run_metadata),
        links=links,
        run_ids=list(version.pipeline_run_ids),
    )


def _artifact_view(record: Any) -> ArtifactView:
    return ArtifactView(
        kind="",
        name=record.name,
        version=record.version,
        id=record.id,
        type=record.type.value,
        size=record.size,
        sha256=record.sha256,
        materializer=record.materializer,
        data_type=record.data_type,
        producing_run=record.producing_run,
        producing_step=record.producing_step,
        created=record.created,
    )


def _run_view(run: RunRecord) -> RunView:
    steps = [
        StepView(
            name=step.name,
            status=step.status.value,
            start_time=step.start_time,
            end_time=step.end_time,
            outputs=sorted(
                f"{output['name']}:{output['version']}"
                for output in step.outputs.values()
                if isinstance(output, dict) and "name" in output and "version" in output
            ),
            error=step.error,
        )
        for step in run.steps.values()
    ]
    return RunView(
        id=run.id,
        name=run.name,
        pipeline=run.pipeline,
        status=run.status.value,
        start_time=run.start_time,
        end_time=run.end_time,
        created_by=run.created_by,
        error=run.error,
        steps=steps,
    )
