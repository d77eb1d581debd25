"""Payload bytes on local disk: hashing while copying, deterministic folder archives, safe
extraction, and placing finished files and folders atomically.

A folder payload is one object: a tar with sorted entries, zeroed times, owners and names, and
modes normalised to 0644/0755, so the same folder always gives the same bytes and hash. Only
regular files and folders go in; a symlink is stored as the file it points to when that file
lies inside the folder, and refused otherwise.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from zenml_cli.errors import CorruptManifestError, InvalidInputError, NotFoundError
from zenml_cli.store.layout import TEMP_PREFIX

#: Large reads keep the copy and the hash near disk speed.
CHUNK = 8 << 20
#: A payload piece held in memory: bytes, or a byte view of a value's memory.
Buffer = bytes | bytearray | memoryview
SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")


class _Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...


@dataclass(frozen=True)
class Digest:
    """What a manifest knows of its payload: the sha256 of its bytes and their number."""

    sha256: str
    size: int

    @classmethod
    def of(cls, data: bytes | memoryview) -> Digest:
        return cls(hashlib.sha256(data).hexdigest(), len(data))

    @property
    def short(self) -> str:
        return self.sha256[:12]


class PayloadMissingError(NotFoundError):
    """The store has no object under the manifest's hash (exit 3)."""


class PayloadMismatchError(CorruptManifestError):
    """The store's object differs from what the manifest recorded (exit 6)."""


#: What a payload was saved as, for the ledger (``trust.py``).
CODE, DATA = "code", "data"


class UntrustedPayloadError(CorruptManifestError):
    """A local object this machine did not write (it came with a checkout), or saved as data
    while a manifest asks to unpickle it (exit 6)."""

    def __init__(self, where: str, store: str, saved_as_data: bool = False) -> None:
        if saved_as_data:
            problem = (
                "this machine saved these bytes as data, not as a pickle, so they are never "
                "unpickled whatever a manifest says; restore the manifest's materializer from "
                "git or save the object again"
            )
        else:
            problem = (
                "this object is in the git work tree but was not written on this machine (a "
                "file a commit placed under the artifact store is never loaded); delete it, "
                "then rerun the step that produced it or point artifact_store at the store "
                f"that has it (now {store})"
            )
        super().__init__(where, problem)


def mismatch(where: str, expected: Digest, found: Digest) -> PayloadMismatchError:
    what = (
        f"has {found.size} bytes, not the {expected.size} recorded"
        if found.size != expected.size
        else f"has sha256 {found.short}..., not the recorded {expected.short}..."
    )
    return PayloadMismatchError(
        where,
        f"payload {where} {what} (changed after saving); restore it or save a new version",
    )


def hash_file(path: Path) -> Digest:
    with path.open("rb") as handle:
        hasher = hashlib.file_digest(handle, "sha256")
    return Digest(hasher.hexdigest(), path.stat().st_size)


def verify_file(path: Path, expected: Digest, where: str) -> None:
    """Size first (a stat), then the hash; PayloadMismatchError naming ``where``."""
    size = path.stat().st_size
    if size != expected.size:
        raise mismatch(where, expected, Digest(expected.sha256, size))
    found = hash_file(path)
    if found != expected:
        raise mismatch(where, expected, found)


