"""``zenml git install`` (the git plumbing is in ``store/git/hooks.py``; the merge driver
itself is ``core/merge/driver.py``, handed git's files by ``registry/project.py``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from zenml_cli.errors import InvalidInputError, RemoteError
from zenml_cli.store import Store
from zenml_cli.store.git import hooks as git_hooks
from zenml_cli.store.git.repo import Repo


def install(store: Store, zenml: str, *, chain: bool = False) -> dict[str, Any]:
    """Set up the clone holding ``store``: merge driver, attributes and hooks (the store's
    git code writes them); exit 5 outside a git clone."""
    if any(char in str(store.root) for char in "\n\r"):
        raise InvalidInputError(
            f"the store's folder {str(store.root)!r} has a line break in its path, which git's "
            "line-based files and listings cannot carry; rename the folder, then run "
            "'zenml git install' again"
        )
    try:
        repo = Repo.of(store.root)
    except RemoteError as exc:
        raise InvalidInputError(f"zenml git install needs a git clone: {exc}") from None
    return asdict(git_hooks.install(repo, zenml, chain=chain))
