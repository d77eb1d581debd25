"""``@step``: a function whose call inside a pipeline runs at once, is recorded in the run,
and has its outputs saved as artifact versions linked to the step's model version.

Differs from ZenML: steps run immediately in call order (the local orchestrator), so a step's
output is the plain Python value and can be passed straight to later steps; ``enable_cache``
is accepted and ignored (every step always runs). A step called outside a pipeline runs as a
one-step pipeline run named after the step. A step called inside another step is a plain
function call.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, overload

from zenml_cli.errors import InvalidInputError
from zenml_cli.model import Model
from zenml_cli.pipelines import context as ctx
from zenml_cli.pipelines.outputs import save_in_context, signature_of, split_values


class Step:
    """A step: ``step(...)`` inside a pipeline runs it and returns its output(s)."""

    def __init__(
        self,
        func: Callable[..., Any],
        *,
        name: str | None = None,
        model: Model | None = None,
        enable_cache: bool | None = None,
    ) -> None:
        self.entrypoint = func
        self.name = name or func.__name__
        self.model = model
        self.enable_cache = enable_cache
        functools.update_wrapper(self, func)

    def __call__(
        self, *args: Any, id: str | None = None, after: After = None, **kwargs: Any
    ) -> Any:
        if ctx.current_step() is not None:
            return self.entrypoint(*args, **kwargs)
        run = ctx.current_run()
        if run is None:
            from zenml_cli.pipelines.pipeline import Pipeline

            box: list[Any] = []
            Pipeline(lambda: box.append(self(*args, id=id, **kwargs)), name=self.name)()
            return box[0]
        return self._run_in(run, id, after, args, kwargs)

    def _run_in(
        self,
        run: ctx.RunContext,
        invocation_id: str | None,
        after: After,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Any:
        from zenml_cli.core.runs import StepRunRecord
        from zenml_cli.enums import ExecutionStatus

        name = invocation_id or run.invocation_name(self.name)
        if name in run.run.steps:
            raise InvalidInputError(
                f"step id '{name}' is already used in this run; pass another id="
            )
        self._check_after(run, name, after)
        model = self.model or run.pipeline_model
        step_run = StepRunRecord(name=name, start_time=run.registry.now())
        run.run.steps[name] = step_run
        run.registry.write_run(run.run)
        token = ctx._STEP.set(ctx.StepContext(run.run, step_run, model, run))
        try:
            if model is not None:
                version = run.model_version_for(model)
                step_run.model_version = {
                    "model": version.model,
                    "number": version.number,
                    "id": version.id,
                }
            args, kwargs = _loaded(args, kwargs)
            result = self.entrypoint(*args, **kwargs)
            self._save_outputs(run, step_run, result)
        except BaseException as exc:
            step_run.status = ExecutionStatus.FAILED
            step_run.error = f"{type(exc).__name__}: {exc}"
            step_run.end_time = run.registry.now()
            run.registry.write_run(run.run)
            raise
        finally:
            ctx._STEP.reset(token)
        step_run.status = ExecutionStatus.COMPLETED
        step_run.end_time = run.registry.now()
        run.registry.write_run(run.run)
        run.finished_steps.update({name, self.name})
        return result

    def _check_after(self, run: ctx.RunContext, name: str, after: After) -> None:
        if after is None:
            return
        items = [after] if isinstance(after, str | Step) else list(after)
        for item in items:
            wanted = item.name if isinstance(item, Step) else str(item)
            if wanted not in run.finished_steps:
                raise InvalidInputError(
                    f"step '{name}' must run after '{wanted}', which has not run in this "
                    f"pipeline yet; call '{wanted}' before '{name}'"
                )

    def _save_outputs(self, run: ctx.RunContext, step_run: Any, result: Any) -> None:

        signature = signature_of(self.entrypoint)
        values = split_values(signature, result, step_run.name)
        step = ctx.current_step()
        for spec, value in zip(signature.outputs, values, strict=False):
            config = spec.config
            artifact = save_in_context(
                step,
                value,
                config.name or f"{run.run.pipeline}__{step_run.name}__{spec.name}",
                version=config.version,
                artifact_type=config.effective_type,
                tags=config.tags,
                metadata=config.run_metadata,
                is_model_artifact=config.is_model_artifact,
                is_deployment_artifact=config.is_deployment_artifact,
            )
            step_run.outputs[spec.name] = {
                "name": artifact.name,
                "version": artifact.version,
                "id": artifact.id,
            }

    def __repr__(self) -> str:
        return f"<step {self.name}>"


def _loaded(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Step inputs with artifact versions (``model.get_model_artifact("x")``,
    ``Client().get_artifact_version(...)``) replaced by their values, as ZenML passes them."""
    from zenml_cli.core.artifact_records import ArtifactVersionRecord

    def value(item: Any) -> Any:
        return item.load() if isinstance(item, ArtifactVersionRecord) else item

    return tuple(value(a) for a in args), {key: value(v) for key, v in kwargs.items()}


#: What ``after=`` takes: step names or step objects, one or several.
After = str | Step | Iterable[str | Step] | None


@overload
def step(_func: Callable[..., Any]) -> Step: ...


@overload
def step(
    _func: None = None,
    *,
    name: str | None = None,
    model: Model | None = None,
    enable_cache: bool | None = None,
) -> Callable[[Callable[..., Any]], Step]: ...


def step(
    _func: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    model: Model | None = None,
    enable_cache: bool | None = None,
    **_ignored: Any,
) -> Step | Callable[[Callable[..., Any]], Step]:
    """``@step`` or ``@step(model=..., enable_cache=...)``. Other ZenML options (settings,
    experiment_tracker ...) are accepted and ignored: there is no remote orchestrator."""

    def wrap(func: Callable[..., Any]) -> Step:
        return Step(func, name=name, model=model, enable_cache=enable_cache)

    return wrap(_func) if _func is not None else wrap
