"""Pipeline runs: ``runs/<run id>.yaml``, one file per run, written only by the run's process.

The file is rewritten as the run goes (started, after each step, finished), so a run killed
half-way stays visible as ``running`` with the steps it finished. No lock is needed: the run
id is a fresh uuid and no other process writes that file.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from zenml_cli.core.actor import current_actor, timestamp
from zenml_cli.core.doctor.problems import Problem
from zenml_cli.core.doctor.run_references import check_run_references
from zenml_cli.core.manifest_check import ManifestChecker
from zenml_cli.core.models import get_model
from zenml_cli.core.records import FORMAT
from zenml_cli.core.refs import RefInput
from zenml_cli.core.versions import resolve
from zenml_cli.enums import ExecutionStatus
from zenml_cli.errors import CorruptManifestError, NotFoundError
from zenml_cli.store import Store


@dataclass
class StepRunRecord:
    name: str
    status: ExecutionStatus = ExecutionStatus.RUNNING
    start_time: str = ""
    end_time: str | None = None
    #: Output name -> {"name", "version", "id"} of the artifact version it was saved as.
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    #: {"model", "number"} of the model version the step ran with, if any.
    model_version: dict[str, Any] | None = None
    run_metadata: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    #: What step caching keys this step run by (see ``pipelines/caching.py``); None when the
    #: step could not be keyed (a parameter that is neither JSON nor picklable).
    cache_key: str | None = None
    #: {"run", "step"} of the completed step run whose outputs a cached step reused.
    cached_from: dict[str, str] | None = None
    #: The step's parameters (JSON-ready), settings and extra, as configured.
    config: dict[str, Any] = field(default_factory=dict)

    def to_manifest(self) -> dict[str, Any]:
        data = {
            "name": self.name,
            "status": self.status.value,
            "start_time": self.start_time,
            "end_time": self.end_time,
            "model_version": self.model_version,
            "outputs": self.outputs,
            "metadata": self.run_metadata,
            "error": self.error,
        }
        # Written only when set, so runs recorded before step caching keep their bytes.
        optional = {"cache_key": self.cache_key, "cached_from": self.cached_from}
        data.update({key: value for key, value in optional.items() if value is not None})
        if self.config:
            data["config"] = self.config
        return data

    @classmethod
    def from_manifest(cls, data: object, path: str) -> StepRunRecord:
        if not isinstance(data, dict):
            raise CorruptManifestError(path, "each step must be a mapping")
        check = ManifestChecker(data, path, "steps.")
        return cls(
            name=check.text("name", required=True) or "",
            status=_status(check.text("status"), path),
            start_time=check.text("start_time") or "",
            end_time=check.text("end_time"),
            outputs=check.mapping("outputs"),
            model_version=check.mapping("model_version") or None,
            run_metadata=check.mapping("metadata"),
            error=check.text("error"),
            cache_key=check.text("cache_key"),
            cached_from=_plain_mapping(check.mapping("cached_from")) or None,
            config=check.mapping("config"),
        )


def _plain_mapping(data: dict[str, Any]) -> dict[str, str]:
    return {str(key): str(value) for key, value in data.items()}


@dataclass
class RunRecord:
    id: str
    name: str
    pipeline: str
    status: ExecutionStatus = ExecutionStatus.RUNNING
    start_time: str = ""
    end_time: str | None = None
    created_by: str = ""
    #: {"model", "number", "name", "id"} of each model version the run used, in first-use order.
    model_versions: list[dict[str, Any]] = field(default_factory=list)
    steps: dict[str, StepRunRecord] = field(default_factory=dict)
    error: str | None = None
    #: The run's configuration as given: ``enable_cache``, ``settings``, ``extra``,
    #: ``parameters``, ``config_path`` and the run configuration keys that have no effect on a
    #: local run (recorded, never executed).
    config: dict[str, Any] = field(default_factory=dict)
    #: Metadata logged on the run itself (``log_metadata(run_id_name_or_prefix=...)``); what
    #: a step logs stays on its step run (the SDK shows it on the run as ``step::key``).
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def pipeline_name(self) -> str:
        return self.pipeline

    def to_manifest(self) -> dict[str, Any]:
        data = {
            "format": FORMAT,
            "id": self.id,
            "name": self.name,
            "pipeline": self.pipeline,
            "status": self.status.value,
            "start_time": self.start_time,
            "end_time": self.end_time,
            "created_by": self.created_by,
            "model_versions": self.model_versions,
            "steps": [step.to_manifest() for step in self.steps.values()],
            "error": self.error,
        }
        # Only when set: runs recorded before keep their bytes.
        if self.config:
            data["config"] = self.config
        if self.metadata:
            data["metadata"] = self.metadata
        return data

    @classmethod
    def from_manifest(cls, data: dict[str, Any], path: str) -> RunRecord:
        check = ManifestChecker(data, path)
        steps = data.get("steps") or []
        versions = data.get("model_versions") or []
        if not isinstance(steps, list) or not isinstance(versions, list):
            raise CorruptManifestError(path, "fields 'steps' and 'model_versions' must be lists")
        parsed = [StepRunRecord.from_manifest(step, path) for step in steps]
        return cls(
            id=check.text("id", required=True) or "",
            name=check.text("name", required=True) or "",
            pipeline=check.text("pipeline", required=True) or "",
            status=_status(check.text("status"), path),
            start_time=check.text("start_time") or "",
            end_time=check.text("end_time"),
            created_by=check.text("created_by") or "",
            model_versions=[v for v in versions if isinstance(v, dict)],
            steps={step.name: step for step in parsed},
            error=check.text("error"),
            config=check.mapping("config"),
            metadata=check.mapping("metadata"),
        )

    @classmethod
    def output_fields(cls) -> list[str]:
        """The keys of ``to_dict()``, in order (a CSV header when no run is listed)."""
        return list(cls(id="", name="", pipeline="").to_dict())

    def to_dict(self) -> dict[str, Any]:
        data = self.to_manifest()
        del data["format"]
        data["step_count"] = len(self.steps)
        return data


def _status(value: str | None, path: str) -> ExecutionStatus:
    try:
        return ExecutionStatus(value or ExecutionStatus.RUNNING.value)
    except ValueError:
        raise CorruptManifestError(path, f"unknown run status {value!r}") from None


# ------------------------------------------------------------------------------- writing
def start_run(
    store: Store,
    pipeline: str,
    run_name: str | None = None,
    substitutions: dict[str, str] | None = None,
    config: dict[str, Any] | None = None,
) -> RunRecord:
    """A new run of ``pipeline``, written at once as ``running``. ``run_name`` may use
    ``{date}``, ``{time}`` (of this start) and the keys of ``substitutions``; ``config`` is
    the run's configuration as given."""
    from zenml_cli.core.names import check_name
    from zenml_cli.core.templates import substitute, time_substitutions

    now = store.clock()
    name = f"{pipeline}-{now.strftime('%Y_%m_%d-%H_%M_%S_%f')}"
    if run_name is not None:
        values = {**time_substitutions(now), **(substitutions or {})}
        name = check_name(substitute(run_name, values, "run name"), "run name")
    run = RunRecord(
        id=str(uuid.uuid4()),
        name=name,
        pipeline=pipeline,
        start_time=timestamp(now),
        created_by=current_actor(),
        config=dict(config or {}),
    )
    write_run(store, run)
    return run


