"""Reading ``.zenml/`` as a commit or the index holds it, through git, without a checkout.

``zenml doctor --against REF`` needs REF's registry while the work tree holds another; checking
REF out would touch the user's files and run their filters. Instead: ``git ls-tree -r`` (or
``git ls-files -s`` for the index) lists the store's files with their blob ids, and one
``git cat-file --batch`` reads every manifest. A link or an oversized blob is reported, never
followed or read whole (DESIGN section 12: the repository is untrusted input).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from zenml_cli.errors import CorruptManifestError, InvalidInputError, NotFoundError
from zenml_cli.store import codec, git_cmd
from zenml_cli.store.layout import CONFIG_FILE, HISTORY_FILE, STORE_DIR
from zenml_cli.store.snapshot import ModelFiles, Snapshot
from zenml_cli.store.store import Manifest

#: A manifest or history file larger than this is reported, not read.
MAX_BLOB_BYTES = 64 * 1024 * 1024
_LINK_MODE = "120000"
_EXTENSIONS = (".yaml", ".json")


def snapshot_at(project_root: Path, ref: str) -> Snapshot:
    """The store as commit ``ref`` holds it (empty when ``ref`` has no ``.zenml/``, or when it
    is the unborn branch of a repository's first commit: nothing precedes that)."""
    if not ref or ref.startswith("-") or any(c in ref for c in "\0\n"):
        raise InvalidInputError(f"--against {ref!r} is not a git revision; name a branch or commit")
    top, store_path = _locate(project_root)
    found = git_cmd.run(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], cwd=top
    )
    if not found.ok:
        if _is_unborn(top, ref):
            return Snapshot(ref)
        raise NotFoundError(
            f"--against {ref!r}: no such commit in this repository ('git fetch' it first, or "
            "name a branch, tag or commit that 'git rev-parse' knows)"
        )
    listed = git_cmd.check(
        ["ls-tree", "-r", "-z", "-l", "--full-tree", found.out, "--", store_path], cwd=top
    )
    entries = []
    for line in filter(None, listed.split("\0")):
        meta, _, path = line.partition("\t")
        mode, kind, blob, size = meta.split()
        if kind == "blob":
            entries.append((path, mode, blob, int(size)))
    return _snapshot(top, store_path, ref, f"{ref}:", entries)


def snapshot_staged(project_root: Path) -> Snapshot:
    """The store as the index holds it (what the next commit would record). A path with
    unmerged stages is reported as an unresolved merge."""
    top, store_path = _locate(project_root)
    listed = git_cmd.check(["ls-files", "-s", "-z", "--", store_path], cwd=top)
    staged: list[tuple[str, str, str]] = []
    unmerged: set[str] = set()
    for line in filter(None, listed.split("\0")):
        meta, _, path = line.partition("\t")
        mode, blob, stage = meta.split()
        if stage != "0":
            unmerged.add(path)
        else:
            staged.append((path, mode, blob))
    sizes = _sizes(top, [blob for _, _, blob in staged])
    entries = [(path, mode, blob, sizes.get(blob, 0)) for path, mode, blob in staged]
    snap = _snapshot(top, store_path, "the index", ":", entries)
    for path in sorted(unmerged):
        snap.unreadable.append(
            (
                f":{path}",
                "has an unresolved merge conflict in the index; resolve it ('git status', "
                "'zenml resolve'), then stage the result",
            )
        )
    return snap


def _locate(project_root: Path) -> tuple[Path, str]:
    """``(top of the work tree, the store's path in the repository)``."""
    result = git_cmd.run(["rev-parse", "--show-toplevel", "--show-prefix"], cwd=project_root)
    if not result.ok:
        raise InvalidInputError(
            f"{project_root} is not inside a git work tree; --against compares the store with "
            "a git commit, so the project must be in a git repository"
        )
    top, prefix = result.stdout.split("\n")[:2]
    return Path(top), prefix + STORE_DIR


def _is_unborn(top: Path, ref: str) -> bool:
    """``ref`` is HEAD (or the current branch) of a repository with no commit yet."""
    head = git_cmd.run(["symbolic-ref", "-q", "HEAD"], cwd=top)
    if not head.ok or git_cmd.run(["rev-parse", "--verify", "--quiet", "HEAD"], cwd=top).ok:
        return False
    return ref in ("HEAD", head.out, head.out.removeprefix("refs/heads/"))


