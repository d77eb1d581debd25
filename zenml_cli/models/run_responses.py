"""Pipelines, runs and step runs as ZenML's client hands them out.

``run.steps["trainer"].output.load()``, ``run.steps["trainer"].outputs["model"].load()``,
``Client().get_pipeline("training").last_run``: the core run records, bound to the registry
that read them so their outputs resolve to artifact versions. Their ``to_dict()`` (JSON
output) is exactly the core record's.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any

from zenml_cli.core.artifacts.records import ArtifactVersionRecord
from zenml_cli.core.listing import EVERY_ITEM
from zenml_cli.core.runs import RunRecord, StepRunRecord
from zenml_cli.enums import ExecutionStatus
from zenml_cli.errors import InvalidInputError, NotFoundError
from zenml_cli.models.run_configuration import RunConfiguration

if TYPE_CHECKING:
    from zenml_cli.registry import Registry


def pipeline_id(name: str) -> str:
    """Pipelines have no record of their own here: their id is derived from the name
    (``core/run_listing.pipeline_id``)."""
    from zenml_cli.registry import Registry

    return Registry.pipeline_id(name)


class PipelineName(str):
    """A run's pipeline: its name as text, with ZenML's ``.name`` and ``.id``."""

    @property
    def name(self) -> str:
        return str(self)

    @property
    def id(self) -> str:
        return pipeline_id(str(self))


class StepOutput(ArtifactVersionRecord):
    """One output of a step run: the artifact version (``.load()``), and also a one-item
    list of it, so ZenML's newer form ``step.outputs["model"][0].load()`` works too."""

    @classmethod
    def of(cls, record: ArtifactVersionRecord) -> StepOutput:
        return cls(**{f.name: getattr(record, f.name) for f in fields(record)})

    def __getitem__(self, index: int) -> StepOutput:
        if index not in (0, -1):
            raise IndexError(f"output '{self.name}' is one artifact version; use [0]")
        return self

    def __len__(self) -> int:
        return 1


class StepRunResponse(StepRunRecord):
    """A step run whose ``outputs`` are artifact versions (``.load()`` gives the value)."""

    _registry: Registry
    _refs: dict[str, dict[str, str]]
    _run_id: str

    @classmethod
    def bind(cls, record: StepRunRecord, registry: Registry, run_id: str = "") -> StepRunResponse:
        bound = cls(**{f.name: getattr(record, f.name) for f in fields(record)})
        bound._registry = registry
        bound._run_id = run_id
        return bound

    @property
    def pipeline_run_id(self) -> str:
        return self._run_id

    @property
    def id(self) -> str:
        """Step runs have no record of their own: ``<run id>/<step name>``, the form
        ``original_step_run_id`` uses too (``log_metadata(step_id=...)`` takes it)."""
        return f"{self._run_id}/{self.name}"

    @property  # type: ignore[override]
    def outputs(self) -> dict[str, StepOutput]:
        """Output name -> the artifact version it was saved as (or, cached, reused)."""
        return {
            name: StepOutput.of(
                self._registry.get_artifact_version(str(ref.get("id") or ref.get("name")))
            )
            for name, ref in self._refs.items()
        }

    @outputs.setter
    def outputs(self, value: dict[str, dict[str, str]]) -> None:
        self._refs = dict(value)

    @property
    def output(self) -> StepOutput:
        """The step's only output (ZenML's shortcut); an error if it has none or several."""
        if len(self._refs) != 1:
            names = ", ".join(self._refs) or "none"
            raise InvalidInputError(
                f"step '{self.name}' has {len(self._refs)} outputs ({names}); use .outputs[name]"
            )
        return next(iter(self.outputs.values()))

    @property
    def original_step_run_id(self) -> str | None:
        """For a cached step: ``<run id>/<step>`` of the step run whose outputs it reused."""
        if self.cached_from is None:
            return None
        return f"{self.cached_from.get('run')}/{self.cached_from.get('step')}"

    def to_manifest(self) -> dict[str, Any]:
        return self.plain().to_manifest()

    def plain(self) -> StepRunRecord:
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "outputs"}
        return StepRunRecord(outputs=dict(self._refs), **values)


class PipelineRunResponse(RunRecord):
    """A pipeline run with bound step runs, ZenML's ``pipeline.name`` and ``config.extra``."""

    _registry: Registry

    @classmethod
    def bind(cls, record: RunRecord, registry: Registry) -> PipelineRunResponse:
        values = {f.name: getattr(record, f.name) for f in fields(record)}
        values["steps"] = {
            name: StepRunResponse.bind(step, registry, record.id)
            for name, step in record.steps.items()
        }
        values["pipeline"] = PipelineName(record.pipeline)
        values["config"] = RunConfiguration(record.config, record.pipeline)
        bound = cls(**values)
        bound._registry = registry
        return bound

    def to_manifest(self) -> dict[str, Any]:
        data = super().to_manifest()
        data["pipeline"] = str(self.pipeline)
        if "config" in data:  # plain types only: YAML writes no dict subclass
            data["config"] = dict(data["config"])
        return data

    @property
    def run_metadata(self) -> dict[str, Any]:
        """The run's own metadata and, as ZenML shows them, each step's as ``step::key``."""
        found = {
            f"{step.name}::{key}": value
            for step in self.steps.values()
            for key, value in step.run_metadata.items()
        }
        return {**found, **self.metadata}

    @property
    def model_version(self) -> Any:
        """The model version the run configured first (its pipeline's model), or None."""
        if not self.model_versions:
            return None
        from zenml_cli.model.responses import ModelVersionResponse

        first = self.model_versions[0]
        found = self._registry.get_version(str(first["model"]), int(first["number"]))
        return ModelVersionResponse.bind(found, self._registry)


class PipelineResponse:
    """A pipeline, known by the runs recorded under its name."""

    def __init__(self, name: str, registry: Registry) -> None:
        self.name = name
        self.id = pipeline_id(name)
        self._registry = registry

    @property
    def runs(self) -> list[PipelineRunResponse]:
        """Its runs, newest first (as in ZenML)."""
        found = self._registry.list_runs(self.name, sort_by="desc:created", size=EVERY_ITEM)
        return [PipelineRunResponse.bind(run, self._registry) for run in found]

    def get_runs(self, **filters: Any) -> list[PipelineRunResponse]:
        """Its runs, newest first, filtered by exact field values (``status="completed"``)."""
        return [
            run
            for run in self.runs
            if all(str(getattr(run, key, None)) == str(value) for key, value in filters.items())
        ]

    @property
    def num_runs(self) -> int:
        return self._registry.list_runs(self.name, size=1).total

    @property
    def last_run(self) -> PipelineRunResponse:
        runs = self.runs
        if not runs:
            raise NotFoundError(f"pipeline '{self.name}' has no runs")
        return runs[0]

    @property
    def last_successful_run(self) -> PipelineRunResponse:
        for run in self.runs:
            if run.status is ExecutionStatus.COMPLETED:
                return run
        raise NotFoundError(f"pipeline '{self.name}' has no completed run")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "num_runs": self.num_runs}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PipelineResponse) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"PipelineResponse(name={self.name!r})"
