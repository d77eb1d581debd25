"""The running pipeline and step, as context variables, and ``get_step_context()``.

A pipeline run lives in one process (the local orchestrator runs steps in call order), so the
run context is a ``ContextVar``: threads and asyncio tasks started outside a run do not see it.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from zenml_cli.errors import StepContextError, ZenMLCliError

if TYPE_CHECKING:
    from zenml_cli.core.records import ModelVersionRecord
    from zenml_cli.core.runs import RunRecord, StepRunRecord
    from zenml_cli.model import Model
    from zenml_cli.models.run_responses import PipelineName, PipelineRunResponse
    from zenml_cli.pipelines.run_config import StepConfig
    from zenml_cli.pipelines.signature import OutputSignature
    from zenml_cli.registry import Registry


class RunPipeline(Protocol):
    """What a run reads of its ``Pipeline``. A protocol, not the class: ``pipeline.py``
    imports this module, and not even a type-only import may close that circle."""

    @property
    def substitutions(self) -> Mapping[str, str]: ...
    @property
    def enable_cache(self) -> bool | None: ...
    @property
    def recorded(self) -> Mapping[str, Any]: ...
    @property
    def step_configs(self) -> Mapping[str, StepConfig]: ...
    @property
    def settings(self) -> Mapping[str, Any]: ...
    @property
    def extra(self) -> Mapping[str, Any]: ...


_RUN: ContextVar[RunContext | None] = ContextVar("zenml_cli_run", default=None)
_STEP: ContextVar[StepContext | None] = ContextVar("zenml_cli_step", default=None)


class RunContext:
    """One pipeline run in progress: its record, and the model versions it resolved.

    Model versions are cached per (model name, version reference), so ``version=None`` gives
    one new version per model per run however many steps or ``Model`` objects ask for it.
    """

    def __init__(
        self,
        registry: Registry,
        run: RunRecord,
        pipeline_model: Model | None,
        pipeline: RunPipeline | None = None,
    ) -> None:
        self.registry = registry
        self.run = run
        self.pipeline_model = pipeline_model
        self.pipeline = pipeline
        #: ``{date}``, ``{time}`` of the run's start and the pipeline's own substitutions.
        self.substitutions = registry.run_substitutions(
            run, pipeline.substitutions if pipeline is not None else {}
        )
        self.finished_steps: set[str] = set()
        self._versions: dict[tuple[str, ...], ModelVersionRecord] = {}
        #: (model, number) of versions this run created, to mark them if the run fails.
        self.created: list[tuple[str, int]] = []
        #: id(value) -> (value, artifact version id) of every step output this run produced
        #: or reused: a value passed on to a later step is that artifact (its cache key uses
        #: the id). The value is held so its id cannot be reused by another object.
        self.artifact_values: dict[int, tuple[Any, str]] = {}
        self._cache: dict[str, tuple[str, StepRunRecord]] | None = None

    def remember_artifact(self, value: Any, artifact_id: str) -> None:
        self.artifact_values[id(value)] = (value, artifact_id)

    def artifact_id_of(self, value: Any) -> str | None:
        found = self.artifact_values.get(id(value))
        return found[1] if found is not None and found[0] is value else None

    def cached_step(self, cache_key: str) -> tuple[str, StepRunRecord] | None:
        """The newest completed step run with this cache key, in the store or this run."""
        if self._cache is None:
            self._cache = self.registry.cache_index()
        return self._cache.get(cache_key)

    def add_to_cache(self, step: StepRunRecord) -> None:
        if self._cache is not None and step.cache_key:
            self._cache[step.cache_key] = (self.run.id, step)

    def model_version_for(self, model: Model) -> ModelVersionRecord:
        key = model.reference_key(self.substitutions)
        if key not in self._versions:
            version, created = model.get_or_create_version(
                self.registry, producing_run=self.run.id, substitutions=self.substitutions
            )
            if created:
                self.created.append((version.model, version.number))
            version = self.registry.attach_run(version.model, version.number, self.run.id)
            self._versions[key] = version
            self.registry.record_run_model_version(self.run, version)
        # Pin it on the object too, so reading it after the run gives this run's version.
        model.pin(self._versions[key], self.registry)
        return self._versions[key]

    def invocation_name(self, step_name: str) -> str:
        """ZenML's naming: the first call of a step is its name, later ones get ``_2``, ``_3``."""
        if step_name not in self.run.steps:
            return step_name
        count = 2
        while f"{step_name}_{count}" in self.run.steps:
            count += 1
        return f"{step_name}_{count}"

    def mark_failed_versions(self) -> list[str]:
        """Mark versions this run created as coming from a failed run; returns any problems
        instead of raising, so the step's own exception is the one the caller sees."""
        problems = []
        for model, number in self.created:
            try:
                self.registry.mark_failed_run(model, number, self.run.id)
            except ZenMLCliError as exc:
                problems.append(f"could not mark {model} version {number}: {exc}")
        return problems


