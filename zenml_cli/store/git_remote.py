"""Registry writes as transactions on a git remote branch (DESIGN section 7).

The remote branch is the shared truth and git's atomic ref update is the compare-and-swap; no
server of ours. One attempt: fetch the branch tip, materialise only its ``.zenml/`` in a
private work area, run the operation there, commit only ``.zenml/`` on top of the tip, push
without force. A push rejected because the branch moved means someone else won: wait a
jittered, growing moment and run the whole operation again on the new tip (re-plan: ``latest``,
the next number, preconditions and gates are decided afresh; a stale result is never rebased).
Any other failure (no remote, network, authentication, a hook that declines) is reported at
once as RemoteError (exit 8). The user's work tree, index, HEAD and stash are never touched by
an attempt; after a push the checkout is fast-forwarded only when that is safe.

Wiring a write command is one call: ``run_write(root, operation, describe, push=flag)``.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Generic, TypeVar

from zenml_cli.errors import InvalidInputError, RemoteError
from zenml_cli.store import git_cmd
from zenml_cli.store.config import GitSettings
from zenml_cli.store.git_checkout import fast_forward
from zenml_cli.store.git_repo import TX_REF_PREFIX, Repo, Workspace
from zenml_cli.store.push_switch import push_enabled

T = TypeVar("T")

ENV_REMOTE = "ZENML_GIT_REMOTE"
ENV_BRANCH = "ZENML_GIT_BRANCH"
ENV_RETRIES = "ZENML_GIT_RETRIES"
#: Full-jitter exponential backoff between attempts: uniform in [0, min(cap, base * 2**n)).
BACKOFF_BASE = 0.05
BACKOFF_CAP = 2.0

__all__ = [
    "GitSettings",
    "Transacted",
    "load_settings",
    "push_enabled",
    "run_write",
    "transact",
]


@dataclass(frozen=True)
class Transacted(Generic[T]):
    """What a write returned, and what reaching the remote took.

    ``commit`` is None when nothing was pushed (no change, or push off); ``note`` is one line
    for stderr naming the commit and, if the checkout was left behind, how to pull."""

    result: T
    commit: str | None
    attempts: int
    note: str | None


def load_settings(project_root: Path) -> GitSettings:
    """The ``git:`` settings of the checkout's ``.zenml/config.yaml``, then the environment
    (``ZENML_GIT_REMOTE``, ``ZENML_GIT_BRANCH``, ``ZENML_GIT_RETRIES``) over them. Read from
    the local checkout, not the tip: they say which tip to fetch."""
    from zenml_cli.store.store import Store  # the store module is the heavier import

    settings = Store(project_root).config.git
    remote = os.environ.get(ENV_REMOTE, "").strip() or settings.remote
    branch = os.environ.get(ENV_BRANCH, "").strip() or settings.branch
    retries = settings.retries
    raw = os.environ.get(ENV_RETRIES, "").strip()
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            raise InvalidInputError(f"{ENV_RETRIES}={raw!r} must be a whole number of at least 1")
        retries = int(raw)
    return replace(settings, remote=remote, branch=branch, retries=retries)


def run_write(
    project_root: Path,
    operation: Callable[[Path], T],
    describe: Callable[[T], str],
    *,
    push: bool | None = None,
    actor: str | None = None,
) -> Transacted[T]:
    """The one call a write command makes: ``operation(project_root)`` on the local store, or
    with push on (``push`` or ``$ZENML_PUSH``) a transaction on the configured remote."""
    if not push_enabled(push):
        return Transacted(operation(project_root), None, 1, None)
    settings = load_settings(project_root)
    return transact(project_root, operation, describe, settings=settings, actor=actor)


def transact(
    project_root: Path,
    operation: Callable[[Path], T],
    describe: Callable[[T], str],
    *,
    settings: GitSettings,
    actor: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
    rng: Callable[[], float] = random.random,
) -> Transacted[T]:
    """Apply ``operation`` to the remote branch's ``.zenml/`` as one commit, retrying on races.

    ``operation(private_root)`` gets a project folder whose ``.zenml/`` is exactly the tip's;
    it may run several times (once per attempt) and must decide everything from that folder.
    An error it raises propagates unchanged, with nothing committed. ``describe(result)`` is
    the commit subject; ``actor`` (who acted, with the CI run) is added as a trailer.

    The branch is ``settings.branch``, else the remote's default branch. A branch missing on
    the remote is a RemoteError naming it (see ``Repo.fetch_tip`` for why it is not created).
    Raises RemoteError (exit 8) for any git failure, or after ``settings.retries`` attempts
    that all lost the race.
    """
    repo = Repo.of(project_root)
    repo.require_remote(settings.remote)
    branch = settings.branch or repo.default_branch(settings.remote)
    identity = repo.identity_args()
    repo.sweep_stale_work_areas()
    attempt = _Attempt(repo, settings.remote, branch, identity, actor)
    for number in range(1, settings.retries + 1):
        outcome = attempt.run(operation, describe)
        if outcome is not None:
            result, commit = outcome
            return Transacted(result, commit, number, attempt.note(commit, number))
        if number < settings.retries:
            sleep(backoff(number, rng))
    raise RemoteError(
        f"gave up after {settings.retries} attempts: the remote kept moving "
        f"({settings.remote}/{branch}); retry, or raise git.retries / {ENV_RETRIES}"
    )


def backoff(attempt: int, rng: Callable[[], float] = random.random) -> float:
    """Seconds to wait after losing attempt ``attempt`` (1-based): full jitter, so racing
    writers spread out instead of colliding again in lockstep."""
    return rng() * min(BACKOFF_CAP, BACKOFF_BASE * 2.0 ** (attempt - 1))


def commit_message(summary: str, actor: str | None) -> str:
    subject = " ".join(summary.split()) or "registry change"
    trailer = f"\n\nZenml-Actor: {actor}\n" if actor else "\n"
    return f"zenml: {subject}{trailer}"


@dataclass(frozen=True)
class _Attempt:
    repo: Repo
    remote: str
    branch: str
    identity: list[str]
    actor: str | None

    def run(
        self, operation: Callable[[Path], T], describe: Callable[[T], str]
    ) -> tuple[T, str | None] | None:
        """``(result, commit or None for no change)``, or None if the push lost a race."""
        tx_id = self.repo.new_tx_id()
        ref = TX_REF_PREFIX + tx_id
        workspace = Workspace(self.repo, tx_id)
        try:
            tip, tip_tree = self.repo.fetch_tip(self.remote, self.branch, ref)
            result = operation(workspace.materialise(tip))
            tree = workspace.write_tree()
            if tree == tip_tree:
                return result, None
            message = commit_message(describe(result), self.actor)
            commit = self.repo.commit_tree(tree, tip, message, self.identity)
            pushed = self.repo.push(self.remote, commit, self.branch)
            if pushed.ok:
                return result, commit
            if git_cmd.is_race(pushed):
                return None
            raise RemoteError(f"push to {self.remote}/{self.branch} refused: {_reason(pushed)}")
        finally:
            workspace.close()
            self.repo.drop_ref(ref)

    def note(self, commit: str | None, attempts: int) -> str:
        where = f"{self.remote}/{self.branch}"
        if commit is None:
            return f"no change to the registry; nothing pushed to {where}"
        tries = f" (attempt {attempts})" if attempts > 1 else ""
        hint = fast_forward(self.repo, self.branch, commit)
        return f"pushed {commit[:7]} to {where}{tries}" + (f"; {hint}" if hint else "")


def _reason(pushed: git_cmd.GitResult) -> str:
    """The server's words (a hook's message) and git's verdict, in one line."""
    verdicts = [
        line.split("\t")[-1].strip() for line in pushed.stdout.splitlines() if line.startswith("!")
    ]
    said = [line for line in pushed.stderr.splitlines() if line.startswith("remote:")]
    parts = [git_cmd.condense("\n".join(said))] if said else []
    parts += verdicts or [git_cmd.condense(pushed.stderr)]
    return "; ".join(parts)
