"""A run's recorded configuration, readable as ZenML's ``PipelineConfiguration`` is.

ZenML code reads ``run.config.extra["x"]`` and ``run.config.enable_cache``; code written for
this package reads ``run.config["tags"]``. The manifest keeps only the keys that were set
(``Pipeline.run_config``), so this is the recorded mapping itself, with ZenML's field names
as attributes that fall back to ZenML's defaults when the key was never set.
"""

from __future__ import annotations

from typing import Any

#: ZenML's ``PipelineConfiguration`` fields that a local run may leave out, and the value
#: ZenML shows for each when it is not set. Callables, so no caller shares a mutable default.
_DEFAULTS: dict[str, Any] = {
    "enable_cache": lambda: None,
    "enable_artifact_metadata": lambda: None,
    "enable_artifact_visualization": lambda: None,
    "enable_step_logs": lambda: None,
    "enable_pipeline_logs": lambda: None,
    "settings": dict,
    "extra": dict,
    "parameters": dict,
    "substitutions": dict,
    "tags": list,
    "model": lambda: None,
    "retry": lambda: None,
    "failure_hook_source": lambda: None,
    "success_hook_source": lambda: None,
}


class RunConfiguration(dict[str, Any]):
    """The ``config`` mapping of a run, with ``.name`` (the pipeline), ``.extra``,
    ``.enable_cache``, ``.settings``, ``.parameters``, ``.tags``... as attributes."""

    def __init__(self, data: dict[str, Any], pipeline: str) -> None:
        super().__init__(data)
        self._pipeline = pipeline

    def __getattr__(self, key: str) -> Any:
        # Only called when normal lookup fails, so dict methods and ``_pipeline`` win.
        if key.startswith("_"):
            raise AttributeError(key)
        if key in self:
            return self[key]
        if key == "name":
            return self._pipeline
        if key in _DEFAULTS:
            return _DEFAULTS[key]()
        raise AttributeError(f"the run's configuration has no field '{key}'")

    def plain(self) -> dict[str, Any]:
        """The mapping as a plain dict (what the manifest writes)."""
        return dict(self)
