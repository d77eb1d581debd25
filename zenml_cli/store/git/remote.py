"""Registry writes as transactions on a git remote branch (DESIGN section 7).

The remote branch is the shared truth and git's atomic ref update is the compare-and-swap; no
server of ours. One attempt: fetch the branch tip, bring a private work area to the tip's
``.zenml/`` (rewriting only the files that differ from the last attempt in this clone, see
``workspace.py``), run the operation there, graft the new ``.zenml`` subtree into the tip's
tree, commit on top of the tip, push without force. The cost of an attempt follows what
changed, not the registry's size. A push rejected because the branch moved means someone else
won: wait a jittered, growing moment and run the whole operation again on the new tip
(re-plan: ``latest``, the next number, preconditions and gates are decided afresh; a stale
result is never rebased), for up to ``git.push_timeout`` seconds. Any other failure (no
remote, network, authentication, a hook that declines) is reported at once as RemoteError
(exit 8). The user's work tree, index, HEAD and stash are never touched by
an attempt; after a push the checkout is fast-forwarded only when that is safe.

A registry write reaches this engine through ``store/transport.py`` (``GitTransport``).
"""

from __future__ import annotations

import math
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from zenml_cli.digits import is_number_text
from zenml_cli.errors import InvalidInputError, RemoteError
from zenml_cli.store.config import GitSettings, is_seconds
from zenml_cli.store.git import cmd as git_cmd
from zenml_cli.store.git import review as git_review
from zenml_cli.store.git.checkout import fast_forward
from zenml_cli.store.git.interrupts import LandingGuard
from zenml_cli.store.git.repo import TX_REF_PREFIX, Identity, Repo
from zenml_cli.store.git.review import check_push_options
from zenml_cli.store.git.workspace import Workspace
from zenml_cli.store.push_setting import push_enabled
from zenml_cli.store.transacted import Transacted

T = TypeVar("T")

ENV_REMOTE = "ZENML_GIT_REMOTE"
ENV_BRANCH = "ZENML_GIT_BRANCH"
ENV_RETRIES = "ZENML_GIT_RETRIES"
ENV_PUSH_TIMEOUT = "ZENML_GIT_PUSH_TIMEOUT"
ENV_REVIEW_BRANCH = "ZENML_GIT_REVIEW_BRANCH"
#: One ``git push --push-option`` per line (GitLab: ``merge_request.create``).
ENV_PUSH_OPTIONS = "ZENML_GIT_PUSH_OPTIONS"
#: Full-jitter exponential backoff between attempts: uniform in [0, min(cap, base * 2**n)).
BACKOFF_BASE = 0.05
BACKOFF_CAP = 2.0

__all__ = [
    "GitSettings",
    "Transacted",
    "load_settings",
    "push_enabled",
    "transact",
]


def load_settings(
    project_root: Path, *, review_branch: str | None = None, push_options: Sequence[str] = ()
) -> GitSettings:
    """The ``git:`` settings of the checkout's ``.zenml/config.yaml``, then the environment
    (``ZENML_GIT_REMOTE``, ``ZENML_GIT_BRANCH``, ``ZENML_GIT_RETRIES``,
    ``ZENML_GIT_PUSH_TIMEOUT``, ``ZENML_GIT_REVIEW_BRANCH``, ``ZENML_GIT_PUSH_OPTIONS``) over
    them, then the command line's ``review_branch`` (``--branch``) and ``push_options``
    (``--push-option``). Read from the local checkout, not the tip: they say which tip to
    fetch. Push options never come from config.yaml (see ``review.py``)."""
    from zenml_cli.store.store import Store  # the store module is the heavier import

    settings = Store(project_root).config.git
    remote = os.environ.get(ENV_REMOTE, "").strip() or settings.remote
    branch = os.environ.get(ENV_BRANCH, "").strip() or settings.branch
    review = (
        review_branch or os.environ.get(ENV_REVIEW_BRANCH, "").strip() or settings.review_branch
    )
    from_env = [line.strip() for line in os.environ.get(ENV_PUSH_OPTIONS, "").splitlines()]
    options = check_push_options(tuple(push_options) or tuple(o for o in from_env if o))
    retries = settings.retries
    raw = os.environ.get(ENV_RETRIES, "").strip()
    if raw:
        if not is_number_text(raw) or int(raw) < 1:
            raise InvalidInputError(f"{ENV_RETRIES}={raw!r} must be a whole number of at least 1")
        retries = int(raw)
    budget = settings.push_timeout
    raw = os.environ.get(ENV_PUSH_TIMEOUT, "").strip()
    if raw:
        try:
            budget = float(raw)
        except ValueError:
            budget = math.nan
        if not is_seconds(budget):
            raise InvalidInputError(f"{ENV_PUSH_TIMEOUT}={raw!r} must be seconds, 1 to 86400")
    return replace(
        settings, remote=remote, branch=branch, retries=retries, push_timeout=budget,
        review_branch=review or None, push_options=options,
    )  # fmt: skip


