"""A derived cache of the names in ``models/``, so registering a model does not list every
model folder for its case-clash check (issue 21.3: at 10,000 models the listing was most of
the cost of ``create_model``).

The cache (``.zenml/.cache/model-names``) holds the names with the stat key of ``models/``
``(mtime_ns, ctime_ns, inode, nlink, size)``. Any folder added, removed or renamed in
``models/`` changes its mtime and ctime, so the names are used only while that key is
unchanged, and only in two cases where nothing can have changed unseen:

- a listing taken when ``models/`` had not changed for ``RACY_NS`` (2 s): a later change
  carries a later time, so it changes the key (a change within the same timestamp tick as
  an earlier one could keep the key, which is why a younger folder is listed again);
- the names one ``create_model`` just used, plus the one it added: it holds the models lock
  (every zenml write to ``models/`` does), started from names that were current, and the
  folder's link count grew by exactly the one folder it added (an addition or removal by
  anyone else changes the count). Where the file system does not count subfolders in the
  link count (btrfs), this case never applies and the next create lists again.

What remains unseen is a rename by hand or by git, in the same timestamp tick as a create,
of one folder to a name that differs by more than case: the check could then miss one clash,
which ``zenml doctor`` reports. The cache is never needed: deleting it is always safe.
"""

from __future__ import annotations

import contextlib
import marshal
import os
from collections.abc import Callable
from typing import Any

from zenml_cli.store import manifest_cache as index
from zenml_cli.store.layout import CACHE_DIR
from zenml_cli.store.manifest_cache import RACY_NS, read_checked_cache, write_checked_cache
from zenml_cli.store.store_base import StoreBase, visible_entries

FORMAT = b"zenml-cli-model-names-2\n"
CACHE_NAME = "model-names"

Key = tuple[int, int, int, int, int]
#: How a name is compared: the caller's rule (the core's normal form, case-folded).
Fold = Callable[[str], str]


def folder_key(st: os.stat_result) -> Key:
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_nlink, st.st_size)


class NameCache:
    """The folded names of ``models/`` for one store, as the rules above allow: one string
    (each name folded, NUL-separated), so reading, checking and extending it costs about a
    copy of 200 KB at 10,000 models, not a folder listing."""

    def __init__(self, store: StoreBase) -> None:
        self.store = store
        self.file = store.dir / CACHE_DIR / CACHE_NAME
        #: The key and folded names last found current (for ``created``, and to skip
        #: reading the file again in a process that registers many models).
        self._current: tuple[Key, str] | None = None

    def to_check(self, name: str, fold: Fold) -> list[str]:
        """The model folder names a case-clash check of ``name`` must look at: none when no
        folder's name folds to ``fold(name)``; else all of them (listed once)."""
        found, listed = self._folded(fold)
        if found is not None and f"\0{fold(name)}\0" not in found:
            return []
        return listed if listed is not None else visible_entries(self.store.layout.models_dir)

    def created(self, name: str, fold: Fold) -> None:
        """Model folder ``name`` was just added (models lock held since ``may_clash``)."""
        current, self._current = self._current, None
        if current is None:
            return
        (_, _, _, links, _), folded = current
        try:
            key = folder_key(os.stat(self.store.layout.models_dir))
        except OSError:
            return
        if links >= 2 and key[3] == links + 1:
            self._current = (key, f"{folded}{fold(name)}\0")
            self._save(*self._current)

    def _folded(self, fold: Fold) -> tuple[str | None, list[str] | None]:
        """``(folded names or None when not provably current, the listing if one was made)``."""
        current, self._current = self._current, None
        try:
            st = os.stat(self.store.layout.models_dir)
        except FileNotFoundError:
            return "\0", []  # no models folder: no models
        key = folder_key(st)
        found = current if current is not None and current[0] == key else self._load()
        if found is not None and found[0] == key:
            self._current = found
            return found[1], None
        listed_at = index.clock_ns()  # read through the module: tests move the clock
        names = visible_entries(self.store.layout.models_dir)
        settled = max(st.st_mtime_ns, st.st_ctime_ns) < listed_at - RACY_NS
        if not settled or folder_key(os.stat(self.store.layout.models_dir)) != key:
            return None, names
        self._current = (key, "\0" + "".join(f"{fold(n)}\0" for n in names))
        self._save(*self._current)
        return self._current[1], names

    def _load(self) -> tuple[Key, str] | None:
        body = read_checked_cache(self.file, FORMAT)
        if body is None:
            return None
        data: Any = None
        with contextlib.suppress(EOFError, ValueError, TypeError):
            data = marshal.loads(body)
        if (
            type(data) is tuple
            and len(data) == 2
            and type(data[0]) is tuple
            and len(data[0]) == 5
            and all(type(part) is int for part in data[0])
            and type(data[1]) is str
            and data[1].startswith("\0")
            and data[1].endswith("\0")
        ):
            return data[0], data[1]
        return None

    def _save(self, key: Key, folded: str) -> None:
        write_checked_cache(self.file, FORMAT, marshal.dumps((key, folded)))
