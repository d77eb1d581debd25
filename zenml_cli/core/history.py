"""The audit trail: one JSON line per stage change, rename and delete, per model.

history.jsonl is append-only and merges by union in git, so two branches that both promote
keep both events. Events carry a sequence number (per model, from the file's last line) and
a UTC time; together they answer "what was in production at time T".

The write rule (as a journal's): every event is appended *before* the change it records, so a
crash can never lose the event of a change that happened; model.yaml (and, for a model rename,
the folder's name) is the commit. A crash between the two leaves the last event claiming a
change that did not happen: a stage change model.yaml's holders do not show, a delete of a
version model.yaml did not retire, a rename of a model whose folder still has its old name.
Every write that appends an event first calls ``reconcile``, which supersedes such a last event
with a ``reconcile`` event saying so; doctor reports one that nothing superseded yet
(``unfulfilled``).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from zenml_cli.core.actor import current_actor, current_ci_run, timestamp
from zenml_cli.errors import CorruptManifestError
from zenml_cli.limits import nesting_problem, too_deep
from zenml_cli.store import Store
from zenml_cli.store.codec import CONFLICT_PROBLEM


@dataclass
class HistoryEvent:
    seq: int
    time: str
    actor: str
    event: str  # "stage" | "rename" | "delete" | "model_rename"
    version: int | None = None
    version_name: str | None = None
    from_: Any = None
    to: Any = None
    archived: int | None = None
    message: str | None = None
    #: The ids of ``version`` and ``archived``: a number is unique on one branch only.
    version_id: str | None = None
    archived_id: str | None = None
    #: Why ``zenml resolve`` did not apply this event of a merged branch (its version was
    #: deleted, or its gate no longer passed); a skipped event changes no holder.
    skipped: str | None = None
    ci_run: str | None = None
    #: What a gated promotion compared (``--if-better``); written only when there was a gate.
    gate: dict[str, Any] | None = None
    #: True on the stage event of ``zenml model version rollback`` (written only then): a
    #: rollback is an ordinary stage event, so every replay of history handles it as one.
    rollback: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "seq": self.seq,
            "time": self.time,
            "actor": self.actor,
            "ci_run": self.ci_run,
            "event": self.event,
            "version": self.version,
            "version_id": self.version_id,
            "version_name": self.version_name,
            "from": self.from_,
            "to": self.to,
            "archived": self.archived,
            "archived_id": self.archived_id,
            "message": self.message,
        }
        if self.gate is not None:
            data["gate"] = self.gate
        if self.skipped is not None:
            data["skipped"] = self.skipped
        if self.rollback:
            data["rollback"] = True
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HistoryEvent:
        check_shape(data)
        return cls(
            seq=_seq(data),
            time=str(data["time"]),
            actor=str(data.get("actor", "")),
            event=str(data["event"]),
            version=data.get("version"),
            version_name=data.get("version_name"),
            from_=data.get("from"),
            to=data.get("to"),
            archived=data.get("archived"),
            message=data.get("message"),
            ci_run=data.get("ci_run"),
            gate=data.get("gate"),
            version_id=data.get("version_id"),
            archived_id=data.get("archived_id"),
            skipped=data.get("skipped"),
            rollback=data.get("rollback") is True,
        )


def record(
    store: Store,
    model: str,
    event: str,
    *,
    version: int | None = None,
    version_name: str | None = None,
    from_: Any = None,
    to: Any = None,
    archived: int | None = None,
    message: str | None = None,
    gate: dict[str, Any] | None = None,
    version_id: str | None = None,
    archived_id: str | None = None,
    rollback: bool = False,
) -> HistoryEvent:
    """Append one event. Call with the model's lock held, *before* the manifest write it records
    (intent first: a failed append leaves the manifests untouched)."""
    last = store.last_history_line(model)
    seq = 1
    if last:
        try:
            seq = _seq(json.loads(last)) + 1
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            seq = len(store.history_lines(model)) + 1  # a hand-mangled last line: count instead
    entry = HistoryEvent(
        seq=seq,
        time=timestamp(store.clock()),
        actor=current_actor(),
        ci_run=current_ci_run(),
        event=event,
        version=version,
        version_name=version_name,
        from_=from_,
        to=to,
        archived=archived,
        message=message,
        gate=gate,
        version_id=version_id,
        archived_id=archived_id,
        rollback=rollback,
    )
    store.append_history(model, json.dumps(entry.to_dict(), ensure_ascii=False).encode("utf-8"))
    return entry


def read(store: Store, model: str) -> list[HistoryEvent]:
    """Every event of a model in file order (git's union merge may interleave branches)."""
    return _parse(store, model, store.history_lines(model), 0)


def _parse(store: Store, model: str, lines: list[bytes], skipped: int) -> list[HistoryEvent]:
    """The events of ``lines``, which follow the history file's first ``skipped`` lines."""
    events = []
    for number, line in enumerate(lines, start=skipped + 1):
        if line.startswith((b"<<<<<<<", b"=======", b">>>>>>>")):  # no union merge driver
            raise CorruptManifestError(f"{store.history_source(model)}:{number}", CONFLICT_PROBLEM)
        try:
            events.append(HistoryEvent.from_dict(json.loads(line)))
        except RecursionError:
            source = f"{store.history_source(model)}:{number}"
            raise CorruptManifestError(source, nesting_problem()) from None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            source = f"{store.history_source(model)}:{number}"
            raise CorruptManifestError(source, f"not a valid history event ({exc})") from exc
    return events


#: The type each known field of an event must have (a line is untrusted input: a ``version``
#: that is a mapping, or a ``time`` that is a list, must fail the read, not a later sort).
_TEXT, _NUMBER = (str, type(None)), (int, type(None))
_SHAPES: dict[str, tuple[type, ...]] = {
    "time": (str,),
    "event": (str,),
    "actor": _TEXT,
    "ci_run": _TEXT,
    "version": _NUMBER,
    "version_name": _TEXT,
    "archived": _NUMBER,
    "version_id": _TEXT,
    "archived_id": _TEXT,
    "skipped": _TEXT,
    "message": _TEXT,
    "gate": (dict, type(None)),
    "from": (str, int, dict, type(None)),
    "to": (str, int, dict, type(None)),
}


def check_shape(data: object) -> None:
    """ValueError naming the first field of an event line that has the wrong shape."""
    if not isinstance(data, dict):
        raise ValueError(f"an event is a JSON object, not {type(data).__name__}")
    if too_deep(data):
        raise ValueError(nesting_problem())
    for key, kinds in _SHAPES.items():
        value = data.get(key)
        if key in ("time", "event") and key not in data:
            raise ValueError(f"it has no {key!r}")
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise ValueError(f"{key!r} is {type(value).__name__} {_short(value)}")
    if data.get("rollback") not in (None, True, False):
        raise ValueError(f"'rollback' is {_short(data['rollback'])}, not true or false")


def _short(value: object) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _seq(data: dict[str, Any]) -> int:
    """An event's sequence number: a positive JSON integer (not ``1e400``, ``true``, ``"3"``)."""
    seq = data["seq"]
    if type(seq) is not int or seq < 1:
        raise ValueError(f"seq {seq!r} is not a positive integer")
    return seq


#: Who holds staging and production (a version number, or None).
Holders = dict[str, int | None]


def replay_order(events: list[HistoryEvent]) -> list[HistoryEvent]:
    """Events in the order they are replayed, as a journal is: by sequence number; events
    sharing a number (a union merge of two branches) keep file order. Clocks can move back,
    so time never orders events."""
    return sorted(events, key=lambda e: e.seq)


def replay(events: list[HistoryEvent]) -> list[tuple[HistoryEvent, Holders]]:
    """Every event in replay order with who held staging and production right after it: the
    one replay of a model's history (``holders_at``, the dashboard's timeline)."""
    holders: Holders = {"staging": None, "production": None}
    steps = []
    for event in replay_order(events):
        holders = _apply(holders, event)
        steps.append((event, holders))
    return steps


def holders_at(events: list[HistoryEvent], moment: str | None = None) -> Holders:
    """Who held staging and production at ``moment`` (an ISO time; None: now): the replay
    stops after the last event (in replay order) stamped at or before ``moment``."""
    steps = replay(events)
    if moment is not None:
        stop = max((i for i, (e, _) in enumerate(steps) if e.time <= moment), default=-1)
        steps = steps[: stop + 1]
    return dict(steps[-1][1]) if steps else {"staging": None, "production": None}


def _apply(before: Holders, event: HistoryEvent) -> Holders:
    """The holders after ``event`` (a new dict; ``before`` is left as it was)."""
    holders = dict(before)
    if event.skipped is not None:  # replayed by resolve but not applied: changes no holder
        return holders
    if event.event == "stage":
        for stage, holder in holders.items():
            if holder == event.version and event.to != stage:
                holders[stage] = None
        if isinstance(event.to, str) and event.to in holders:  # a hand-edited line may not be
            holders[event.to] = event.version
    elif event.event == "delete":
        for stage, holder in holders.items():
            if holder == event.version:
                holders[stage] = None
    elif event.event == RECONCILE and isinstance(event.to, dict):
        for stage in holders:
            holders[stage] = event.to.get(stage)
    return holders


#: The event a write appends when it finds history ahead of model.yaml (see ``reconcile``).
RECONCILE = "reconcile"


def reconcile(
    store: Store,
    model: str,
    staging: int | None,
    production: int | None,
    note: str | None = None,
    *,
    retired: Collection[int] | None = None,
) -> None:
    """Bring history into agreement with model.yaml before a write appends its own event (call
    with the model's lock held). Events are appended before model.yaml is written, so a crash
    or failure between the two leaves history ahead: model.yaml is the commit, as in a
    rollback journal, so the change did not happen, and a ``reconcile`` event says so (with
    model.yaml's holders, and naming the delete or rename that did not happen). ``retired``:
    model.yaml's retired numbers (None: deletes are not checked). Costs one read of the file's
    tail unless the last event is not reflected in model.yaml.
    ``note`` is the ``-m`` of the write that found it, kept in the event: that write may
    change nothing else (a promotion to where the version already is)."""
    held = {"staging": staging, "production": production}
    last = store.last_history_line(model)
    if not last:
        return
    try:
        event = HistoryEvent.from_dict(json.loads(last))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return  # doctor reports a mangled line; a write need not stop for it
    if event.event not in ("stage", "delete", "model_rename"):
        return
    undone = unfulfilled(event, model, retired)
    try:
        replayed = _holders_now(store, model)
    except CorruptManifestError:
        return
    if replayed != held or undone is not None:
        why = "history was ahead of model.yaml (an interrupted write or a merge)"
        named = event.event == "delete" and undone is not None  # per-version history shows it
        record(
            store,
            model,
            RECONCILE,
            version=event.version if named else None,
            version_id=event.version_id if named else None,
            from_=replayed,
            to=held,
            message=(undone or why)
            + "; model.yaml's holders stand"
            + (f"; {note}" if note else ""),
        )


def unfulfilled(event: HistoryEvent, model: str, retired: Collection[int] | None) -> str | None:
    """Why a delete or model rename ``event`` in ``model``'s history did not happen (None when
    it did, or is no such event): a deleted version is retired in model.yaml before its file
    goes, and a renamed model's history moves with its folder."""
    if event.event == "delete" and retired is not None and event.version not in retired:
        return (
            f"the delete of version {event.version} (seq {event.seq}) did not happen: "
            "model.yaml does not retire it (an interrupted write)"
        )
    if event.event == "model_rename" and event.to != model:
        return (
            f"the rename of model '{event.from_}' to '{event.to}' (seq {event.seq}) did not "
            f"happen: the model is still '{model}' (an interrupted write)"
        )
    return None


#: ``(store folder, model)`` -> ``(lines, CRC-32 of them, highest seq, holders after them)``:
#: how far this process already replayed each history it reconciled.
_REPLAYED: dict[tuple[str, str], tuple[int, int, int, Holders]] = {}


def _holders_now(store: Store, model: str) -> Holders:
    """``holders_at(read(store, model))``, replaying only the lines added since this process
    last did, while the lines it replayed then are still the file's first ones, byte for byte
    (checked by CRC-32), and no new event sorts before them. Every promotion reconciles, and
    parsing a whole history of N events made the Nth promotion cost O(N) (issue 21)."""
    lines = store.history_lines(model)
    key = (str(store.dir), model)
    holders: Holders = {"staging": None, "production": None}
    done, top = 0, 0
    memo = _REPLAYED.get(key)
    if memo is not None and memo[0] <= len(lines):
        count, crc, highest, held = memo
        if zlib.crc32(b"\n".join(lines[:count])) == crc:
            done, top, holders = count, highest, dict(held)
    new = _parse(store, model, lines[done:], done)
    if any(event.seq < top for event in new):  # a merge put an event before them: replay all
        new, holders = read(store, model), {"staging": None, "production": None}
    for event in replay_order(new):
        holders = _apply(holders, event)
        top = max(top, event.seq)
    _REPLAYED[key] = (len(lines), zlib.crc32(b"\n".join(lines)), top, dict(holders))
    return holders
