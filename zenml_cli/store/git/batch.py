"""``--push`` writes that many runners make at once: one landing completes many (issue 21.1).

One ref is one compare-and-swap: when N runners push to it at once, each landing invalidates
every other attempt in flight, so retrying alone (``git_remote.transact``) needs about N/2
attempts per success. Here a runner that loses the race (or finds writes already queued)
stops racing: it queues its write on the remote as a pending intent (``intents.py``) and
polls. The oldest queued runner is the *lander*: it applies, on the tip it fetched, every
queued write in order of arrival (each recorded as its owner's, with its own actor and CI
run), commits them as one commit with a trailer per write, and pushes the branch and the
removal of exactly those intents atomically. Every owner then finds its write in the landed
commit and prints its own result, rebuilt from that commit's tree.

What holds, as with the plain engine:

- gates and preconditions (``--if-current``, ``--if-better``, a name taken) are decided on
  the tip the commit is built on, after the writes queued before them in the same commit;
  the atomic push lands that exact state or nothing;
- a write whose rule refuses it on the lander's tip is left in the queue for its owner, who
  decides it on a tip of its own and reports the refusal (exit 4) after withdrawing it;
- a runner killed at any moment leaves nothing half-applied: its work area is private and
  its commit lands whole or not at all; its own queued write, if published, is applied by
  the next lander, or dropped as garbage once it expires;
- exit 8 for "the remote kept moving" only after ``git.push_timeout`` seconds, and a queued
  runner that gives up withdraws its write first (if it landed meanwhile, that is success).

If the lander disappears (killed, or slow), the next in line takes over once the queue has
not moved for a while (``_stalled``). Writes without a serializable form (``core/intents``)
still race as before, but land every queued write they find along with their own.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from zenml_cli.errors import InvalidInputError, RemoteError
from zenml_cli.store.config import GitSettings
from zenml_cli.store.git import cmd as git_cmd
from zenml_cli.store.git import intents as git_intents
from zenml_cli.store.git.checkout import fast_forward
from zenml_cli.store.git.intents import Intent, View
from zenml_cli.store.git.interrupts import LandingGuard
from zenml_cli.store.git.remote import (
    ENV_PUSH_TIMEOUT,
    backoff,
    commit_message,
    give_up_if_spent,
)
from zenml_cli.store.git.repo import Identity, Repo
from zenml_cli.store.git.workspace import Workspace
from zenml_cli.store.transacted import Transacted

T = TypeVar("T")

#: ``ZENML_GIT_QUEUE=0`` turns queueing off: every write races for the branch on its own.
ENV_QUEUE = "ZENML_GIT_QUEUE"

#: A queued runner whose queue has not moved for this long (plus ``STALL_PER_RANK`` per
#: runner ahead of it, plus a few round trips) lands the queue itself.
STALL_SECONDS = 15.0
STALL_PER_RANK = 2.0
#: Seconds between two polls of the queue (uniform in the range), plus ``POLL_PER_RANK`` per
#: runner ahead: those far back wait for a later landing anyway, and polls cost processes.
POLL_PAUSE = (0.3, 0.9)
POLL_PER_RANK = 0.03


class Applier(Protocol):
    """Runs queued writes (``core/intents.Applier``): ``apply`` gives (result, outcome, one
    commit line), raising when the write's rules refuse it on this store; ``resume`` rebuilds
    the owner's result from a landed outcome."""

    def apply(
        self, root: Path, kind: str, args: dict[str, Any], actor: str, ci_run: str | None
    ) -> tuple[Any, dict[str, Any], str]: ...

    def resume(
        self, root: Path, kind: str, args: dict[str, Any], outcome: dict[str, Any]
    ) -> Any: ...


@dataclass(frozen=True)
class Request:
    """This command's write as data (``kind``, JSON ``args``), when it has such a form."""

    kind: str
    args: dict[str, Any]


@dataclass
class _Landing(Generic[T]):
    commit: str | None
    result: T | None = None
    own_landed: bool = False
    writes: int = 0
    #: The tip the landing commit was built on.
    parent: str | None = None


