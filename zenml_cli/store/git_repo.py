"""The user's repository as the push engine sees it, and the private work area of one attempt.

Nothing here touches the user's work tree, index, HEAD or stash: fetched tips go to a private
ref, and an attempt works in ``<git-common-dir>/zenml-tx/<id>/`` with its own index file
(``GIT_INDEX_FILE``) and a work tree holding only the tip's ``.zenml/``.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from zenml_cli.errors import RemoteError
from zenml_cli.store import git_cmd
from zenml_cli.store.git_cmd import NETWORK_TIMEOUT, GitResult

STORE_DIR = ".zenml"
TX_DIR = "zenml-tx"
TX_REF_PREFIX = "refs/zenml/tx/"
FALLBACK_IDENTITY = ("zenml-cli", "zenml-cli@localhost")
#: Work areas older than this were left by a killed process and are swept on the next push.
STALE_AFTER_SECONDS = 3600.0
#: Never committed, whatever the tip's .zenml/.gitignore says (it may be missing or old).
ALWAYS_IGNORED = ".locks/\n.cache/\n.trash/\n.tmp-*\nartifact_store/\n"


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
    def require_remote(self, remote: str) -> None:
        """A remote that is neither configured nor a URL/path is a typo: say so plainly."""
        if self.git("config", "--get", f"remote.{remote}.url").ok or any(
            sign in remote for sign in ("/", ":", "\\")
        ):
            return
        raise RemoteError(
            f"no git remote named '{remote}' ('git remote -v' lists them); add one with "
            f"'git remote add {remote} URL' or set git.remote / ZENML_GIT_REMOTE"
        )

    def default_branch(self, remote: str) -> str:
        """The remote's default branch (its HEAD), else the name of the current branch."""
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

    def fetch_tip(self, remote: str, branch: str, ref: str) -> tuple[str, str]:
        """Fetch the branch into the private ``ref``; ``(commit, tree)`` of its tip.

        A branch the remote does not have is an error, not an invitation: a first commit made
        here would hold only ``.zenml/`` and make the user's own first push of that branch
        fail as non-fast-forward. Push the branch once by hand, then use ``--push``."""
        fetched = self.git(
            "fetch", "--no-tags", "--no-write-fetch-head", "--quiet", remote,
            f"+refs/heads/{branch}:{ref}", timeout=NETWORK_TIMEOUT,
        )  # fmt: skip
        if not fetched.ok:
            if "couldn't find remote ref" in fetched.stderr:
                raise RemoteError(
                    f"remote '{remote}' has no branch '{branch}'; push it once "
                    f"('git push -u {remote} {branch}') or set git.branch / ZENML_GIT_BRANCH"
                )
            raise RemoteError(
                f"git fetch from '{remote}' failed: {git_cmd.condense(fetched.stderr)}"
            )
        commit, tree = self.check("rev-parse", f"{ref}^{{commit}}", f"{ref}^{{tree}}").split()
        return commit, tree

    def drop_ref(self, ref: str) -> None:
        self.git("update-ref", "-d", ref)

    def push(self, remote: str, commit: str, branch: str) -> GitResult:
        """The compare-and-swap: a plain push succeeds only if the tip is still our parent."""
        return self.git(
            "push", "--porcelain", remote, f"{commit}:refs/heads/{branch}",
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
            try:
                stale = entry.stat().st_mtime < cutoff
            except FileNotFoundError:
                continue
            if stale:
                shutil.rmtree(entry, ignore_errors=True)
                self.drop_ref(TX_REF_PREFIX + entry.name)


class Workspace:
    """One attempt's private work tree and index; ``close`` removes both."""

    def __init__(self, repo: Repo, tx_id: str) -> None:
        self.repo = repo
        self.dir = repo.git_dir / TX_DIR / tx_id
        self.work = self.dir / "work"
        self._env = {"GIT_INDEX_FILE": str(self.dir / "index")}
        self._excludes = self.dir / "exclude"

    def _git(self, *args: str, stdin: str | None = None) -> str:
        base = ["--git-dir", str(self.repo.git_dir), "--work-tree", str(self.work)]
        return git_cmd.check([*base, *args], cwd=self.work, env=self._env, stdin=stdin)

    def materialise(self, tip: str) -> Path:
        """Index = the tip's whole tree; work tree = only its ``.zenml/``. Returns the private
        project root (the store's parent folder inside the work tree)."""
        self.work.mkdir(parents=True)
        self._git("read-tree", tip)
        files = self._git("ls-files", "-z", "--", self.repo.store_path)
        if files:
            self._git(
                "checkout-index", "-z", "--stdin", f"--prefix={self.work}{os.sep}", stdin=files
            )
        private_root = self.work / self.repo.prefix
        private_root.mkdir(parents=True, exist_ok=True)
        return private_root

    def write_tree(self) -> str:
        """Stage the private ``.zenml/`` (its .gitignore applies, and locks, caches and
        payloads are excluded regardless) and return the new whole-repository tree."""
        self._excludes.write_text(ALWAYS_IGNORED)
        self._git(
            "-c", f"core.excludesFile={self._excludes}", "add", "-A", "--", self.repo.store_path
        )
        return self._git("write-tree")

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
