"""A new store tree from the tree an attempt started on plus the paths its write changed.

``git write-tree`` needs an index of every file; at 10,000 versions reading and writing that
index was most of an attempt's cost. Here only the folders on the way to a changed path are
read (one ``git cat-file``) and rebuilt; every other subtree keeps its object id. Tree ids
are computed as git computes them (``tree <size>\\0`` + sorted entries, SHA-1 or SHA-256) so
a folder can name its new subfolders before they are written; all new trees are then
written in one ``git hash-object -t tree``, which prints the ids git computed. Those must equal
ours, else nothing is used (``edit_tree`` returns None and the caller stages the slow way).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from zenml_cli.errors import RemoteError
from zenml_cli.store.git import cmd as git_cmd
from zenml_cli.store.git import objects as git_objects

#: Mode of a folder inside a tree object (``ls-tree`` and ``mktree`` print it as 040000).
_TREE = "40000"

#: ``(mode as a tree object holds it, object id)`` by entry name.
Entries = dict[str, tuple[str, str]]


def edit_tree(
    git_dir: Path,
    scratch: Path,
    base: str,
    files: dict[str, tuple[str, str]],
    cleared: set[str],
) -> str | None:
    """``base`` with every path in ``cleared`` (and everything below it) removed, then every
    ``files`` entry (``path: (mode, blob id)``) added; paths are relative to the store and
    ``/``-separated. ``scratch``: a private folder for the new trees' bytes. None when
    git's ids disagree with ours (see the module docstring)."""
    folders = {""}
    for path in (*files, *cleared):
        parts = path.split("/")
        folders.update("/".join(parts[:depth]) for depth in range(len(parts)))
    fresh = {folder for folder in folders if _under(folder, cleared)}
    wanted = sorted(folders - fresh)
    asked = [("contents", f"{base}:{folder}" if folder else base) for folder in wanted]
    found = git_objects.read_objects(git_dir, asked)
    width = len(base) // 2
    old: dict[str, Entries] = {folder: {} for folder in fresh}
    for folder, got in zip(wanted, found, strict=True):
        old[folder] = _parse(got.body, width) if got.kind == "tree" else {}
    built: dict[str, str | None] = {}
    written: list[tuple[str, Entries]] = []
    for folder in sorted(folders, key=lambda f: -f.count("/") - bool(f)):
        entries = {n: e for n, e in old[folder].items() if _join(folder, n) not in cleared}
        for path, entry in files.items():
            parent, _, name = path.rpartition("/")
            if parent == folder:
                entries[name] = entry
        for child in folders:  # a file written where a folder was wins: it is what is there
            if child and child.rpartition("/")[0] == folder and child not in files:
                name, tree = child.rpartition("/")[2], built[child]
                if tree is None:
                    entries.pop(name, None)
                else:
                    entries[name] = (_TREE, tree)
        if not entries:
            built[folder] = None
            continue
        built[folder] = _object_id(_body(entries), width)
        written.append((built[folder] or "", entries))
    if not _write_trees(git_dir, scratch, written):
        return None
    return built[""] or git_objects.empty_tree("0" * width * 2)


def _under(path: str, cleared: set[str]) -> bool:
    parts = path.split("/") if path else []
    return any("/".join(parts[:depth]) in cleared for depth in range(1, len(parts) + 1))


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def _parse(body: bytes, width: int) -> Entries:
    return {
        name: (mode.lstrip("0"), oid)
        for mode, _, oid, name in git_objects.tree_entries(body, width)
    }


def _body(entries: Entries) -> bytes:
    """A tree object's content: entries in git's order, where a folder sorts as if its name
    ended in ``/``."""

    def key(name: str) -> bytes:
        raw = name.encode("utf-8", "surrogateescape")
        return raw + b"/" if entries[name][0] == _TREE else raw

    return b"".join(
        f"{entries[name][0]} ".encode()
        + name.encode("utf-8", "surrogateescape")
        + b"\0"
        + bytes.fromhex(entries[name][1])
        for name in sorted(entries, key=key)
    )


def _object_id(body: bytes, width: int) -> str:
    digest = hashlib.sha256 if width == 32 else hashlib.sha1
    return digest(b"tree %d\0" % len(body) + body).hexdigest()


def _write_trees(git_dir: Path, scratch: Path, trees: list[tuple[str, Entries]]) -> bool:
    """Write the new trees in one ``git hash-object -t tree --stdin-paths`` (which checks
    each is a well-formed tree; at 10,000 entries twice as fast as ``mktree`` parsing
    text). True when git computed the ids we did."""
    if not trees:
        return True
    paths = []
    for number, (_, entries) in enumerate(trees):
        path = scratch / f"tree-{number}"
        path.write_bytes(_body(entries))
        paths.append(f"{path}\n")
    try:
        code, out, err = git_cmd.run_bytes(
            ["--git-dir", str(git_dir), "hash-object", "-w", "-t", "tree", "--stdin-paths"],
            cwd=git_dir,
            stdin="".join(paths).encode(),
        )
    finally:
        for number in range(len(trees)):
            (scratch / f"tree-{number}").unlink(missing_ok=True)
    if code != 0:
        raise RemoteError(f"git hash-object failed: {git_cmd.condense(err.decode('replace'))}")
    return out.decode().split() == [oid for oid, _ in trees]