@dataclass
class _Batched(Generic[T]):
    repo: Repo
    settings: GitSettings
    branch: str
    identity: Identity
    actor: str
    ci_run: str | None
    applier: Applier
    tx: str
    clock: Callable[[], float]
    wall: Callable[[], float]
    rtt: float = field(default=1.0)
    #: Local refs the last fetch left; None before the first fetch finished.
    local_refs: tuple[str, ...] | None = None
    #: Ctrl-C from the push that may land on (``interrupts.py``).
    interrupts: LandingGuard = field(default_factory=LandingGuard)

    @property
    def where(self) -> str:
        return f"{self.settings.remote}/{self.branch}"

    def fetch(self) -> View:
        started = self.clock()
        self.local_refs = None  # a failed fetch may leave refs: list them when dropping
        view = git_intents.fetch_view(
            self.repo, self.settings.remote, self.branch, self.tx, self.wall()
        )
        self.rtt = max(0.01, self.clock() - started)
        self.local_refs = view.local_refs
        return view

    # ----------------------------------------------------------------------- one landing
    def land(
        self,
        view: View,
        operation: Callable[[Path], T] | None,
        describe: Callable[[T], str] | None,
        own: Intent | None,
    ) -> _Landing[T] | None:
        """Apply ``operation`` (first, on the tip itself), then the queue in order, commit,
        push atomically. None if the push lost the race. A queued write its rules refuse is
        left out (and the rest applied again without it); this runner's own queued write
        refused on the bare tip raises, as its own command would."""
        excluded: set[str] = set()
        while True:
            queue = [i for i in view.pending if i.id not in excluded][: git_intents.MAX_BATCH]
            workspace = self._workspace()
            try:
                root = workspace.checkout(view.store_tree)
                landing: _Landing[T] = _Landing(None)
                lines: list[str] = []
                landed: list[tuple[Intent, dict[str, Any]]] = []
                refused = None
                with workspace.unsynced():
                    if operation is not None and describe is not None:
                        landing.result = operation(root)
                        landing.own_landed = True
                        lines.append(describe(landing.result))
                    for intent in queue:
                        try:
                            result, outcome, line = self.applier.apply(
                                root, intent.kind, intent.args, intent.actor, intent.ci_run
                            )
                        except Exception:
                            mine = own is not None and intent.id == own.id
                            if mine and not landed and operation is None:
                                raise  # decided on the bare tip: this runner's answer
                            refused = intent.id
                            break
                        if own is not None and intent.id == own.id:
                            landing.result, landing.own_landed = result, True
                        landed.append((intent, outcome))
                        lines.append(line)
                if refused is not None:
                    excluded.add(refused)
                    continue
                new_store, new_root = workspace.stage(self.repo.graft_levels(view.tip_tree))
            finally:
                workspace.close()
            if new_store == view.store_tree and not landed:
                return landing  # nothing to push (queued garbage can wait for a real write)
            tree = new_root or self.repo.graft(view.tip_tree, new_store, self.where)
            return self._push(view, tree, lines, landed, landing, operation is not None)

    def _push(
        self,
        view: View,
        tree: str,
        lines: list[str],
        landed: list[tuple[Intent, dict[str, Any]]],
        landing: _Landing[T],
        own_op: bool,
    ) -> _Landing[T] | None:
        """Commit root ``tree`` on the tip and push it with the landed writes' refs."""
        if own_op and not landed:  # a write of its own alone: the plain engine's message
            message = commit_message(lines[0], self.actor)
        else:
            message = git_intents.landing_message(lines, self.actor if own_op else None, landed)
        commit = self.repo.commit_as(self.identity, tree, [view.tip], message)
        consumed = [(intent.ref, intent.oid) for intent, _ in landed] + list(view.garbage)
        self.interrupts.hold()
        pushed = git_intents.push_landing(
            self.repo, self.settings.remote, commit, self.branch, consumed
        )
        if pushed.ok:
            landing.commit, landing.writes, landing.parent = commit, len(lines), view.tip
            return landing
        if git_cmd.is_race(pushed):
            self.interrupts.not_landed()
            return None
        raise RemoteError(f"push to {self.where} refused: {git_cmd.condense(pushed.stderr)}")

    # ----------------------------------------------------------------------- queued
    def _workspace(self) -> Workspace:
        """A private work area, held only while this runner applies or reads (not while it
        waits in the queue), so queued runners in one clone do not exhaust the pool."""
        return Workspace(self.repo.git_dir, self.repo.store_path, self.settings.push_timeout)

    def queue(
        self,
        request: Request,
        since: str,
        deadline: float,
        sleep: Callable[[float], None],
        rng: Callable[[], float],
        ahead: frozenset[str] | None = None,
    ) -> Transacted[Any] | None:
        """Publish this write, then wait until it lands (by anyone); None if the remote
        refused the queue's ref (the caller goes back to racing). ``ahead``: the queue the
        fetch that found it just saw (at ``since``): the first look at the queue is that,
        not an ``ls-remote`` of its own (a process and a round trip per queued runner)."""
        expires = self.wall() + self.settings.push_timeout + git_intents.EXPIRY_GRACE
        draft = Intent(
            git_intents.new_intent_id(expires), request.kind, request.args, self.actor,
            self.ci_run, expires,
        )  # fmt: skip
        own = git_intents.publish(self.repo, self.settings.remote, draft, self.identity)
        if own is None:
            return None
        moved, seen, polls = self.clock(), (since, frozenset[str]()), 0
        known = None if ahead is None else (since, sorted({*ahead, own.id}))
        while True:
            polls += 1
            if known is not None:
                (tip, ids), known = known, None
            else:
                tip, ids = git_intents.list_queue(self.repo, self.settings.remote, self.branch)
            if own.id not in ids:
                view = self.fetch()
                commit, outcome = git_intents.find_landed(self.repo, view.tip, since, own.id)
                if not commit:  # removed as garbage without landing: queue it again
                    return self.queue(request, since, deadline, sleep, rng)
                resumed = self.resume(commit, own, outcome)
                return Transacted(resumed, commit, polls, self.note(commit, queued=True))
            if self.clock() > deadline:
                if git_intents.withdraw(self.repo, self.settings.remote, own):
                    raise RemoteError(
                        f"gave up after {self.settings.push_timeout:g}s: the remote kept "
                        f"moving ({self.where}) and this write, queued since, was not landed; "
                        f"nothing was pushed; retry, or raise git.push_timeout / "
                        f"{ENV_PUSH_TIMEOUT}"
                    )
                continue  # it landed meanwhile: the next poll finds it
            if tip != seen[0] or seen[1] - set(ids):
                moved = self.clock()
            seen = (tip, frozenset(ids))
            live = git_intents.live_ids(ids, self.wall())
            rank = live.index(own.id) if own.id in live else 0
            if rank == 0 or self._stalled(moved, rank):
                landing = self._land_queued(self.fetch(), own)
                if landing is not None and landing.own_landed and landing.commit:
                    note = self.note(landing.commit, writes=landing.writes, parent=landing.parent)
                    return Transacted(landing.result, landing.commit, polls, note)
                continue  # lost the race (or landed others only): look again at once
            low, high = POLL_PAUSE
            sleep(low + (high - low) * rng() + POLL_PER_RANK * rank)

    def _stalled(self, moved: float, rank: int) -> bool:
        wait = STALL_SECONDS + 3 * self.rtt + STALL_PER_RANK * (rank - 1)
        return self.clock() - moved > wait

    def _land_queued(self, view: View, own: Intent) -> _Landing[Any] | None:
        try:
            return self.land(view, None, None, own)
        except Exception:
            # Refused on the bare tip: withdraw, then report it, unless another lander
            # applied it meanwhile on a tip where it held (then the next fetch finds it).
            if git_intents.withdraw(self.repo, self.settings.remote, own):
                raise
            return None

    def resume(self, commit: str, own: Intent, outcome: dict[str, Any]) -> Any:
        _, _, store_tree = self.repo.tip_objects(commit, self.where)
        workspace = self._workspace()
        try:
            root = workspace.checkout(store_tree)
            return self.applier.resume(root, own.kind, own.args, outcome)
        finally:
            workspace.close()

    def note(
        self, commit: str, *, attempts: int = 1, writes: int = 1, queued: bool = False,
        parent: str | None = None,
    ) -> str:  # fmt: skip
        if queued:
            said = f"queued, landed in {commit[:7]} on {self.where} by another runner"
        else:
            tries = f" (attempt {attempts})" if attempts > 1 else ""
            more = f", with {writes - 1} queued write(s) of others" if writes > 1 else ""
            said = f"pushed {commit[:7]} to {self.where}{tries}{more}"
        try:
            hint = fast_forward(self.repo, self.branch, commit, parent)
        except (RemoteError, OSError) as exc:  # the write landed: exit 8 would say it had not
            hint = f"could not update your checkout ({exc}); run 'git pull --ff-only'"
        return said + (f"; {hint}" if hint else "")


