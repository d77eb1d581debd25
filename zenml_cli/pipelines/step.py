"""``@step``: a function whose call inside a pipeline runs at once, is recorded in the run,
and has its outputs saved as artifact versions linked to the step's model version.

Differs from ZenML: steps run immediately in call order (the local orchestrator), so a step's
output is the plain Python value and can be passed straight to later steps. A step called
outside a pipeline runs as a one-step pipeline run named after the step. A step called inside
another step is a plain function call.

Caching follows ZenML (see ``caching.py``): on by default, a step whose code, parameters and
input artifacts are unchanged returns the outputs of its earlier run without running, and the
run records it as ``cached``. The outputs are linked to the step's model version, as ZenML
links a cached step's outputs.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, overload

from zenml_cli.errors import InvalidInputError
from zenml_cli.model import Model
from zenml_cli.pipelines import context as ctx
from zenml_cli.pipelines.step_runner import StepRunner

if TYPE_CHECKING:
    from zenml_cli.pipelines.run_config import StepConfig


class Step:
    """A step: ``step(...)`` inside a pipeline runs it and returns its output(s)."""

    def __init__(
        self,
        func: Callable[..., Any],
        *,
        name: str | None = None,
        model: Model | None = None,
        enable_cache: bool | None = None,
        settings: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        parameters: dict[str, Any] | None = None,
    ) -> None:
        self.entrypoint = func
        self.name = name or func.__name__
        self.model = model
        self.enable_cache = enable_cache
        self.settings: dict[str, Any] = dict(settings or {})
        self.extra: dict[str, Any] = dict(extra or {})
        #: Keyword arguments given by configuration (``with_options(parameters=...)``).
        self.parameters: dict[str, Any] = dict(parameters or {})
        #: Other ZenML options (experiment_tracker, step_operator, hooks ...), recorded.
        self.recorded: dict[str, Any] = {}
        functools.update_wrapper(self, func)

    def with_options(
        self,
        enable_cache: bool | None = None,
        parameters: dict[str, Any] | None = None,
        model: Model | None = None,
        settings: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        name: str | None = None,
        merge: bool = True,
        **remote_only: Any,
    ) -> Step:
        """A copy of this step with these options (ZenML's ``Step.with_options``)."""
        changed = copy.copy(self)
        changed.name = name or self.name
        changed.model = model if model is not None else self.model
        changed.enable_cache = enable_cache if enable_cache is not None else self.enable_cache
        for attr, given in (("settings", settings), ("extra", extra), ("parameters", parameters)):
            base = dict(getattr(self, attr)) if merge or given is None else {}
            setattr(changed, attr, {**base, **(given or {})})
        changed.recorded = {**self.recorded, **{k: v for k, v in remote_only.items() if v}}
        return changed

    def configure(self, **options: Any) -> Step:
        """ZenML's in-place form of ``with_options``."""
        self.__dict__.update(self.with_options(**options).__dict__)
        return self

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
        name = id or run.invocation_name(self.name)
        if name in run.run.steps:
            raise InvalidInputError(
                f"step id '{name}' is already used in this run; pass another id="
            )
        self._check_after(run, name, after)
        runner = StepRunner(self, run, name, self._file_config(run, name))
        return runner.run(args, kwargs)

    def _file_config(self, run: ctx.RunContext, name: str) -> StepConfig | None:
        """This invocation's ``steps:`` section of the run configuration, if any."""
        pipeline = run.pipeline
        if pipeline is None:
            return None
        return pipeline.step_configs.get(name) or pipeline.step_configs.get(self.name)

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

    def __repr__(self) -> str:
        return f"<step {self.name}>"


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
    settings: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> Callable[[Callable[..., Any]], Step]: ...


def step(
    _func: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    model: Model | None = None,
    enable_cache: bool | None = None,
    settings: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    **remote_only: Any,
) -> Step | Callable[[Callable[..., Any]], Step]:
    """``@step`` or ``@step(model=..., enable_cache=..., settings=...)``. Settings and extra
    are stored with each run of the step; ``on_failure``/``on_success`` hooks run
    (``hooks.py``); other ZenML options (experiment_tracker, step_operator ...) are accepted
    and recorded: there is no remote orchestrator."""

    def wrap(func: Callable[..., Any]) -> Step:
        built = Step(
            func, name=name, model=model, enable_cache=enable_cache, settings=settings, extra=extra
        )
        built.recorded = {key: value for key, value in remote_only.items() if value}
        return built

    return wrap(_func) if _func is not None else wrap
