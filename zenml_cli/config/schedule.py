"""ZenML's ``Schedule`` (``from zenml_cli.config.schedule import Schedule``): accepted by
``with_options(schedule=...)`` and recorded with the run. Nothing is scheduled here: runs are
local and start when the program calls the pipeline; use cron or CI to run it on a schedule."""

from zenml_cli.config.settings import BaseSettings


class Schedule(BaseSettings):
    """``cron_expression``, ``start_time``, ``interval_second``, ``run_once_start_time`` ..."""


__all__ = ["Schedule"]