def queue_enabled() -> bool:
    """``$ZENML_GIT_QUEUE``: on unless set to a false switch (0/false/no/off)."""
    value = os.environ.get(ENV_QUEUE, "").strip().lower()
    if value in ("", "1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise InvalidInputError(f"{ENV_QUEUE}={value!r} is not a switch; use 1/true/yes/on or 0/false")


def transact(
    project_root: Path,
    operation: Callable[[Path], T],
    describe: Callable[[T], str],
    *,
    settings: GitSettings,
    actor: str,
    ci_run: str | None,
    applier: Applier,
    request: Request | None = None,
    sleep: Callable[[float], None] = time.sleep,
    rng: Callable[[], float] = random.random,
    clock: Callable[[], float] = time.monotonic,
    wall: Callable[[], float] = time.time,
) -> Transacted[T]:
    """``git_remote.transact`` with a queue: the same contract (``operation(private_root)``
    may run once per attempt and decides everything from that folder; its errors propagate
    with nothing committed; RemoteError for any git failure or after ``push_timeout``), but a
    write with a ``request`` form that loses a race is queued instead of retried, and every
    landing carries the queued writes it finds."""
    if not queue_enabled():
        request = None
    repo = Repo.of(project_root, settings.remote)
    repo.require_remote(settings.remote, settings.branch)
    branch = settings.branch or repo.default_branch(settings.remote)
    repo.sweep_stale_work_areas()
    tx = _Batched[T](repo, settings, branch, Identity(), actor, ci_run, applier,
                     repo.new_tx_id(), clock, wall)  # fmt: skip
    deadline = clock() + settings.push_timeout
    try:
        number = 0
        while True:
            number += 1
            view = tx.fetch()
            if request is not None and view.pending:  # a queue exists: join it, do not race it
                queued = tx.queue(request, view.tip, deadline, sleep, rng, view.ids())
                if queued is not None:
                    return queued
                request = None
                continue
            landing = tx.land(view, operation, describe, None)
            if landing is not None:
                commit = landing.commit
                note = tx.note(commit, attempts=number, writes=landing.writes,
                               parent=view.tip) if commit else (
                    f"no change to the registry; nothing pushed to {tx.where}"
                )  # fmt: skip
                return Transacted(landing.result, commit, number, note)  # type: ignore[arg-type]
            if request is not None:
                queued = tx.queue(request, view.tip, deadline, sleep, rng)
                if queued is not None:
                    return queued
                request = None
            pause = backoff(number, rng)
            give_up_if_spent(settings, number, tx.where, clock() + pause > deadline)
            sleep(pause)
    finally:
        tx.interrupts.close()
        git_intents.drop_seen(repo, tx.tx, tx.local_refs)
