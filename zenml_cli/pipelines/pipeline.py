"""``@pipeline``: calling the pipeline runs it locally and records the run.

The pipeline's model version is resolved (and, for ``version=None``, created) when the run
starts, as ZenML does; steps with their own model use that one instead. If anything raises,
the run is marked failed, versions the run created are marked ``from_failed_run`` (and kept),
and the exception propagates unchanged. Calling a pipeline returns its run
(``PipelineRunResponse``).

A pipeline called inside a running pipeline composes, as in ZenML: its steps join the outer
run and its return value is passed on; its own configuration (model, caching, settings) is
not applied, the outer run's is.

``with_options(...)`` returns a configured copy, as in ZenML: ``model``, ``run_name`` (may use
``{date}``, ``{time}`` and custom substitutions), ``substitutions``, ``enable_cache``,
``settings`` and ``extra`` (merged into the pipeline's own unless ``merge=False``, shown by
``get_pipeline_context()`` and stored with the run; settings have no effect on a local run),
``config_path`` (ZenML's run configuration file, see ``run_config.py``; options given in code
win over the file) and ``steps`` (``{step name: {"parameters": ..., "enable_cache": ...}}``,
the file's ``steps:`` section in code). Options for remote orchestration (``schedule``,
``build``, ``unlisted`` ...) are accepted and recorded with the run.
"""

from __future__ import annotations

import copy
import functools
import inspect
from collections.abc import Callable
from typing import Any, overload

from zenml_cli.model import Model
from zenml_cli.pipelines import context as ctx
from zenml_cli.pipelines.run_config import RunConfig, StepConfig