# ------------------------------------------------------------------------------ temp files
def temp_path(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{TEMP_PREFIX}{uuid.uuid4().hex}"


@contextlib.contextmanager
def temp_file(folder: Path) -> Iterator[tuple[Path, BinaryIO]]:
    """A new file in ``folder`` (mode from the umask), removed unless the caller moved it."""
    path = temp_path(folder)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield path, handle
    finally:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def sync(handle: BinaryIO) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def place_new(temp: Path, final: Path) -> None:
    """Move a finished, verified object to ``final``. An object already there is replaced:
    its name says which bytes it must hold, but a same-size file with other bytes (damaged,
    or planted by a commit) would otherwise stay and fail every later load."""
    final.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(temp, final)  # the common case: a new object
    except FileExistsError:
        os.replace(temp, final)  # atomic: a reader sees the old file or the new one
    except OSError:  # a filesystem without hard links (some network shares)
        os.replace(temp, final)
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()


# ------------------------------------------------------------------------------ archives
def write_tar(source: Path, out: _Writable) -> None:
    """``source`` (a file or folder) as a deterministic tar whose one top entry is its name."""
    base = source.resolve()
    with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
        for path, name in _entries(base, source.name):
            info = tarfile.TarInfo(name)
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if path.is_dir():
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
                continue
            mode = path.stat().st_mode
            info.mode = 0o755 if mode & stat.S_IXUSR else 0o644
            info.size = path.stat().st_size
            with path.open("rb") as handle:
                tar.addfile(info, handle)


def _entries(base: Path, top: str) -> Iterator[tuple[Path, str]]:
    yield _checked(base, base, base), top
    if not base.is_dir():
        return
    for folder, dirs, files in os.walk(base):
        dirs.sort()
        here = Path(folder)
        for name in sorted(dirs + files):
            path = here / name
            relative = path.relative_to(base).as_posix()
            yield _checked(path, base, here), f"{top}/{relative}"


def _checked(path: Path, base: Path, parent: Path) -> Path:
    """``path`` itself, or the file a symlink inside ``base`` points to; refuses the rest."""
    if path.is_symlink():
        target = path.resolve()
        if not target.is_file() or not target.is_relative_to(base):
            raise InvalidInputError(
                f"cannot save {path}: it is a link to a folder or to something outside "
                f"{base}; replace it with a copy"
            )
        return target
    mode = path.lstat().st_mode
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise InvalidInputError(f"cannot save {path}: only regular files and folders can be saved")
    return path


def extract_tar(archive: Path, target: Path, where: str, limit: int) -> None:
    """Unpack a verified archive into the new folder ``target``: regular files and folders
    only, every name relative and free of ``..``, and never more bytes than ``limit`` (its
    recorded size: what a plain tar holds fits in the tar). Anything else is refused naming
    ``where``."""
    target.mkdir(parents=True)
    buffer = memoryview(bytearray(CHUNK))  # one for the archive, not one per file
    made = {target}  # folders already there: one mkdir per folder, not one per file
    try:
        with tarfile.open(archive, mode="r:") as tar:
            for member, parts in _members(tar, where, limit):
                path = target.joinpath(*parts)
                folder = path if member.isdir() else path.parent
                if folder not in made:
                    folder.mkdir(parents=True, exist_ok=True)
                    made.add(folder)
                if not member.isdir():
                    _unpack(tar, member, path, buffer)
    except (tarfile.TarError, OSError, MemoryError) as exc:  # MemoryError: see _BAD_HEADER
        raise PayloadMismatchError(
            where, _BAD_HEADER.format(exc=str(exc) or type(exc).__name__)
        ) from exc


def _unpack(tar: tarfile.TarFile, member: tarfile.TarInfo, path: Path, buffer: memoryview) -> None:
    """One regular member into the new file ``path``, read-only (created so: no chmod)."""
    source = tar.extractfile(member)
    assert source is not None
    mode = 0o555 if member.mode & stat.S_IXUSR else 0o444
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    with os.fdopen(fd, "wb") as handle:  # buffered: writes all it is given
        while count := source.readinto(buffer):  # type: ignore[attr-defined]
            handle.write(buffer[:count])


def check_tar(archive: Path, where: str, limit: int) -> None:
    """What ``extract_tar`` would refuse, found by reading the headers alone."""
    try:
        with tarfile.open(archive, mode="r:") as tar:
            for _ in _members(tar, where, limit):
                pass
    except (tarfile.TarError, MemoryError) as exc:
        raise PayloadMismatchError(
            where, _BAD_HEADER.format(exc=str(exc) or type(exc).__name__)
        ) from exc


#: tarfile reads a pax or GNU long-name header in one piece of the size its header claims,
#: so a crafted archive fails with MemoryError before any of our checks can see the member.
_BAD_HEADER = "the folder archive does not unpack ({exc}); the payload was not made by zenml-cli"


def _members(
    tar: tarfile.TarFile, where: str, limit: int
) -> Iterator[tuple[tarfile.TarInfo, list[str]]]:
    """Each member with its path parts, after the checks: plain files and folders only (no
    links, devices or sparse files, whose header can name any size), safe names, and a running
    total of unpacked bytes and entries that stays within what the archive itself holds."""
    total = 0
    for count, member in enumerate(tar, start=1):
        parts = member.name.split("/")
        if member.name.startswith("/") or any(p in ("", ".", "..") for p in parts):
            raise PayloadMismatchError(where, f"archive entry {member.name!r} is not allowed")
        if member.issparse() or not (member.isdir() or member.type in _PLAIN_FILE):
            raise PayloadMismatchError(where, f"archive entry {member.name!r} is not a file")
        total += member.size
        if total > limit or count * tarfile.BLOCKSIZE > limit:
            raise PayloadMismatchError(
                where,
                f"archive entry {member.name!r} would unpack beyond the archive's own "
                f"{limit} bytes; the payload was not made by zenml-cli",
            )
        yield member, parts


#: Regular-file member types (tarfile's REGULAR_TYPES also counts GNU sparse files).
_PLAIN_FILE = (tarfile.REGTYPE, tarfile.AREGTYPE)


def is_sha256(text: object) -> bool:
    return isinstance(text, str) and SHA256_PATTERN.fullmatch(text) is not None