def transact(
    project_root: Path,
    operation: Callable[[Path], T],
    describe: Callable[[T], str],
    *,
    settings: GitSettings,
    actor: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
    rng: Callable[[], float] = random.random,
    clock: Callable[[], float] = time.monotonic,
) -> Transacted[T]:
    """Apply ``operation`` to the remote branch's ``.zenml/`` as one commit, retrying on races.

    ``operation(private_root)`` gets a project folder whose ``.zenml/`` is exactly the tip's;
    it may run several times (once per attempt) and must decide everything from that folder.
    An error it raises propagates unchanged, with nothing committed. ``describe(result)`` is
    the commit subject, optionally followed by body lines (see ``commit_message``); ``actor``
    (who acted, with the CI run) is added as a trailer.

    The branch is ``settings.branch``, else the remote's default branch; with
    ``settings.review_branch`` the commit goes to that branch instead (``review.py``). A
    branch missing on
    the remote is a RemoteError naming it (see ``Repo.fetch_tip`` for why it is not created).
    Raises RemoteError (exit 8) for any git failure, or when every attempt lost the race for
    ``settings.push_timeout`` seconds (or ``settings.retries`` attempts, when set).
    """
    repo = Repo.of(project_root, settings.remote)
    repo.require_remote(settings.remote, settings.branch)
    branch = settings.branch or repo.default_branch(settings.remote)
    if settings.review_branch is not None:
        git_review.check_review_branch(repo, settings.review_branch, branch)
    identity = Identity()
    repo.sweep_stale_work_areas()
    deadline = clock() + settings.push_timeout
    workspace = Workspace(repo.git_dir, repo.store_path, wait=settings.push_timeout)
    attempt = _Attempt(repo, workspace, settings.remote, branch, identity, actor)
    try:
        attempt.review = settings.review_branch
        attempt.push_options = settings.push_options
        number = 0
        while True:
            number += 1
            outcome = attempt.run(operation, describe)
            if outcome is not None:
                result, commit = outcome
                return Transacted(result, commit, number, attempt.note(commit, number))
            pause = backoff(number, rng)
            give_up_if_spent(
                settings, number, f"{settings.remote}/{branch}", clock() + pause > deadline
            )
            sleep(pause)
    finally:
        attempt.interrupts.close()
        workspace.close()


def give_up_if_spent(settings: GitSettings, attempts: int, where: str, past_deadline: bool) -> None:
    """RemoteError (exit 8) once ``attempts`` lost races reach ``git.retries`` or the next
    wait would pass ``git.push_timeout``: the one rule for when racing stops."""
    if settings.retries is not None and attempts >= settings.retries:
        raise RemoteError(
            f"gave up after {attempts} attempts: the remote kept moving ({where}); retry, or "
            f"raise git.retries / {ENV_RETRIES}"
        )
    if past_deadline:
        raise RemoteError(
            f"gave up after {settings.push_timeout:g}s and {attempts} attempts: the remote kept "
            f"moving ({where}); nothing was pushed; retry, or raise git.push_timeout / "
            f"{ENV_PUSH_TIMEOUT}"
        )


def backoff(attempt: int, rng: Callable[[], float] = random.random) -> float:
    """Seconds to wait after losing attempt ``attempt`` (1-based): full jitter, so racing
    writers spread out instead of colliding again in lockstep."""
    return rng() * min(BACKOFF_CAP, BACKOFF_BASE * 2.0 ** (attempt - 1))


def commit_message(summary: str, actor: str | None) -> str:
    """``summary``'s first line is the subject (what changed, on one line); its other lines
    are the body (the ``-m`` message, the gate's values); the actor is the one trailer, as
    its own last paragraph, so ``git log`` alone is a full audit (issue 22.5). Control
    characters other than newline and tab are dropped: the text comes from users."""
    clean = "".join(c for c in summary if c in "\n\t" or (ord(c) >= 32 and ord(c) != 127))
    first, _, rest = clean.strip().partition("\n")
    subject = " ".join(first.split()) or "registry change"
    body = "\n".join(line.rstrip() for line in rest.strip("\n").splitlines()).strip("\n")
    parts = [f"zenml: {subject}", *([body] if body else [])]
    if actor:
        parts.append(f"Zenml-Actor: {' '.join(actor.split())}")
    return "\n\n".join(parts) + "\n"


