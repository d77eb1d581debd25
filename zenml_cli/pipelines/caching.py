"""Step caching, as ZenML does it: a step whose code, parameters and input artifacts are
unchanged is not run again; its outputs are the artifact versions of the earlier run.

The cache key is a sha256 over the step's import path and source code, its parameters (each
by name and canonical JSON, or the sha256 of its pickle when it is not JSON), the artifact
version ids of its inputs (a value that an earlier step of the run produced, or an artifact
version passed in), and its output names and artifact configuration. It is stored on the step
run in the run manifest (and so travels through git); a later run reuses the newest
*completed* step run with the same key, if every output still loads (a teammate's run is
reusable once its payloads are in the shared artifact store).

Caching is on unless ``enable_cache=False`` on the step, else on the pipeline (decorator,
``with_options`` or the run configuration file): ZenML's rule, step over pipeline.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zenml_cli.pipelines.signature import OutputSignature


def enabled(on_step: bool | None, on_pipeline: bool | None) -> bool:
    """ZenML's rule: the step's setting if given, else the pipeline's, else on."""
    if on_step is not None:
        return on_step
    if on_pipeline is not None:
        return on_pipeline
    return True


def source_of(func: Callable[..., Any]) -> str:
    """The step function's source text (its byte code when the source is not available)."""
    try:
        return inspect.getsource(func)
    except (OSError, TypeError):
        code = getattr(func, "__code__", None)
        return repr(code.co_code + repr(code.co_consts).encode()) if code is not None else ""


def parameter_digest(value: Any) -> str | None:
    """A stable digest of a parameter value; None when it can be neither JSON nor pickled."""
    try:
        return "json:" + json.dumps(value, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        pass
    try:
        import cloudpickle

        return "pickle:" + hashlib.sha256(cloudpickle.dumps(value)).hexdigest()
    except Exception:  # an unpicklable object (a lock, a socket ...): this step is not keyed
        return None


def cache_key(
    func: Callable[..., Any],
    parameters: dict[str, Any],
    inputs: dict[str, str],
    signature: OutputSignature,
) -> str | None:
    """The step's cache key; None when a parameter cannot be digested (never cached)."""
    digest = hashlib.sha256()

    def add(*parts: str) -> None:
        for part in parts:
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")

    add("step", f"{func.__module__}.{func.__qualname__}", source_of(func))
    for name in sorted(parameters):
        value = parameter_digest(parameters[name])
        if value is None:
            return None
        add("parameter", name, value)
    for name in sorted(inputs):
        add("input", name, inputs[name])
    for spec in signature.outputs:
        config = spec.config
        add("output", spec.name, repr((config.name, config.version, config.effective_type)))
    return digest.hexdigest()


def positional_names(func: Callable[..., Any], args: tuple[Any, ...]) -> set[str]:
    """The parameter names the positional ``args`` fill (configuration must not fill them)."""
    try:
        return set(inspect.signature(func).bind_partial(*args).arguments)
    except (TypeError, ValueError):
        return set()


def bind_arguments(
    func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> dict[str, Any]:
    """The call's arguments by parameter name (a ``*args``/``**kwargs`` catch-all stays one
    entry); positional-only fallbacks are named by position."""
    try:
        bound = inspect.signature(func).bind(*args, **kwargs)
    except (TypeError, ValueError):
        named = {f"arg_{index}": value for index, value in enumerate(args)}
        return {**named, **kwargs}
    return dict(bound.arguments)
