"""The git merge driver (``zenml git install``): merges one store file at a time, which is
all git hands a driver (``%O %A %B``: base, ours, theirs; ``%P``: the path).

A driver cannot renumber: that needs every file of the store. So it merges what one file
allows (history: ours' events then theirs' new ones, re-sequenced; model.yaml: key by key, with
theirs' stage changes applied after ours'; a version, artifact or run both sides changed: key
by key) and reports a collision (the same number naming two ids) as a conflict whose message
says ``zenml resolve``. After a clean merge, the post-merge hook's ``zenml resolve`` re-plans
the whole store from the three commits anyway, so the driver only has to keep git going; where
no hook follows (a stash pop, an autostash, ``checkout -m``) it stops git instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zenml_cli.core.history import HistoryEvent
from zenml_cli.core.merge.keys import merge_keys
from zenml_cli.core.records import ModelRecord, StageHolders
from zenml_cli.errors import CorruptManifestError
from zenml_cli.store import codec
from zenml_cli.store.git.operation import stop_reason
from zenml_cli.store.git.state import picking_several
from zenml_cli.store.layout import ARTIFACT_RETIRED_FILE

HINT = "run 'zenml resolve' (it renumbers the other branch's version and rewrites its references)"


@dataclass
class DriverResult:
    merged: bytes
    #: None: merged cleanly; else the one-line reason git should stop.
    conflict: str | None = None
    #: A collision left for ``zenml resolve`` (the file is marked, so every read says so).
    deferred: str | None = None


def format_of(path: str) -> str:
    """The encoding of store file ``path``, from its name: a driver may run where no store
    can be located, so it cannot ask the store's config."""
    return "json" if path.endswith(".json") else "yaml"


def merge_file(path: str, base: bytes, ours: bytes, theirs: bytes, fmt: str) -> DriverResult:
    """Merge one store file; ``fmt`` is the store's manifest encoding."""
    if path.endswith("history.jsonl"):
        return DriverResult(merge_history(base, ours, theirs))
    if path.endswith(ARTIFACT_RETIRED_FILE):  # deleted artifact versions: a set of lines
        kept = [line for line in ours.splitlines() if line.strip()]
        kept += [line for line in theirs.splitlines() if line.strip() and line not in kept]
        return DriverResult(b"".join(line + b"\n" for line in kept))
    try:
        sides = [_decode(raw, fmt, path) for raw in (base, ours, theirs)]
    except CorruptManifestError as exc:
        return DriverResult(ours, f"{path}: {exc.problem}; {HINT}")
    was, mine, other = sides
    if mine.get("id") != other.get("id") and not path.endswith("/model." + fmt):
        return _defer(
            mine,
            fmt,
            f"{path}: both branches wrote this file for different versions (ids "
            f"{mine.get('id')} and {other.get('id')})",
        )
    if path.endswith("/model." + fmt):
        return _merge_model(path, was, mine, other, fmt, ours)
    merged, _clashes = merge_keys(was or None, mine, other)
    return DriverResult(codec.encode(merged, fmt))


def merge_history(base: bytes, ours: bytes, theirs: bytes) -> bytes:
    """Ours' events, then theirs' events that neither the base nor ours has, re-sequenced."""
    seen = {_event_key(line) for line in (*base.splitlines(), *ours.splitlines())}
    lines = [line for line in ours.splitlines() if line.strip()]
    lines += [line for line in theirs.splitlines() if line.strip() and _event_key(line) not in seen]
    out = []
    for seq, line in enumerate(lines, start=1):
        try:
            event = HistoryEvent.from_dict(json.loads(line))
        except (ValueError, KeyError, TypeError, AttributeError):
            out.append(line)  # doctor names a mangled line; the driver keeps it as it was
            continue
        event.seq = seq
        out.append(json.dumps(event.to_dict(), ensure_ascii=False).encode("utf-8"))
    return b"\n".join(out) + b"\n" if out else b""


