"""The doctor's cache: what was already checked, keyed by each file's exact bytes.

``zenml doctor`` reads every version file on every run (it must see each byte), but parsing
and checking 100,000 YAML files is what costs; this cache lets a file whose bytes were checked
before skip both. Each entry maps a store-relative path to ``[size, blake2b-128 of the bytes,
facts]``, and is used only when the bytes read now have that size and digest: a file rewritten
with the same size and mtime, a ``git checkout``, a hand edit, all change the digest, so the
file is checked again. Nothing is trusted by stat. The facts are the per-file half of the
checks (``core/doctor/facts.py``); every check that compares files runs on every run.

Where it lives: no checkout may write it, or a commit could plant "this file is fine".
Inside a git work tree it is ``<git common dir>/zenml/doctor/<key>.json`` (as the payload
ledger, ``store/payload_trust.py``: git never checks out into the git dir); outside git it is
``.zenml/.cache/doctor.json`` (git-ignored, and there is no checkout). Every worktree of a
clone keeps its own file in the shared git dir, so a run that writes its cache also deletes
those of store folders that no longer exist (a removed worktree): at 100,000 versions each is
tens of MiB, and nothing else would ever remove them. It is read bounded and
never through a link, and only used when its header names this code, this store folder and
the folder's inode (a cache copied in with a project, or from another clone, names another
inode); anything else in it (a truncated, corrupt, hand-made or foreign file, a malformed
entry) is ignored and rebuilt, never an error. ``zenml doctor --no-cache`` neither reads nor
writes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from zenml_cli.store import codec
from zenml_cli.store.bounded import ReadRefused, open_bounded, read_cache, read_manifest
from zenml_cli.store.git_place import git_place
from zenml_cli.store.layout import CACHE_DIR
from zenml_cli.store.manifest_cache import atomic_replace

if TYPE_CHECKING:
    from zenml_cli.store.store import Store

CACHE_FORMAT = 2
_FILE = "doctor.json"
#: The names ``cache_file`` gives inside the git dir (temp files and anything else are left).
_KEYED_NAME = re.compile(r"[0-9a-f]{24}\.json")
#: Every cache file starts with its store folder: ``{"store":["<as spelled>","<resolved>"]``.
_STORE_HEAD = '{"store":'
#: How much of a sibling's start is read to find its store folder (two paths, JSON-escaped).
_HEAD_BYTES = 64 * 1024


class CacheKey(NamedTuple):
    """A file's store-relative path and ``"<size> <digest> "`` of the bytes read."""

    relative: str
    stamp: str


class VersionBytes(NamedTuple):
    """What ``read_version`` read: the bytes, their key (None with the cache off) and the
    facts cached for exactly those bytes (None on a miss)."""

    raw: bytes
    key: CacheKey | None
    cached: object | None


def _digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def cache_file(store_dir: Path) -> Path:
    """Where the doctor's cache of ``store_dir`` (a ``.zenml`` folder) lives."""
    place = git_place(store_dir.parent)
    if place is None:
        return store_dir / CACHE_DIR / _FILE
    key = hashlib.sha256(str(store_dir.resolve()).encode("utf-8", "surrogateescape"))
    return place.git_dir / "zenml" / "doctor" / f"{key.hexdigest()[:24]}.json"


def checker_stamp(version: str, code_files: list[str]) -> str:
    """Names the code that computed the facts: a changed check must not reuse old facts."""
    parts = [version]
    for name in code_files:
        try:
            info = os.stat(name)
        except OSError:
            return ""  # cannot tell which code this is: never match a cache
        parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
    return "|".join(parts)


