"""One side of a merge: the ``.zenml/`` tree of a commit, as decoded registry records.

``files`` maps paths relative to ``.zenml/`` to their bytes, as ``store/git_tree.py`` reads
them from git (never from a checkout). Only the registry's own files are decoded; every other
file (config, git files) is carried as bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zenml_cli.core.history import HistoryEvent
from zenml_cli.core.records import ModelRecord
from zenml_cli.errors import CorruptManifestError
from zenml_cli.store import codec

Files = dict[str, bytes]


@dataclass
class ModelSide:
    """One model on one side: model.yaml, its versions by number, its history."""

    record: ModelRecord | None
    raw_model: bytes | None
    versions: dict[int, dict[str, Any]] = field(default_factory=dict)
    history: list[HistoryEvent] = field(default_factory=list)

    def ids(self) -> dict[str, int]:
        """Live versions' ids -> numbers."""
        return {data["id"]: number for number, data in self.versions.items()}

    def number_ids(self) -> dict[int, str]:
        """Every number this side ever used -> its id (live versions, and the ids model.yaml
        names for holders and retired numbers)."""
        known = {n: i for n, i in (self.record.version_ids.items() if self.record else ()) if i}
        known.update({n: data["id"] for n, data in self.versions.items()})
        return known


@dataclass
class Side:
    """A whole ``.zenml/`` tree, decoded."""

    fmt: str
    models: dict[str, ModelSide] = field(default_factory=dict)
    artifacts: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)
    other: Files = field(default_factory=dict)
    #: The undecoded bytes of every registry file, to keep a file byte for byte when unchanged.
    raw: Files = field(default_factory=dict)
    #: The decoded manifest of each version, artifact and run file, by path.
    decoded: dict[str, dict[str, Any]] = field(default_factory=dict)


def manifest_format(files: Files) -> str:
    """The manifest encoding (yaml or json) config.yaml names; yaml when there is none."""
    raw = files.get("config.yaml")
    if raw is None:
        return "yaml"
    data = codec.decode(raw, "yaml", Path(".zenml/config.yaml"))
    fmt = data.get("manifest_format", "yaml")
    return fmt if fmt in codec.MANIFEST_FORMATS else "yaml"


def read_side(files: Files, fmt: str) -> Side:
    """Decode one side. A file that cannot be decoded raises CorruptManifestError naming it
    (a conflicted file must be resolved from the commits, never from the work tree)."""
    side = Side(fmt)
    ext = "." + fmt
    for path, raw in sorted(files.items()):
        parts = path.split("/")
        if parts[0] == "models" and len(parts) >= 3:
            _add_model_file(side, parts, raw, ext)
        elif parts[0] == "artifacts" and len(parts) == 3 and parts[2].endswith(ext):
            data = _decode(raw, fmt, path)
            side.artifacts.setdefault(parts[1], {})[parts[2][: -len(ext)]] = data
            side.raw[path], side.decoded[path] = raw, data
        elif parts[0] == "runs" and len(parts) == 2 and parts[1].endswith(ext):
            data = _decode(raw, fmt, path)
            side.runs[parts[1][: -len(ext)]] = data
            side.raw[path], side.decoded[path] = raw, data
        else:
            side.other[path] = raw
    return side


def _add_model_file(side: Side, parts: list[str], raw: bytes, ext: str) -> None:
    name, rest = parts[1], "/".join(parts[2:])
    model = side.models.setdefault(name, ModelSide(None, None))
    path = "/".join(parts)
    if rest == "model" + ext:
        data = _decode(raw, side.fmt, path)
        model.record = ModelRecord.from_manifest(name, data, path)
        model.raw_model = raw
        side.raw[path] = raw
    elif rest.startswith("versions/") and rest.endswith(ext) and rest.count("/") == 1:
        data = _decode(raw, side.fmt, path)
        number = data.get("number")
        if not isinstance(number, int) or not isinstance(data.get("id"), str):
            raise CorruptManifestError(path, "a version manifest needs a number and an id")
        model.versions[number] = data
        side.raw[path], side.decoded[path] = raw, data
    elif rest == "history.jsonl":
        model.history = _events(raw, path)
        side.raw[path] = raw
    else:
        side.other[path] = raw


def _events(raw: bytes, path: str) -> list[HistoryEvent]:
    events = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            events.append(HistoryEvent.from_dict(json.loads(line)))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CorruptManifestError(f"{path}:{number}", "not a valid history event") from exc
    return events


def _decode(raw: bytes, fmt: str, path: str) -> dict[str, Any]:
    return codec.decode(raw, fmt, Path(".zenml") / path)
