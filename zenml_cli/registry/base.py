"""The registry's base: one project's store, and ``_write``, the one way a write runs (locally,
or with push on as a transaction on the git remote). The areas (``registry/models.py`` ...)
are mixins on it; ``registry/door.py`` puts them together as ``Registry``."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from zenml_cli.errors import ConflictError
from zenml_cli.store import Store

if TYPE_CHECKING:
    from zenml_cli.core.intents import Request
    from zenml_cli.core.records import ModelRecord, ModelVersionRecord

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
        #: ``--branch`` / ``--push-option`` of a pushed write (``store/git_review.py``).
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
        """Run one write: on the local store, or with push on as a transaction on the remote
        branch, where ``operation`` may run once per attempt against a fresh tip and
        ``describe(result)`` becomes the commit message. ``request`` is the same write as
        data (``core/intents.py``): with it, a write that loses the race is queued on the
        remote and landed by whoever lands next (``store/git_batch.py``)."""
        from zenml_cli.store.push_switch import push_enabled

        if not push_enabled(self.push):
            if self.review_branch is not None or self.push_options:
                from zenml_cli.errors import UsageError

                raise UsageError("--branch and --push-option send a pushed write; add --push")
            return operation(self.store)
        from zenml_cli.core.actor import current_actor, current_ci_run
        from zenml_cli.core.intents import Applier
        from zenml_cli.store import git_batch
        from zenml_cli.store.git_remote import load_settings

        home, clock = self.store.root, self.store.clock

        def open_store(private_root: Path) -> Store:
            return Store(private_root, clock=clock, payload_home=home)

        def on_tip(private_root: Path) -> T:
            return operation(open_store(private_root))

        settings = load_settings(
            home, review_branch=self.review_branch, push_options=self.push_options
        )
        if settings.review_branch is not None or settings.push_options:
            # A review branch has one writer (its author): no queue of others' writes to land
            # with it, and the queue's refs belong to the default branch.
            from zenml_cli.store.git_remote import transact

            done = transact(home, on_tip, describe, settings=settings, actor=current_actor())
        else:
            done = git_batch.transact(
                home, on_tip, describe, settings=settings, actor=current_actor(),
                ci_run=current_ci_run(), applier=Applier(open_store, _describe_request),
                request=None if request is None else git_batch.Request(request.kind, request.args),
            )  # fmt: skip
        if done.note:
            self.notes.append(done.note)
        return done.result


def describe_created(version: ModelVersionRecord) -> str:
    named = f" ('{version.name}')" if version.name != str(version.number) else ""
    return f"register {version.model} version {version.number}{named}"


def _describe_request(kind: str, result: Any) -> str:
    """The commit line of a queued write another runner made (``core/intents`` kinds)."""
    if kind == "create_version":
        return describe_created(result)
    if kind == "update_version":
        from zenml_cli.core.commit_notes import describe_update

        return describe_update(result)
    return f"log metadata on {result.model} version {result.number}"


def model_on(store: Store, name: str, fields: dict[str, Any]) -> tuple[ModelRecord, bool]:
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
