"""The user's repository as the push engine sees it: the remote branch, trees and commits.

Nothing here touches the user's work tree, index, HEAD or stash: fetched tips go to a private
ref (``refs/zenml/tx/<id>``, never the shared remote-tracking refs, so another git process
holding ``refs/remotes/...lock`` cannot fail a fetch), and a new commit is built from git
objects: the tip's root tree with only its ``.zenml`` subtree replaced (``graft``). The files
an attempt works on live in ``workspace.py``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from zenml_cli.errors import CorruptManifestError, InvalidInputError, RemoteError
from zenml_cli.store.git import cmd as git_cmd
from zenml_cli.store.git import objects as git_objects
from zenml_cli.store.git.cmd import NETWORK_TIMEOUT, GitResult
from zenml_cli.store.git.objects import TREE_MODE
from zenml_cli.store.layout import STORE_DIR

TX_DIR = "zenml-tx"
TX_REF_PREFIX = "refs/zenml/tx/"
#: The lock one fast-forward of the user's checkout holds (``checkout.py``); kept.
CHECKOUT_LOCK = "checkout.lock"
FALLBACK_IDENTITY = ("zenml-cli", "zenml-cli@localhost")
#: Work areas older than this were left by a killed process and are swept on the next push.
STALE_AFTER_SECONDS = 3600.0
#: The remote's default branch as ``ls-remote`` last told it, when the clone has no
#: ``refs/remotes/<remote>/HEAD`` (a CI checkout): swept with the work areas after an hour.
REMOTE_HEAD_FILE = "remote-head-"
#: Branch names git surely accepts (a strict subset of ``git check-ref-format --branch``);
#: any other name is asked of git.
_PLAIN_BRANCH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*")


@dataclass(frozen=True)
class Repo:
    """A git work tree holding a zenml project: ``prefix`` is the project's folder inside it
    (``""`` at the top, else ``"sub/dir/"``), ``git_dir`` the common git dir (shared by
    linked worktrees)."""

    top: Path
    prefix: str
    git_dir: Path
    #: ``sha1`` or ``sha256``: how long object ids are, and the empty tree's id.
    object_format: str = "sha1"
    #: ``refs/remotes/<remote>/HEAD``'s target as ``of(..., remote=)`` read it ("" for none;
    #: None when not asked).
    remote_head: str | None = None
    #: Trees already read (``tip_objects``), by id: ``graft`` rebuilds them without ls-tree.
    _trees: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, project_root: Path, remote: str | None = None) -> Repo:
        """The repository holding ``project_root``; with ``remote``, the same one git call
        also reads where ``refs/remotes/<remote>/HEAD`` points (``--revs-only`` prints
        nothing for a ref that does not exist), which ``default_branch`` needs."""
        if not project_root.is_dir():
            raise RemoteError(f"{project_root} is not a folder; --push needs the project's folder")
        asked = ["rev-parse", "--show-toplevel", "--show-prefix", "--git-common-dir"]
        asked.append("--show-object-format")
        if remote is not None:
            asked += ["--revs-only", "--symbolic-full-name", f"refs/remotes/{remote}/HEAD"]
        result = git_cmd.run(asked, cwd=project_root)
        if not result.ok:
            raise RemoteError(
                f"{project_root} is not inside a git work tree; --push needs a clone of the "
                "repository that holds the registry ('git clone URL')"
            )
        top, prefix, git_dir, fmt, head = [*result.stdout.split("\n"), ""][:5]
        known = head.strip() if remote is not None else None
        return cls(Path(top), prefix, (project_root / git_dir).resolve(), fmt, known)

    @property
    def store_path(self) -> str:
        """The store's path inside the repository, as git pathspecs name it."""
        return self.prefix + STORE_DIR

    def git(self, *args: str, timeout: float = git_cmd.LOCAL_TIMEOUT) -> GitResult:
        return git_cmd.run(args, cwd=self.top, timeout=timeout)

    def check(self, *args: str, stdin: str | None = None) -> str:
        return git_cmd.check(args, cwd=self.top, stdin=stdin)

    # ------------------------------------------------------------------- the remote branch
    def require_remote(self, remote: str, branch: str | None) -> None:
        """The remote and branch come from a committed file, so they are untrusted (DESIGN
        section 12): the remote must be a *name* this clone's own git config defines (never a
        URL, a path or an option: a URL or path would let a commit choose where receive-pack,
        and its hooks, run), and the branch must be a valid branch name. RemoteError (exit 8,
        as any missing remote) for the remote, InvalidInputError for the branch."""
        if remote.startswith("-") or not self.git("config", "--get", f"remote.{remote}.url").ok:
            raise RemoteError(
                f"no git remote named {remote!r} in this clone ('git remote -v' lists them); "
                "git.remote must name one, never a URL or path: 'git remote add NAME URL', then "
                "set git.remote / ZENML_GIT_REMOTE to NAME"
            )
        if (
            branch is not None
            and not plain_branch_name(branch)
            and (
                branch.startswith(_NOT_A_BRANCH_START)  # an option, a forced refspec, '@'
                or "@{" in branch  # check-ref-format --branch would expand @{-1}
                or not self.git("check-ref-format", "--branch", branch).ok
            )
        ):
            raise InvalidInputError(
                f"git.branch {branch!r} is not a valid branch name ('git check-ref-format "
                "--branch' refuses it); set git.branch / ZENML_GIT_BRANCH to a branch name"
            )

    def default_branch(self, remote: str) -> str:
        """The remote's default branch: ``refs/remotes/<remote>/HEAD`` as the clone recorded
        it (read by ``of(..., remote=)``; no network), else what the remote said in the last
        hour (a CI checkout records no HEAD, and asking on every command cost a round trip),
        else asked of the remote (its HEAD), else the current branch."""
        known = self.remote_head
        if known is None:
            known = self.git("symbolic-ref", "-q", f"refs/remotes/{remote}/HEAD").out
        name = known.removeprefix(f"refs/remotes/{remote}/")
        if known.startswith(f"refs/remotes/{remote}/") and name != "HEAD":
            return name
        cache = self._remote_head_file(remote)
        with contextlib.suppress(OSError, UnicodeError):
            cached = cache.read_text().strip()
            if cached and plain_branch_name(cached):
                return cached
        listed = self.git("ls-remote", "--symref", remote, "HEAD", timeout=NETWORK_TIMEOUT)
        if not listed.ok:
            raise git_cmd.unreachable(remote, "ls-remote", listed.stderr)
        for line in listed.stdout.splitlines():
            target, _, name = line.partition("\t")
            if name == "HEAD" and target.startswith("ref: refs/heads/"):
                branch = target.removeprefix("ref: refs/heads/")
                with contextlib.suppress(OSError):
                    cache.parent.mkdir(exist_ok=True)
                    cache.write_text(branch + "\n")
                return branch
        current = self.git("symbolic-ref", "--short", "-q", "HEAD")
        if current.ok and current.out:
            return current.out
        raise RemoteError(
            f"cannot tell which branch of '{remote}' holds the registry (the remote has no "
            "default branch and HEAD is detached); set git.branch or ZENML_GIT_BRANCH"
        )

    def _remote_head_file(self, remote: str) -> Path:
        return self.git_dir / TX_DIR / (REMOTE_HEAD_FILE + remote.replace("/", "%"))

    def forget_remote_head(self, remote: str) -> None:
        with contextlib.suppress(OSError):
            self._remote_head_file(remote).unlink(missing_ok=True)

    def fetch_tip(self, remote: str, branch: str, ref: str) -> tuple[str, str, str]:
        """Fetch the branch into the private ``ref``; ``(commit, tree)`` of its tip.

        A branch the remote does not have is an error, not an invitation: a first commit made
        here would hold only ``.zenml/`` and make the user's own first push of that branch
        fail as non-fast-forward. Push the branch once by hand, then use ``--push``."""
        fetched = self.git(
            "fetch", "--no-tags", "--no-write-fetch-head", "--quiet", "--refmap=", remote,
            f"+refs/heads/{branch}:{ref}", timeout=NETWORK_TIMEOUT,
        )  # fmt: skip
        if not fetched.ok:
            raise fetch_failure(fetched, remote, branch, self)
        return self.tip_objects(ref, f"{remote}/{branch}")

    def tip_objects(self, ref: str, where: str) -> tuple[str, str, str]:
        """``(commit, root tree, store tree)`` of ``ref`` in one git call, which also reads
        the trees on the store's path for ``graft``; a tip without a store gives the empty
        tree. A ``.zenml`` that is a link or a file is refused (exit 6) before anything runs:
        writing through it would land outside the store."""
        parts = self.store_path.split("/")
        levels = ["/".join(parts[:depth]) for depth in range(len(parts))]
        asked = [("info", f"{ref}^{{commit}}")]
        asked += [
            ("contents", f"{ref}:{level}" if level else f"{ref}^{{tree}}") for level in levels
        ]
        asked.append(("info", f"{ref}:{self.store_path}"))
        found = git_objects.read_objects(self.top, asked)
        commit, tree, store = found[0], found[1], found[-1]
        if commit.kind != "commit" or tree.kind != "tree":
            raise RemoteError(f"git cat-file cannot read {where} ({ref}); fetch it again")
        for level in found[1:-1]:
            if level.kind == "tree":
                self._trees[level.oid] = level.body
        if store.kind == "tree":
            return commit.oid, tree.oid, store.oid
        if store.kind != "missing":
            raise CorruptManifestError(
                f"{where}:{self.store_path}",
                "is a symbolic link or a file in the branch, not a folder; --push writes only "
                "into a real .zenml/ folder (commit the folder itself, then retry)",
            )
        return commit.oid, tree.oid, self.empty_tree()

    def empty_tree(self) -> str:
        """No process: git knows the empty tree without storing it."""
        return git_objects.empty_tree("0" * self._oid_bytes * 2)

    @property
    def _oid_bytes(self) -> int:
        """The length of a raw object id in this repository's trees."""
        return 32 if self.object_format == "sha256" else 20

    def graft_levels(self, root_tree: str) -> list[tuple[bytes, str]] | None:
        """The trees on the store's path in ``root_tree``, from the root down, each with the
        name of the next folder (``tree_edit.graft`` rebuilds them around a new store tree
        without a process), from what ``tip_objects`` read; None when one is not at hand or
        not a folder (then ``graft`` does it, and names what is wrong)."""
        width = self._oid_bytes
        levels, tree = [], root_tree
        parts = self.store_path.split("/")
        for depth, name in enumerate(parts):
            body = self._trees.get(tree)
            if body is None:
                return None
            levels.append((body, name))
            if depth + 1 < len(parts):
                entry = next(
                    (e for e in git_objects.tree_entries(body, width) if e[3] == name), None
                )
                if entry is None or entry[1] != "tree":
                    return None
                tree = entry[2]
        return levels

    def graft(self, root_tree: str, store_tree: str, where: str) -> str:
        """``root_tree`` with the store's subtree replaced by ``store_tree``: one ``ls-tree``
        and one ``mktree`` per folder level of the store's path, whatever the repo's size."""
        return self._graft(root_tree, self.store_path.split("/"), store_tree, where)

    def _graft(self, tree: str, parts: list[str], new: str, where: str) -> str:
        name, rest = parts[0], parts[1:]
        entries = self._tree_lines(tree)
        kept, old = [], None
        for entry in entries:
            meta, _, path = entry.partition("\t")
            if path == name:
                old = meta.split()
            else:
                kept.append(entry)
        if rest:
            if old is not None and old[1] != "tree":
                raise CorruptManifestError(
                    f"{where}:{'/'.join(self.store_path.split('/')[: -len(rest)])}",
                    "is a symbolic link or a file in the branch, not a folder; --push cannot "
                    "write the store beneath it",
                )
            below = old[2] if old is not None else self.empty_tree()
            new = self._graft(below, rest, new, where)
        kept.append(f"{TREE_MODE} tree {new}\t{name}")
        return self.check("mktree", "-z", stdin="\0".join(kept) + "\0")

    def _tree_lines(self, tree: str) -> list[str]:
        """``ls-tree -z`` lines of ``tree``: from the trees ``tip_objects`` read when it has
        them (no process), else from git."""
        body = self._trees.get(tree)
        if body is None:
            return [e for e in self.check("ls-tree", "-z", tree).split("\0") if e]
        width = self._oid_bytes
        return [
            f"{mode} {kind} {oid}\t{name}"
            for mode, kind, oid, name in git_objects.tree_entries(body, width)
        ]

    def drop_ref(self, ref: str) -> None:
        """Best effort: it runs after a push may have landed, where a failure must not turn
        into exit 8; a private ref left behind only keeps a fetched commit from gc."""
        self.drop_refs([ref])

    def drop_refs(self, refs: Sequence[str]) -> None:
        """``drop_ref`` for several refs in one ``git update-ref --stdin`` (a ref that does
        not exist is no error)."""
        lines = "".join(f"delete {ref}\n" for ref in refs)
        with contextlib.suppress(RemoteError):
            git_cmd.run(["update-ref", "--stdin"], cwd=self.top, stdin=lines)

    def push(self, remote: str, commit: str, branch: str, options: Sequence[str] = ()) -> GitResult:
        """The compare-and-swap: a plain push succeeds only if the tip is still our parent.
        ``options``: extra ``--push-option=VALUE`` arguments (checked by the caller)."""
        return self.git(
            "push", "--porcelain", *options, remote, f"{commit}:refs/heads/{branch}",
            timeout=NETWORK_TIMEOUT,
        )  # fmt: skip

    # ------------------------------------------------------------------- committing
    def identity_args(self) -> list[str]:
        """``-c user.name=... -c user.email=...`` only where git has no identity of its own,
        so commits work on bare CI runners and keep the user's identity everywhere else."""
        if self.git("var", "GIT_AUTHOR_IDENT").ok and self.git("var", "GIT_COMMITTER_IDENT").ok:
            return []
        args: list[str] = []
        for key, fallback in zip(("user.name", "user.email"), FALLBACK_IDENTITY, strict=True):
            if not self.git("config", key).out:
                args += ["-c", f"{key}={fallback}"]
        return args

    def commit_tree(self, tree: str, parent: str, message: str, identity: list[str]) -> str:
        return git_cmd.check(
            [*identity, "commit-tree", tree, "-p", parent, "-F", "-"], cwd=self.top, stdin=message
        )

    def commit_as(self, identity: Identity, tree: str, parents: list[str], message: str) -> str:
        """``git commit-tree`` as git's own identity; where git has none (a bare CI runner)
        the fallback one, found on the first refusal instead of asked before every commit
        (two ``git var`` processes per write)."""
        parent_args = [arg for parent in parents for arg in ("-p", parent)]
        args = ["commit-tree", tree, *parent_args, "-F", "-"]
        if identity.args is not None:
            return git_cmd.check([*identity.args, *args], cwd=self.top, stdin=message)
        made = git_cmd.run(args, cwd=self.top, stdin=message)
        if made.ok:
            identity.args = []
            return made.out
        identity.args = self.identity_args()
        if not identity.args:  # git has an identity: the refusal was something else
            raise RemoteError(f"git commit-tree failed: {git_cmd.condense(made.stderr)}")
        return git_cmd.check([*identity.args, *args], cwd=self.top, stdin=message)

    def new_tx_id(self) -> str:
        return f"{os.getpid()}-{uuid.uuid4().hex[:12]}"

    def sweep_stale_work_areas(self, now: float | None = None) -> None:
        """Remove work areas and refs a killed process left behind (older than an hour)."""
        root = self.git_dir / TX_DIR
        cutoff = (now or time.time()) - STALE_AFTER_SECONDS
        try:
            entries = list(root.iterdir())
        except FileNotFoundError:
            return
        for entry in entries:
            if entry.name.startswith("pool-") or entry.name == CHECKOUT_LOCK:  # kept on purpose
                continue
            try:
                stale = entry.stat().st_mtime < cutoff
            except FileNotFoundError:
                continue
            if stale and not entry.is_dir():  # the remote's HEAD as last asked: ask again
                entry.unlink(missing_ok=True)
            elif stale:
                shutil.rmtree(entry, ignore_errors=True)
                self.drop_ref(TX_REF_PREFIX + entry.name)


