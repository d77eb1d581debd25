"""A store written moments ago reads warm, and never stale (issue 21.5; store/journal.py).

The store's writers record what they wrote in the versions folder's journal, so the first
listing after a registration, in this process or another, takes each new file from there
(its bytes read and checked, not parsed). These tests count the parses a listing makes and
rewrite files inside one emulated timestamp tick, the way ``test_perf_cache`` does.
"""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zenml_cli import Client
from zenml_cli.core import models, versions
from zenml_cli.core import version_listing as version_views
from zenml_cli.store import Store, codec
from zenml_cli.store import journal as journal_module
from zenml_cli.store import manifest_cache as index_module
from zenml_cli.store.manifest_cache import exactly_plain
from zenml_cli.store.store import INDEX_MIN_FILES
from zenml_cli.store.store_models import JOURNAL_FROM

from support.running import run_zenml

COUNT = 2 * INDEX_MIN_FILES


@pytest.fixture
def parses(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the version files the store parses (decodes) from here on."""
    seen: list[str] = []
    decode = store._decode

    def counting(raw: bytes, path: Path) -> dict[str, Any]:
        if path.parent.name == "versions":
            seen.append(path.name)
        return decode(raw, path)

    monkeypatch.setattr(store, "_decode", counting)
    yield seen


@pytest.fixture
def one_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    """A coarse file-system clock: every write lands in the same tick (a stat key blind to
    mtime and ctime), so only the checksum of the bytes can tell two writes apart."""

    def blind(st: Any) -> tuple[int, int, int, int]:
        return (0, 0, st.st_size, st.st_ino)

    monkeypatch.setattr(index_module, "stat_key", blind)
    monkeypatch.setattr(journal_module, "stat_key", blind)


def listed(store: Store) -> dict[int, str]:
    """Number -> name of every version, from the listing (the index of public forms) and
    from the index of whole manifests, which must agree."""
    items = version_views.list_versions(store, "M", size=10_000).items
    read = versions.read_versions(store, models.get_model(store, "M"))
    assert [v.to_dict() for v in items] == [v.to_dict() for v in read]
    return {v.number: v.name for v in items}


def test_listing_right_after_registering_parses_only_the_first_few(
    store: Store, parses: list[str]
) -> None:
    for _ in range(COUNT):
        versions.create_version(store, "M")
    found = listed(store)
    assert found == {n: str(n) for n in range(1, COUNT + 1)}
    # versions up to JOURNAL_FROM are not journalled (a small model gets no cache files)
    # (once for each index: of public forms and of whole manifests)
    assert set(parses) == {f"{n}.yaml" for n in range(1, JOURNAL_FROM + 1)}


def test_an_update_right_after_is_listed_without_parsing(store: Store, parses: list[str]) -> None:
    for _ in range(COUNT):
        versions.create_version(store, "M")
    listed(store)
    versions.update_version(store, "M", COUNT - 1, name="renamed")
    parses.clear()  # (the update read the version, and the names index, itself)
    assert listed(store)[COUNT - 1] == "renamed"
    assert parses == []


@pytest.mark.slow  # six CLI processes
def test_registrations_by_another_process_are_listed_without_parsing(
    store: Store, parses: list[str]
) -> None:
    for _ in range(COUNT):
        versions.create_version(store, "M")
    assert len(listed(store)) == COUNT
    parses.clear()
    for other in ("o1", "o2", "o3"):
        done = run_zenml("model", "version", "create", "M", other, cwd=store.root)
        assert done.returncode == 0, done.stderr
        renamed = ("model", "version", "update", "M", str(COUNT), "--name", f"x{other}")
        done = run_zenml(*renamed, cwd=store.root)
        assert done.returncode == 0, done.stderr
    found = listed(store)
    assert found[COUNT] == "xo3"
    assert [found[n] for n in range(COUNT + 1, COUNT + 4)] == ["o1", "o2", "o3"]
    assert parses == []


def test_a_file_rewritten_twice_in_one_tick_with_the_same_size_is_seen(
    store: Store, one_tick: None
) -> None:
    for _ in range(COUNT):
        versions.create_version(store, "M")
    number = COUNT - 2
    for name in ("aa", "bb", "cc"):  # zenml's own writes: each journalled, each the same size
        versions.update_version(store, "M", number, name=name)
        assert listed(store)[number] == name
    path = store.layout.version_file("M", number)
    text = path.read_text()
    assert "name: cc" in text
    with path.open("r+") as handle:  # then by hand, in place: same inode, same size, same tick
        handle.write(text.replace("name: cc", "name: dd"))
    assert listed(store)[number] == "dd"
    assert Client(store.root).get_model_version("M", "dd").number == number


def test_a_hand_rewrite_right_after_a_journalled_write_is_seen(
    store: Store, one_tick: None, parses: list[str]
) -> None:
    for _ in range(COUNT):
        versions.create_version(store, "M")
    path = store.layout.version_file("M", COUNT)
    text = path.read_text()
    with path.open("r+") as handle:  # before any listing: the journal's key still matches
        handle.write(text.replace(f"name: '{COUNT}'", "name: 'zz'"))
    assert listed(store)[COUNT] == "zz"
    assert f"{COUNT}.yaml" in parses  # the checksum differed: parsed, not taken from the journal


def test_a_planted_or_damaged_journal_is_never_trusted(store: Store, parses: list[str]) -> None:
    for _ in range(COUNT):
        versions.create_version(store, "M")
    folder = store.layout.versions_dir("M")
    journal = store._journal(folder)
    path = store.layout.version_file("M", COUNT)
    raw = path.read_bytes()
    forged = {**codec.decode(raw, "yaml", path), "name": "forged"}
    # the right bytes' checksum, but a stat key a commit could not know: never used
    payload = marshal.dumps(
        (path.name, (1, 2, len(raw), 3), zlib.crc32(raw), marshal.dumps(forged), {})
    )
    journal.path.write_bytes(journal_module._frame(payload))
    journal_module._written_here.clear()  # read as another process, which wrote none of it
    assert listed(store)[COUNT] == str(COUNT)
    assert len(parses) == COUNT * 2  # both indexes parsed every file (the journal was replaced)
    versions.update_version(store, "M", 3, name="three")  # a real record after a torn one
    with journal.path.open("ab") as handle:
        handle.write(b"\x00\x00\x01torn")
    journal_module._written_here.clear()
    parses.clear()
    assert listed(store)[3] == "three"
    assert parses.count("3.yaml") == 2  # not trusted past the torn end: parsed by both indexes


def test_a_full_journal_keeps_the_newest_record_of_each_file(
    store: Store, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(COUNT):
        versions.create_version(store, "M")
    journal = store._journal(store.layout.versions_dir("M"))
    size = journal.path.stat().st_size
    monkeypatch.setattr(journal_module, "MAX_BYTES", 3 * size)
    before = size
    for round_ in range(4 * COUNT):  # rename one version until its records fill the journal
        versions.update_version(store, "M", COUNT, name=f"n{round_}")
        now = journal.path.stat().st_size
        if now < before:
            break  # compacted: one record per file is left
        before = now
    else:
        pytest.fail("the journal was never compacted")
    assert len(journal.entries({f"{n}.yaml" for n in range(1, COUNT + 1)})) == COUNT - JOURNAL_FROM
    parses.clear()  # (each update read its version itself)
    assert listed(store)[COUNT] == f"n{round_}"
    assert set(parses) == {f"{n}.yaml" for n in range(1, JOURNAL_FROM + 1)}


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_what_the_journal_keeps_is_what_decoding_gives(fmt: str) -> None:
    """The writer records the mapping it encoded in place of decoding its bytes, so the two
    must be the same values, of the same types, in the same order."""
    tricky: dict[str, Any] = {
        "format": 1,
        "text": ["", " lead", "trail ", "a: b", "- x", "#no", "yes", "null", "~", "1.0", "0x1F"],
        "lines": "one\ntwo\r\nthree\u2028four\x85five\ttab \\ back 'q' \"qq\"",
        "unicode": "é 中文 \U0001f600 \ufeffbom \x00nul \x1besc",
        "numbers": [0, -1, 2**70, 1.5, -0.0, 1e300, 1e-300, float("inf"), float("-inf")],
        "flags": [True, False, None],
        "nested": {"z": {"b": [], "a": {}}, "a": [{"number": 3, "id": "x"}]},
        "2026-01-01": "2026-01-01T00:00:00Z",
    }
    assert exactly_plain(tricky)
    decoded = codec.decode(codec.encode(tricky, fmt), fmt, Path("x"))
    assert exact(decoded) == exact(tricky)


def exact(value: Any) -> Any:
    """``value`` spelt out with every type and key order (``==`` alone would take 1 for 1.0,
    True for 1 and -0.0 for 0.0, and ignore the order of keys)."""
    if type(value) is dict:
        return ("dict", [(key, exact(item)) for key, item in value.items()])
    if type(value) is list:
        return ("list", [exact(item) for item in value])
    return (type(value).__name__, repr(value))


CREATE_MODELS = """
import sys
from zenml_cli import Client
client = Client(sys.argv[1])
for index in range(int(sys.argv[2])):
    client.create_model(f"model-{index}", description="new", tags=["t"])
"""

LIST_MODELS = """
import json, sys
from zenml_cli import Client
names = [m.name for m in Client(sys.argv[1]).list_models(size=100)]
print(json.dumps({"names": names, "parsed": "yaml" in sys.modules}))
"""


def test_models_created_by_another_process_list_without_parsing(tmp_path: Path) -> None:
    """The memo of model manifests has its own journal: a listing right after another
    process created the models takes them from there, and never even imports PyYAML."""
    Store(tmp_path).ensure_created()
    env = {**os.environ, "ZENML_ACTOR": "tester"}
    env.pop("ZENML_PROJECT_DIR", None)
    subprocess.run([sys.executable, "-c", CREATE_MODELS, str(tmp_path), "30"], env=env, check=True)
    listed = subprocess.run(
        [sys.executable, "-c", LIST_MODELS, str(tmp_path)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    found = json.loads(listed.stdout)
    assert found == {"names": sorted(f"model-{i}" for i in range(30)), "parsed": False}


def test_a_model_rewritten_in_one_tick_after_its_journalled_write_is_seen(
    store: Store, one_tick: None
) -> None:
    Client(store.root).update_model("M", description="abcd")
    path = store.layout.model_file("M")
    text = path.read_text()
    with path.open("r+") as handle:  # by hand, in place: same inode, same size, same tick
        handle.write(text.replace("abcd", "wxyz"))
    assert Client(store.root).get_model("M").description == "wxyz"
    assert models.get_model(Store(store.root), "M").description == "wxyz"


def test_this_process_takes_its_own_records_from_memory_and_others_from_the_journal(
    store: Store, parses: list[str]
) -> None:
    for _ in range(COUNT):
        versions.create_version(store, "M")
    journal = store._journal(store.layout.versions_dir("M"))
    journal.path.unlink()  # this process's records are still known to it
    assert len(listed(store)) == COUNT
    assert set(parses) == {f"{n}.yaml" for n in range(1, JOURNAL_FROM + 1)}
    parses.clear()
    # Another process renames a version this one recorded: its own record is then stale
    # (another stat key), and the journal has the other process's.
    done = run_zenml("model", "version", "update", "M", str(COUNT - 1), "--name", "other",
                     cwd=store.root)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert listed(store)[COUNT - 1] == "other"
    assert parses == []
