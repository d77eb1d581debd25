"""One side of a merge: the ``.zenml/`` tree of a commit, as decoded registry records.

``files`` maps paths relative to ``.zenml/`` to their bytes, as ``store/git/tree.py`` reads
them from git (never from a checkout). Only the registry's own files are decoded; every other
file (config, git files) is carried as bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from zenml_cli.core.history import HistoryEvent
from zenml_cli.core.records import ModelRecord
from zenml_cli.digits import is_number_text
from zenml_cli.errors import CorruptManifestError
from zenml_cli.store import codec
from zenml_cli.store.layout import ARTIFACT_RETIRED_FILE

Files = dict[str, bytes]


class VersionFiles(Mapping[int, dict[str, Any]]):
    """A side's version manifests by number, decoded only when asked: a merge needs every
    version's id but the contents of only the few versions that changed or move, and decoding
    YAML is what a resolve of thousands of versions would otherwise spend its time on."""

    def __init__(self, fmt: str, folder: str) -> None:
        self.fmt, self.folder = fmt, folder
        self.raw: dict[int, bytes] = {}
        self.id_of: dict[int, str] = {}
        self._decoded: dict[int, dict[str, Any]] = {}

    def add(self, number: int, raw: bytes) -> None:
        self.raw[number] = raw
        found = _quick_id(raw, self.fmt, number)
        self.id_of[number] = found if found is not None else self._check(number)["id"]

    def _check(self, number: int) -> dict[str, Any]:
        data = self[number]
        if data.get("number") != number or not isinstance(data.get("id"), str):
            raise CorruptManifestError(
                f"{self.folder}/{number}.{self.fmt}",
                "a version manifest needs its own number and an id",
            )
        return data

    def __getitem__(self, number: int) -> dict[str, Any]:
        data = self._decoded.get(number)
        if data is None:
            path = f"{self.folder}/{number}.{self.fmt}"
            data = self._decoded[number] = _decode(self.raw[number], self.fmt, path)
        return data

    def __iter__(self) -> Iterator[int]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)

    def __contains__(self, number: object) -> bool:
        return number in self.raw


_YAML_ID = re.compile(rb"^id: ([0-9A-Za-z-]+)$", re.MULTILINE)
_YAML_NUMBER = re.compile(rb"^number: ([0-9]+)$", re.MULTILINE)
_JSON_ID = re.compile(rb'^  "id": "([0-9A-Za-z-]+)",?$', re.MULTILINE)
_JSON_NUMBER = re.compile(rb'^  "number": ([0-9]+),?$', re.MULTILINE)


#: How a manifest of a readable format starts, as the codec writes it.
_KNOWN_STARTS = {
    "yaml": tuple(f"format: {n}\n".encode() for n in codec.READABLE_FORMATS),
    "json": tuple(f'{{\n  "format": {n},'.encode() for n in codec.READABLE_FORMATS),
}


def _quick_id(raw: bytes, fmt: str, number: int) -> str | None:
    """The id of a version manifest as zenml-cli writes it (top-level ``id`` and ``number``
    lines), without parsing it; None sends anything else through the full decode."""
    if codec.UNRESOLVED_KEY.encode() in raw or not raw.startswith(_KNOWN_STARTS.get(fmt, ())):
        return None
    id_pattern, number_pattern = (
        (_JSON_ID, _JSON_NUMBER) if fmt == "json" else (_YAML_ID, _YAML_NUMBER)
    )
    ids, numbers = id_pattern.findall(raw), number_pattern.findall(raw)
    if len(ids) != 1 or numbers != [str(number).encode()]:
        return None
    return bytes(ids[0]).decode()


@dataclass
class ModelSide:
    """One model on one side: model.yaml, its versions by number, its history."""

    record: ModelRecord | None
    raw_model: bytes | None
    versions: VersionFiles
    history: list[HistoryEvent] = field(default_factory=list)

    def ids(self) -> dict[str, int]:
        """Live versions' ids -> numbers."""
        return {version_id: number for number, version_id in self.versions.id_of.items()}

    def number_ids(self) -> dict[int, str]:
        """Every number this side ever used -> its id (live versions, and the ids model.yaml
        names for holders and retired numbers)."""
        known = {n: i for n, i in (self.record.version_ids.items() if self.record else ()) if i}
        known.update(self.versions.id_of)
        return known


@dataclass
class Side:
    """A whole ``.zenml/`` tree, decoded."""

    fmt: str
    models: dict[str, ModelSide] = field(default_factory=dict)
    artifacts: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    #: Deleted artifact versions per name: version -> {"version", "number", "id"}.
    artifact_retired: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
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
    data = codec.decode(raw, "yaml", ".zenml/config.yaml")
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
        elif parts[0] == "artifacts" and len(parts) == 3 and parts[2] == ARTIFACT_RETIRED_FILE:
            side.artifact_retired[parts[1]] = _retired_lines(raw, path)
            side.raw[path] = raw
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
    model = side.models.get(name)
    if model is None:
        folder = f"models/{name}/versions"
        model = side.models[name] = ModelSide(None, None, VersionFiles(side.fmt, folder))
    path = "/".join(parts)
    if rest == "model" + ext:
        data = _decode(raw, side.fmt, path)
        model.record = ModelRecord.from_manifest(name, data, path)
        model.raw_model = raw
        side.raw[path] = raw
    elif rest.startswith("versions/") and rest.endswith(ext) and rest.count("/") == 1:
        stem = rest[len("versions/") : -len(ext)]
        if not is_number_text(stem):
            raise CorruptManifestError(path, "unexpected file in a versions folder")
        model.versions.add(int(stem), raw)
        side.raw[path] = raw
    elif rest == "history.jsonl":
        model.history = _events(raw, path)
        side.raw[path] = raw
    else:
        side.other[path] = raw


def _retired_lines(raw: bytes, path: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            found[str(data["version"])] = data
        except (ValueError, KeyError, TypeError) as exc:
            raise CorruptManifestError(
                f"{path}:{number}", "not a valid deleted-version line"
            ) from exc
    return found


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
    return codec.decode(raw, fmt, f".zenml/{path}")
