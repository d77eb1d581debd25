"""``zenml git install`` and the merge driver's file handling (the merge itself is in
``core/merge/driver.py``; the git plumbing in ``store/git/hooks.py``)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from zenml_cli.core.merge.driver import DriverResult
from zenml_cli.core.merge.driver import merge_file as merge_one
from zenml_cli.errors import InvalidInputError, RemoteError
from zenml_cli.store import Store
from zenml_cli.store.git import hooks as git_hooks
from zenml_cli.store.git import tree as git_tree
from zenml_cli.store.git.repo import Repo


def install(store: Store, zenml: str, *, chain: bool = False) -> dict[str, Any]:
    try:
        repo = Repo.of(store.root)
    except RemoteError as exc:
        raise InvalidInputError(f"zenml git install needs a git clone: {exc}") from None
    return asdict(git_hooks.install(repo, zenml, chain=chain))


def merge_file(base: str, ours: str, theirs: str, path: str) -> DriverResult:
    """Merge git's temp files ``base``/``ours``/``theirs`` of store file ``path`` into
    ``ours``; what happened (a conflict, a collision left for ``zenml resolve``). The
    encoding comes from the file's name (a driver may run where no store can be located)."""
    fmt = "json" if path.endswith(".json") else "yaml"
    result = merge_one(
        path,
        git_tree.read_file(Path(base)),
        git_tree.read_file(Path(ours)),
        git_tree.read_file(Path(theirs)),
        fmt,
    )
    git_tree.replace_file(Path(ours), result.merged)
    return result
