"""The derived caches under .zenml/.cache/ (store/manifest_cache.py) are never stale.

Every test changes a manifest behind zenml-cli's back, the way a hand edit, ``git checkout`` or
``git merge`` would, and checks that the very next read sees the change. ``aged`` moves the
index's clock 10 s forward so freshly written files count as settled and do get cached (the
real clock keeps files younger than 2 s out of the cache; ``test_recent_files_are_not_cached``
checks that rule).
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import pytest

from zenml_cli.core import models, versions
from zenml_cli.core import version_listing as version_views
from zenml_cli.core.records import ModelVersionRecord
from zenml_cli.errors import CorruptManifestError
from zenml_cli.store import Store
from zenml_cli.store import manifest_cache as index_module
from zenml_cli.store.store import INDEX_MIN_FILES

COUNT = INDEX_MIN_FILES + 8  # enough versions for listings to go through the index


@pytest.fixture
def store(store: Store) -> Store:
    """The conftest store, with versions of 'M'."""
    for _ in range(COUNT):
        versions.create_version(store, "M")
    return store


@pytest.fixture
def aged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "clock_ns", lambda: time.time_ns() + 10_000_000_000)


def cache_entries(store: Store) -> dict[str, Any]:
    index = store._folder_index(store.layout.versions_dir("M"))
    return index._read_cache()


def all_versions(store: Store) -> list[ModelVersionRecord]:
    """Every version read through the folder's index of manifests (the cache these tests
    watch); the listing, served from the index of public forms, must show the same."""
    read = versions.read_versions(store, models.get_model(store, "M"))
    listed = version_views.list_versions(store, "M", size=10_000)
    assert [v.to_dict() for v in listed] == [v.to_dict() for v in read]
    return read


def next_tick(path: Path, before_ctime: int) -> None:
    """Make sure ``path``'s ctime moved past ``before_ctime`` (a later timestamp tick), by
    re-applying its own times until the clock ticks: a spin, not a sleep."""
    deadline = time.monotonic() + 5
    while os.stat(path).st_ctime_ns == before_ctime and time.monotonic() < deadline:
        st = os.stat(path)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_listing_fills_the_cache(store: Store, aged: None) -> None:
    assert len(all_versions(store)) == COUNT
    assert len(cache_entries(store)) == COUNT


def test_recent_files_are_cached_with_a_checksum_of_their_bytes(store: Store) -> None:
    # Files written less than 2 s ago could still change within one timestamp tick: they are
    # cached (a just-written store reads warm, issue 21.5) but trusted only with their bytes.
    assert len(all_versions(store)) == COUNT
    entries = cache_entries(store)
    assert len(entries) == COUNT
    path = store.layout.version_file("M", 3)
    assert entries["3.yaml"][2] == zlib.crc32(path.read_bytes())


def test_a_same_tick_same_size_rewrite_of_a_just_written_file_is_seen(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A coarse file-system clock: two writes in one tick share mtime and ctime. Emulated by
    # a stat key blind to both; only the checksum of the bytes can tell the writes apart.
    monkeypatch.setattr(index_module, "stat_key", lambda st: (0, 0, st.st_size, st.st_ino))
    before = {v.number: v.name for v in all_versions(store)}  # cached while racy
    assert before[7] == "7" and len(cache_entries(store)) == COUNT
    path = store.layout.version_file("M", 7)
    text = path.read_text()
    edited = text.replace("name: '7'", "name: 'x'")
    assert edited != text and len(edited) == len(text)
    with path.open("r+") as handle:  # in place: same inode, same size
        handle.write(edited)
    assert {v.number: v.name for v in all_versions(store)}[7] == "x"
    assert versions.get_version(store, "M", "x").number == 7
    model_file = store.layout.model_file("M")
    assert models.get_model(store, "M").description is None  # memoised while racy
    raw = model_file.read_text()
    assert "description: null" in raw
    model_file.write_text(raw.replace("description: null", "description: abcd"))
    # a different size, so stat alone sees it; now the same size again, in place:
    models.get_model(store, "M")
    with model_file.open("r+") as handle:
        handle.write(model_file.read_text().replace("abcd", "wxyz"))
    assert models.get_model(store, "M").description == "wxyz"


def test_racy_entries_settle_to_plain_ones_once_old(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    all_versions(store)
    # parsed files are racy; the journal's records their writer settled are plain already
    assert any(len(entry) == 3 for entry in cache_entries(store).values())
    monkeypatch.setattr(index_module, "clock_ns", lambda: time.time_ns() + 10_000_000_000)
    all_versions(store)
    assert all(len(entry) == 2 for entry in cache_entries(store).values())


def test_hand_edit_same_size_with_mtime_restored_is_seen(store: Store, aged: None) -> None:
    all_versions(store)  # cache every version
    path = store.layout.version_file("M", 7)
    before = os.stat(path)
    text = path.read_text()
    edited = text.replace("name: '7'", "name: 'x'")
    assert edited != text and len(edited) == len(text)
    with path.open("r+") as handle:  # in place: same inode, same size
        handle.write(edited)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old mtime
    next_tick(path, before.st_ctime_ns)
    after = os.stat(path)
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino,
        before.st_size,
        before.st_mtime_ns,
    )
    names = {v.number: v.name for v in all_versions(store)}
    assert names[7] == "x"
    assert versions.get_version(store, "M", "x").number == 7


def test_checkout_replacing_a_file_with_old_times_is_seen(store: Store, aged: None) -> None:
    all_versions(store)
    path = store.layout.version_file("M", 3)
    before = os.stat(path)
    replacement = path.with_name("incoming.tmp")
    replacement.write_text(path.read_text().replace("name: '3'", "name: 'from-branch'"))
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(replacement, path)  # what git checkout does: a new file under the old name
    assert versions.get_version(store, "M", "from-branch").number == 3
    assert {v.number: v.name for v in all_versions(store)}[3] == "from-branch"


def test_deleted_file_disappears(store: Store, aged: None) -> None:
    all_versions(store)
    store.layout.version_file("M", 5).unlink()
    listed = [v.number for v in all_versions(store)]
    assert 5 not in listed and len(listed) == COUNT - 1
    assert len(cache_entries(store)) == COUNT - 1


def test_added_file_appears_and_moves_numbering_on(store: Store, aged: None) -> None:
    all_versions(store)
    assert versions.next_number(store, models.get_model(store, "M")) == COUNT + 1
    # A merge brings in a version registered on another branch, with a higher number.
    record = versions.get_version(store, "M", 1)
    record.number, record.name = COUNT + 5, "merged"
    store.layout.version_file("M", COUNT + 5).write_bytes(
        store_encode(store, record.to_manifest()),
    )
    assert versions.get_version(store, "M", "merged").number == COUNT + 5
    assert versions.get_version(store, "M", "latest").number == COUNT + 5
    assert versions.next_number(store, models.get_model(store, "M")) == COUNT + 6
    created = versions.create_version(store, "M")
    assert created.number == COUNT + 6


def store_encode(store: Store, data: dict[str, object]) -> bytes:
    from zenml_cli.store import codec

    return codec.encode(data, store.config.manifest_format)


def test_corrupt_or_partial_cache_is_ignored_and_rebuilt(store: Store, aged: None) -> None:
    expected = [(v.number, v.name, v.id) for v in all_versions(store)]
    cache = store._folder_index(store.layout.versions_dir("M")).cache_file
    full = cache.read_bytes()
    for broken in (b"", b"garbage", full[: len(full) // 2], full[:-1] + b"x"):
        cache.write_bytes(broken)
        assert [(v.number, v.name, v.id) for v in all_versions(store)] == expected
        assert cache.read_bytes() == full  # rebuilt, identical


def test_corrupt_manifest_still_names_the_file(store: Store, aged: None) -> None:
    all_versions(store)
    path = store.layout.version_file("M", 9)
    path.write_text("format: 1\nname: [unclosed\n")
    with pytest.raises(CorruptManifestError) as caught:
        all_versions(store)
    assert str(path) in str(caught.value)


def test_values_marshal_cannot_keep_are_served_but_not_cached(store: Store, aged: None) -> None:
    path = store.layout.version_file("M", 2)
    # (an unquoted date stays text, which marshal keeps; an explicitly tagged one it cannot)
    text = path.read_text().replace("metadata: {}", "metadata:\n  when: !!timestamp 2026-01-02")
    path.write_text(text)
    found = {v.number: v for v in all_versions(store)}
    assert found[2].run_metadata["when"] == datetime.date(2026, 1, 2)
    assert path.name not in cache_entries(store)
    assert len(cache_entries(store)) == COUNT - 1


def test_values_marshal_keeps_exactly_are_cached(store: Store, aged: None) -> None:
    """A YAML set comes back from marshal as the same set: cached, and served equal."""
    path = store.layout.version_file("M", 2)
    path.write_text(path.read_text().replace("metadata: {}", "metadata:\n  when: !!set {a: null}"))
    first = {v.number: v for v in all_versions(store)}
    assert path.name in cache_entries(store)
    again = {v.number: v for v in all_versions(store)}
    assert first[2].run_metadata["when"] == again[2].run_metadata["when"] == {"a"}


def test_number_hint_sees_a_hand_deleted_highest_file(store: Store) -> None:
    model = models.get_model(store, "M")
    assert versions.next_number(store, model) == COUNT + 1
    store.layout.version_file("M", COUNT).unlink()  # e.g. checking out a branch without it
    assert versions.next_number(store, model) == COUNT


def test_deleted_highest_number_is_never_reused(store: Store) -> None:
    versions.delete_version(store, "M", COUNT)
    assert versions.create_version(store, "M").number == COUNT + 1


def test_garbage_number_hint_is_ignored(store: Store) -> None:
    hint = store._number_hint("M")
    key = " ".join(str(v) for v in hint.folder_key() or ())
    torn = f"{key} {COUNT - 5} 12345"  # right folder key, but a checksum that does not match
    for text in ("", "1 2 3", "a b c d e", "1 2 3 4 999999", torn):
        hint.cache_file.write_text(text)
        assert store.highest_version_number("M") == COUNT


def test_stale_number_hint_with_matching_folder_key_is_caught(store: Store) -> None:
    # A hint that claims a lower highest number than the disk holds (a change within one tick
    # of the folder's mtime) is caught by the existence probe of the next number.
    hint = store._number_hint("M")
    hint.put(COUNT - 3, hint.folder_key())
    assert store.highest_version_number("M") == COUNT


def test_version_ids_resolve_through_the_index(store: Store, aged: None) -> None:
    wanted = versions.get_version(store, "M", 17)
    assert versions.get_version(store, "M", wanted.id).number == 17
    assert versions.get_version(store, "M", wanted.id.replace("-", "").upper()).number == 17


WORKER = """
import json, sys
from pathlib import Path
from zenml_cli.core import versions
from zenml_cli.store import Store
store = Store(Path(sys.argv[1]))
print(json.dumps([versions.create_version(store, "M").number for _ in range(8)]))
"""


@pytest.mark.slow
def test_concurrent_registrations_with_hints_lose_and_duplicate_nothing(store: Store) -> None:
    env = dict(os.environ, ZENML_ACTOR="tester")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(store.root)], stdout=subprocess.PIPE, env=env
        )
        for _ in range(3)
    ]
    numbers = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        numbers += [int(n) for n in out.decode().strip("[]\n").split(",")]
    assert sorted(numbers) == list(range(COUNT + 1, COUNT + 25))
    on_disk = sorted(int(p.stem) for p in store.layout.versions_dir("M").glob("*.yaml"))
    assert on_disk == list(range(1, COUNT + 25))


def test_model_manifest_edited_by_hand_is_seen(store: Store, aged: None) -> None:
    versions.update_version(store, "M", 4, stage="staging")
    path = store.layout.model_file("M")
    assert models.get_model(store, "M").stages.staging == 4
    assert models.get_model(Store(store.root), "M").stages.staging == 4  # now memoised
    before = os.stat(path)
    text = path.read_text()
    ids = {n: versions.get_version(store, "M", n).id for n in (4, 6)}
    edited = text.replace(f"number: 4, id: {ids[4]}", f"number: 6, id: {ids[6]}")
    assert len(edited) == len(text) and edited != text
    with path.open("r+") as handle:
        handle.write(edited)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    next_tick(path, before.st_ctime_ns)
    fresh = Store(store.root)
    assert models.get_model(fresh, "M").stages.staging == 6
    assert versions.get_version(fresh, "M", "staging").number == 6


def test_config_edited_by_hand_is_seen(store: Store, aged: None) -> None:
    assert Store(store.root).config.policies.get("strict_force") is False
    assert Store(store.root).config.policies.get("strict_force") is False  # memoised
    path = store.dir / "config.yaml"
    before = os.stat(path)
    text = path.read_text()
    edited = text.replace("strict_force: false", "strict_force: true ")
    assert len(edited) == len(text) and edited != text
    with path.open("r+") as handle:
        handle.write(edited)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    next_tick(path, before.st_ctime_ns)
    assert Store(store.root).config.policies.get("strict_force") is True


def test_memoised_manifests_are_fresh_objects(store: Store, aged: None) -> None:
    first = models.get_model(Store(store.root), "M")
    first.tags.append("mutated in memory")
    again = Store(store.root)
    assert models.get_model(again, "M").tags == []
    assert models.get_model(again, "M").tags == []


def test_corrupt_memo_is_ignored(store: Store, aged: None) -> None:
    models.get_model(Store(store.root), "M")
    memo = store.dir / ".cache" / "manifests.index"
    assert memo.exists()
    for broken in (b"", b"junk", memo.read_bytes()[:-3]):
        memo.write_bytes(broken)
        assert models.get_model(Store(store.root), "M").name == "M"


def test_json_manifest_stores_are_indexed_and_never_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, aged: None
) -> None:
    from zenml_cli.core.setup import init_store

    monkeypatch.setenv("ZENML_ACTOR", "tester")
    store = Store(tmp_path)
    init_store(store, manifest_format="json")
    models.create_model(store, "J")
    for _ in range(COUNT):
        versions.create_version(store, "J")
    listed = versions.read_versions(store, models.get_model(store, "J"))
    assert len(listed) == COUNT == len(version_views.list_versions(store, "J", size=10_000))
    assert len(store._folder_index(store.layout.versions_dir("J"))._read_cache()) == COUNT
    path = store.layout.version_file("J", 11)
    before = os.stat(path)
    path.write_text(path.read_text().replace('"name": "11"', '"name": "ab"'))
    next_tick(path, before.st_ctime_ns)
    assert versions.get_version(Store(tmp_path), "J", "ab").number == 11


def test_name_index_sees_a_rename_by_hand(store: Store, aged: None) -> None:
    from zenml_cli.errors import NotFoundError

    versions.update_version(store, "M", 12, name="blue")
    path = store.layout.version_file("M", 12)
    assert versions.get_version(store, "M", "blue").number == 12  # name index now cached
    numbers = list(range(1, COUNT + 1))
    assert store.version_fields("M", ("name", "id"), numbers)[12][0] == "blue"
    before = os.stat(path)
    edited = path.read_text().replace("name: blue", "name: pink")
    with path.open("r+") as handle:
        handle.write(edited)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    next_tick(path, before.st_ctime_ns)
    assert versions.get_version(store, "M", "pink").number == 12
    with pytest.raises(NotFoundError):
        versions.get_version(store, "M", "blue")


def test_small_models_get_no_version_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, aged: None
) -> None:
    # Below INDEX_MIN_FILES versions, listing the folder is as fast as any cache: nothing
    # is written under .cache/models/ when registering, listing or looking up by name.
    monkeypatch.setenv("ZENML_ACTOR", "tester")
    store = Store(tmp_path)
    models.create_model(store, "small")
    for _ in range(5):
        versions.create_version(store, "small")
    versions.update_version(store, "small", 3, name="three")
    assert versions.get_version(store, "small", "three").number == 3
    assert len(all_versions_of(store, "small")) == 5
    assert not (store.dir / ".cache" / "models").exists()


def all_versions_of(store: Store, model: str) -> list[ModelVersionRecord]:
    return list(version_views.list_versions(store, model, size=10_000))
