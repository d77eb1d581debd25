"""A burst's journal records are folded into the folder's indexes (store/store_base.py).

A store that recorded a burst of writes puts this process's records into the versions
folder's indexes when it is dropped (or at exit), so the next reader,
in any process, lists the burst from the index without reading the journal back. These tests
delete the journal after the fold (what is listed then came from the index), and change files
by hand at the moments an index entry could go stale.
"""

from __future__ import annotations

import gc
import shutil
from pathlib import Path
from typing import Any

import pytest

from zenml_cli.core import models, versions
from zenml_cli.core import version_listing as version_views
from zenml_cli.store import Store, store_base
from zenml_cli.store import journal as journal_module
from zenml_cli.store import manifest_cache as index_module
from zenml_cli.store.store_models import JOURNAL_FROM

from support.ticks import next_tick

COUNT = 3 * store_base.FOLD_FROM
UNRECORDED = {f"{n}.yaml" for n in range(1, JOURNAL_FROM + 1)}


@pytest.fixture(autouse=True)
def no_memory_of_other_tests() -> None:
    journal_module._written_here.clear()
    journal_module._pending.clear()
    journal_module._unfolded.clear()


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the version files any store parses from here on."""
    seen: list[str] = []
    decode = Store._decode

    def counting(self: Store, raw: bytes, path: Path) -> dict[str, Any]:
        if path.parent.name == "versions":
            seen.append(path.name)
        return decode(self, raw, path)

    monkeypatch.setattr(Store, "_decode", counting)
    return seen


def burst_in_a_store_then_drop_it(root: Path, count: int = COUNT, settle: bool = True) -> None:
    writer = Store(root)
    for _ in range(count):
        versions.create_version(writer, "M")
    if settle:
        next_tick(root)
        versions.create_version(writer, "M")
    del writer
    gc.collect()  # the store is gone: its burst is folded now


def listed(root: Path) -> dict[int, str]:
    """Number -> name of every version, as a reader in another process lists them (this
    process's own records forgotten), from both indexes, which must agree."""
    journal_module._written_here.clear()
    journal_module._pending.clear()
    reader = Store(root)
    items = version_views.list_versions(reader, "M", size=10_000).items
    read = versions.read_versions(reader, models.get_model(reader, "M"))
    assert [v.to_dict() for v in items] == [v.to_dict() for v in read]
    return {v.number: v.name for v in items}


def drop_journal(store: Store) -> None:
    store._journal(store.layout.versions_dir("M")).path.unlink()


def test_a_dropped_store_folds_its_burst_into_the_indexes(store: Store, parses: list[str]) -> None:
    burst_in_a_store_then_drop_it(store.root)
    drop_journal(store)  # what is listed without parsing now comes from the indexes
    found = listed(store.root)
    assert found == {n: str(n) for n in range(1, COUNT + 2)}
    assert set(parses) <= UNRECORDED | {f"{COUNT + 1}.yaml"}  # the last, unsettled, is read


def test_a_short_burst_is_not_folded(store: Store) -> None:
    burst_in_a_store_then_drop_it(store.root, count=JOURNAL_FROM + 8, settle=False)
    index = store.layout.cache_path(store.layout.versions_dir("M"), ".index")
    assert not index.exists()


def test_a_folded_unsettled_entry_still_sees_a_same_tick_rewrite(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    burst_in_a_store_then_drop_it(store.root, settle=False)  # the last records stay unsettled
    path = store.layout.version_file("M", COUNT)
    before = path.stat()
    text = path.read_text()
    with path.open("r+") as handle:  # by hand, in place, same size
        handle.write(text.replace(f"name: '{COUNT}'", "name: 'zz'"))
    real = index_module.stat_key

    def same_tick(st: Any) -> tuple[int, int, int, int]:  # the edit kept the file's stat key
        return real(before) if st.st_ino == before.st_ino else real(st)

    monkeypatch.setattr(index_module, "stat_key", same_tick)
    drop_journal(store)
    assert listed(store.root)[COUNT] == "zz"


def test_a_folded_settled_entry_sees_a_later_change(store: Store) -> None:
    burst_in_a_store_then_drop_it(store.root)
    path = store.layout.version_file("M", COUNT - 1)
    text = path.read_text()
    with path.open("r+") as handle:  # by hand, in place, same size: a later change time
        handle.write(text.replace(f"name: '{COUNT - 1}'", "name: 'zz'"))
    assert listed(store.root)[COUNT - 1] == "zz"


def test_a_project_deleted_before_the_fold_is_not_recreated(tmp_path: Path) -> None:
    root = tmp_path / "project"
    writer = Store(root)
    models.create_model(writer, "M")
    for _ in range(COUNT):
        versions.create_version(writer, "M")
    shutil.rmtree(root)
    del writer
    gc.collect()
    assert not root.exists()