def write_run(store: Store, run: RunRecord) -> None:
    store.write_run(run.id, run.to_manifest())


def now(store: Store) -> str:
    return timestamp(store.clock())


# ------------------------------------------------------------------------------- reading
def get_run(store: Store, run_id: str) -> RunRecord:
    manifest = store.read_run(run_id)
    if manifest is None:
        raise NotFoundError(f"no pipeline run with id '{run_id}'; see 'zenml model runs MODEL'")
    return RunRecord.from_manifest(manifest.data, manifest.source)


def find_run(store: Store, name_or_id: str) -> RunRecord:
    """A run by id, else by its (unique) name."""
    manifest = store.read_run(name_or_id)
    if manifest is not None:
        return RunRecord.from_manifest(manifest.data, manifest.source)
    for run in list_runs(store):
        if run.name == name_or_id:
            return run
    raise NotFoundError(
        f"no pipeline run with id or name '{name_or_id}'; see 'zenml model runs MODEL'"
    )


def list_runs(store: Store, pipeline: str | None = None) -> list[RunRecord]:
    """Every run (of ``pipeline``), oldest first."""
    found = []
    for run_id in store.run_ids():  # refuses a linked runs/ once, so no check per run
        manifest = store.read_run(run_id, listed=True)
        if manifest is not None:
            found.append(RunRecord.from_manifest(manifest.data, manifest.source))
    if pipeline is not None:
        found = [run for run in found if run.pipeline == pipeline]
    return sorted(found, key=lambda run: (run.start_time, run.id))


def cache_index(store: Store) -> dict[str, tuple[str, StepRunRecord]]:
    """Cache key -> (run id, step run) of the newest *completed* step run with that key.
    Cached step runs are never candidates (as in ZenML): they point at the original."""
    index: dict[str, tuple[str, StepRunRecord]] = {}
    for run in list_runs(store):  # oldest first, so a newer run overwrites an older one
        for step in run.steps.values():
            if step.cache_key and step.status is ExecutionStatus.COMPLETED:
                index[step.cache_key] = (run.id, step)
    return index


def runs_of_version(store: Store, model: str, ref: RefInput) -> list[RunRecord]:
    """The runs that created or used a model version, in the order they attached to it
    (runs deleted since are left out)."""
    version = resolve(store, get_model(store, model), ref)
    ids = list(version.pipeline_run_ids)
    if version.producing_run and version.producing_run not in ids:
        ids.insert(0, version.producing_run)
    found = store.read_runs(ids)
    return [RunRecord.from_manifest(m.data, m.source) for m in found if m is not None]


def run_ids(store: Store) -> list[str]:
    return store.run_ids()


def check_runs(store: Store, problems: list[Problem]) -> int:
    """Doctor check: every run manifest parses and is named after its id."""
    checked = 0
    try:
        ids = run_ids(store)
    except CorruptManifestError as exc:  # runs/ is a link: none of it is read
        problems.append(Problem(exc.path, exc.problem))
        return 0
    for run_id in ids:
        checked += 1
        try:
            manifest = store.read_run(run_id, listed=True)
            if manifest is None:  # removed while doctor ran
                continue
            run = RunRecord.from_manifest(manifest.data, manifest.source)
        except CorruptManifestError as exc:
            problems.append(Problem(exc.path, exc.problem))
            continue
        if run.id != run_id:
            problems.append(
                Problem(store.run_source(run_id), f"run id '{run.id}' does not match the file name")
            )
        outputs = [out for step in run.steps.values() for out in step.outputs.values()]
        used = [
            *run.model_versions,
            *(s.model_version for s in run.steps.values() if s.model_version),
        ]
        try:
            problems.extend(check_run_references(store, manifest.source, used, outputs))
        except CorruptManifestError:
            continue  # the model and artifact checks report the files themselves
    return checked
