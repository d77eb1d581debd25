"""Settings objects: any keyword accepted and kept, comparable, and turned into plain data
for the run manifest (``settings_to_data``)."""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import Any


class BaseSettings:
    """Keyword arguments kept as attributes; unknown keys are kept too (ZenML's settings
    classes have many fields, all of them meaningless for a local run)."""

    def __init__(self, **values: Any) -> None:
        self._values = dict(values)

    def __getattr__(self, key: str) -> Any:
        values = self.__dict__.get("_values", {})
        if key in values:
            return values[key]
        raise AttributeError(f"{type(self).__name__} has no setting {key!r}")

    def model_dump(self) -> dict[str, Any]:
        """The given values (pydantic's name, as ZenML's settings are pydantic objects)."""
        return {key: _plain(value) for key, value in self._values.items()}

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.model_dump() == other.model_dump()

    def __hash__(self) -> int:
        return hash((type(self).__name__, repr(sorted(self.model_dump().items()))))

    def __repr__(self) -> str:
        given = ", ".join(f"{key}={value!r}" for key, value in self._values.items())
        return f"{type(self).__name__}({given})"


class DockerSettings(BaseSettings):
    """Docker image settings (``requirements``, ``parent_image``, ``environment`` ...)."""


class ResourceSettings(BaseSettings):
    """Resources a step asks for (``cpu_count``, ``gpu_count``, ``memory``)."""


class StepRetryConfig(BaseSettings):
    """Retries of a failing step (``max_retries``, ``delay``, ``backoff``)."""


class PythonPackageInstaller(StrEnum):
    """Which installer an image build uses."""

    PIP = "pip"
    UV = "uv"


def settings_to_data(settings: dict[str, Any]) -> dict[str, Any]:
    """Settings as YAML-ready data: settings objects become their values, ``"docker"`` keys and
    ``"orchestrator.kubernetes"`` style keys stay as given."""
    return {str(key): _plain(value) for key, value in settings.items()}


def merge_settings(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Settings of two levels (file and code, pipeline and step) merged as ZenML merges
    them: per key, and inside a key field by field, ``override`` winning."""
    merged = dict(base)
    for key, value in override.items():
        if key in merged and _is_mapping(merged[key]) and _is_mapping(value):
            merged[key] = {**_plain(merged[key]), **_plain(value)}
        else:
            merged[key] = value
    return merged


def _is_mapping(value: Any) -> bool:
    return isinstance(value, BaseSettings | dict)


def plain_data(values: dict[str, Any]) -> dict[str, Any]:
    """Any option mapping as YAML-ready data (objects and callables become their repr)."""
    return {str(key): _plain(value) for key, value in values.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, BaseSettings):
        return value.model_dump()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)  # a callable or object: recorded by name, never executed here
