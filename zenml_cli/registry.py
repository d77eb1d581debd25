"""The one door to the registry: every front end (the CLI, ``Client``, ``Model``, the artifact
utilities and the pipeline runner) calls a ``Registry`` method, and each method is one call into
the core.

Rules that belong to no single front end live here once: a version reference is parsed into a
``VersionRef`` at this edge (nothing below re-reads text), and get-or-create of a model or a
named version retries the read when another process wins the race. Every write goes through
``_write``: locally it runs the core function on the project's store; with push on
(``push=True``, ``--push``, or ``ZENML_PUSH=1``) it becomes a transaction on the git remote
(``store/git_remote.py``): the same core function runs against the remote branch's tip, and
again on a newer tip if another writer won the race, so every rule is re-decided each time.

Core modules are imported inside methods, so a command pays only for what it uses (the CLI
imports this module on every run).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from zenml_cli.core.refs import RefInput, VersionRef
from zenml_cli.enums import ArtifactType, LinkKind, ModelStages
from zenml_cli.errors import ConflictError, NotFoundError
from zenml_cli.store import Store

if TYPE_CHECKING:
    from zenml_cli.core.artifact_records import ArtifactVersionRecord
    from zenml_cli.core.deletes import Deleted
    from zenml_cli.core.doctor import DoctorReport
    from zenml_cli.core.gates import Gate, IfCurrent
    from zenml_cli.core.history import HistoryEvent
    from zenml_cli.core.intents import Request
    from zenml_cli.core.listing import Page
    from zenml_cli.core.merge.driver import DriverResult
    from zenml_cli.core.merge.report import MergeReport
    from zenml_cli.core.records import ModelRecord, ModelVersionRecord
    from zenml_cli.core.runs import RunRecord, StepRunRecord
    from zenml_cli.core.versions import VersionUpdate

T = TypeVar("T")


class Registry:
    """The registry of one project (found like ``.git/`` unless ``project_dir`` is given)."""

    def __init__(
        self,
        project_dir: str | os.PathLike[str] | None = None,
        *,
        store: Store | None = None,
        require_store: bool = True,
        push: bool | None = None,
    ) -> None:
        """``require_store``: an explicit ``project_dir`` (or ``$ZENML_PROJECT_DIR``) must
        already hold ``.zenml/`` (the CLI and Python alike; only ``zenml init`` passes False):
        a mistyped path must not silently start a second, empty registry. Without an
        explicit folder a first write still creates the store where ``.git`` is.
        ``push``: make every write a transaction on the git remote (None: ``$ZENML_PUSH``)."""
        if store is None:
            store = Store.locate(project_dir, require_store=require_store)
        self.store = store
        self.push = push
        #: ``--branch`` / ``--push-option`` of a pushed write (``store/git_review.py``).
        self.review_branch: str | None = None
        self.push_options: tuple[str, ...] = ()
        #: One line per pushed write (the commit, and how to pull if the checkout stayed
        #: behind), for the front end to show on stderr.
        self.notes: list[str] = []

    def _write(
        self,
        operation: Callable[[Store], T],
        describe: Callable[[T], str],
        request: Request | None = None,
    ) -> T:
        """Run one write: on the local store, or with push on as a transaction on the remote
        branch, where ``operation`` may run once per attempt against a fresh tip and
        ``describe(result)`` becomes the commit message. ``request`` is the same write as
        data (``core/intents.py``): with it, a write that loses the race is queued on the
        remote and landed by whoever lands next (``store/git_batch.py``)."""
        from zenml_cli.store.push_switch import push_enabled

        if not push_enabled(self.push):
            if self.review_branch is not None or self.push_options:
                from zenml_cli.errors import UsageError

                raise UsageError("--branch and --push-option send a pushed write; add --push")
            return operation(self.store)
        from zenml_cli.core.actor import current_actor, current_ci_run
        from zenml_cli.core.intents import Applier
        from zenml_cli.store import git_batch
        from zenml_cli.store.git_remote import load_settings

        home, clock = self.store.root, self.store.clock

        def open_store(private_root: Path) -> Store:
            return Store(private_root, clock=clock, payload_home=home)

        def on_tip(private_root: Path) -> T:
            return operation(open_store(private_root))

        settings = load_settings(
            home, review_branch=self.review_branch, push_options=self.push_options
        )
        if settings.review_branch is not None or settings.push_options:
            # A review branch has one writer (its author): no queue of others' writes to land
            # with it, and the queue's refs belong to the default branch.
            from zenml_cli.store.git_remote import transact

            done = transact(home, on_tip, describe, settings=settings, actor=current_actor())
        else:
            done = git_batch.transact(
                home, on_tip, describe, settings=settings, actor=current_actor(),
                ci_run=current_ci_run(), applier=Applier(open_store, _describe_request),
                request=None if request is None else git_batch.Request(request.kind, request.args),
            )  # fmt: skip
        if done.note:
            self.notes.append(done.note)
        return done.result

    # ----------------------------------------------------------------------------- setup
    def init(self, **settings: Any) -> dict[str, Any]:
        from zenml_cli.core import setup

        return self._write(
            lambda store: setup.init_store(store, **settings), lambda _: "initialise the store"
        )

    def environment(self) -> dict[str, str]:
        """What ``Client().active_stack`` / ``active_project`` / ``active_user`` describe:
        the project folder, where artifact payloads go, and who is acting."""
        from zenml_cli.core.actor import current_actor

        setting = self.store.config.artifact_store
        is_url = "://" in setting
        return {
            "root": str(self.store.root),
            "artifact_store": setting if is_url else str(self.store.root / setting),
            "artifact_store_flavor": setting.split("://", 1)[0] if is_url else "local",
            "user": current_actor(),
        }

    def doctor(
        self, *, payloads: bool = False, against: str | None = None, staged: bool = False
    ) -> DoctorReport:
        """Check every manifest; with ``payloads``, also every payload they name; with
        ``against`` (a git revision), also that the store is a valid successor of that
        commit's store (no version lost, renumbered or replaced, no history event removed or
        rewritten); ``staged`` compares the index instead of the working tree (against
        ``HEAD`` unless ``against`` names another commit)."""
        from zenml_cli.core import doctor

        report = doctor.run(self.store, payloads=payloads)
        if against is not None or staged:
            from zenml_cli.core import successor

            found, files = successor.check_against(self.store, against or "HEAD", staged=staged)
            report.problems += found
            report.checked_files += files
        return report

    # ----------------------------------------------------------------------------- branches
    def resolve(self, **options: Any) -> MergeReport | None:
        """Re-plan the other side's registry writes of the merge, rebase step, cherry-pick or
        stash pop in progress (or just finished) on top of ours; see ``core/merge/resolve.py``
        for ``base``, ``ours``, ``theirs``, ``commit``, ``check_only`` and ``hook``."""
        from zenml_cli.core.merge.resolve import resolve

        return resolve(self.store, **options)

    def git_install(self, zenml: str, *, chain: bool = False) -> dict[str, Any]:
        """Set up this clone's merge driver and hooks (``zenml git install``)."""
        from zenml_cli.core.merge.setup import install

        return install(self.store, zenml, chain=chain)

    def git_merge_file(self, base: str, ours: str, theirs: str, path: str) -> DriverResult:
        """The merge driver: merge one store file into ``ours``; what it did."""
        from zenml_cli.core.merge.setup import merge_file

        return merge_file(base, ours, theirs, path)

    # ----------------------------------------------------------------------------- models
    def create_model(self, name: str, **fields: Any) -> ModelRecord:
        from zenml_cli.core import models

        return self._write(
            lambda store: models.create_model(store, name, **fields),
            lambda record: f"register model {record.name}",
        )

    def ensure_model(self, name: str, **fields: Any) -> tuple[ModelRecord, bool]:
        """``(model, created)``: the model, registered with ``fields`` only when missing (a
        present one is left as it is). With push on, decided on the remote tip, so a runner
        with a stale checkout finds the model there instead of failing on a clash."""
        return self._write(
            lambda store: _model_on(store, name, fields),
            lambda got: f"register model {got[0].name}",
        )

    def get_model(self, name_or_id: str) -> ModelRecord:
        from zenml_cli.core import models

        return models.get_model(self.store, str(name_or_id))

    def list_models(self, **filters: Any) -> Page[ModelRecord]:
        from zenml_cli.core import models

        return models.list_models(self.store, **filters)

    def model_names(self) -> list[str]:
        """Every model's name, sorted by code point (the same order on every machine)."""
        return sorted(self.store.model_names())

    def version_references(self, model: str) -> list[str]:
        """The numbers and names of a model's live versions, for shell completion: the
        folder listing and the small name index; a manifest is read only where the index
        has no entry (a model with few versions)."""
        from zenml_cli.core import models, versions

        record = models.get_model(self.store, model)
        numbers = versions.live_numbers(self.store, record)
        known = self.store.version_fields(record.name, ("name",), numbers)
        names = {n: known[n][0] for n in numbers if n in known}
        missing = [n for n in numbers if n not in names]
        if missing:
            for number, manifest in zip(
                missing, self.store.read_versions(record.name, missing), strict=True
            ):
                names[number] = manifest.data.get("name") if manifest is not None else None
        refs = [str(n) for n in numbers]
        refs += [str(names[n]) for n in numbers if isinstance(names.get(n), str)]
        return list(dict.fromkeys(refs))

    def find_model(self, name: str) -> ModelRecord | None:
        """The model in folder ``name`` as listed, or None (a folder without a manifest)."""
        from zenml_cli.core import models

        return models.read_model_folder(self.store, name)

    def version_summary(self, model: ModelRecord) -> tuple[int, ModelVersionRecord | None]:
        """``(number of live versions, the latest or None)`` of a model record."""
        from zenml_cli.core import model_views

        return model_views.version_summary(self.store, model)

    def versions_of(self, model: ModelRecord) -> list[ModelVersionRecord]:
        """Every live version of a model record, by number."""
        from zenml_cli.core import versions

        return versions.read_versions(self.store, model)

    def describe_model(self, name_or_id: str) -> dict[str, Any]:
        from zenml_cli.core import model_views

        return model_views.describe_model(self.store, str(name_or_id))

    def update_model(self, name_or_id: str, **changes: Any) -> ModelRecord:
        from zenml_cli.core import models

        return self._write(
            lambda store: models.update_model(store, str(name_or_id), **changes),
            lambda record: f"update model {record.name}",
        )

    def delete_model(self, name_or_id: str) -> ModelRecord:
        from zenml_cli.core import models

        return self._write(
            lambda store: models.delete_model(store, str(name_or_id)),
            lambda record: f"delete model {record.name}",
        )

    # ----------------------------------------------------------------------------- versions
    def create_version(
        self, model: str, name: str | None = None, **fields: Any
    ) -> ModelVersionRecord:
        from zenml_cli.core import intents, versions

        return self._write(
            lambda store: versions.create_version(store, str(model), name, **fields),
            _describe_created,
            intents.create_request(str(model), name, fields),
        )

    def get_version(self, model: str, ref: RefInput = None) -> ModelVersionRecord:
        from zenml_cli.core import versions

        return versions.get_version(self.store, str(model), VersionRef.parse(ref))

    def get_or_create_version(
        self,
        model: str,
        ref: RefInput,
        *,
        model_fields: dict[str, Any] | None = None,
        tags: list[str] | None = None,
        producing_run: str | None = None,
    ) -> tuple[ModelVersionRecord, bool]:
        """``(version, created)`` for ``Model(name, version)``: a number or stage must exist;
        a name is get-or-create; ``None`` always creates the next version. The model is
        created with ``model_fields`` when missing. Race-safe: a model or named version another
        process creates meanwhile is fetched instead."""
        parsed = VersionRef.parse(ref) if ref is not None else None
        if parsed is not None and parsed.name is None:
            return self.get_version(model, parsed), False

        def on(store: Store) -> tuple[ModelVersionRecord, bool]:
            # One operation, so that with push on the model, the lookup and the new version
            # are all decided on the same tip (and re-decided together on a newer one).
            from zenml_cli.core import versions

            record, _ = _model_on(store, model, model_fields or {})
            if parsed is not None:
                try:
                    return versions.get_version(store, record.name, parsed), False
                except NotFoundError:
                    pass
            name = parsed.name if parsed is not None else None
            try:
                created = versions.create_version(
                    store, record.name, name, tags=tags, producing_run=producing_run
                )
            except ConflictError:  # another process created it between our read and our lock
                if parsed is None:
                    raise
                return versions.get_version(store, record.name, parsed), False
            return created, True

        return self._write(on, lambda got: f"register {got[0].model} version {got[0].number}")

    def list_versions(self, model: str | None = None, **filters: Any) -> Page[ModelVersionRecord]:
        from zenml_cli.core import version_views

        found = version_views.list_versions(self.store, model, **filters)
        if found.problems:  # Python callers get an error, never a page with a hole in it
            raise found.problems[0]
        return found

    def list_version_dicts(self, model: str | None = None, **filters: Any) -> Page[dict[str, Any]]:
        """``list_versions`` in public (output) form, served from the store's index. Versions
        whose files cannot be read are left out and named in ``problems`` (the CLI shows the
        others, then exits 6 naming them)."""
        from zenml_cli.core import version_views

        return version_views.list_version_dicts(self.store, model, **filters)

    def update_version(
        self,
        model: str,
        ref: RefInput = None,
        *,
        if_better: Gate | str | None = None,
        if_current: IfCurrent | int | str | None = None,
        **changes: Any,
    ) -> VersionUpdate:
        """``if_better``: ``KEY[:higher|:lower]``; ``if_current``: a number or ``"none"``.
        Both are parsed here and checked in the core under the model's lock."""
        from zenml_cli.core import versions
        from zenml_cli.core.gates import Gate, IfCurrent

        parsed = VersionRef.parse(ref)
        if if_better is not None:
            changes["if_better"] = Gate.parse(if_better)
        if if_current is not None:
            changes["if_current"] = IfCurrent.parse(if_current)
        from zenml_cli.core.commit_notes import describe_update

        message = changes.get("message")
        from zenml_cli.core import intents

        return self._write(
            lambda store: versions.update_version(store, str(model), parsed, **changes),
            lambda result: describe_update(result, message),
            intents.update_request(str(model), parsed, changes),
        )

    def rollback_version(
        self, model: str, stage: str | ModelStages = "production", *, message: str | None = None
    ) -> VersionUpdate:
        """Give ``stage`` back to its previous holder (from history), archiving the current
        one, as one history event (see ``core/rollback.py``)."""
        from zenml_cli.core import rollback
        from zenml_cli.core.commit_notes import describe_update

        return self._write(
            lambda store: rollback.rollback(store, str(model), stage, message=message),
            lambda done: describe_update(done, message, note="rollback"),
        )

    def set_stage(
        self, model: str, ref: RefInput, stage: str | ModelStages, *, force: bool = False
    ) -> VersionUpdate:
        return self.update_version(model, ref, stage=stage, force=force)

    def compare_versions(self, model: str, a: RefInput, b: RefInput) -> dict[str, Any]:
        """Two versions side by side: fields, tags, metadata, linked artifacts."""
        from zenml_cli.core import compare

        return compare.compare_versions(
            self.store, str(model), VersionRef.parse(a), VersionRef.parse(b)
        )

    def delete_version(
        self, model: str, ref: RefInput, *, force: bool = False
    ) -> ModelVersionRecord:
        from zenml_cli.core import versions

        parsed = VersionRef.parse(ref)
        return self._write(
            lambda store: versions.delete_version(store, str(model), parsed, force=force),
            lambda v: f"delete {v.model} version {v.number}",
        )

    def find_version_by_id(self, version_id: str) -> ModelVersionRecord:
        """A version of any model by its id."""
        from zenml_cli.core import versions

        ref = VersionRef(name=str(version_id))
        for name in sorted(self.store.model_names()):
            try:
                return versions.get_version(self.store, name, ref)
            except NotFoundError:
                continue
        raise NotFoundError(
            f"no model version with id '{version_id}'; pass (model, version) instead"
        )

    def history(self, model: str, ref: RefInput = None) -> list[HistoryEvent]:
        """A model's events, oldest first; with ``ref``, only that version's."""
        from zenml_cli.core import model_views

        parsed = VersionRef.parse(ref) if ref is not None else None
        return model_views.history_of(self.store, str(model), parsed)

    def holders_at(self, model: str, moment: str) -> dict[str, int | None]:
        from zenml_cli.core import history, model_views

        return history.holders_at(model_views.history_of(self.store, str(model)), moment)

    # ----------------------------------------------------------------------------- links
    def log_version_metadata(
        self, model: str, ref: RefInput, metadata: dict[str, Any]
    ) -> ModelVersionRecord:
        from zenml_cli.core import links

        parsed = VersionRef.parse(ref)
        from zenml_cli.core import intents

        return self._write(
            lambda store: links.add_metadata(store, model, parsed, metadata),
            lambda v: f"log metadata on {v.model} version {v.number}: {', '.join(metadata)}",
            intents.metadata_request(str(model), parsed, metadata),
        )

    def link_artifact(
        self, model: str, ref: RefInput, artifact: ArtifactVersionRecord, kind: LinkKind
    ) -> ModelVersionRecord:
        from zenml_cli.core import links

        parsed = VersionRef.parse(ref)
        return self._write(
            lambda store: links.link_artifact(store, model, parsed, artifact, kind),
            lambda v: f"link {artifact.name} {artifact.version} to {v.model} version {v.number}",
        )

    def attach_run(self, model: str, ref: RefInput, run_id: str) -> ModelVersionRecord:
        from zenml_cli.core import links

        parsed = VersionRef.parse(ref)
        return self._write(
            lambda store: links.attach_run(store, model, parsed, run_id),
            lambda v: f"attach run {run_id} to {v.model} version {v.number}",
        )

    def mark_failed_run(self, model: str, ref: RefInput, run_id: str) -> ModelVersionRecord:
        from zenml_cli.core import links

        parsed = VersionRef.parse(ref)
        return self._write(
            lambda store: links.mark_failed_run(store, model, parsed, run_id),
            lambda v: f"mark {v.model} version {v.number} as from failed run {run_id}",
        )

    def linked_artifacts(
        self, model: str, ref: RefInput, kind: LinkKind | None = None
    ) -> list[ArtifactVersionRecord]:
        from zenml_cli.core import links

        return links.linked_artifacts(self.store, model, VersionRef.parse(ref), kind)

    def find_linked(
        self,
        model: str,
        ref: RefInput,
        name: str,
        version: str | None = None,
        kind: LinkKind | None = None,
    ) -> ArtifactVersionRecord | None:
        from zenml_cli.core import links

        return links.find_linked(self.store, model, VersionRef.parse(ref), name, version, kind)

    # ----------------------------------------------------------------------------- artifacts
    def save_artifact(self, data: Any, name: str, **options: Any) -> ArtifactVersionRecord:
        from zenml_cli.core import artifacts

        return self._write(
            lambda store: artifacts.save(store, data, name, **options),
            lambda a: f"save artifact {a.name} version {a.version}",
        )

    def get_artifact_version(
        self, name_or_id: str, version: str | int | None = None
    ) -> ArtifactVersionRecord:
        from zenml_cli.core import artifacts

        return artifacts.get(self.store, str(name_or_id), version)

    def find_artifact_version(self, name: str, version: str) -> ArtifactVersionRecord | None:
        from zenml_cli.core import artifacts

        return artifacts.read_version(self.store, name, version)

    def list_artifact_versions(self, **filters: Any) -> Page[ArtifactVersionRecord]:
        from zenml_cli.core import artifacts

        return artifacts.list_versions(self.store, **filters)

    def log_artifact_metadata(
        self, name_or_id: str, version: str | None, metadata: dict[str, Any]
    ) -> ArtifactVersionRecord:
        from zenml_cli.core import artifacts

        return self._write(
            lambda store: artifacts.add_metadata(store, name_or_id, version, metadata),
            lambda a: f"log metadata on artifact {a.name} version {a.version}",
        )

    def update_artifact_tags(
        self, name_or_id: str, version: str | None, add: list[str], remove: list[str]
    ) -> ArtifactVersionRecord:
        from zenml_cli.core import artifacts

        return self._write(
            lambda store: artifacts.update_tags(store, name_or_id, version, add, remove),
            lambda a: f"tag artifact {a.name} version {a.version}",
        )

    def migrate_artifact_store(self, url: str) -> dict[str, Any]:
        """Copy every payload into the store at ``url``, then make it the project's store."""
        from zenml_cli.core import artifacts

        return self._write(
            lambda store: artifacts.migrate(store, url), lambda _: f"move artifact store to {url}"
        )

    def link_kind(
        self, artifact_type: ArtifactType, is_model: bool = False, is_deployment: bool = False
    ) -> LinkKind:
        from zenml_cli.core import links

        return links.link_kind(artifact_type, is_model, is_deployment)

    # ----------------------------------------------------------------------------- runs
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

    # ----------------------------------------------------------------------------- deleting
    def delete_artifact_versions(
        self,
        name_or_id: str,
        version: str | int | None = None,
        *,
        every_version: bool = False,
        delete_from_artifact_store: bool = False,
    ) -> Deleted:
        """Delete one artifact version (the latest without ``version``) or, with
        ``every_version``, all versions of that artifact; links to them go too."""
        from zenml_cli.core import artifacts, deletes

        def on(store: Store) -> Deleted:
            found = artifacts.get(store, str(name_or_id), version)
            chosen = artifacts.read_all(store, found.name) if every_version else [found]
            return deletes.delete_artifact_versions(store, chosen, delete_from_artifact_store)

        from zenml_cli.core.commit_notes import describe_deleted

        return self._write(on, describe_deleted)

    def unlink_artifacts(
        self,
        model: str,
        ref: RefInput,
        names: list[str] | None,
        version: str | None = None,
        *,
        delete_versions: bool = False,
        delete_from_artifact_store: bool = False,
    ) -> Deleted:
        """Remove a model version's links to artifacts ``names`` (None: all); with
        ``delete_versions`` the linked artifact versions are deleted too."""
        from zenml_cli.core import deletes

        parsed = VersionRef.parse(ref)

        def on(store: Store) -> Deleted:
            removed = deletes.unlink_artifacts(store, str(model), parsed, names, version)
            if delete_versions:
                return deletes.delete_artifact_versions(store, removed, delete_from_artifact_store)
            return deletes.Deleted(unlinked=len(removed))

        from zenml_cli.core.commit_notes import describe_deleted

        return self._write(on, describe_deleted)

    def runs_of_version(self, model: str, ref: RefInput) -> list[RunRecord]:
        from zenml_cli.core import runs

        return runs.runs_of_version(self.store, model, VersionRef.parse(ref))

    def __repr__(self) -> str:
        return f"Registry(project_dir={str(self.store.root)!r})"


