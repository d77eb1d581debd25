"""Records a writer settled are listed without reading the file back (store/journal.py).

A writer in a burst reads back each earlier file once the filesystem's clock (the change time
of the file it just wrote) has moved past that file's change time, and marks its record
settled: from then on the stat key alone tells whether the bytes are still the recorded ones.
These tests count the files a listing reads, and change files by hand at each moment a
settled record could go wrong.
"""

from __future__ import annotations

import marshal
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zenml_cli.core import models, versions
from zenml_cli.core import version_listing as version_views
from zenml_cli.store import Store, codec
from zenml_cli.store import journal as journal_module
from zenml_cli.store import manifest_cache as index_module
from zenml_cli.store import memo as memo_module
from zenml_cli.store.store import INDEX_MIN_FILES
from zenml_cli.store.store_models import JOURNAL_FROM

from support.ticks import next_tick

COUNT = 2 * INDEX_MIN_FILES
#: The versions never journalled (a small model gets no cache files): always read.
UNRECORDED = {f"{n}.yaml" for n in range(1, JOURNAL_FROM + 1)}


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the files a listing reads the bytes of, from here on."""
    seen: list[str] = []
    read = index_module.read_as_stated

    def counting(path: str, info: os.stat_result, *args: Any, **kwargs: Any) -> bytes | None:
        seen.append(os.path.basename(path))
        return read(path, info, *args, **kwargs)

    monkeypatch.setattr(index_module, "read_as_stated", counting)
    yield seen


@pytest.fixture(autouse=True)
def no_memory_of_other_tests() -> None:
    journal_module._written_here.clear()
    journal_module._pending.clear()


def as_another_process() -> None:
    """Forget this process's own records: a reader in another process has only the journal."""
    journal_module._written_here.clear()
    journal_module._pending.clear()


def listed(store: Store) -> dict[int, str]:
    """Number -> name of every version, from the index of public forms and from the index of
    whole manifests, which must agree."""
    items = version_views.list_versions(store, "M", size=10_000).items
    read = versions.read_versions(store, models.get_model(store, "M"))
    assert [v.to_dict() for v in items] == [v.to_dict() for v in read]
    return {v.number: v.name for v in items}


def settled_names(store: Store) -> set[str]:
    journal = store._journal(store.layout.versions_dir("M"))
    names = {f"{n}.yaml" for n in range(1, COUNT + 2)}
    as_another_process()
    return {name for name, entry in journal.entries(names).items() if entry[4]}


def burst(store: Store, count: int = COUNT) -> None:
    for _ in range(count):
        versions.create_version(store, "M")


@pytest.mark.parametrize("reader", ["this process", "another process"])
def test_a_burst_is_listed_reading_back_only_its_last_tick(
    store: Store, reads: list[str], reader: str
) -> None:
    burst(store)
    next_tick(store.root)
    versions.create_version(store, "M")  # its change time settles all the records before it
    if reader == "another process":
        as_another_process()
    found = listed(store)
    assert found == {n: str(n) for n in range(1, COUNT + 2)}
    assert set(reads) == UNRECORDED | {f"{COUNT + 1}.yaml"}  # the last write is not settled
    reads.clear()
    assert listed(store) == found  # the index keeps settled entries as plain ones
    assert set(reads) == UNRECORDED | {f"{COUNT + 1}.yaml"}


def test_a_settled_file_changed_in_place_later_is_seen(store: Store) -> None:
    burst(store)
    next_tick(store.root)
    versions.create_version(store, "M")
    listed(store)
    path = store.layout.version_file("M", COUNT - 1)
    text = path.read_text()
    with path.open("r+") as handle:  # by hand, in place, same size: a later change time
        handle.write(text.replace(f"name: '{COUNT - 1}'", "name: 'zz'"))
    assert listed(store)[COUNT - 1] == "zz"
    as_another_process()
    assert listed(Store(store.root))[COUNT - 1] == "zz"


def test_a_file_changed_before_its_record_is_settled_stays_unsettled(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    burst(store)
    path = store.layout.version_file("M", COUNT)  # the last write: not settled yet
    before = path.stat()
    text = path.read_text()
    with path.open("r+") as handle:  # by hand, right after its write, in place, same size
        handle.write(text.replace(f"name: '{COUNT}'", "name: 'zz'"))
    real = index_module.stat_key

    def same_tick(st: Any) -> tuple[int, int, int, int]:  # the edit kept the file's stat key
        return real(before) if st.st_ino == before.st_ino else real(st)

    monkeypatch.setattr(index_module, "stat_key", same_tick)
    monkeypatch.setattr(journal_module, "stat_key", same_tick)
    next_tick(store.root)
    versions.create_version(store, "M")  # reads it back: other bytes than recorded
    settled = settled_names(store)
    assert f"{COUNT - 1}.yaml" in settled
    assert f"{COUNT}.yaml" not in settled
    assert listed(store)[COUNT] == "zz"


def test_nothing_settles_while_the_clock_stays_in_one_tick(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def blind(st: Any) -> tuple[int, int, int, int]:  # a coarse clock: mtime and ctime unseen
        return (0, 0, st.st_size, st.st_ino)

    monkeypatch.setattr(index_module, "stat_key", blind)
    monkeypatch.setattr(journal_module, "stat_key", blind)
    burst(store)
    next_tick(store.root)
    versions.create_version(store, "M")
    assert settled_names(store) == set()


def test_a_planted_settle_mark_is_never_trusted(store: Store, reads: list[str]) -> None:
    burst(store)
    path = store.layout.version_file("M", COUNT)
    raw = path.read_bytes()
    forged = {**codec.decode(raw, "yaml", path), "name": "forged"}
    key = (1, 2, len(raw), 3)  # a commit cannot know a checked-out file's inode and ctime
    frame = (path.name, key, zlib.crc32(raw), marshal.dumps(forged), {}, ((path.name, key),))
    journal = store._journal(store.layout.versions_dir("M"))
    journal.path.write_bytes(journal_module._frame(marshal.dumps(frame)))
    as_another_process()
    assert listed(store)[COUNT] == str(COUNT)
    assert f"{COUNT}.yaml" in reads  # read and parsed: the mark's key is not the file's


def test_settled_model_manifests_are_read_by_their_stat_key_alone(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(8):
        models.create_model(store, f"m{index}")
    next_tick(store.root)
    models.create_model(store, "last")  # settles the records of the eight before it
    as_another_process()
    read: list[str] = []
    real = memo_module.read_manifest

    def counting(path: Path, *args: Any, **kwargs: Any) -> bytes:
        read.append(path.parent.name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(memo_module, "read_manifest", counting)
    fresh = Store(store.root)
    assert [models.get_model(fresh, f"m{i}").name for i in range(8)] == [f"m{i}" for i in range(8)]
    assert read == []
    path = fresh.layout.model_file("m3")
    text = path.read_text()
    with path.open("r+") as handle:  # by hand, in place, same size: a later change time
        handle.write(text.replace("description: null", "description: abcd"))
    assert models.get_model(Store(store.root), "m3").description == "abcd"
    assert read == ["m3"]
