"""Pipeline runs: start, record, read, list, delete; step caching."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zenml_cli.core.refs import RefInput, VersionRef
from zenml_cli.registry.base import RegistryBase

if TYPE_CHECKING:
    from zenml_cli.core.runs import RunRecord, StepRunRecord


class RunsDoor(RegistryBase):
    """The run operations of ``Registry``."""

    def start_run(
        self,
        pipeline: str,
        run_name: str | None = None,
        substitutions: dict[str, str] | None = None,
    ) -> RunRecord:
        from zenml_cli.core import runs

        return self._write(
            lambda store: runs.start_run(store, pipeline, run_name, substitutions),
            lambda r: f"start run {r.name}",
        )

    def write_run(self, run: RunRecord) -> None:
        from zenml_cli.core import runs

        self._write(
            lambda store: runs.write_run(store, run),
            lambda _: f"record run {run.name} ({run.status})",
        )

    def now(self) -> str:
        from zenml_cli.core.actor import timestamp

        return timestamp(self.store.clock())

    def get_run(self, run_id: str) -> RunRecord:
        from zenml_cli.core import runs

        return runs.get_run(self.store, str(run_id))

    def find_run(self, name_or_id: str) -> RunRecord:
        """A run by id, else by name."""
        from zenml_cli.core import runs

        return runs.find_run(self.store, str(name_or_id))

    def list_runs(self, pipeline: str | None = None) -> list[RunRecord]:
        from zenml_cli.core import runs

        return runs.list_runs(self.store, pipeline)

    def cache_index(self) -> dict[str, tuple[str, StepRunRecord]]:
        """Step caching: cache key -> (run id, step run) of the newest completed step run."""
        from zenml_cli.core import runs

        return runs.cache_index(self.store)

    @staticmethod
    def read_run_config(path: str | os.PathLike[str]) -> dict[str, Any]:
        """A ZenML run configuration file (``with_options(config_path=...)``), parsed as
        strict, bounded YAML; relative paths are taken from the current folder. Static: the
        file belongs to the program, not to a project's store."""
        from zenml_cli.store.run_config import read_run_config

        return read_run_config(Path(path))

    def delete_run(self, name_or_id: str) -> RunRecord:
        """Remove a run; model versions forget it, artifacts it made stay."""
        from zenml_cli.core import deletes

        return self._write(
            lambda store: deletes.delete_run(store, str(name_or_id)),
            lambda run: f"delete run {run.name}",
        )

    def runs_of_version(self, model: str, ref: RefInput) -> list[RunRecord]:
        from zenml_cli.core import runs

        return runs.runs_of_version(self.store, model, VersionRef.parse(ref))
