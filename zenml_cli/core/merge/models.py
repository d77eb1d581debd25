"""Merging one model: the side that keeps its numbers ("keep") and the side whose registry
writes are re-planned on top of it ("other"), against their merge base.

Versions are matched by id, never by number. Every version of ``keep`` keeps its number; a
new version of ``other`` whose number ``keep`` already used (for another id, live or
retired) gets the next free number above everything either side ever used. A version both
sides changed merges key by key. ``other``'s stage events since the base replay after
``keep``'s, as promotions (the previous holder is archived), unless their version is gone or
their recorded gate no longer passes; history is ``keep``'s events then ``other``'s,
re-sequenced.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from zenml_cli.core.history import RECONCILE, HistoryEvent
from zenml_cli.core.merge.keys import merge_keys
from zenml_cli.core.merge.report import MergeReport, Moved
from zenml_cli.core.merge.state import ModelSide, VersionFiles
from zenml_cli.core.records import ModelRecord, ModelVersionRecord, StageHolders
from zenml_cli.core.schema import MODEL_TEXT_FIELDS
from zenml_cli.core.stages.gates import Gate, check_gate
from zenml_cli.core.stages.policies import Policies, plan
from zenml_cli.enums import SINGLE_HOLDER_STAGES, ModelStages
from zenml_cli.errors import ConflictError, InvalidInputError
from zenml_cli.store import codec

#: A merged version: its manifest, or the bytes of one side's file taken as they are.
Version = dict[str, Any] | bytes


@dataclass
class MergedModel:
    record: ModelRecord
    fmt: str
    versions: dict[int, Version]
    history: list[HistoryEvent]
    #: Every live version's id -> its final number (runs are rewritten with it).
    numbers: dict[str, int] = field(default_factory=dict)
    history_changed: bool = False
    #: ``keep``'s history is already sequenced 1..n in file order: its bytes stay as they are
    #: and only ``other``'s events (the last ones of ``history``) are appended.
    keep_verbatim: int | None = None

    def data(self, number: int) -> dict[str, Any]:
        """The manifest of merged version ``number`` (decoding kept bytes on demand)."""
        value = self.versions[number]
        if isinstance(value, bytes):
            value = self.versions[number] = codec.decode(value, self.fmt, str(number))
        return value


def merge_model(
    name: str,
    base: ModelSide | None,
    keep: ModelSide,
    other: ModelSide,
    report: MergeReport,
    lineage: tuple[bool, bool] = (True, True),
) -> MergedModel:
    """The merged model (both sides have it). ``lineage``: whether ``keep`` and ``other``
    descend from the base; a cherry-pick's or rebase step's base (the picked commit's parent)
    is not an ancestor of ours, so a version of it that ours lacks was never ours to delete."""
    base = base or ModelSide(None, None, VersionFiles(keep.versions.fmt, ""))
    assert keep.record is not None and other.record is not None  # noqa: S101 - callers check
    k_live, o_live, b_live = keep.ids(), other.ids(), base.ids()
    # Other's deletions since the base (a cherry-pick brings no older ones; a merge's keep
    # has those already).
    deleted = _retired_ids(keep) | (_retired_ids(other) - _retired_ids(base))
    for live, descends in zip((k_live, o_live), lineage, strict=True):
        deleted |= {i for i in b_live if descends and i not in live}
    merged = MergedModel(copy.deepcopy(keep.record), keep.versions.fmt, {}, [])
    for version_id, number in k_live.items():
        if version_id in deleted:
            continue
        theirs_number, base_number = o_live.get(version_id), b_live.get(version_id)
        merged.versions[number] = _both(
            name, number, (base, base_number), keep, (other, theirs_number), report
        )
        merged.numbers[version_id] = number
    final = _place_other(name, keep, other, base.number_ids(), deleted, merged, report)
    _merge_fields(merged.record, base.record, keep.record, other.record, report, name)
    _retire(merged, keep, other, deleted, final)
    _replay(name, base, keep, other, deleted, final, merged, report)
    return merged


def _retired_ids(side: ModelSide) -> set[str]:
    record = side.record
    if record is None:
        return set()
    return {i for n, i in record.version_ids.items() if i and n in record.retired_numbers}


def _both(
    name: str,
    number: int,
    base_at: tuple[ModelSide, int | None],
    keep: ModelSide,
    other_at: tuple[ModelSide, int | None],
    report: MergeReport,
) -> Version:
    """``keep``'s version (its very bytes when ``other`` has the same), merged key by key
    with ``other``'s changes to it."""
    (base, base_number), (other, theirs_number) = base_at, other_at
    if theirs_number is None or other.versions.raw[theirs_number] == keep.versions.raw[number]:
        return keep.versions.raw[number]
    mine = keep.versions[number]
    if other.versions[theirs_number] == mine:
        return keep.versions.raw[number]
    was = base.versions.get(base_number) if base_number is not None else None
    data, clashes = merge_keys(was, mine, other.versions[theirs_number])
    data["number"] = number
    for key in clashes:
        report.note(
            "clash",
            f"models/{name}/versions/{number}",
            f"both sides changed '{key}' of version {number}; {report.kept_numbers} kept",
        )
    return data


def _place_other(
    name: str,
    keep: ModelSide,
    other: ModelSide,
    b_known: dict[int, str],
    deleted: set[str],
    merged: MergedModel,
    report: MergeReport,
) -> dict[str, int]:
    """Give each new version of ``other`` (live or retired on its branch, and unknown to the
    base) its final number; returns id -> final number for every id either side knows."""
    taken: dict[int, str | None] = dict.fromkeys(
        keep.record.referenced_numbers() if keep.record else ()
    )
    taken.update(keep.number_ids())
    known = {i: n for n, i in taken.items() if i}
    o_ids = other.number_ids()
    used = set(taken) | set(o_ids) | set(other.record.referenced_numbers() if other.record else ())
    highest = max(used, default=0)
    b_ids = set(b_known.values())
    # A base version keep lacks keeps its base number only where keep has no other id there
    # (after a cherry-pick, the picked branch's version 2 is not main's version 2).
    final = {i: n for n, i in b_known.items() if taken.get(n) in (None, i)}
    final.update(known)
    for number, version_id in sorted(o_ids.items()):
        if version_id in known or version_id in b_ids:
            continue
        target = number
        if number in taken and taken[number] != version_id:
            highest += 1
            target = highest
            report.moved.append(Moved("model version", name, version_id, str(number), str(target)))
        taken[target] = version_id
        final[version_id] = target
        if number in other.versions and version_id not in deleted:
            merged.versions[target] = (
                other.versions.raw[number]
                if target == number
                else _renumbered(other.versions[number], number, target)
            )
            merged.numbers[version_id] = target
    return final


def _renumbered(data: dict[str, Any], old: int, new: int) -> dict[str, Any]:
    if old == new:
        return data
    moved = dict(data)
    moved["number"] = new
    if moved.get("name") == str(old):  # an unnamed version is named after its number
        moved["name"] = str(new)
    return moved


def _merge_fields(
    record: ModelRecord,
    base: ModelRecord | None,
    keep: ModelRecord,
    other: ModelRecord,
    report: MergeReport,
    name: str,
) -> None:
    keys = (*MODEL_TEXT_FIELDS, "tags", "save_models_to_registry")

    def fields(source: ModelRecord | None) -> dict[str, Any] | None:
        return None if source is None else {k: getattr(source, k) for k in keys}

    values, clashes = merge_keys(fields(base), fields(keep) or {}, fields(other) or {})
    for key, value in values.items():
        setattr(record, key, value)
    for key in clashes:
        report.note(
            "clash",
            f"models/{name}/model",
            f"both sides changed '{key}'; {report.kept_numbers} kept",
        )


def _retire(
    merged: MergedModel,
    keep: ModelSide,
    other: ModelSide,
    deleted: set[str],
    final: dict[str, int],
) -> None:
    """Stage holders start as ``keep``'s, minus deleted versions; retired numbers are both
    sides' (other's at their final numbers) plus every deleted version's. Retiring is by id:
    a number that a live version of another id holds in the merge is never retired."""
    record = merged.record
    ids: dict[int, str | None] = dict(record.version_ids)
    retired = set(record.retired_numbers)
    live = {number: version_id for version_id, number in merged.numbers.items()}
    for version_id in deleted:  # other's retired versions too: their ids are in ``deleted``
        number = final.get(version_id)
        if number is None or live.get(number, version_id) != version_id:
            continue
        record.stages = record.stages.without(number)
        retired.add(number)
        ids[number] = version_id
    record.retired_numbers = sorted(retired)
    for version_id, number in merged.numbers.items():
        ids[number] = version_id
    record.version_ids = ids


def _replay(
    name: str,
    base: ModelSide,
    keep: ModelSide,
    other: ModelSide,
    deleted: set[str],
    final: dict[str, int],
    merged: MergedModel,
    report: MergeReport,
) -> None:
    """History: ``keep``'s events, then ``other``'s events since the base (each once),
    renumbered, stage events replayed as promotions on the merged holders."""
    seen = {_key(e) for e in base.history} | {_key(e) for e in keep.history}
    o_ids = other.number_ids()
    fresh = [copy.deepcopy(e) for e in other.history if _key(e) not in seen]
    fresh = [e for e in fresh if not _elsewhere(name, e, o_ids, deleted, merged, report)]
    holders = merged.record.stages
    for event in fresh:
        _renumber_event(event, o_ids, final)
        if event.skipped is not None:
            continue
        if event.event == RECONCILE:
            event.skipped = "superseded by zenml resolve (model.yaml's holders were re-planned)"
        elif event.event == "stage":
            holders = _replay_stage(name, event, holders, deleted, merged, report)
    merged.record.stages = holders
    in_order = [e.seq for e in keep.history] == list(range(1, len(keep.history) + 1))
    merged.keep_verbatim = len(keep.history) if in_order else None
    events = sorted(keep.history, key=lambda e: e.seq) + fresh
    merged.history_changed = bool(fresh) or not in_order
    for seq, event in enumerate(events, start=1):
        event.seq = seq
    merged.history = events


def _elsewhere(
    name: str,
    event: HistoryEvent,
    o_ids: dict[int, str],
    deleted: set[str],
    merged: MergedModel,
    report: MergeReport,
) -> bool:
    """True (reported) for an event of a version this merge does not bring: a cherry-pick or
    a rebase step applies one commit's changes, so a promotion of a version an earlier commit
    of that branch registered names no version here (its base number may be another version
    of ours). It is left out, never applied to the wrong version: it comes with its branch."""
    number = event.version
    version_id = event.version_id or (o_ids.get(number) if isinstance(number, int) else None)
    if version_id is None or version_id in merged.numbers or version_id in deleted:
        return False
    report.note(
        "skipped",
        f"models/{name}/history.jsonl",
        f"event of {event.time} ({event.actor}) ({event.event} of version {number}, id "
        f"{version_id}) left out: that version is not on this branch (a cherry-pick brings "
        "only its commit's changes); it comes with a merge of its branch",
    )
    return True


def _renumber_event(event: HistoryEvent, o_ids: dict[int, str], final: dict[str, int]) -> None:
    if isinstance(event.version, int):
        event.version_id = event.version_id or o_ids.get(event.version)
        if event.version_id in final:
            old, event.version = event.version, final[event.version_id]
            if event.version_name == str(old):  # renamed with its number, as _renumbered does
                event.version_name = str(event.version)
    if isinstance(event.archived, int):
        event.archived_id = event.archived_id or o_ids.get(event.archived)
        if event.archived_id in final:
            event.archived = final[event.archived_id]


def _replay_stage(
    name: str,
    event: HistoryEvent,
    holders: StageHolders,
    deleted: set[str],
    merged: MergedModel,
    report: MergeReport,
) -> StageHolders:
    number = event.version
    where = f"models/{name}/history.jsonl"
    if event.version_id in deleted or not isinstance(number, int) or number not in merged.versions:
        return _skip(event, holders, report, where, "its version was deleted")
    try:
        target = ModelStages(event.to)
    except ValueError:
        return _skip(event, holders, report, where, f"unknown stage {event.to!r}")
    if event.gate is not None and not _gate_passes(name, event, holders, target, merged):
        return _skip(event, holders, report, where, "its recorded gate no longer passes")
    new, change = plan(holders, number, target, policies=Policies(), force=True, model=name)
    event.archived = change.archived
    event.archived_id = merged.record.version_ids.get(change.archived) if change.archived else None
    return new


def _skip(
    event: HistoryEvent, holders: StageHolders, report: MergeReport, where: str, why: str
) -> StageHolders:
    event.skipped = why
    report.note(
        "skipped",
        where,
        f"event of {event.time} ({event.actor}) moving version "
        f"{event.version} to {event.to} not replayed: {why}",
    )
    return holders


def _gate_passes(
    name: str, event: HistoryEvent, holders: StageHolders, target: ModelStages, merged: MergedModel
) -> bool:
    gate = event.gate or {}
    holder = holders.holder(target) if target in SINGLE_HOLDER_STAGES else None
    if holder is None or holder == event.version or not isinstance(gate.get("key"), str):
        return True

    def record(number: int) -> ModelVersionRecord:
        return ModelVersionRecord.from_manifest(name, merged.data(number), f"{name}/{number}")

    try:
        check_gate(
            name,
            record(int(event.version or 0)),
            record(holder),
            target,
            Gate(gate["key"], gate.get("direction") != "lower"),
        )
    except (ConflictError, InvalidInputError):
        return False
    return True


def _key(event: HistoryEvent) -> str:
    """An event's identity across branches: what happened, when and by whom, to which
    version (by id where recorded); never its sequence number, number or replay outcome,
    which a merge rewrites."""
    data = event.to_dict()
    for volatile in ("seq", "version_name", "archived", "archived_id", "skipped"):
        data.pop(volatile, None)
    if data.get("version_id"):
        data.pop("version")
    return json.dumps(data, sort_keys=True)