class Pipeline:
    def __init__(
        self,
        func: Callable[..., Any],
        *,
        name: str | None = None,
        model: Model | None = None,
        enable_cache: bool | None = None,
        settings: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        substitutions: dict[str, str] | None = None,
        run_name: str | None = None,
    ) -> None:
        self.entrypoint = func
        self.name = name or func.__name__
        self.model = model
        self.enable_cache = enable_cache
        self.settings: dict[str, Any] = dict(settings or {})
        self.extra: dict[str, Any] = dict(extra or {})
        self.substitutions: dict[str, str] = dict(substitutions or {})
        self.run_name = run_name
        #: Keyword arguments for the pipeline function from a run configuration file.
        self.parameters: dict[str, Any] = {}
        #: Per-step configuration (a run configuration file's ``steps:``), by step name.
        self.step_configs: dict[str, StepConfig] = {}
        #: What the run records under ``config`` beyond the applied options.
        self.recorded: dict[str, Any] = {}
        functools.update_wrapper(self, func)

    def with_options(
        self,
        run_name: str | None = None,
        model: Model | None = None,
        enable_cache: bool | None = None,
        settings: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        substitutions: dict[str, str] | None = None,
        config_path: str | None = None,
        steps: dict[str, Any] | None = None,
        merge: bool = True,
        **remote_only: Any,
    ) -> Pipeline:
        """A copy of this pipeline with these options (this one is left unchanged)."""
        changed = copy.copy(self)
        for attr in ("settings", "extra", "substitutions", "parameters", "recorded"):
            setattr(changed, attr, dict(getattr(self, attr)))
        changed.step_configs = dict(self.step_configs)
        if config_path is not None:
            changed._apply_file(str(config_path))
        if steps:
            from zenml_cli.pipelines.run_config import parse

            given = parse({"steps": steps}, "with_options(steps=...)").steps
            changed.step_configs.update(given)
        if run_name is not None:
            changed.run_name = run_name
        if model is not None:
            changed.model = model
        if enable_cache is not None:
            changed.enable_cache = enable_cache
        for attr, given_values in (
            ("settings", settings),
            ("extra", extra),
            ("substitutions", substitutions),
        ):
            if given_values is not None:
                base = getattr(changed, attr) if merge else {}
                setattr(changed, attr, {**base, **given_values})
        changed.recorded.update({key: value for key, value in remote_only.items() if value})
        return changed

    def _apply_file(self, path: str) -> None:
        """Fill what code did not set from a run configuration file (code wins, as in ZenML)."""
        from zenml_cli.config.settings import merge_settings
        from zenml_cli.pipelines.run_config import parse
        from zenml_cli.registry import Registry

        config: RunConfig = parse(Registry.read_run_config(path), path)
        self.model = self.model or config.model
        self.run_name = self.run_name or config.run_name
        if self.enable_cache is None:
            self.enable_cache = config.enable_cache
        self.parameters = {**config.parameters, **self.parameters}
        self.settings = merge_settings(config.settings, self.settings)
        self.extra = {**config.extra, **self.extra}
        self.substitutions = {**config.substitutions, **self.substitutions}
        self.step_configs = {**config.steps, **self.step_configs}
        self.recorded = {**config.recorded, **self.recorded, "config_path": path}

    def configure(self, **options: Any) -> Pipeline:
        """ZenML's in-place form of ``with_options``."""
        self.__dict__.update(self.with_options(**options).__dict__)
        return self

    def _arguments(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Call arguments with the configuration file's ``parameters`` filling the rest."""
        if not self.parameters:
            return kwargs
        try:
            bound = inspect.signature(self.entrypoint).bind_partial(*args, **kwargs)
            given = set(bound.arguments)
        except (TypeError, ValueError):
            given = set(kwargs)
        return {**{k: v for k, v in self.parameters.items() if k not in given}, **kwargs}

    def run_config(self) -> dict[str, Any]:
        """What the run manifest records under ``config`` (plain data, only what is set)."""
        from zenml_cli.config.settings import plain_data, settings_to_data

        values: dict[str, Any] = {
            "enable_cache": self.enable_cache,
            "parameters": plain_data(self.parameters),
            "settings": settings_to_data(self.settings),
            "extra": plain_data(self.extra),
            "steps": {
                name: step.record() for name, step in self.step_configs.items() if step.record()
            },
            **plain_data(self.recorded),
        }
        return {key: value for key, value in values.items() if value not in (None, {}, [])}

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from zenml_cli.model import ACTIVE_SCOPE
        from zenml_cli.models.run_responses import PipelineRunResponse
        from zenml_cli.registry import Registry

        if ctx.current_run() is not None:  # composed into a running pipeline
            return self.entrypoint(*args, **self._arguments(args, kwargs))
        Registry.check_name(self.name, "pipeline name")
        registry = Registry()
        started = registry.start_run(
            self.name, self.run_name, self.substitutions, config=self.run_config()
        )
        run_context = ctx.RunContext(registry, started, self.model, pipeline=self)
        run = run_context.run
        token = ctx._RUN.set(run_context)
        scope_token = ACTIVE_SCOPE.set(run_context)
        try:
            if self.model is not None:
                run_context.model_version_for(self.model)
            self.entrypoint(*args, **self._arguments(args, kwargs))
        except BaseException as exc:
            problems = run_context.mark_failed_versions()
            registry.fail_run(run, "; ".join([f"{type(exc).__name__}: {exc}", *problems]))
            raise
        finally:
            ACTIVE_SCOPE.reset(scope_token)
            ctx._RUN.reset(token)
        registry.finish_run(run)
        return PipelineRunResponse.bind(run, registry)

    def __repr__(self) -> str:
        return f"<pipeline {self.name}>"


@overload
def pipeline(_func: Callable[..., Any]) -> Pipeline: ...


@overload
def pipeline(
    _func: None = None,
    *,
    name: str | None = None,
    model: Model | None = None,
    enable_cache: bool | None = None,
    settings: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    substitutions: dict[str, str] | None = None,
) -> Callable[[Callable[..., Any]], Pipeline]: ...


def pipeline(
    _func: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    model: Model | None = None,
    enable_cache: bool | None = None,
    settings: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    substitutions: dict[str, str] | None = None,
    **remote_only: Any,
) -> Pipeline | Callable[[Callable[..., Any]], Pipeline]:
    """``@pipeline`` or ``@pipeline(model=Model(...), enable_cache=False)``. ``settings`` and
    ``extra`` are kept (see ``get_pipeline_context``) and stored with each run;
    ``substitutions`` fill placeholders in run and model names; ``on_failure``/``on_success``
    hooks run for every step that sets none (``hooks.py``). Other ZenML options (tags,
    schedule ...) are accepted and recorded with the run: runs are always local."""

    def wrap(func: Callable[..., Any]) -> Pipeline:
        built = Pipeline(
            func,
            name=name,
            model=model,
            enable_cache=enable_cache,
            settings=settings,
            extra=extra,
            substitutions=substitutions,
        )
        built.recorded = {key: value for key, value in remote_only.items() if value}
        return built

    return wrap(_func) if _func is not None else wrap
