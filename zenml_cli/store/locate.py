"""Finding the project folder that holds (or will hold) ``.zenml/``, the way git finds ``.git``.

Rules, in order:

1. An explicit folder (``--project-dir``, ``Client(project_dir)``, ``$ZENML_PROJECT_DIR``) wins.
   A path naming a file is invalid input. With ``require_store`` (every CLI command but
   ``zenml init``, and ``Client``/pipelines in Python), a folder without ``.zenml/`` is not
   found: a mistyped path must not silently start a second, empty registry.
2. Else the nearest folder at or above the current one that holds ``.zenml/``, looking no
   higher than the top of the git work tree the current folder is in: a repository nested in
   another (a submodule, a scratch ``git init`` inside a project) is a project of its own, as
   it is to git. A write there must land in that repository, not in its parent's registry.
3. Else, inside a git work tree, the work tree's top level (a ``.git`` folder, or the ``.git``
   file of a linked worktree or submodule), so a first write from a subfolder still puts the
   registry where every clone will look for it.
4. Else the current folder.

No subprocess: this runs on every command, and walking up a few folders costs microseconds.
"""

from __future__ import annotations

import os
from pathlib import Path

from zenml_cli.errors import InvalidInputError, NotFoundError
from zenml_cli.store.layout import STORE_DIR

ENV_PROJECT_DIR = "ZENML_PROJECT_DIR"


def find_project_root(
    project_dir: str | os.PathLike[str] | None = None, *, require_store: bool = False
) -> Path:
    """The project folder by the rules above."""
    explicit = project_dir or os.environ.get(ENV_PROJECT_DIR)
    if explicit:
        return _explicit_root(Path(explicit).expanduser().resolve(), require_store)
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / STORE_DIR).is_dir():
            return folder
        if (folder / ".git").exists():  # the work tree's top, and no store in this repository
            return folder
    return here


def _explicit_root(root: Path, require_store: bool) -> Path:
    if root.exists() and not root.is_dir():
        raise InvalidInputError(
            f"project dir {root} is a file, not a folder; point --project-dir / "
            f"{ENV_PROJECT_DIR} at the folder that holds .zenml/"
        )
    if require_store and not (root / STORE_DIR).is_dir():
        raise NotFoundError(
            f"no zenml store at {root}; run 'zenml init' there (or 'zenml init --project-dir "
            f"{root}')"
        )
    return root
