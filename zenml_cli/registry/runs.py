"""Pipeline runs: start, record, read, list, delete; step caching."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zenml_cli.core.refs import RefInput, VersionRef
from zenml_cli.registry.base import RegistryBase

if TYPE_CHECKING:
    from typing import Unpack

    from zenml_cli.core.keywords import RunFilters
    from zenml_cli.core.listing import Page
    from zenml_cli.core.records import ModelVersionRecord
    from zenml_cli.core.runs import RunRecord, StepRunRecord


class RunsDoor(RegistryBase):
    """The run operations of ``Registry``."""

    def start_run(
        self,
        pipeline: str,
        run_name: str | None = None,
        substitutions: dict[str, str] | None = None,
        config: dict[str, Any] | None = None,
    ) -> RunRecord:
        from zenml_cli.core import runs

        return self._write(
            lambda store: runs.start_run(store, pipeline, run_name, substitutions, config),
            lambda r: f"start run {r.name}",
        )

    # A run as it happens (``core/run_writes.py``): the runner hands over the run record it
    # holds; the core decides status and times and rewrites the run's file.
    def start_step(self, run: RunRecord, step: StepRunRecord) -> StepRunRecord:
        from zenml_cli.core import run_writes

        return self._write(
            lambda store: run_writes.start_step(store, run, step),
            lambda _: f"start step {step.name} of run {run.name}",
        )

    def finish_step(self, run: RunRecord, step: StepRunRecord) -> StepRunRecord:
        from zenml_cli.core import run_writes

        return self._write(
            lambda store: run_writes.finish_step(store, run, step),
            lambda done: f"finish step {done.name} of run {run.name} ({done.status})",
        )

    def fail_step(self, run: RunRecord, step: StepRunRecord, error: str) -> StepRunRecord:
        from zenml_cli.core import run_writes

        return self._write(
            lambda store: run_writes.fail_step(store, run, step, error),
            lambda _: f"fail step {step.name} of run {run.name}",
        )

    def finish_run(self, run: RunRecord) -> RunRecord:
        from zenml_cli.core import run_writes

        return self._write(
            lambda store: run_writes.finish_run(store, run), lambda r: f"finish run {r.name}"
        )

    def fail_run(self, run: RunRecord, error: str) -> RunRecord:
        from zenml_cli.core import run_writes

        return self._write(
            lambda store: run_writes.fail_run(store, run, error), lambda r: f"fail run {r.name}"
        )

    def record_run_model_version(self, run: RunRecord, version: ModelVersionRecord) -> RunRecord:
        from zenml_cli.core import run_writes

        return self._write(
            lambda store: run_writes.record_model_version(store, run, version),
            lambda r: f"note {version.model} version {version.number} on run {r.name}",
        )

    def log_step_run_metadata(
        self, run: RunRecord, step_name: str, metadata: dict[str, Any]
    ) -> RunRecord:
        from zenml_cli.core import run_writes

        return self._write(
            lambda store: run_writes.log_step_metadata(store, run, step_name, metadata),
            lambda r: f"log metadata on step {step_name} of run {r.name}",
        )

    def log_run_metadata(self, run: RunRecord, metadata: dict[str, Any]) -> RunRecord:
        from zenml_cli.core import run_writes

        return self._write(
            lambda store: run_writes.log_run_metadata(store, run, metadata),
            lambda r: f"log metadata on run {r.name}",
        )

    def tag_run(self, run: RunRecord, tags: list[str], *, remove: bool = False) -> RunRecord:
        from zenml_cli.core import run_writes

        return self._write(
            lambda store: run_writes.tag_run(store, run, tags, remove=remove),
            lambda r: f"tag run {r.name}",
        )

    def get_run(self, run_id: str) -> RunRecord:
        from zenml_cli.core import runs

        return runs.get_run(self.store, str(run_id))

    def find_run(self, name_or_id: str) -> RunRecord:
        """A run by id, else by name."""
        from zenml_cli.core import runs

        return runs.find_run(self.store, str(name_or_id))

    def list_runs(
        self, pipeline: str | None = None, **filters: Unpack[RunFilters]
    ) -> Page[RunRecord]:
        """A page of runs (of ``pipeline``), oldest first (see ``core/run_listing.py``)."""
        from zenml_cli.core import run_listing

        return run_listing.list_runs(self.store, pipeline, **filters)

    def list_pipelines(
        self, name: str | None = None, page: int = 1, size: int | None = None
    ) -> Page[str]:
        """A page of the names of the pipelines that have run here."""
        from zenml_cli.core import listing, run_listing

        chosen = listing.DEFAULT_PAGE_SIZE if size is None else size
        return run_listing.list_pipelines(self.store, name, page, chosen)

    def pipeline_name(self, given: str) -> str:
        """The pipeline a name or pipeline id names (``given`` when none has run)."""
        from zenml_cli.core import run_listing

        return run_listing.pipeline_name(self.store, given)

    @staticmethod
    def pipeline_id(name: str) -> str:
        """A pipeline's id, derived from its name."""
        from zenml_cli.core import run_listing

        return run_listing.pipeline_id(name)

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

    def runs_of_version(
        self, model: str, ref: RefInput, page: int = 1, size: int | None = None
    ) -> Page[RunRecord]:
        """A page of the runs that created or used a model version, in the order they
        attached."""
        from zenml_cli.core import listing, runs

        found = runs.runs_of_version(self.store, model, VersionRef.parse(ref))
        return listing.paginate(found, page, listing.DEFAULT_PAGE_SIZE if size is None else size)
