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
import shutil
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from zenml_cli.errors import CorruptManifestError, InvalidInputError, RemoteError
from zenml_cli.store.git import cmd as git_cmd
from zenml_cli.store.git.cmd import NETWORK_TIMEOUT, GitResult
from zenml_cli.store.layout import STORE_DIR

TX_DIR = "zenml-tx"
TX_REF_PREFIX = "refs/zenml/tx/"
#: The lock one fast-forward of the user's checkout holds (``checkout.py``); kept.
CHECKOUT_LOCK = "checkout.lock"
FALLBACK_IDENTITY = ("zenml-cli", "zenml-cli@localhost")
#: Work areas older than this were left by a killed process and are swept on the next push.
STALE_AFTER_SECONDS = 3600.0
TREE_MODE = "040000"


@dataclass(frozen=True)
class Repo:
    """A git work tree holding a zenml project: ``prefix`` is the project's folder inside it
    (``""`` at the top, else ``"sub/dir/"``), ``git_dir`` the common git dir (shared by
    linked worktrees)."""

    top: Path
    prefix: str
    git_dir: Path

    @classmethod
    def of(cls, project_root: Path) -> Repo:
        if not project_root.is_dir():
            raise RemoteError(f"{project_root} is not a folder; --push needs the project's folder")
        result = git_cmd.run(
            ["rev-parse", "--show-toplevel", "--show-prefix", "--git-common-dir"],
            cwd=project_root,
        )
        if not result.ok:
            raise RemoteError(
                f"{project_root} is not inside a git work tree; --push needs a clone of the "
                "repository that holds the registry ('git clone URL')"
            )
        top, prefix, git_dir = result.stdout.split("\n")[:3]
        return cls(Path(top), prefix, (project_root / git_dir).resolve())

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
        if branch is not None and (
            branch.startswith("-") or not self.git("check-ref-format", "--branch", branch).ok
        ):
            raise InvalidInputError(
                f"git.branch {branch!r} is not a valid branch name ('git check-ref-format "
                "--branch' refuses it); set git.branch / ZENML_GIT_BRANCH to a branch name"
            )

    def default_branch(self, remote: str) -> str:
        """The remote's default branch: ``refs/remotes/<remote>/HEAD`` as the clone recorded
        it (no network), else asked of the remote (its HEAD), else the current branch."""
        known = self.git("symbolic-ref", "-q", f"refs/remotes/{remote}/HEAD")
        if known.ok and known.out.startswith(f"refs/remotes/{remote}/"):
            return known.out.removeprefix(f"refs/remotes/{remote}/")
        listed = self.git("ls-remote", "--symref", remote, "HEAD", timeout=NETWORK_TIMEOUT)
        if not listed.ok:
            raise RemoteError(f"cannot reach remote '{remote}': {git_cmd.condense(listed.stderr)}")
        for line in listed.stdout.splitlines():
            target, _, name = line.partition("\t")
            if name == "HEAD" and target.startswith("ref: refs/heads/"):
                return target.removeprefix("ref: refs/heads/")
        current = self.git("symbolic-ref", "--short", "-q", "HEAD")
        if current.ok and current.out:
            return current.out
        raise RemoteError(
            f"cannot tell which branch of '{remote}' holds the registry (the remote has no "
            "default branch and HEAD is detached); set git.branch or ZENML_GIT_BRANCH"
        )

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
            raise fetch_failure(fetched, remote, branch)
        return self.tip_objects(ref, f"{remote}/{branch}")

    def tip_objects(self, ref: str, where: str) -> tuple[str, str, str]:
        """``(commit, root tree, store tree)`` of ``ref`` in one git call; a tip without a
        store gives the empty tree. A ``.zenml`` that is a link or a file is refused (exit 6)
        before anything runs: writing through it would land outside the store."""
        asked = f"{ref}^{{commit}}\n{ref}^{{tree}}\n{ref}:{self.store_path}\n"
        lines = self.check("cat-file", "--batch-check", stdin=asked).splitlines()
        commit, tree = lines[0].split()[0], lines[1].split()[0]
        store = lines[2].split()
        if len(store) == 3 and store[1] == "tree":
            return commit, tree, store[0]
        if len(store) == 3:
            raise CorruptManifestError(
                f"{where}:{self.store_path}",
                "is a symbolic link or a file in the branch, not a folder; --push writes only "
                "into a real .zenml/ folder (commit the folder itself, then retry)",
            )
        return commit, tree, self.empty_tree()

    def empty_tree(self) -> str:
        return self.check("mktree", stdin="")

    def graft(self, root_tree: str, store_tree: str, where: str) -> str:
        """``root_tree`` with the store's subtree replaced by ``store_tree``: one ``ls-tree``
        and one ``mktree`` per folder level of the store's path, whatever the repo's size."""
        return self._graft(root_tree, self.store_path.split("/"), store_tree, where)

    def _graft(self, tree: str, parts: list[str], new: str, where: str) -> str:
        name, rest = parts[0], parts[1:]
        entries = [e for e in self.check("ls-tree", "-z", tree).split("\0") if e]
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

    def drop_ref(self, ref: str) -> None:
        """Best effort: it runs after a push may have landed, where a failure must not turn
        into exit 8; a private ref left behind only keeps a fetched commit from gc."""
        with contextlib.suppress(RemoteError):
            self.git("update-ref", "-d", ref)

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
            if stale:
                shutil.rmtree(entry, ignore_errors=True)
                self.drop_ref(TX_REF_PREFIX + entry.name)


def fetch_failure(fetched: GitResult, remote: str, branch: str) -> RemoteError:
    """What a failed fetch of ``remote``'s ``branch`` means, as one line: a branch the remote
    does not have, or a remote that cannot be reached."""
    if "couldn't find remote ref" in fetched.stderr:
        return RemoteError(
            f"remote '{remote}' has no branch '{branch}'; push it once "
            f"('git push -u {remote} {branch}') or set git.branch / ZENML_GIT_BRANCH"
        )
    return RemoteError(
        f"cannot reach remote '{remote}' (git fetch): {git_cmd.condense(fetched.stderr)}"
    )
