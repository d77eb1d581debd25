"""How a registry write reaches the store (DESIGN sections 6 and 7).

``LocalTransport`` runs the write on the project's ``.zenml/``; ``GitTransport`` makes it a
transaction on the git remote branch: the same operation runs on a private copy of the
remote tip's store (again on a newer tip if another writer won the race) and its result is
pushed as one commit. ``pick_transport`` chooses from the push switch (``--push``,
``push=True``, ``$ZENML_PUSH``) and the route, so the registry's write is one call and a new
backend is one more class here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from zenml_cli.errors import UsageError
from zenml_cli.store.push_setting import push_enabled
from zenml_cli.store.store import Store
from zenml_cli.store.transacted import Transacted

if TYPE_CHECKING:
    from zenml_cli.store.config import GitSettings
    from zenml_cli.store.git.batch import Applier

T = TypeVar("T")


class QueuedWrite(Protocol):
    """A write as data (``core/intents.Request``), which a runner that loses the race for the
    default branch may queue for the next lander."""

    @property
    def kind(self) -> str: ...

    @property
    def args(self) -> dict[str, Any]: ...


class Writer(Protocol):
    """What a pushed write needs from the layers above: who writes (for the commit and the
    history), the CI run, and how to apply another runner's queued write on a private copy of
    the store. Asked only when a write is pushed."""

    def actor(self) -> str: ...

    def ci_run(self) -> str | None: ...

    def applier(self, open_store: Callable[[Path], Store]) -> Applier: ...


@dataclass(frozen=True)
class Route:
    """Where a write goes: ``push`` (None: ``$ZENML_PUSH``), and for a pushed write the review
    branch (``--branch``) and push options (``--push-option``) it carries."""

    push: bool | None = None
    review_branch: str | None = None
    push_options: tuple[str, ...] = ()


class Transport(Protocol):
    """Runs one write: ``operation`` on a store (maybe once per attempt, each on a fresh
    store), ``describe(result)`` as the commit line, ``request`` the same write as data."""

    def run(
        self,
        operation: Callable[[Store], T],
        describe: Callable[[T], str],
        request: QueuedWrite | None = None,
    ) -> Transacted[T]: ...


class LocalTransport:
    """The write on the project's own store: nothing is committed or pushed."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def run(
        self,
        operation: Callable[[Store], T],
        describe: Callable[[T], str],
        request: QueuedWrite | None = None,
    ) -> Transacted[T]:
        return Transacted(operation(self.store), None, 1, None)


class GitTransport:
    """The write as a transaction on the git remote (``store/git/remote.py``); on the default
    branch through the queue (``store/git/batch.py``), which lands queued writes of other
    runners with it."""

    def __init__(self, store: Store, settings: GitSettings, writer: Writer) -> None:
        self.store, self.settings, self.writer = store, settings, writer

    def run(
        self,
        operation: Callable[[Store], T],
        describe: Callable[[T], str],
        request: QueuedWrite | None = None,
    ) -> Transacted[T]:
        from zenml_cli.store.git import batch as git_batch
        from zenml_cli.store.git import remote as git_remote

        home, clock, settings = self.store.root, self.store.clock, self.settings

        def open_store(private_root: Path) -> Store:
            # Payloads land in the user's project, not in the private copy about to vanish.
            return Store(private_root, clock=clock, payload_home=home)

        def on_tip(private_root: Path) -> T:
            return operation(open_store(private_root))

        if settings.review_branch is not None or settings.push_options:
            # A review branch has one writer (its author): no queue of others' writes to land
            # with it, and the queue's refs belong to the default branch.
            actor = self.writer.actor()
            return git_remote.transact(home, on_tip, describe, settings=settings, actor=actor)
        queued = None if request is None else git_batch.Request(request.kind, request.args)
        return git_batch.transact(
            home, on_tip, describe, settings=settings, actor=self.writer.actor(),
            ci_run=self.writer.ci_run(), applier=self.writer.applier(open_store), request=queued,
        )  # fmt: skip


def pick_transport(store: Store, route: Route, writer: Writer) -> Transport:
    """The local store, or with push on the git remote named by the checkout's settings and
    the environment (read now: they say which tip to fetch). ``--branch`` or
    ``--push-option`` without push is a usage error: they only mean something pushed."""
    if not push_enabled(route.push):
        if route.review_branch is not None or route.push_options:
            raise UsageError("--branch and --push-option send a pushed write; add --push")
        return LocalTransport(store)
    from zenml_cli.store.git.remote import load_settings

    settings = load_settings(
        store.root, review_branch=route.review_branch, push_options=route.push_options
    )
    return GitTransport(store, settings, writer)
