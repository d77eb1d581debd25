"""Reading ``.zenml/`` as a commit or the index holds it, through git, without a checkout.

``zenml doctor --against REF`` needs REF's registry while the work tree holds another; checking
REF out would touch the user's files and run their filters. Instead: ``git diff --name-only``
names the store's files that differ from REF (only those need comparing: an unchanged file
cannot have lost anything), ``git ls-tree -r`` (or ``git ls-files -s`` for the index) gives
their blob ids, and one ``git cat-file`` reads them (``git_objects``, the reader
``zenml resolve`` uses too). A link or an oversized blob is
reported, never followed or read whole (DESIGN section 12: the repository is untrusted input).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from zenml_cli.digits import is_number_text
from zenml_cli.errors import CorruptManifestError, InvalidInputError, NotFoundError, RemoteError
from zenml_cli.store import codec
from zenml_cli.store.git import cmd as git_cmd
from zenml_cli.store.git import objects as git_objects
from zenml_cli.store.git.snapshot import Snapshot, kind_of
from zenml_cli.store.layout import CONFIG_FILE, STORE_DIR
from zenml_cli.store.store import Manifest

#: A manifest or history file larger than this is reported, not read.
MAX_BLOB_BYTES = 64 * 1024 * 1024
_LINK_MODE = "120000"
#: ``(path in the repository, mode, blob id, size)``
Entry = tuple[str, str, str, int]


@dataclass(frozen=True)
class RefStore:
    """The store of commit ``ref`` (``commit`` None: the unborn branch of a repository's
    first commit, which nothing precedes) in the work tree at ``top``."""

    top: Path
    store_path: str
    ref: str
    commit: str | None

    @classmethod
    def of(cls, project_root: Path, ref: str) -> RefStore:
        if not ref or ref.startswith("-") or any(c in ref for c in "\0\n"):
            raise InvalidInputError(
                f"--against {ref!r} is not a git revision; name a branch or commit"
            )
        result = git_cmd.run(["rev-parse", "--show-toplevel", "--show-prefix"], cwd=project_root)
        if not result.ok:
            raise InvalidInputError(
                f"{project_root} is not inside a git work tree; --against compares the store "
                "with a git commit, so the project must be in a git repository"
            )
        top_text, prefix = result.stdout.split("\n")[:2]
        top = Path(top_text)
        found = git_cmd.run(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"],
            cwd=top,
        )
        if found.ok:
            return cls(top, prefix + STORE_DIR, ref, found.out)
        if _is_unborn(top, ref):
            return cls(top, prefix + STORE_DIR, ref, None)
        raise NotFoundError(
            f"--against {ref!r}: no such commit in this repository ('git fetch' it first, or "
            "name a branch, tag or commit that 'git rev-parse' knows)"
        )

    def changed(self, *, staged: bool) -> set[str]:
        """Store-relative paths that differ between REF and the index (``staged``) or the
        work tree (tracked changes plus untracked files git does not ignore)."""
        if self.commit is None:
            return set()
        where = ["--cached"] if staged else []
        paths = self._git_paths(
            ["diff", *where, "--name-only", "-z", "--no-renames", self.commit, "--"]
        )
        if not staged:
            paths |= self._git_paths(["ls-files", "--others", "--exclude-standard", "-z", "--"])
        return paths

    def snapshot(self, only: Iterable[str]) -> Snapshot:
        """REF's files among ``only`` (store-relative paths)."""
        if self.commit is None:
            return Snapshot(self.ref)
        listed = self._listing(
            ["ls-tree", "-r", "-z", "-l", "--full-tree", self.commit, "--", self.store_path]
        )
        entries = []
        for line in listed:
            meta, _, path = line.partition("\t")
            mode, kind, blob, size = meta.split()
            if kind == "blob":
                entries.append((path, mode, blob, int(size)))
        return self._read(self.ref, f"{self.ref}:", entries, set(only))

    def staged(self, only: Iterable[str]) -> Snapshot:
        """The index's files among ``only``; every path with unmerged stages is reported as
        an unresolved merge."""
        staged: list[tuple[str, str, str]] = []
        unmerged: set[str] = set()
        for line in self._listing(["ls-files", "-s", "-z", "--", self.store_path]):
            meta, _, path = line.partition("\t")
            mode, blob, stage = meta.split()
            if stage != "0":
                unmerged.add(path)
            else:
                staged.append((path, mode, blob))
        wanted = set(only)
        staged = [e for e in staged if self._relative(e[0]) in wanted]
        sizes = self._sizes([blob for _, _, blob in staged])
        entries = [(path, mode, blob, sizes.get(blob, 0)) for path, mode, blob in staged]
        snap = self._read("the index", ":", entries, wanted)
        snap.unreadable += [
            (
                f":{path}",
                "has an unresolved merge conflict in the index; resolve it ('git status', "
                "'zenml resolve'), then stage the result",
            )
            for path in sorted(unmerged)
        ]
        return snap

    # ------------------------------------------------------------------- reading blobs
    def _relative(self, path: str) -> str:
        return PurePosixPath(path).relative_to(self.store_path).as_posix()

    def _listing(self, args: list[str]) -> list[str]:
        return [line for line in git_cmd.check(args, cwd=self.top).split("\0") if line]

    def _git_paths(self, args: list[str]) -> set[str]:
        listed = git_cmd.run([*args, self.store_path], cwd=self.top)
        if not listed.ok:
            raise CorruptManifestError(
                self.store_path, f"git {args[0]} failed: {git_cmd.condense(listed.stderr)}"
            )
        prefix = self.store_path + "/"
        return {p[len(prefix) :] for p in listed.stdout.split("\0") if p.startswith(prefix)}

    def _sizes(self, blobs: list[str]) -> dict[str, int]:
        if not blobs:
            return {}
        asked = "".join(f"{blob}\n" for blob in dict.fromkeys(blobs))
        answer = git_cmd.check(["cat-file", "--batch-check"], cwd=self.top, stdin=asked)
        sizes = {}
        for line in answer.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] == "blob":
                sizes[parts[0]] = int(parts[2])
        return sizes

    def _read(self, label: str, source: str, entries: list[Entry], only: set[str]) -> Snapshot:
        """Decode the store's files among ``entries`` that ``only`` names (and config.yaml,
        which says whether manifests are YAML or JSON)."""
        snap = Snapshot(label)
        wanted: dict[str, str] = {}  # store-relative path -> blob
        for path, mode, blob, size in entries:
            relative = self._relative(path)
            if kind_of(relative) is None or (relative not in only and relative != CONFIG_FILE):
                continue
            if mode == _LINK_MODE:
                snap.unreadable.append((source + path, "is a symbolic link, not a file"))
            elif size > MAX_BLOB_BYTES:
                snap.unreadable.append((source + path, f"is larger than {MAX_BLOB_BYTES} bytes"))
            else:
                wanted[relative] = blob
        try:
            contents = git_objects.read_blobs(self.top, list(wanted.values()))
        except RemoteError as exc:
            raise CorruptManifestError(self.top, str(exc)) from None
        config = contents.get(wanted.get(CONFIG_FILE, ""))
        ext = "." + _manifest_format(config, f"{source}{self.store_path}")
        for relative, blob in sorted(wanted.items()):
            where = f"{source}{self.store_path}/{relative}"
            _add(snap, relative, contents.get(blob, b""), where, ext)
        return snap


def _is_unborn(top: Path, ref: str) -> bool:
    """``ref`` is HEAD (or the current branch) of a repository with no commit yet."""
    head = git_cmd.run(["symbolic-ref", "-q", "HEAD"], cwd=top)
    if not head.ok or git_cmd.run(["rev-parse", "--verify", "--quiet", "HEAD"], cwd=top).ok:
        return False
    return ref in ("HEAD", head.out, head.out.removeprefix("refs/heads/"))


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
    kind = kind_of(relative)
    if kind in (None, "config") or (kind != "history" and not parts[-1].endswith(ext)):
        return
    stem = parts[-1].removesuffix(ext)
    if kind == "artifact":
        decoded = _decode(snap, raw, ext, source)
        if decoded is not None:
            snap.artifacts[(parts[1], stem)] = decoded
        return
    model = snap.model(parts[1])
    if kind == "history":
        model.history = [line for line in raw.split(b"\n")[:-1] if line.strip()]
        model.history_source = source
    elif kind == "model":
        model.source = source
        model.manifest = _decode(snap, raw, ext, source)
    elif is_number_text(stem):
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