def _sizes(top: Path, blobs: list[str]) -> dict[str, int]:
    if not blobs:
        return {}
    asked = "".join(f"{blob}\n" for blob in dict.fromkeys(blobs))
    answer = git_cmd.check(["cat-file", "--batch-check"], cwd=top, stdin=asked)
    sizes = {}
    for line in answer.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] == "blob":
            sizes[parts[0]] = int(parts[2])
    return sizes


def _snapshot(
    top: Path, store_path: str, label: str, source: str, entries: list[tuple[str, str, str, int]]
) -> Snapshot:
    """Read the store's files among ``entries`` (``(path, mode, blob, size)``)."""
    snap = Snapshot(label)
    wanted: dict[str, str] = {}  # store-relative path -> blob
    for path, mode, blob, size in entries:
        relative = PurePosixPath(path).relative_to(store_path).as_posix()
        if _kind(relative) is None:
            continue
        if mode == _LINK_MODE:
            snap.unreadable.append((source + path, "is a symbolic link, not a file"))
        elif size > MAX_BLOB_BYTES:
            snap.unreadable.append((source + path, f"is larger than {MAX_BLOB_BYTES} bytes"))
        else:
            wanted[relative] = blob
    contents = _cat(top, list(wanted.values()))
    ext = "." + _manifest_format(contents.get(wanted.get(CONFIG_FILE, "")), source + store_path)
    for relative, blob in sorted(wanted.items()):
        _add(snap, relative, contents.get(blob, b""), f"{source}{store_path}/{relative}", ext)
    return snap


def _kind(relative: str) -> str | None:
    """Which store file a store-relative path is, or None for one we do not compare."""
    parts = relative.split("/")
    if parts == [CONFIG_FILE]:
        return "config"
    if len(parts) == 3 and parts[0] == "models" and parts[2].startswith("model."):
        return "model"
    if len(parts) == 3 and parts[0] == "models" and parts[2] == HISTORY_FILE:
        return "history"
    if len(parts) == 4 and parts[0] == "models" and parts[2] == "versions":
        return "version"
    if len(parts) == 3 and parts[0] == "artifacts":
        return "artifact"
    return None


def _manifest_format(config: bytes | None, where: str) -> str:
    if config is None:
        return "yaml"
    try:
        fmt = codec.decode(config, "yaml", Path(f"{where}/{CONFIG_FILE}")).get("manifest_format")
    except CorruptManifestError:
        return "yaml"
    return fmt if fmt in codec.MANIFEST_FORMATS else "yaml"


def _add(snap: Snapshot, relative: str, raw: bytes, source: str, ext: str) -> None:
    parts = relative.split("/")
    kind = _kind(relative)
    if kind == "config" or (kind != "history" and not parts[-1].endswith(ext)):
        return
    stem = parts[-1].removesuffix(ext)
    if kind == "artifact":
        decoded = _decode(snap, raw, ext, source)
        if decoded is not None:
            snap.artifacts[(parts[1], stem)] = decoded
        return
    model = snap.models.setdefault(parts[1], ModelFiles(parts[1], "", None))
    if kind == "history":
        model.history = [line for line in raw.split(b"\n")[:-1] if line.strip()]
        model.history_source = source
    elif kind == "model" and stem == "model":
        model.source = source
        model.manifest = _decode(snap, raw, ext, source)
    elif kind == "version" and stem.isascii() and stem.isdigit():
        decoded = _decode(snap, raw, ext, source)
        if decoded is not None:
            model.versions[int(stem)] = decoded


def _decode(snap: Snapshot, raw: bytes, ext: str, source: str) -> Manifest | None:
    try:
        data = codec.decode(raw, ext.removeprefix("."), Path(source))
    except CorruptManifestError as exc:
        snap.unreadable.append((source, exc.problem))
        return None
    snap.files += 1
    return Manifest(source, data)


def _cat(top: Path, blobs: list[str]) -> dict[str, bytes]:
    """Every blob's content, in one ``git cat-file --batch``."""
    unique = list(dict.fromkeys(blobs))
    if not unique:
        return {}
    code, out, err = git_cmd.run_bytes(
        ["cat-file", "--batch"], cwd=top, stdin="".join(f"{b}\n" for b in unique).encode()
    )
    if code != 0:
        raise CorruptManifestError(top, f"git cat-file failed: {git_cmd.condense(err.decode())}")
    contents: dict[str, bytes] = {}
    at = 0
    for _ in unique:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) != 3:  # "<blob> missing"
            continue
        size = int(header[2])
        contents[header[0].decode()] = out[at : at + size]
        at += size + 1
    return contents
