"""Running one step invocation inside a pipeline run: configuration, caching, the call, and
saving its outputs (with the metadata logged for them while it ran)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from zenml_cli.errors import ZenMLCliError
from zenml_cli.pipelines import caching
from zenml_cli.pipelines import context as ctx
from zenml_cli.pipelines.hooks import call_hook
from zenml_cli.pipelines.outputs import save_in_context, signature_of, split_values
from zenml_cli.pipelines.signature import OutputSignature

if TYPE_CHECKING:
    from zenml_cli.core.runs import StepRunRecord
    from zenml_cli.model import Model
    from zenml_cli.pipelines.run_config import StepConfig


class RunnableStep(Protocol):
    """What running reads of a ``Step``. A protocol, not the class: ``step.py`` imports this
    module, and not even a type-only import may close that circle."""

    @property
    def entrypoint(self) -> Callable[..., Any]: ...
    @property
    def name(self) -> str: ...
    @property
    def model(self) -> Model | None: ...
    @property
    def enable_cache(self) -> bool | None: ...
    @property
    def parameters(self) -> Mapping[str, Any]: ...
    @property
    def settings(self) -> Mapping[str, Any]: ...
    @property
    def extra(self) -> Mapping[str, Any]: ...
    @property
    def recorded(self) -> Mapping[str, Any]: ...


class StepRunner:
    def __init__(
        self, step: RunnableStep, run: ctx.RunContext, name: str, file_config: StepConfig | None
    ) -> None:
        self.step = step
        self.run_context = run
        self.name = name
        self.file = file_config
        self.signature: OutputSignature = signature_of(step.entrypoint)

    # ------------------------------------------------------------------------- configuration
    @property
    def model(self) -> Model | None:
        file_model = self.file.model if self.file is not None else None
        return self.step.model or file_model or self.run_context.pipeline_model

    @property
    def cache_enabled(self) -> bool:
        on_step = self.step.enable_cache
        if on_step is None and self.file is not None:
            on_step = self.file.enable_cache
        pipeline = self.run_context.pipeline
        return caching.enabled(on_step, pipeline.enable_cache if pipeline is not None else None)

    def _keyword_arguments(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Code wins over configuration: call arguments, then ``with_options(parameters=)``,
        then the run configuration file's ``steps: <name>: parameters:``."""
        configured = {**(self.file.parameters if self.file else {}), **self.step.parameters}
        if not configured:
            return kwargs
        given = caching.positional_names(self.step.entrypoint, args) | kwargs.keys()
        return {**{k: v for k, v in configured.items() if k not in given}, **kwargs}

    def _config_record(self, parameters: dict[str, Any]) -> dict[str, Any]:
        from zenml_cli.config.settings import merge_settings, plain_data, settings_to_data

        file = self.file
        values: dict[str, Any] = {
            "parameters": plain_data(_json_only(parameters)),
            "enable_cache": self.cache_enabled,
            "settings": settings_to_data(
                merge_settings(file.settings if file else {}, dict(self.step.settings))
            ),
            "extra": plain_data({**(file.extra if file else {}), **self.step.extra}),
            **plain_data({**(file.recorded if file else {}), **self.step.recorded}),
        }
        return {key: value for key, value in values.items() if value not in (None, {}, [])}

    def _hook(self, kind: str) -> Any:
        """The step's ``on_failure``/``on_success`` hook, else the pipeline's."""
        pipeline = self.run_context.pipeline
        own = self.step.recorded.get(kind)
        return own if own is not None else (pipeline.recorded.get(kind) if pipeline else None)

    # ------------------------------------------------------------------------- running
    def run(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        from zenml_cli.core.runs import StepRunRecord

        run = self.run_context
        args, kwargs = _external(args), _external(kwargs)
        kwargs = self._keyword_arguments(args, kwargs)
        arguments = caching.bind_arguments(self.step.entrypoint, args, kwargs)
        inputs = {k: i for k, v in arguments.items() if (i := _artifact_id(run, v)) is not None}
        parameters = {k: v for k, v in arguments.items() if k not in inputs}
        key = caching.cache_key(self.step.entrypoint, parameters, inputs, self.signature)
        model = self.model
        step_run = StepRunRecord(
            name=self.name, cache_key=key, config=self._config_record(parameters)
        )
        run.registry.start_step(run.run, step_run)
        context = ctx.StepContext(run.run, step_run, model, run, signature=self.signature)
        token = ctx._STEP.set(context)
        try:
            if model is not None:
                version = run.model_version_for(model)
                step_run.model_version = {
                    "model": version.model,
                    "number": version.number,
                    "id": version.id,
                }
            reused = self._from_cache(key, step_run, model) if self.cache_enabled else None
            if reused is not None:
                result = reused.value
            else:
                loaded_args, loaded_kwargs = _loaded(args, kwargs)
                result = self.step.entrypoint(*loaded_args, **loaded_kwargs)
                self._save_outputs(context, result)
                call_hook(self._hook("on_success"))
        except BaseException as exc:
            run.registry.fail_step(run.run, step_run, f"{type(exc).__name__}: {exc}")
            if isinstance(exc, Exception):
                call_hook(self._hook("on_failure"), exc)
            raise
        finally:
            ctx._STEP.reset(token)
        run.registry.finish_step(run.run, step_run)  # completed, or cached if it reused
        if reused is None:
            run.add_to_cache(step_run)
        run.finished_steps.update({self.name, self.step.name})
        return result

    def _from_cache(
        self, key: str | None, step_run: StepRunRecord, model: Model | None
    ) -> _CachedResult | None:
        """The earlier outputs as this call's result, recorded as cached; None on a miss
        (no completed step run with this key, or one of its outputs no longer loads)."""
        from zenml_cli.enums import ExecutionStatus

        run = self.run_context
        found = run.cached_step(key) if key is not None else None
        if found is None:
            return None
        original_run, original = found
        registry = run.registry
        try:
            records = {
                name: registry.get_artifact_version(str(ref.get("id")))
                for name, ref in original.outputs.items()
            }
            values = {name: record.load() for name, record in records.items()}
        except ZenMLCliError:  # deleted since, or its payload is not in this artifact store
            return None
        if model is not None:
            configs = {spec.name: spec.config for spec in self.signature.outputs}
            for name, record in records.items():
                config = configs.get(name)
                kind = registry.link_kind(
                    record.type,
                    config.is_model_artifact if config else False,
                    config.is_deployment_artifact if config else False,
                )
                registry.link_artifact(model.name, model.number, record, kind)
        for name, record in records.items():
            run.remember_artifact(values[name], record.id)
        step_run.outputs = {name: dict(ref) for name, ref in original.outputs.items()}
        step_run.cached_from = {"run": original_run, "step": original.name}
        step_run.status = ExecutionStatus.CACHED
        return _CachedResult(self._result(values))

    def _result(self, values: dict[str, Any]) -> Any:
        """The step's return value rebuilt from its outputs by name."""
        specs = self.signature.outputs
        if self.signature.implicit or not self.signature.is_tuple:
            return values.get(specs[0].name) if specs else None
        return tuple(values.get(spec.name) for spec in specs)

    def _save_outputs(self, context: ctx.StepContext, result: Any) -> None:
        run, step_run = self.run_context, context.step_run
        values = split_values(self.signature, result, step_run.name)
        for spec, value in zip(self.signature.outputs, values, strict=False):
            config = spec.config
            metadata = {**(config.run_metadata or {}), **context.output_metadata.get(spec.name, {})}
            tags = [*(config.tags or []), *context.output_tags.get(spec.name, [])]
            artifact = save_in_context(
                context,
                value,
                config.name or f"{run.run.pipeline}__{step_run.name}__{spec.name}",
                version=config.version,
                artifact_type=config.effective_type,
                tags=tags or None,
                metadata=metadata or None,
                is_model_artifact=config.is_model_artifact,
                is_deployment_artifact=config.is_deployment_artifact,
            )
            run.remember_artifact(value, artifact.id)
            step_run.outputs[spec.name] = {
                "name": artifact.name,
                "version": artifact.version,
                "id": artifact.id,
            }


def _external(values: Any) -> Any:
    """Arguments with each ``ExternalArtifact`` replaced by what it stands for."""
    from zenml_cli.artifacts.external_artifact import ExternalArtifact

    def one(item: Any) -> Any:
        return item.resolved() if isinstance(item, ExternalArtifact) else item

    if isinstance(values, dict):
        return {key: one(value) for key, value in values.items()}
    return tuple(one(value) for value in values)


class _CachedResult:
    """Wraps a cached step's result so ``None`` (a step without outputs) is not a miss."""

    def __init__(self, value: Any) -> None:
        self.value = value


def _artifact_id(run: ctx.RunContext, value: Any) -> str | None:
    """The artifact version id a step input stands for, if it is one."""
    from zenml_cli.core.artifacts.records import ArtifactVersionRecord

    if isinstance(value, ArtifactVersionRecord):
        return value.id
    return run.artifact_id_of(value)


#: A parameter's JSON longer than this is recorded by its size, not copied into the manifest.
MAX_RECORDED_PARAMETER = 4096


def _json_only(parameters: dict[str, Any]) -> dict[str, Any]:
    """The parameters worth recording in the run manifest: JSON values, large ones by size
    (their digest is in the cache key either way)."""
    import json

    kept: dict[str, Any] = {}
    for key, value in parameters.items():
        try:
            text = json.dumps(value)
        except (TypeError, ValueError):
            continue
        too_long = len(text) > MAX_RECORDED_PARAMETER
        kept[key] = f"<{type(value).__name__}: {len(text)} bytes of JSON>" if too_long else value
    return kept


def _loaded(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Step inputs with artifact versions (``model.get_model_artifact("x")``,
    ``Client().get_artifact_version(...)``) replaced by their values, as ZenML passes them."""
    from zenml_cli.core.artifacts.records import ArtifactVersionRecord

    def value(item: Any) -> Any:
        return item.load() if isinstance(item, ArtifactVersionRecord) else item

    return tuple(value(a) for a in args), {key: value(v) for key, v in kwargs.items()}