def _describe_created(version: ModelVersionRecord) -> str:
    named = f" ('{version.name}')" if version.name != str(version.number) else ""
    return f"register {version.model} version {version.number}{named}"


def _describe_request(kind: str, result: Any) -> str:
    """The commit line of a queued write another runner made (``core/intents`` kinds)."""
    if kind == "create_version":
        return _describe_created(result)
    if kind == "update_version":
        from zenml_cli.core.commit_notes import describe_update

        return describe_update(result)
    return f"log metadata on {result.model} version {result.number}"


def _model_on(store: Store, name: str, fields: dict[str, Any]) -> tuple[ModelRecord, bool]:
    """Get-or-create of a model on one store, retrying the read when another process wins:
    ``(model, created)``."""
    from zenml_cli.core import models

    found = models.get_model_or_none(store, name)
    if found is not None:
        return found, False
    try:
        return models.create_model(store, name, **fields), True
    except ConflictError:
        found = models.get_model_or_none(store, name)
        if found is None:  # a clash ignoring case: the ConflictError says which
            raise
        return found, False


def metadata_from_options(pairs: list[str] | None, path: str | None) -> dict[str, Any] | None:
    """``-M KEY=VALUE`` pairs over the mapping in ``--metadata-file`` (read here, parsed by
    the core), or None when neither was given."""
    from zenml_cli.core import metadata
    from zenml_cli.errors import InvalidInputError
    from zenml_cli.store.bounded import ReadRefused, read_bounded

    text = None
    if path is not None:
        try:  # bounded: a FIFO or /dev/zero given here must fail, not hang or fill memory
            text = read_bounded(path, follow_links=True).decode("utf-8")
        except OSError as exc:
            raise InvalidInputError(
                f"cannot read --metadata-file {path!r}: {exc.strerror or exc}"
            ) from None
        except ReadRefused as exc:
            raise InvalidInputError(f"--metadata-file {path!r} {exc.problem}") from None
        except UnicodeDecodeError:
            raise InvalidInputError(f"--metadata-file {path!r} is not UTF-8 text") from None
    return metadata.from_options(pairs, path, text)