@dataclass
class _Attempt:
    repo: Repo
    workspace: Workspace
    remote: str
    branch: str
    identity: Identity
    actor: str | None
    #: Push to this branch instead of ``branch`` (``review.py``); how the last attempt began.
    review: str | None = None
    push_options: tuple[str, ...] = ()
    basis: str | None = None
    #: The tip the last attempt built on: the pushed commit's parent.
    parent: str | None = None
    #: Ctrl-C from the push that may land on (``interrupts.py``).
    interrupts: LandingGuard = field(default_factory=LandingGuard)

    @property
    def target(self) -> str:
        """The branch the commit is pushed to."""
        return self.review or self.branch

    def run(
        self, operation: Callable[[Path], T], describe: Callable[[T], str]
    ) -> tuple[T, str | None] | None:
        """``(result, commit or None for no change)``, or None if the push lost a race."""
        ref = TX_REF_PREFIX + self.repo.new_tx_id()
        where = f"{self.remote}/{self.target}"
        try:
            tip, tip_tree, store_tree = self._start(ref)
            self.parent = tip
            result = operation(self.workspace.checkout(store_tree))
            new_store, root = self.workspace.stage(self.repo.graft_levels(tip_tree))
            if new_store == store_tree:
                return result, None
            tree = root or self.repo.graft(tip_tree, new_store, where)
            message = commit_message(describe(result), self.actor)
            commit = self.repo.commit_as(self.identity, tree, [tip], message)
            options = git_review.push_option_args(self.push_options)
            self.interrupts.hold()
            pushed = self.repo.push(self.remote, commit, self.target, options)
            if git_cmd.landed(pushed, f"refs/heads/{self.target}"):
                return result, commit
            if git_cmd.is_race(pushed):
                self.interrupts.not_landed()
                return None
            raise RemoteError(f"push to {where} refused: {_reason(pushed)}")
        finally:
            review = [] if self.review is None else [ref + git_review.REVIEW_REF_SUFFIX]
            self.repo.drop_refs([ref, *review])

    def _start(self, ref: str) -> tuple[str, str, str]:
        """``(commit, root tree, store tree)`` this attempt builds on."""
        if self.review is None:
            return self.repo.fetch_tip(self.remote, self.branch, ref)
        tip, self.basis = git_review.start(self.repo, self.remote, self.branch, self.review, ref)
        return tip

    def note(self, commit: str | None, attempts: int) -> str:
        where = f"{self.remote}/{self.target}"
        if commit is None:
            return f"no change to the registry; nothing pushed to {where}"
        tries = f" (attempt {attempts})" if attempts > 1 else ""
        said = f"pushed {commit[:7]} to {where}{tries}"
        if self.review is not None:
            said += "; " + git_review.note(self.remote, self.branch, self.review, self.basis)
        try:
            hint = self._update_checkout(commit)
        except (RemoteError, OSError) as exc:  # the push landed: exit 8 would say it had not
            hint = f"could not update your checkout ({exc}); run 'git pull --ff-only'"
        return said + (f"; {hint}" if hint else "")

    def _update_checkout(self, commit: str) -> str | None:
        """Fast-forward the checkout; a review branch only when it is checked out (a user on
        main who sent a change for review expects main to stay where it is)."""
        if self.review is not None:
            head = self.repo.git("symbolic-ref", "-q", "HEAD")
            if not head.ok or head.out != f"refs/heads/{self.review}":
                return None
        return fast_forward(self.repo, self.target, commit, self.parent)


def _reason(pushed: git_cmd.GitResult) -> str:
    """The server's words (a hook's message) and git's verdict, in one line."""
    verdicts = [
        line.split("\t")[-1].strip() for line in pushed.stdout.splitlines() if line.startswith("!")
    ]
    said = [line for line in pushed.stderr.splitlines() if line.startswith("remote:")]
    parts = [git_cmd.condense("\n".join(said))] if said else []
    parts += verdicts or [git_cmd.condense(pushed.stderr)]
    return "; ".join(parts)
