"""ZenML's run configuration file (``pipeline.with_options(config_path="configs/train.yaml")``).

What has meaning for a local run is applied: ``model:`` (a ``Model`` built from its fields),
``parameters:`` (keyword arguments of the pipeline function), ``run_name:``,
``substitutions:``, ``enable_cache:``, ``settings:``, ``extra:``, and per step under
``steps: <step name>:`` its ``parameters``, ``enable_cache``, ``settings``, ``extra`` and
``model``. Everything else ZenML defines (``schedule``, ``build``, ``tags``, ``retry``, hooks,
``enable_step_logs`` ...) is accepted and recorded in the run manifest under ``config``,
never executed. As in ZenML, configuration in code wins over the file, and an unknown
top-level key is refused (a typo such as ``paramters:`` would otherwise be lost silently).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zenml_cli.errors import InvalidInputError

if TYPE_CHECKING:
    from zenml_cli.model import Model

#: Top-level keys applied here.
APPLIED = {
    "model",
    "parameters",
    "run_name",
    "substitutions",
    "enable_cache",
    "settings",
    "extra",
    "steps",
}
#: ZenML's other top-level keys: accepted and recorded (they configure remote execution).
RECORDED = {
    "build",
    "cache_policy",
    "enable_artifact_metadata",
    "enable_artifact_visualization",
    "enable_pipeline_logs",
    "enable_step_logs",
    "environment",
    "execution_mode",
    "failure_hook_source",
    "init_hook_kwargs",
    "init_hook_source",
    "retry",
    "schedule",
    "secrets",
    "success_hook_source",
    "tags",
}
#: Model fields a ``model:`` section may set (ZenML's ``Model`` fields we know).
MODEL_FIELDS = {
    "name",
    "version",
    "license",
    "description",
    "audience",
    "use_cases",
    "limitations",
    "trade_offs",
    "ethics",
    "tags",
    "save_models_to_registry",
}
#: ZenML ``Model`` fields with no meaning here (accepted, dropped).
MODEL_IGNORED = {
    "suppress_class_validation_warnings",
    "model_version_id",
    "was_created_in_this_run",
}


@dataclass
class StepConfig:
    """One ``steps: <name>:`` section."""

    parameters: dict[str, Any] = field(default_factory=dict)
    enable_cache: bool | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    model: Model | None = None
    #: The section's other keys (experiment_tracker, step_operator, outputs ...), recorded.
    recorded: dict[str, Any] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        """Plain data for the run manifest (only what is set)."""
        from zenml_cli.config.settings import plain_data, settings_to_data

        values: dict[str, Any] = {
            "parameters": plain_data(self.parameters),
            "enable_cache": self.enable_cache,
            "settings": settings_to_data(self.settings),
            "extra": plain_data(self.extra),
            "model": {"name": self.model.name, "version": _plain_ref(self.model.version)}
            if self.model is not None
            else None,
            **plain_data(self.recorded),
        }
        return {key: value for key, value in values.items() if value not in (None, {}, [])}


@dataclass
class RunConfig:
    path: str
    model: Model | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    run_name: str | None = None
    substitutions: dict[str, str] = field(default_factory=dict)
    enable_cache: bool | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    steps: dict[str, StepConfig] = field(default_factory=dict)
    recorded: dict[str, Any] = field(default_factory=dict)


def parse(data: dict[str, Any], path: str) -> RunConfig:
    """Check and interpret a parsed run configuration file."""
    unknown = sorted(str(key) for key in data if key not in APPLIED | RECORDED)
    if unknown:
        raise InvalidInputError(
            f"run configuration file '{path}' has unknown key '{unknown[0]}'; ZenML's keys "
            "are model, parameters, run_name, enable_cache, steps, settings, extra, "
            "substitutions, schedule, tags ..."
        )
    config = RunConfig(path=path)
    config.model = _model(data.get("model"), path, "model")
    config.parameters = _mapping(data.get("parameters"), path, "parameters")
    config.run_name = _text(data.get("run_name"), path, "run_name")
    config.substitutions = {
        str(k): str(v)
        for k, v in _mapping(data.get("substitutions"), path, "substitutions").items()
    }
    config.enable_cache = _flag(data.get("enable_cache"), path, "enable_cache")
    config.settings = _mapping(data.get("settings"), path, "settings")
    config.extra = _mapping(data.get("extra"), path, "extra")
    steps = _mapping(data.get("steps"), path, "steps")
    config.steps = {str(name): _step(section, path, str(name)) for name, section in steps.items()}
    config.recorded = {key: data[key] for key in sorted(RECORDED) if key in data}
    return config


def _step(section: Any, path: str, name: str) -> StepConfig:
    where = f"steps.{name}"
    values = _mapping(section, path, where)
    step = StepConfig(
        parameters=_mapping(values.get("parameters"), path, f"{where}.parameters"),
        enable_cache=_flag(values.get("enable_cache"), path, f"{where}.enable_cache"),
        settings=_mapping(values.get("settings"), path, f"{where}.settings"),
        extra=_mapping(values.get("extra"), path, f"{where}.extra"),
        model=_model(values.get("model"), path, f"{where}.model"),
    )
    applied = {"parameters", "enable_cache", "settings", "extra", "model"}
    step.recorded = {str(k): v for k, v in values.items() if k not in applied}
    return step


def _model(section: Any, path: str, where: str) -> Model | None:
    if section is None:
        return None
    values = _mapping(section, path, where)
    unknown = sorted(str(k) for k in values if k not in MODEL_FIELDS | MODEL_IGNORED)
    if unknown:
        raise InvalidInputError(
            f"run configuration file '{path}': {where} has unknown field '{unknown[0]}'; "
            f"use {', '.join(sorted(MODEL_FIELDS))}"
        )
    if not isinstance(values.get("name"), str):
        raise InvalidInputError(f"run configuration file '{path}': {where} needs a name")
    from zenml_cli.model import Model

    fields = {key: value for key, value in values.items() if key in MODEL_FIELDS}
    return Model(**fields)


def _plain_ref(version: Any) -> Any:
    return version if version is None or isinstance(version, int | str) else str(version)


def _mapping(value: Any, path: str, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInputError(f"run configuration file '{path}': {where} must be a mapping")
    return {str(key): item for key, item in value.items()}


def _text(value: Any, path: str, where: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise InvalidInputError(f"run configuration file '{path}': {where} must be text")


def _flag(value: Any, path: str, where: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise InvalidInputError(f"run configuration file '{path}': {where} must be true or false")