def _event_key(line: bytes) -> bytes:
    try:
        data = json.loads(line)
        data.pop("seq", None)
        return json.dumps(data, sort_keys=True).encode()
    except (ValueError, AttributeError):
        return line


def _merge_model(
    path: str,
    was: dict[str, Any],
    mine: dict[str, Any],
    other: dict[str, Any],
    fmt: str,
    raw: bytes,
) -> DriverResult:
    try:
        base = ModelRecord.from_manifest("m", was, path) if was else None
        ours = ModelRecord.from_manifest("m", mine, path)
        theirs = ModelRecord.from_manifest("m", other, path)
    except CorruptManifestError as exc:
        return DriverResult(raw, f"{path}: {exc.problem}; {HINT}")
    for number, version_id in theirs.version_ids.items():
        known = ours.version_ids.get(number)
        if known and version_id and known != version_id:
            return _defer(
                mine,
                fmt,
                f"{path}: version {number} is id {known} on one branch and {version_id} on "
                "the other",
            )
    fields = {k: v for k, v in mine.items() if k not in ("stages", "retired", "retired_numbers")}
    their_fields = {
        k: v for k, v in other.items() if k not in ("stages", "retired", "retired_numbers")
    }
    base_fields = {
        k: v for k, v in (was or {}).items() if k not in ("stages", "retired", "retired_numbers")
    }
    merged_fields, _clashes = merge_keys(base_fields or None, fields, their_fields)
    result = ModelRecord.from_manifest("m", {**mine, **merged_fields}, path)
    result.stages = _stages(base.stages if base else StageHolders(), ours.stages, theirs.stages)
    result.retired_numbers = sorted({*ours.retired_numbers, *theirs.retired_numbers})
    result.version_ids = {**theirs.version_ids, **ours.version_ids}
    for number in result.retired_numbers:
        result.stages = result.stages.without(number)
    wanted = result.referenced_numbers()
    result.version_ids = {n: i for n, i in result.version_ids.items() if n in wanted}
    return DriverResult(codec.encode(result.to_manifest(), fmt))


def stop_where_no_hook_follows(result: DriverResult, top: Path) -> DriverResult:
    """``result``, with a deferred collision made a conflict (git stops, and keeps a stash)
    unless a hook is sure to re-plan the store after the git command running this driver
    in the work tree at ``top`` (``operation.stop_reason``): a ``git stash pop`` that went
    on would drop the stash holding the other version; a cherry-pick of several commits
    goes on to the next pick, where no hook may commit a resolution in between."""
    if result.deferred is None:
        return result
    why = stop_reason(picking_several(top))
    if why is None:
        return result
    return DriverResult(result.merged, conflict=f"{result.deferred}; {why}")


def _defer(mine: dict[str, Any], fmt: str, why: str) -> DriverResult:
    """Ours' file, marked as an unresolved merge: git goes on (so the post-merge or
    post-rewrite hook can re-plan the whole store from the commits), and until then every
    read of the file fails naming ``zenml resolve`` (never a silent pick of one side)."""
    marked = {**mine, codec.UNRESOLVED_KEY: why}
    return DriverResult(codec.encode(marked, fmt), deferred=f"{why}; {HINT}")


def _stages(base: StageHolders, ours: StageHolders, theirs: StageHolders) -> StageHolders:
    """Ours' holders, then theirs' changes since the base applied after them (a replaced
    holder is archived, as in any promotion)."""
    result = StageHolders(ours.staging, ours.production, list(ours.archived))
    for stage in ("staging", "production"):
        new = getattr(theirs, stage)
        if new == getattr(base, stage) or new == getattr(result, stage):
            continue
        previous = getattr(result, stage)
        result = result.without(new) if new is not None else result
        setattr(result, stage, new)
        if previous is not None and previous != new:
            result.archived.append(previous)
    result.archived = sorted(
        {*result.archived, *(n for n in theirs.archived if n not in base.archived)}
        - {result.staging, result.production}
    )
    return result


def _decode(raw: bytes, fmt: str, path: str) -> dict[str, Any]:
    if not raw.strip():
        return {}
    return codec.decode(raw, fmt, path)
