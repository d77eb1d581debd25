"""Fingerprints of the files a model's dashboard pages are drawn from, and the derived state
file a build keeps between runs, so a rebuild re-reads and re-renders only the models whose
files changed (issue 21.3).

A fingerprint is a digest of the stat key ``(mtime_ns, ctime_ns, size, inode)`` of every
input file (missing ones included, as missing): the config, the model's manifest and history,
each file of its versions folder, and the artifact and run manifests its versions link. Any
write replaces a file (new inode and ctime) and an in-place edit changes ctime, so a changed
input changes the fingerprint. A file changed within ``RACY_NS`` of taking the fingerprint
could change again within the same timestamp tick unseen; ``newest`` reports the latest
change time so the caller can refuse to trust such a fingerprint (``index.py`` does the same
for its entries).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

from zenml_cli.store.layout import CACHE_DIR, HISTORY_FILE, TEMP_PREFIX, is_safe_component
from zenml_cli.store.manifest_cache import read_checked_cache, stat_key, write_checked_cache
from zenml_cli.store.store_base import StoreBase

#: Bump when the state layout changes; an old state is then ignored (a full render).
STATE_FORMAT = b"zenml-cli-dashboard-state-1\n"
#: A state file larger than this is not one a build wrote (100,000 versions take ~10 MB).
MAX_STATE_BYTES = 256 << 20


class Fingerprint:
    """Collects ``(path, stat key)`` pairs; ``digest`` names them all, ``newest`` is the
    latest change. One ``marshal`` and one hash at the end: a model of 10,000 versions
    spends its time in ``stat``, not in formatting. (Marshal version 2 writes no
    back-references, so equal keys always give equal bytes.)"""

    def __init__(self) -> None:
        self._keys: list[tuple[str, int, int, int, int] | tuple[str]] = []
        self.newest = 0

    def add(self, path: str) -> None:
        try:
            st = os.stat(path, follow_symlinks=False)
        except OSError:
            self._keys.append((path,))  # missing: a file appearing changes the digest
            return
        self._keys.append((path, *stat_key(st)))
        self.newest = max(self.newest, st.st_mtime_ns, st.st_ctime_ns)

    def add_folder(self, folder: str) -> None:
        """Every entry of ``folder`` by name (temp files of a writer at work left out)."""
        try:
            with os.scandir(folder) as listing:
                found = [
                    (e.name, e.stat(follow_symlinks=False))
                    for e in listing
                    if not e.name.startswith(TEMP_PREFIX)
                ]
        except OSError:
            self._keys.append((folder,))
            return
        found.sort(key=lambda pair: pair[0])
        keys = [(n, *stat_key(s)) for n, s in found]
        self._keys.append((folder,))
        self._keys.extend(keys)
        if keys:
            self.newest = max(self.newest, *(max(k[1], k[2]) for k in keys))

    def digest(self) -> bytes:
        return hashlib.blake2b(marshal.dumps(self._keys, 2), digest_size=16).digest()


def model_fingerprint(
    store: StoreBase, name: str, artifacts: list[tuple[str, str]], runs: list[str]
) -> tuple[bytes, int]:
    """``(digest, newest change in ns)`` of what model ``name``'s pages are drawn from;
    ``artifacts`` are the (name, version) pairs and ``runs`` the run ids its versions link
    (as read the last time its pages were drawn). Plain strings, not ``Path``: a rebuild of
    10,000 models spends its time here."""
    layout, sep, ext = store.layout, os.sep, store.layout.ext
    found = Fingerprint()
    found.add(str(layout.config_file))
    if is_safe_component(name):
        folder = f"{layout.models_dir}{sep}{name}"
        found.add(folder)  # a rename away and back changes the folder's ctime
        found.add(f"{folder}{sep}{layout.model_file_name}")
        found.add(f"{folder}{sep}{HISTORY_FILE}")
        found.add_folder(f"{folder}{sep}versions")
    for artifact, version in artifacts:
        if is_safe_component(artifact) and is_safe_component(version + ext):
            found.add(str(layout.artifact_dir(artifact)))
            found.add(str(layout.artifact_file(artifact, version)))
            found.add(str(layout.artifact_retired_file(artifact)))
    for run in runs:
        if is_safe_component(run + ext):
            found.add(str(layout.run_file(run)))
    return found.digest(), found.newest


def build_state_file(store: StoreBase, key: str) -> Path:
    """Where the state of the build named ``key`` (its output folder) is kept."""
    digest = hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=12)
    return store.dir / CACHE_DIR / "dashboard" / f"{digest.hexdigest()}.state"


def load_build_state(store: StoreBase, key: str) -> Any:
    """The state ``save_build_state`` kept for ``key``, or None (missing, corrupt, foreign:
    the caller then renders everything)."""
    body = read_checked_cache(build_state_file(store, key), STATE_FORMAT, MAX_STATE_BYTES)
    if body is None:
        return None
    with contextlib.suppress(EOFError, ValueError, TypeError):
        return marshal.loads(body)
    return None


def save_build_state(store: StoreBase, key: str, state: Any) -> None:
    """Keep ``state`` (plain data) for the next build into ``key``; best effort."""
    write_checked_cache(build_state_file(store, key), STATE_FORMAT, marshal.dumps(state))
