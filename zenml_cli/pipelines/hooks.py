"""ZenML's step hooks: ``@step(on_failure=..., on_success=...)`` (or on ``@pipeline``, for
every step that sets none). They run in the step's context, as in ZenML: the failure hook gets
the exception if it takes a parameter, then the step's exception propagates unchanged; the
success hook runs after the outputs are saved. A cached step runs neither (it does not run).
A hook given as a source string (a run configuration's ``failure_hook_source``) is recorded,
not imported. A hook that raises is logged, so it never hides the step's own outcome."""

from __future__ import annotations

import inspect
import logging
from typing import Any

LOG = logging.getLogger(__name__)


def call_hook(hook: Any, exception: BaseException | None = None) -> None:
    if not callable(hook):
        return
    try:
        wants_exception = bool(inspect.signature(hook).parameters)
    except (TypeError, ValueError):
        wants_exception = False
    try:
        if wants_exception:
            hook(exception)
        else:
            hook()
    except Exception:  # a hook's failure is reported, never raised over the step's result
        LOG.warning("step hook %r raised", hook, exc_info=True)