@dataclass
class StepContext:
    """What ``get_step_context()`` returns inside a running step (ZenML's names)."""

    #: The live record the runner writes; ``pipeline_run`` is ZenML's view of it.
    run_record: RunRecord
    step_run: StepRunRecord
    step_model: Model | None
    run_context: RunContext
    #: The step's declared outputs (None for a step whose outputs are not known yet).
    signature: OutputSignature | None = None
    #: Output name -> metadata / tags logged for it while the step runs, attached when the
    #: step returns and its outputs are saved (as ZenML does).
    output_metadata: dict[str, dict[str, Any]] = field(default_factory=dict)
    output_tags: dict[str, list[str]] = field(default_factory=dict)

    @property
    def model(self) -> Model:
        """The step's model (step-level, else pipeline-level); an error if neither is set."""
        if self.step_model is None:
            raise StepContextError(
                f"step '{self.step_run.name}' has no model: pass model=Model(...) to @step "
                "or @pipeline"
            )
        return self.step_model

    @property
    def step_name(self) -> str:
        return self.step_run.name

    @property
    def pipeline(self) -> PipelineName:
        """The pipeline: its name as text, with ZenML's ``.name`` and ``.id``."""
        from zenml_cli.models.run_responses import PipelineName

        return PipelineName(self.run_record.pipeline)

    @property
    def pipeline_run(self) -> PipelineRunResponse:
        """The run as ZenML's client shows it (``.config.extra``, ``.model_version``), read
        afresh from the live record on each access. A copy: code of this package that
        writes the run uses ``run_record``, or the runner's next write would drop it."""
        from zenml_cli.models.run_responses import PipelineRunResponse

        return PipelineRunResponse.bind(self.run_record, self.run_context.registry)

    def output_name(self, name: str | None, what: str) -> str | None:
        """The running step's output called ``name`` (its output name or its artifact's
        name); with ``name=None`` the only output. None when ``name`` is not an output."""
        specs = self.signature.outputs if self.signature is not None else []
        if name is None:
            if len(specs) != 1:
                raise StepContextError(
                    f"{what} without an artifact name needs a step with exactly one output; "
                    f"step '{self.step_run.name}' has {len(specs)}: pass artifact_name="
                )
            return specs[0].name
        for spec in specs:
            if name in (spec.name, spec.config.name):
                return spec.name
        return None

    def add_output_metadata(self, metadata: dict[str, Any], output_name: str | None = None) -> None:
        """Metadata for one of this step's outputs (``output_name``; may be left out when the
        step has one output), attached to its artifact version when the step returns. A step
        without outputs keeps it as step run metadata (in the run manifest)."""
        registry = self.run_context.registry
        if output_name is None and self.signature is not None and not self.signature.outputs:
            registry.log_step_run_metadata(self.run_record, self.step_run.name, metadata)
            return
        checked = registry.checked_metadata(metadata)
        target = self.output_name(output_name, "add_output_metadata")
        if target is None:
            raise StepContextError(f"step '{self.step_run.name}' has no output '{output_name}'")
        self.output_metadata.setdefault(target, {}).update(checked)

    def add_output_tags(self, tags: list[str], output_name: str | None = None) -> None:
        """Tags for one of this step's outputs, added when the step returns."""
        target = self.output_name(output_name, "add_output_tags")
        if target is None:
            raise StepContextError(f"step '{self.step_run.name}' has no output '{output_name}'")
        self.output_tags.setdefault(target, []).extend(tags)


def current_run() -> RunContext | None:
    return _RUN.get()


def current_step() -> StepContext | None:
    return _STEP.get()


def registry_in_context() -> Registry:
    """The running pipeline's registry, else the registry of the project found from here."""
    run = _RUN.get()
    if run is not None:
        return run.registry
    from zenml_cli.registry import Registry

    return Registry()


def get_step_context() -> StepContext:
    """The running step's context; StepContextError outside a step."""
    context = _STEP.get()
    if context is None:
        raise StepContextError(
            "get_step_context() works only inside a running step; call it from a @step function"
        )
    return context


@dataclass
class PipelineContext:
    """What ``get_pipeline_context()`` returns while a pipeline runs (ZenML's names)."""

    run_context: RunContext

    @property
    def name(self) -> str:
        return self.run_context.run.pipeline

    @property
    def run_name(self) -> str:
        return self.run_context.run.name

    @property
    def model(self) -> Model | None:
        """The pipeline-level model (None when the pipeline has none)."""
        return self.run_context.pipeline_model

    @property
    def enable_cache(self) -> bool | None:
        pipeline = self.run_context.pipeline
        return pipeline.enable_cache if pipeline is not None else None

    @property
    def settings(self) -> dict[str, Any]:
        pipeline = self.run_context.pipeline
        return dict(pipeline.settings) if pipeline is not None else {}

    @property
    def extra(self) -> dict[str, Any]:
        pipeline = self.run_context.pipeline
        return dict(pipeline.extra) if pipeline is not None else {}


def get_pipeline_context() -> PipelineContext:
    """The running pipeline's context (inside the pipeline function or a step of it);
    StepContextError (a RuntimeError, as in ZenML) outside a pipeline."""
    run = _RUN.get()
    if run is None:
        raise StepContextError(
            "get_pipeline_context() works only while a pipeline runs; call it from a "
            "@pipeline function or one of its steps"
        )
    return PipelineContext(run)
