"""The common writes in a serializable form, so that another runner can apply them.

With ``--push``, a runner that loses the race for the remote branch queues its write on the
remote as a pending *intent* (``store/git/batch.py``) and whoever lands next applies every
pending intent in the same commit. An intent is therefore data, never code: a kind and its
arguments as JSON, decoded and checked here before anything runs (it comes from the remote,
which is untrusted input, DESIGN section 12).

Three kinds cover what CI runners do at scale: registering a version (``create_version``),
updating or promoting one (``update_version``, with ``--if-current`` and ``--if-better``), and
logging metadata (``log_version_metadata``). Other writes run as before: re-planned by their
own process on every attempt.

The lander applies an intent with the owner's actor and CI run (``actor.acting_as``), so the
history says who did what. It returns an *outcome*, a small JSON object written into the
landing commit, from which the owner rebuilds its result on the landed tree (``resume``): the
version as that commit left it, and for an update what moved and what was archived.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from zenml_cli.core.actor import acting_as
from zenml_cli.core.refs import VersionRef
from zenml_cli.core.stages.gates import Gate, IfCurrent
from zenml_cli.enums import ModelStages
from zenml_cli.errors import InvalidInputError

if TYPE_CHECKING:
    from zenml_cli.core.records import ModelVersionRecord
    from zenml_cli.store import Store

CREATE = "create_version"
UPDATE = "update_version"
METADATA = "log_version_metadata"
KINDS = (CREATE, UPDATE, METADATA)
_CREATE_FIELDS = ("description", "tags", "producing_run", "metadata")
_UPDATE_FIELDS = (
    "stage", "force", "name", "description", "add_tags", "remove_tags", "message", "metadata",
)  # fmt: skip


@dataclass(frozen=True)
class Request:
    """One write as data: ``kind`` and JSON ``args`` (see the ``*_request`` builders)."""

    kind: str
    args: dict[str, Any]


def _json_exact(args: dict[str, Any]) -> bool:
    """True when ``args`` survive a JSON round trip unchanged (else the write is not queued:
    a tuple, a NaN or a custom object would land as something else)."""
    try:
        return bool(json.loads(json.dumps(args, allow_nan=False)) == args)
    except (TypeError, ValueError):
        return False


def _ref(ref: VersionRef) -> dict[str, Any]:
    if ref.number is not None:
        return {"number": ref.number}
    if ref.stage is not None:
        return {"stage": ref.stage.value}
    return {"name": ref.name}


def create_request(model: str, name: str | None, fields: dict[str, Any]) -> Request | None:
    if set(fields) - set(_CREATE_FIELDS):
        return None
    args = {"model": model, "name": name, **fields}
    return Request(CREATE, args) if _json_exact(args) else None


def update_request(model: str, ref: VersionRef, changes: dict[str, Any]) -> Request | None:
    plain = {k: v for k, v in changes.items() if k not in ("if_better", "if_current")}
    if set(plain) - set(_UPDATE_FIELDS):
        return None
    if isinstance(plain.get("stage"), ModelStages):
        plain["stage"] = plain["stage"].value
    gate, current = changes.get("if_better"), changes.get("if_current")
    args: dict[str, Any] = {"model": model, "ref": _ref(ref), "changes": plain}
    if isinstance(gate, Gate):
        args["if_better"] = {"key": gate.key, "higher": gate.higher_is_better}
    if isinstance(current, IfCurrent):
        args["if_current"] = {"number": current.number}
    return Request(UPDATE, args) if _json_exact(args) else None


def metadata_request(model: str, ref: VersionRef, metadata: dict[str, Any]) -> Request | None:
    args = {"model": model, "ref": _ref(ref), "metadata": metadata}
    return Request(METADATA, args) if _json_exact(args) else None


# ----------------------------------------------------------------------------- decoding
def _need(args: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = args.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise InvalidInputError(f"queued write: {key!r} is missing or of the wrong type")
    return value


def _decode_ref(raw: Any) -> VersionRef:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise InvalidInputError("queued write: a version reference is one of number/stage/name")
    ((key, value),) = raw.items()
    if key == "number" and isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return VersionRef(number=value)
    if key == "stage" and isinstance(value, str) and value in ModelStages._value2member_map_:
        return VersionRef(stage=ModelStages(value))
    if key == "name" and isinstance(value, str) and value:
        return VersionRef(name=value)
    raise InvalidInputError("queued write: a version reference is malformed")


def _only(args: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(args) - set(allowed)
    if unknown:
        raise InvalidInputError(f"queued write: unknown field(s) {sorted(unknown)}")
    return args


# ----------------------------------------------------------------------------- applying
def apply(store: Store, request: Request) -> tuple[Any, dict[str, Any]]:
    """Run ``request`` on ``store``: ``(the result the owner would have got, its outcome)``.
    Raises what the write itself raises (a gate, a precondition, a name taken) or
    InvalidInputError for a malformed request; the caller then leaves it to its owner."""
    from zenml_cli.core import links, versions  # only a pushed write applies requests

    args = request.args
    model = _need(args, "model", str)
    if request.kind == CREATE:
        _only(args, ("model", "name", *_CREATE_FIELDS))
        fields = {k: args[k] for k in _CREATE_FIELDS if k in args}
        name = args.get("name")
        if name is not None and not isinstance(name, str):
            raise InvalidInputError("queued write: a version name must be text")
        created = versions.create_version(store, model, name, **fields)
        return created, {"number": created.number}
    if request.kind == UPDATE:
        _only(args, ("model", "ref", "changes", "if_better", "if_current"))
        changes = dict(_only(_need(args, "changes", dict), _UPDATE_FIELDS))
        if "if_better" in args:
            gate = _need(args, "if_better", dict)
            changes["if_better"] = Gate(str(gate.get("key")), bool(gate.get("higher", True)))
        if "if_current" in args:
            number = _need(args, "if_current", dict).get("number")
            changes["if_current"] = IfCurrent.parse("none" if number is None else number)
        done = versions.update_version(store, model, _decode_ref(args.get("ref")), **changes)
        change = done.stage_change
        return done, {
            "number": done.version.number,
            "change": None if change is None else [
                change.from_stage.value, change.to_stage.value, change.archived,
            ],
            "renamed_from": done.renamed_from,
            "gate": done.gate,
        }  # fmt: skip
    if request.kind == METADATA:
        _only(args, ("model", "ref", "metadata"))
        metadata = _need(args, "metadata", dict)
        record = links.add_metadata(store, model, _decode_ref(args.get("ref")), metadata)
        return record, {"number": record.number}
    raise InvalidInputError(f"queued write of unknown kind {request.kind!r}")


def apply_as(
    store: Store, request: Request, actor: str, ci_run: str | None
) -> tuple[Any, dict[str, Any]]:
    """``apply`` recorded as ``actor`` (the owner who queued it), not as this process."""
    with acting_as(actor, ci_run):
        return apply(store, request)


def resume(store: Store, request: Request, outcome: dict[str, Any]) -> Any:
    """The owner's result of ``request``, rebuilt from its ``outcome`` on the store as the
    landing commit left it (a later write in the same commit may show in the version)."""
    from zenml_cli.core import versions
    from zenml_cli.core.stages.policies import StageChange

    model = _need(request.args, "model", str)
    number = outcome.get("number")
    if not isinstance(number, int) or isinstance(number, bool):
        raise InvalidInputError("the landing commit's outcome names no version number")
    record: ModelVersionRecord = versions.get_version(store, model, VersionRef(number=number))
    if request.kind != UPDATE:
        return record
    raw = outcome.get("change")
    change = None
    if isinstance(raw, list) and len(raw) == 3:
        change = StageChange(number, ModelStages(raw[0]), ModelStages(raw[1]), raw[2])
    gate = outcome.get("gate")
    renamed = outcome.get("renamed_from")
    return versions.VersionUpdate(
        record, change, renamed if isinstance(renamed, str) else None,
        gate if isinstance(gate, dict) else None,
    )  # fmt: skip


@dataclass(frozen=True)
class Applier:
    """What the push engine needs to run queued writes on a private copy of the store:
    ``open_store(project_root)`` gives that copy as a Store; ``describe`` gives a commit
    line for a result."""

    open_store: Callable[[Any], Store]
    describe: Callable[[str, Any], str]

    def apply(
        self, root: Any, kind: str, args: dict[str, Any], actor: str, ci_run: str | None
    ) -> tuple[Any, dict[str, Any], str]:
        result, outcome = apply_as(self.open_store(root), Request(kind, args), actor, ci_run)
        return result, outcome, self.describe(kind, result)

    def resume(self, root: Any, kind: str, args: dict[str, Any], outcome: dict[str, Any]) -> Any:
        return resume(self.open_store(root), Request(kind, args), outcome)
