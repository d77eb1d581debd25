"""Model versions: the one import path for reading, registering, updating and deleting them.

Updating (preconditions, renames, field rewrites, stage changes) lives here; reading by
number, name, id or stage is ``core/version_reads.py``; registering, rewriting and deleting
one is ``core/version_writes.py`` (both re-exported). A version lives in
``versions/<number>.yaml``; which stage it holds lives in model.yaml, so a promotion
(including archiving the previous holder) rewrites model.yaml alone, in one atomic write.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from zenml_cli.core import history
from zenml_cli.core.metadata import checked_metadata
from zenml_cli.core.models import (
    get_model,
    model_lock,
    write_model,
)
from zenml_cli.core.names import (
    check_tags,
    check_text,
    check_version_name,
)
from zenml_cli.core.records import ModelRecord, ModelVersionRecord, StageHolders
from zenml_cli.core.refs import RefInput, parse_stage
from zenml_cli.core.stages import policies as stages
from zenml_cli.core.stages.gates import Gate, IfCurrent, check_gate, check_if_current
from zenml_cli.core.version_reads import (
    get_version,
    live_numbers,
    number_mismatch,
    read_number,
    read_versions,
    refuse_taken_name,
    resolve,
)
from zenml_cli.core.version_writes import (
    create_version,
    delete_version,
    next_number,
    write_version,
)
from zenml_cli.enums import SINGLE_HOLDER_STAGES, ModelStages
from zenml_cli.errors import InvalidInputError
from zenml_cli.store import Store

__all__ = [
    "VersionUpdate",
    "apply_stage_change",
    "create_version",
    "delete_version",
    "get_version",
    "live_numbers",
    "next_number",
    "number_mismatch",
    "read_number",
    "read_versions",
    "resolve",
    "update_version",
    "write_version",
]


@dataclass
class VersionUpdate:
    """The result of ``update_version``: the version as it is now, and what changed."""

    version: ModelVersionRecord
    stage_change: stages.StageChange | None = None
    renamed_from: str | None = None
    #: What ``--if-better`` compared (key, direction, candidate, holder, holder_value).
    gate: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        data = self.version.to_dict()
        change = self.stage_change
        data["previous_stage"] = change.from_stage.value if change else None
        data["archived_version"] = change.archived if change else None
        data["renamed_from"] = self.renamed_from
        if self.gate is not None:
            data["gate"] = self.gate
        return data

    def describe(self, *, rollback: bool = False) -> list[str]:
        """One sentence per change, as stderr, the commit subject and the GitHub summary say
        it (``core/update_notes.py``)."""
        from zenml_cli.core.update_notes import describe_change

        return describe_change(
            self.version, self.stage_change, self.renamed_from, rollback=rollback
        )

    def describe_gate(self) -> str | None:
        """What a passed ``--if-better`` gate compared, as stderr and the commit body say it;
        None without a gate."""
        from zenml_cli.core.update_notes import describe_gate

        change = self.stage_change
        if self.gate is None or change is None:
            return None
        return describe_gate(self.gate, str(change.to_stage), self.version.number)


def update_version(
    store: Store,
    model: str,
    ref: RefInput = None,
    *,
    stage: str | ModelStages | None = None,
    force: bool = False,
    name: str | None = None,
    description: str | None = None,
    add_tags: list[str] | None = None,
    remove_tags: list[str] | None = None,
    message: str | None = None,
    metadata: dict[str, Any] | None = None,
    if_better: Gate | None = None,
    if_current: IfCurrent | None = None,
) -> VersionUpdate:
    """Promote, rename, re-describe, re-tag or add metadata to one version, under the
    model's lock.

    A promotion to an occupied ``staging``/``production`` archives the previous holder in the
    same write of model.yaml. Every stage change and rename is recorded in the history.
    ``if_current`` and ``if_better`` are preconditions on the promotion, checked here on the
    state just read (``if_better`` on the metadata as merged by this same update).
    """
    target = parse_stage(stage) if stage is not None else None
    if target is None and (if_better is not None or if_current is not None):
        raise InvalidInputError("--if-better and --if-current guard a promotion; add --stage")
    new_name = check_version_name(name) if name is not None else None
    check_tags(add_tags)
    check_tags(remove_tags)
    check_text(description, "description")
    check_text(message, "message")
    asked = _Asked(
        target=target, force=force, name=new_name,
        description=description, add_tags=add_tags or [], remove_tags=remove_tags or [],
        message=message, metadata=checked_metadata(metadata) if metadata is not None else {},
        if_better=if_better, if_current=if_current,
    )  # fmt: skip
    with store.lock(model_lock(model)):
        plan = _plan_update(store, get_model(store, model), ref, asked)
        _apply_update(store, plan, asked)
    return plan.result


@dataclass(frozen=True)
class _Asked:
    """One update as asked, its text already checked."""

    target: ModelStages | None
    force: bool
    name: str | None
    description: str | None
    add_tags: list[str]
    remove_tags: list[str]
    message: str | None
    metadata: dict[str, Any]
    if_better: Gate | None
    if_current: IfCurrent | None


@dataclass
class _UpdatePlan:
    """Everything an update will write, decided before anything but a reconcile is written:
    a refused rename or promotion leaves both files as they were."""

    record: ModelRecord
    version: ModelVersionRecord
    result: VersionUpdate
    new_metadata: dict[str, Any] | None
    change: stages.StageChange | None = None
    new_holders: StageHolders | None = None


def _plan_update(store: Store, record: ModelRecord, ref: RefInput, asked: _Asked) -> _UpdatePlan:
    """Read the version, bring history up to model.yaml before a stage change, check the
    preconditions and the new name, and plan the stage change (under the model's lock)."""
    version = resolve(store, record, ref)
    target = asked.target
    renames = asked.name is not None and asked.name != version.name
    if target is not None or renames:  # each write that appends an event reconciles first
        history.reconcile(
            store,
            record.name,
            record.stages.staging,
            record.stages.production,
            asked.message,
            retired=record.retired_numbers,
        )
    merged = {**version.run_metadata, **asked.metadata}
    new_metadata = merged if merged != version.run_metadata else None
    plan = _UpdatePlan(record, version, VersionUpdate(version=version), new_metadata)
    if target is not None:
        plan.result.gate = _check_preconditions(
            store, record, version, merged, target, asked.if_better, asked.if_current
        )
    if asked.name is not None and asked.name != version.name:
        refuse_taken_name(store, record, asked.name)
        plan.result.renamed_from = version.name
    if target is not None:
        plan.new_holders, plan.change = stages.plan(
            record.stages,
            version.number,
            target,
            policies=stages.Policies.from_config(store.config.policies, store.config_source()),
            force=asked.force,
            model=record.name,
        )
        _release_missing_holder(store, record, plan.new_holders, plan.change)
    return plan


def _release_missing_holder(
    store: Store, record: ModelRecord, holders: StageHolders, change: stages.StageChange
) -> None:
    """A previous holder whose file is gone (a ``git revert`` of its registration; a file
    deleted by hand) is released, not archived: an archived reference to a version that does
    not exist would be the next problem doctor reports, and this promotion is how the user
    repairs a stage that names one (doctor says "held by missing version")."""
    gone = change.archived
    if gone is None or store.has_version_file(record.name, gone):
        return
    holders.archived = [number for number in holders.archived if number != gone]
    change.archived = None


def _apply_update(store: Store, plan: _UpdatePlan, asked: _Asked) -> None:
    """Write a planned update. Intent first (a journal, as SQLite's): each event is appended
    before the manifest write it records. A failed append changes nothing; a crash between
    the two leaves an event model.yaml does not reflect, which doctor reports (see README)."""
    record, version, result = plan.record, plan.version, plan.result
    if result.renamed_from is not None:
        history.record(
            store,
            record.name,
            "rename",
            version=version.number,
            version_id=version.id,
            version_name=asked.name,
            from_=result.renamed_from,
            to=asked.name,
            message=asked.message,
        )
    fields_change = asked.description is not None or asked.add_tags or asked.remove_tags
    if result.renamed_from is not None or fields_change or plan.new_metadata is not None:
        if plan.new_metadata is not None:
            version.run_metadata = plan.new_metadata
        _rewrite_fields(
            store, version, asked.name, asked.description, asked.add_tags, asked.remove_tags
        )
    if plan.change is not None:
        result.stage_change = plan.change
        if plan.change.changed and plan.new_holders is not None:
            apply_stage_change(
                store, record, version, plan.change, plan.new_holders,
                message=asked.message, gate=result.gate,
            )  # fmt: skip


def apply_stage_change(
    store: Store,
    record: ModelRecord,
    version: ModelVersionRecord,
    change: stages.StageChange,
    new_holders: StageHolders,
    *,
    message: str | None,
    gate: dict[str, Any] | None = None,
    rollback: bool = False,
) -> None:
    """Record one planned stage change (intent first: the event, then model.yaml's holders in
    one write). The one place a stage event is built: promotions and rollbacks alike."""
    history.record(
        store,
        record.name,
        "stage",
        version=version.number,
        version_name=version.name,
        from_=change.from_stage.value,
        to=change.to_stage.value,
        archived=change.archived,
        archived_id=None if change.archived is None else record.version_ids.get(change.archived),
        message=message,
        gate=gate,
        rollback=rollback,
        version_id=version.id,
    )
    record.stages = new_holders
    record.version_ids[version.number] = version.id
    write_model(store, record)
    version.stage = change.to_stage


def _check_preconditions(
    store: Store,
    record: ModelRecord,
    version: ModelVersionRecord,
    metadata: dict[str, Any],
    target: ModelStages,
    if_better: Gate | None,
    if_current: IfCurrent | None,
) -> dict[str, Any] | None:
    """Check ``if_current`` then ``if_better`` against the holders just read; the gate's
    record for the history, or None without a gate."""
    if if_current is not None:
        check_if_current(record.name, record.stages, target, if_current, version.number)
    if if_better is None:
        return None
    holder_number = record.stages.holder(target) if target in SINGLE_HOLDER_STAGES else None
    holder = read_number(store, record, holder_number) if holder_number is not None else None
    candidate = replace(version, run_metadata=metadata)
    return check_gate(record.name, candidate, holder, target, if_better)


def _rewrite_fields(
    store: Store,
    version: ModelVersionRecord,
    name: str | None,
    description: str | None,
    add_tags: list[str] | None,
    remove_tags: list[str] | None,
) -> None:
    if name is not None:
        version.name = name
    if description is not None:
        version.description = description
    version.tags = sorted((set(version.tags) | set(add_tags or [])) - set(remove_tags or []))
    write_version(store, version)
