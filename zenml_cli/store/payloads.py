"""Artifact payloads in the artifact store: writing, copying, hashing and reading them.

A payload is one folder per artifact version. It is built under a ``.tmp-`` name and renamed
into place in one step, so a crash leaves either no payload or a whole one, never half.
The sha256 covers every file's relative path and bytes, so a renamed or edited file shows.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from pathlib import Path

from zenml_cli.store.atomic import TEMP_PREFIX

CHUNK = 1 << 20


def new_payload_dir(parent: Path) -> Path:
    """A fresh temp folder under ``parent`` to build a payload in (see ``publish``)."""
    folder = parent / f"{TEMP_PREFIX}{uuid.uuid4().hex}"
    folder.mkdir(parents=True)
    return folder


def write_file(folder: Path, name: str, data: bytes) -> None:
    (folder / name).write_bytes(data)


def copy_in(source: Path, folder: Path) -> str:
    """Copy a file or folder into the payload under its own name; returns that name."""
    if not source.exists():
        raise FileNotFoundError(source)
    target = folder / source.name
    if source.is_dir():
        shutil.copytree(source, target, symlinks=False)
    else:
        shutil.copy2(source, target)
    return source.name


def publish(temp: Path, final: Path) -> None:
    """Move a finished payload folder into place (one rename)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    os.rename(temp, final)


def discard(temp: Path) -> None:
    shutil.rmtree(temp, ignore_errors=True)


def digest(folder: Path) -> tuple[str, int]:
    """sha256 over (relative path, bytes) of every file in ``folder``, and their total size."""
    hasher = hashlib.sha256()
    total = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix().encode("utf-8")
        hasher.update(len(relative).to_bytes(8, "big") + relative)
        hasher.update(path.stat().st_size.to_bytes(8, "big"))
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                hasher.update(chunk)
                total += len(chunk)
    return hasher.hexdigest(), total


def read_file(folder: Path, name: str) -> bytes:
    return (folder / name).read_bytes()


def exists(folder: Path) -> bool:
    return folder.is_dir()
