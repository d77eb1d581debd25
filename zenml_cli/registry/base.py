"""The registry's base: one project's store, and ``_write``, the one way a write runs (locally,
or with push on as a transaction on the git remote). The areas (``registry/models.py`` ...)
are mixins on it; ``registry/door.py`` puts them together as ``Registry``."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from zenml_cli.errors import ConflictError
from zenml_cli.store import Store

if TYPE_CHECKING:
    from zenml_cli.core.intents import Applier, Request
    from zenml_cli.core.keywords import NewModel
    from zenml_cli.core.records import ModelRecord

T = TypeVar("T")


class RegistryBase:
    """The registry of one project (found like ``.git/`` unless ``project_dir`` is given)."""

    def __init__(
        self,
        project_dir: str | os.PathLike[str] | None = None,
        *,
        store: Store | None = None,
        require_store: bool = True,
        push: bool | None = None,
    ) -> None:
        """``require_store``: an explicit ``project_dir`` (or ``$ZENML_PROJECT_DIR``) must
        already hold ``.zenml/`` (the CLI and Python alike; only ``zenml init`` passes False):
        a mistyped path must not silently start a second, empty registry. Without an
        explicit folder a first write still creates the store where ``.git`` is.
        ``push``: make every write a transaction on the git remote (None: ``$ZENML_PUSH``)."""
        if store is None:
            store = Store.locate(project_dir, require_store=require_store)
        self.store = store
        self.push = push
        #: ``--branch`` / ``--push-option`` of a pushed write (``store/git/review.py``).
        self.review_branch: str | None = None
        self.push_options: tuple[str, ...] = ()
        #: One line per pushed write (the commit, and how to pull if the checkout stayed
        #: behind), for the front end to show on stderr.
        self.notes: list[str] = []

    def _write(
        self,
        operation: Callable[[Store], T],
        describe: Callable[[T], str],
        request: Request | None = None,
    ) -> T:
        """Run one write through the transport the push switch picks (``store/transport.py``):
        on the local store, or as a transaction on the remote branch, where ``operation`` may
        run once per attempt against a fresh tip and ``describe(result)`` becomes the commit
        message. ``request`` is the same write as data (``core/intents.py``): with it, a
        write that loses the race is queued on the remote and landed by whoever lands next."""
        from zenml_cli.store.transport import Route, pick_transport

        route = Route(self.push, self.review_branch, tuple(self.push_options))
        done = pick_transport(self.store, route, CoreWriter()).run(operation, describe, request)
        if done.note:
            self.notes.append(done.note)
        return done.result


class CoreWriter:
    """What a pushed write asks of the core (``store/transport.Writer``), imported only then."""

    def actor(self) -> str:
        from zenml_cli.core.actor import current_actor

        return current_actor()

    def ci_run(self) -> str | None:
        from zenml_cli.core.actor import current_ci_run

        return current_ci_run()

    def applier(self, open_store: Callable[[Path], Store]) -> Applier:
        from zenml_cli.core.commit_notes import describe_request
        from zenml_cli.core.intents import Applier

        return Applier(open_store, describe_request)


def model_on(store: Store, name: str, fields: NewModel) -> tuple[ModelRecord, bool]:
    """Get-or-create of a model on one store, retrying the read when another process wins:
    ``(model, created)``."""
    from zenml_cli.core import models

    found = models.get_model_or_none(store, name)
    if found is not None:
        return found, False
    try:
        return models.create_model(store, name, **fields), True
    except ConflictError:
        found = models.get_model_or_none(store, name)
        if found is None:  # a clash ignoring case: the ConflictError says which
            raise
        return found, False
