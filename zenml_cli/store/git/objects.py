"""Reading git objects in one process: the one ``git cat-file`` reader of the store's git code.

Everything that reads a commit's ``.zenml/`` without a checkout (``zenml resolve`` reading
three sides, ``doctor --against``, the push engine finding the tip's trees) goes through
:func:`read_blobs` or :func:`read_objects`: one ``git cat-file`` for any number of objects,
bounded in time like every git call (``git_cmd``). Trees are parsed here too, so grafting the
store into a tip's root tree needs no ``ls-tree`` per folder level.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from zenml_cli.errors import RemoteError
from zenml_cli.store.git import cmd as git_cmd

#: Mode of a sub-tree entry as ``git mktree`` reads it.
TREE_MODE = "040000"


@dataclass(frozen=True)
class Found:
    """One answer of ``cat-file``: ``kind`` is ``missing`` when the name resolves to nothing
    (``oid`` is then empty); ``body`` is empty for an ``info`` question."""

    oid: str
    kind: str
    size: int
    body: bytes = b""


def read_objects(top: Path, questions: Sequence[tuple[str, str]]) -> list[Found]:
    """Answer ``(command, name)`` questions (``info`` or ``contents``; a name is anything
    ``git rev-parse`` takes, e.g. ``ref^{tree}`` or ``ref:path``) in one ``git cat-file
    --batch-command``, in order. A name that resolves to nothing is ``missing``."""
    if not questions:
        return []
    asked = "".join(f"{command} {name}\n" for command, name in questions).encode()
    code, out, err = git_cmd.run_bytes(["cat-file", "--batch-command"], cwd=top, stdin=asked)
    if code != 0:
        raise RemoteError(f"git cat-file failed: {git_cmd.condense(err.decode())}")
    answers: list[Found] = []
    at = 0
    for command, _ in questions:
        end = out.index(b"\n", at)
        header = out[at:end].decode("utf-8", "replace").split()
        at = end + 1
        if len(header) != 3 or header[-1] == "missing":  # "<name> missing" / "ambiguous"
            answers.append(Found("", "missing", 0))
            continue
        size = int(header[2])
        if command == "contents":
            answers.append(Found(header[0], header[1], size, out[at : at + size]))
            at += size + 1
        else:
            answers.append(Found(header[0], header[1], size))
    return answers


def read_blobs(top: Path, blobs: Sequence[str]) -> dict[str, bytes]:
    """Each blob's content by object id, in one ``git cat-file --batch``; a missing object
    is left out (the caller decides what that means)."""
    unique = list(dict.fromkeys(blobs))
    found = read_objects(top, [("contents", blob) for blob in unique])
    return {blob: got.body for blob, got in zip(unique, found, strict=True) if got.oid}


def tree_entries(body: bytes, oid_bytes: int) -> list[tuple[str, str, str, str]]:
    """A raw tree object as ``(mode, type, oid, name)`` entries, in git's order. ``mode`` is
    normalised to six digits as ``git ls-tree`` and ``git mktree`` write it."""
    entries = []
    at = 0
    while at < len(body):
        space = body.index(b" ", at)
        nul = body.index(b"\0", space)
        mode = body[at:space].decode().rjust(6, "0")
        name = body[space + 1 : nul].decode("utf-8", "surrogateescape")
        oid = body[nul + 1 : nul + 1 + oid_bytes].hex()
        at = nul + 1 + oid_bytes
        kind = "tree" if mode == TREE_MODE else "commit" if mode == "160000" else "blob"
        entries.append((mode, kind, oid, name))
    return entries


def empty_tree(oid_like: str) -> str:
    """The empty tree's id in a repository whose object ids look like ``oid_like`` (SHA-1 or
    SHA-256): git knows this tree without it being stored, so no process is needed."""
    digest = hashlib.sha256 if len(oid_like) == 64 else hashlib.sha1
    return digest(b"tree 0\0").hexdigest()
