"""``@pipeline``: calling the pipeline runs it locally and records the run.

The pipeline's model version is resolved (and, for ``version=None``, created) when the run
starts, as ZenML does; steps with their own model use that one instead. If anything raises,
the run is marked failed, versions the run created are marked ``from_failed_run`` (and kept),
and the exception propagates unchanged. Differs from ZenML: calling a pipeline returns the
run record; ``enable_cache`` is accepted and ignored; pipelines cannot be nested.

``with_options(...)`` returns a configured copy, as in ZenML: ``model``, ``run_name`` (may use
``{date}``, ``{time}`` and custom substitutions), ``substitutions``, ``enable_cache``,
``settings`` and ``extra`` (kept, merged into the pipeline's own unless ``merge=False``, and
shown by ``get_pipeline_context()``; settings have no effect on a local run). Options for
remote orchestration (``schedule``, ``build``, ``config_path``, ``unlisted``, ``steps``,
``step_configurations``...) are accepted and ignored.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any, overload

from zenml_cli.errors import StepContextError
from zenml_cli.model import Model
from zenml_cli.pipelines import context as ctx


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
        functools.update_wrapper(self, func)

    def with_options(
        self,
        run_name: str | None = None,
        model: Model | None = None,
        enable_cache: bool | None = None,
        settings: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        substitutions: dict[str, str] | None = None,
        merge: bool = True,
        **_ignored: Any,
    ) -> Pipeline:
        """A copy of this pipeline with these options (this one is left unchanged)."""
        changed = copy.copy(self)
        if run_name is not None:
            changed.run_name = run_name
        if model is not None:
            changed.model = model
        if enable_cache is not None:
            changed.enable_cache = enable_cache
        for attr, given in (
            ("settings", settings),
            ("extra", extra),
            ("substitutions", substitutions),
        ):
            if given is not None:
                base = getattr(self, attr) if merge else {}
                setattr(changed, attr, {**base, **given})
            else:
                setattr(changed, attr, dict(getattr(self, attr)))
        return changed

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from zenml_cli.core.names import check_name
        from zenml_cli.enums import ExecutionStatus
        from zenml_cli.model import ACTIVE_SCOPE
        from zenml_cli.registry import Registry

        if ctx.current_run() is not None:
            raise StepContextError(
                f"pipeline '{self.name}' was called inside a running pipeline; call its steps "
                "directly instead (pipelines cannot be nested)"
            )
        check_name(self.name, "pipeline name")
        registry = Registry()
        started = registry.start_run(self.name, self.run_name, self.substitutions)
        run_context = ctx.RunContext(registry, started, self.model, pipeline=self)
        run = run_context.run
        token = ctx._RUN.set(run_context)
        scope_token = ACTIVE_SCOPE.set(run_context)
        try:
            if self.model is not None:
                run_context.model_version_for(self.model)
            self.entrypoint(*args, **kwargs)
        except BaseException as exc:
            run.status = ExecutionStatus.FAILED
            problems = run_context.mark_failed_versions()
            run.error = "; ".join([f"{type(exc).__name__}: {exc}", *problems])
            run.end_time = registry.now()
            registry.write_run(run)
            raise
        finally:
            ACTIVE_SCOPE.reset(scope_token)
            ctx._RUN.reset(token)
        run.status = ExecutionStatus.COMPLETED
        run.end_time = registry.now()
        registry.write_run(run)
        return run

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
    **_ignored: Any,
) -> Pipeline | Callable[[Callable[..., Any]], Pipeline]:
    """``@pipeline`` or ``@pipeline(model=Model(...), enable_cache=False)``. ``settings`` and
    ``extra`` are kept (see ``get_pipeline_context``); ``substitutions`` fill placeholders in
    run and model names. Other ZenML options (schedules, hooks ...) are accepted and ignored:
    runs are always local."""

    def wrap(func: Callable[..., Any]) -> Pipeline:
        return Pipeline(
            func,
            name=name,
            model=model,
            enable_cache=enable_cache,
            settings=settings,
            extra=extra,
            substitutions=substitutions,
        )

    return wrap(_func) if _func is not None else wrap
