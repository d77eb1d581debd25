"""Which local payload objects this machine may trust: the ones it wrote itself.

A git checkout writes any file a commit holds, even one force-added under the git-ignored
``.zenml/artifact_store`` (and git overwrites ignored files without asking). A commit that
plants an object there together with a manifest naming its hash would pass the size and hash
checks, and a load would unpickle it. So a local store folder that lies inside a git work tree
is trusted only for objects named in a **ledger** that no checkout can write:
``<git dir>/zenml/payloads/written/<2 hex>/<64 hex>``, one empty file per sha256 this machine
stored (or verified a copy of). The ledger lives in the common git dir: ``git clone`` never
copies it, ``checkout``, ``reset`` and ``stash`` never touch it, and linked worktrees share it.
A hash stands for its bytes, so an object that hashes to a recorded sha256 *is* what this
machine wrote, wherever the store folder moved.

Each entry also says what the bytes were saved as: ``code`` (a pickle: pickle, pandas,
sklearn) or ``data`` (anything else), one line each, or ``any`` (adopted, or copied in from
another store, where it was not said). A manifest picks the materializer, so without this a
committed manifest could name bytes this machine saved as data (a downloaded file that is a
pickle) and have them unpickled; a load that unpickles needs ``code`` or ``any``.

Stores written before the ledger keep loading: the first time a clone uses a store folder (a
save or a load), the objects already in it that git does not track are adopted, once per
folder. Planted objects in a fresh clone are tracked, so they are never adopted; one that
arrives later is not adopted either, even if git stops tracking it. Verified copies (the
download cache and unpacked folders, which are not re-hashed on every use) live in the git dir
too, out of reach of any checkout. Outside a git work tree nothing is checked out, and every
object is used (a project downloaded as an archive rather than cloned is not protected).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from zenml_cli.store.git_place import GitPlace, git_place
from zenml_cli.store.layout import CACHE_DIR, STORE_DIR

LEDGER_DIR = ("zenml", "payloads")
#: What an entry says its bytes were saved as.
CODE, DATA, ANY = "code", "data", "any"


def cache_home(payload_home: Path) -> Path:
    """Where verified payload copies live: in the git dir when the project is in git (no
    checkout writes there), else ``.zenml/.cache/payloads``."""
    place = git_place(payload_home)
    if place is None:
        return payload_home / STORE_DIR / CACHE_DIR / "payloads"
    return place.git_dir.joinpath(*LEDGER_DIR, "cache")


class Ledger:
    """The sha256s this machine stored in the local stores of one git repository."""

    def __init__(self, place: GitPlace) -> None:
        self.place = place
        self.folder = place.git_dir.joinpath(*LEDGER_DIR, "written")

    def _entry(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / sha256

    def _kinds(self, sha256: str) -> set[str] | None:
        """What the entry says (an empty entry counts as ``any``); None if there is none."""
        try:
            text = self._entry(sha256).read_text(encoding="ascii", errors="replace")[:256]
        except (FileNotFoundError, NotADirectoryError):
            return None
        return set(text.split()) or {ANY}

    def knows(self, sha256: str, code: bool = False) -> bool:
        """True if this machine stored these bytes (as a pickle, when ``code``)."""
        kinds = self._kinds(sha256)
        if kinds is None:
            return False
        return not code or bool(kinds & {CODE, ANY})

    def record(self, sha256: str, kind: str | None = None) -> None:
        """Note that this machine stored these bytes, saved as ``kind`` (None: not said, which
        adds nothing to an entry that exists and makes a new one ``any``)."""
        kinds = self._kinds(sha256)
        if kinds is not None and (kind is None or kinds & {kind, ANY}):
            return
        entry = self._entry(sha256)
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(entry, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        with os.fdopen(fd, "a", encoding="ascii") as handle:  # one short append: atomic
            handle.write(f"{kind or ANY}\n")

    def _adopted_marker(self, root: Path) -> Path:
        key = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogateescape"))
        return self.folder / f".adopted-{key.hexdigest()[:16]}"

    def adopted(self, root: Path) -> bool:
        """True once the objects the store folder ``root`` held before its first use here
        have been adopted (or found to be none)."""
        return self._adopted_marker(root).is_file()

    def adopt(self, root: Path, names: list[str]) -> None:
        """Record ``names`` (sha256s of objects found in ``root``), then mark it adopted."""
        for name in names:
            self.record(name)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._adopted_marker(root).write_text(f"{root.resolve()}\n", errors="replace")


def ledger_for(root: Path) -> Ledger | None:
    """The ledger guarding the local store folder ``root``; None outside a git work tree."""
    place = git_place(root)
    return Ledger(place) if place is not None else None


def tracked_under(place: GitPlace, folders: list[Path]) -> list[str] | None:
    """Files git tracks under ``folders`` (paths relative to the work tree), or None if git
    cannot tell (not installed, or not a repository it can read)."""
    from zenml_cli.errors import RemoteError
    from zenml_cli.store.git import cmd as git_cmd

    inside = [f for f in folders if _relative(f, place.top) is not None]
    if not inside:
        return []
    specs = [f":(literal){_relative(f, place.top)}" for f in inside]
    try:
        found = git_cmd.run(["ls-files", "-z", "--cached", "--", *specs], cwd=place.top)
    except RemoteError:
        return None
    if not found.ok:
        return None
    return [name for name in found.stdout.split("\0") if name]


def _relative(path: Path, top: Path) -> str | None:
    try:
        resolved = path.resolve()
    except OSError:
        return None
    if not resolved.is_relative_to(top):
        return None
    return resolved.relative_to(top).as_posix() or "."