@dataclass
class Identity:
    """The ``-c user.name=... -c user.email=...`` a transaction's commits need: None until
    its first commit tells (``Repo.commit_as``), then ``[]`` when git has its own."""

    args: list[str] | None = None


#: What a branch name from config.yaml may not start with, though git may take it: '-' reads
#: as an option, '+' makes a refspec (and the hints that print one) a forced push, and '@' is
#: HEAD's shorthand for ``check-ref-format --branch``.
_NOT_A_BRANCH_START = ("-", "+", "@")


def plain_branch_name(name: str) -> bool:
    """A branch name git surely accepts, decided without a process: letters, digits, ``_``,
    ``.``, ``-`` in ``/``-separated parts, none starting with ``.`` or ``-`` or ending in
    ``.`` or ``.lock``, no ``..``, not ``HEAD``. Anything else is left to
    ``git check-ref-format``."""
    if not _PLAIN_BRANCH.fullmatch(name) or ".." in name or name == "HEAD":
        return False
    return not any(part.endswith((".", ".lock")) for part in name.split("/"))


def fetch_failure(
    fetched: GitResult, remote: str, branch: str, repo: Repo | None = None
) -> RemoteError:
    """What a failed fetch of ``remote``'s ``branch`` means, as one line: a branch the remote
    does not have, or a remote that cannot be reached (or a failure in this clone, as
    ``cmd.unreachable`` tells them apart). A missing branch also forgets the
    remote's default branch ``repo`` remembered (``default_branch``): it may have moved."""
    if "couldn't find remote ref" in fetched.stderr:
        if repo is not None:
            repo.forget_remote_head(remote)
        return RemoteError(
            f"remote '{remote}' has no branch '{branch}'; push it once "
            f"('git push -u {remote} {branch}') or set git.branch / ZENML_GIT_BRANCH"
        )
    return git_cmd.unreachable(remote, "fetch", fetched.stderr)
