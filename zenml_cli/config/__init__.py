"""ZenML's settings classes (``from zenml_cli.config import DockerSettings``).

They are accepted wherever ZenML takes them (``@step(settings=...)``, ``@pipeline(settings=
...)``, ``with_options(settings=...)``, a run configuration file's ``settings:``) and stored
with the run as plain data. They have no effect here: every run is local, in the calling
process, so there is no image to build and no resource to request.
"""

from zenml_cli.config.schedule import Schedule
from zenml_cli.config.settings import (
    BaseSettings,
    DockerSettings,
    PythonPackageInstaller,
    ResourceSettings,
    StepRetryConfig,
    settings_to_data,
)

__all__ = [
    "BaseSettings",
    "DockerSettings",
    "PythonPackageInstaller",
    "ResourceSettings",
    "Schedule",
    "StepRetryConfig",
    "settings_to_data",
]