class DoctorCache:
    """One doctor run's view of the cache: read it (maybe), serve hits, collect the entries of
    this run, and write them back. ``enabled=False`` reads every file and remembers nothing.

    An entry is one string, ``"<size> <digest> <facts as JSON>"``: 100,000 of them load in a
    fraction of a second and take a few tens of MiB, where nested lists took three times that.
    """

    def __init__(self, store: Store, checker: str, *, enabled: bool = True) -> None:
        self.store = store
        self._format = store.config.manifest_format  # read once, not once per file
        self.enabled = enabled and bool(checker)
        self.path = cache_file(store.dir) if self.enabled else None
        self._header = {
            # First, so a run of another worktree finds it cheaply (``_prune_siblings``):
            # the folder as spelled (problems name files by it) and as resolved.
            "store": [str(store.dir), str(store.dir.resolve())] if self.enabled else [],
            "format": CACHE_FORMAT,
            "checker": checker,
            "store_id": _folder_id(store.dir) if self.enabled else [],
            "manifest_format": self._format,
        }
        self._old: dict[str, Any] = self._load() if self.enabled else {}
        self._new: dict[str, str] = {}
        self._changed = False

    def _load(self) -> dict[str, Any]:
        assert self.path is not None
        raw = read_cache(self.path)
        if raw is None:
            return {}
        try:
            loaded = json.loads(raw)
        except (ValueError, RecursionError):
            return {}
        if not isinstance(loaded, dict) or not self._header["store_id"]:
            return {}
        if any(loaded.get(key) != value for key, value in self._header.items()):
            return {}
        files = loaded.get("files")
        return files if isinstance(files, dict) else {}

    def folder_prefix(self, model: str) -> str:
        """The versions folder of ``model`` with a trailing separator (file sources are this
        plus the file name, without building a path per file)."""
        return f"{self.store.layout.versions_dir(model)}{os.sep}"

    def read_version(self, model: str, entry: str, path: str) -> VersionBytes:
        """The bytes of version file ``entry`` of ``model`` at ``path`` (bounded, never
        through a link; CorruptManifestError naming it otherwise, FileNotFoundError when it is
        gone) and the facts cached for exactly these bytes, or None."""
        raw = read_manifest(path)
        if not self.enabled:
            return VersionBytes(raw, None, None)
        relative = f"models/{model}/versions/{entry}"
        stamp = f"{len(raw)} {_digest(raw)} "
        hit = self._old.get(relative)
        if isinstance(hit, str) and hit.startswith(stamp):
            try:
                facts = json.loads(hit[len(stamp) :])
            except (ValueError, RecursionError):
                facts = None
            if facts is not None:
                self._new[relative] = hit
                return VersionBytes(raw, CacheKey(relative, stamp), facts)
        return VersionBytes(raw, CacheKey(relative, stamp), None)

    def decode(self, raw: bytes, path: str) -> dict[str, Any]:
        """A manifest's data from bytes ``read_version`` returned (CorruptManifestError)."""
        return codec.decode(raw, self._format, path)

    def remember(self, key: CacheKey | None, facts: Any) -> None:
        """Keep ``facts`` (JSON-able) for the bytes ``key`` names (those just read)."""
        if key is not None:
            self._new[key.relative] = key.stamp + json.dumps(facts, separators=(",", ":"))
            self._changed = True

    def save(self) -> None:
        """Write this run's entries (files gone since the last run drop out), if anything
        differs from what was read; best effort: a cache that cannot be written is skipped."""
        if self.path is None or not (self._changed or len(self._new) != len(self._old)):
            return
        data = dict(self._header, files=self._new)
        atomic_replace(self.path, json.dumps(data, separators=(",", ":")).encode())
        if self.path.parent.name == "doctor":  # the shared place in the git dir
            _prune_siblings(self.path)


def _prune_siblings(ours: Path) -> None:
    """Delete the caches beside ``ours`` whose store folder is gone, or whose start is not a
    cache of this format (an older one, or a torn write): best effort, only files named as
    ``cache_file`` names them, never through a link."""
    try:
        siblings = [e for e in os.scandir(ours.parent) if _KEYED_NAME.fullmatch(e.name)]
    except OSError:
        return
    for entry in siblings:
        if entry.name == ours.name or entry.is_symlink():
            continue
        try:
            with open_bounded(entry.path, sys.maxsize) as handle:
                head = handle.read(_HEAD_BYTES)
        except (OSError, ReadRefused):
            continue  # gone meanwhile, or not a plain file: not ours to judge
        folder = _store_folder(head)
        if folder is None or not os.path.isdir(folder):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _store_folder(head: bytes) -> str | None:
    """The resolved store folder a cache file starts by naming, or None."""
    text = head.decode("utf-8", "replace")
    if not text.startswith(_STORE_HEAD):
        return None
    try:
        folders, _ = json.JSONDecoder().raw_decode(text, len(_STORE_HEAD))
    except ValueError:
        return None
    ok = type(folders) is list and len(folders) == 2 and all(type(f) is str for f in folders)
    return folders[1] if ok else None


def _folder_id(folder: Path) -> list[int]:
    """``[device, inode]`` of the store folder: a copy of the project (an archive, another
    clone) has another, so a cache that came with it never matches."""
    try:
        info = os.stat(folder)
    except OSError:
        return []
    return [info.st_dev, info.st_ino]
