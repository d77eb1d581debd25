"""Compact ``-o json`` of ``version list`` is joined from an index of JSON pieces
(core/version_json.py): it must be byte for byte what encoding the listed dicts gives, for any
content, and never stale, like every other index (issue 21.5)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zenml_cli.cli.inert_text import json_text
from zenml_cli.core import version_listing as version_views
from zenml_cli.core import versions
from zenml_cli.core.version_json import CONTEXT_KEYS, JSON_FORM_INDEX
from zenml_cli.store import Store
from zenml_cli.store import journal as journal_module
from zenml_cli.store import manifest_cache as index_module
from zenml_cli.store.store import INDEX_MIN_FILES
from zenml_cli.store.store_models import JOURNAL_FROM

from support.running import run_zenml

COUNT = 2 * INDEX_MIN_FILES
#: Content whose JSON text is easy to get wrong: escapes, non-ASCII, C1 controls (which the
#: CLI writes as \\u escapes), floats, nesting, empty containers.
ODD_TEXT = 'é 中文 \U0001f600 "q" \\ back\ttab\nline \x85 \x7f \u2028 \x1b[31m'
#: Names and tags may not hold controls or path characters; still not ASCII.
ODD_NAME = "é 中文 \U0001f600 ß"
ODD_METADATA: dict[str, Any] = {
    "auc": 0.935,
    "big": 1e300,
    "tiny": -1e-300,
    "zero": -0.0,
    "count": 2**70,
    "flag": True,
    "none": None,
    "nested": {"z": [1, 2.5, {"deep": ODD_TEXT}], "a": {}, "empty": []},
    ODD_TEXT: "key",
}


@pytest.fixture
def parses(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the version files the store parses from here on."""
    seen: list[str] = []
    decode = store._decode

    def counting(raw: bytes, path: Path) -> dict[str, Any]:
        if path.parent.name == "versions":
            seen.append(path.name)
        return decode(raw, path)

    monkeypatch.setattr(store, "_decode", counting)
    yield seen


def odd_versions(store: Store) -> None:
    for number in range(1, COUNT + 1):
        versions.create_version(
            store,
            "M",
            name=f"{ODD_NAME} {number}" if number % 3 else None,
            description=ODD_TEXT if number % 2 else None,
            tags=[ODD_NAME, "b", "a"] if number % 5 == 0 else [],
            metadata=ODD_METADATA if number % 4 == 0 else {"n": number},
        )
    versions.update_version(store, "M", 5, stage="production")
    versions.update_version(store, "M", 7, stage="staging")


def as_dumped(store: Store, **query: Any) -> list[str]:
    """The items of the dicts listing, each as ``json.dumps`` writes it (what -o json was)."""
    dicts = version_views.list_version_dicts(store, "M", **query)
    return [json.dumps(item, ensure_ascii=False) for item in dicts.items]


QUERIES: list[dict[str, Any]] = [
    {"size": 1000},
    {"stage": "production"},
    {"stage": "latest"},
    {"number": 12},
    {"sort_by": "desc:number", "page": 2, "size": 7},
    {"sort_by": "stage", "size": 100},
]


@pytest.mark.parametrize("query", QUERIES, ids=str)
def test_json_texts_are_the_listed_dicts_encoded(store: Store, query: dict[str, Any]) -> None:
    odd_versions(store)
    for _ in range(2):  # the first call builds the index (files still racy), the second reads it
        texts = version_views.list_version_json(store, "M", **query)
        assert texts is not None
        assert texts.items == as_dumped(store, **query)
        dicts = version_views.list_version_dicts(store, "M", **query)
        assert texts.pagination() == dicts.pagination()


@pytest.mark.parametrize(
    "query",
    [{"name": "contains:1"}, {"tag": "a"}, {"sort_by": "created"}, {"where": ["number > 3"]}],
    ids=str,
)
def test_a_query_on_contents_lists_dicts_instead(store: Store, query: dict[str, Any]) -> None:
    odd_versions(store)
    assert version_views.list_version_json(store, "M", **query) is None


def test_the_pieces_surround_the_models_fields() -> None:
    assert CONTEXT_KEYS == ("model", "model_id", "stage")
    assert JSON_FORM_INDEX.startswith("json-")


def test_the_cli_writes_the_same_bytes_as_encoding_the_dicts(store: Store) -> None:
    odd_versions(store)
    settled = time.time_ns() + 10_000_000_000
    for clock in (time.time_ns, lambda: settled):  # just written, then settled
        index_module.clock_ns = clock
        try:
            dicts = version_views.list_version_dicts(store, "M", size=1000)
            body = {"items": dicts.items, "pagination": dicts.pagination()}
            expected = json_text(json.dumps(body, ensure_ascii=False)) + "\n"
        finally:
            index_module.clock_ns = time.time_ns
        args = ("model", "version", "list", "--model", "M", "-o", "json", "--size", "1000")
        done = run_zenml(*args, cwd=store.root)
        assert done.returncode == 0, done.stderr
        assert done.stdout == expected
        assert "\\u0085" in done.stdout and "\\u007f" in done.stdout  # C1 and DEL escaped


def test_a_listing_right_after_registering_parses_only_the_first_few(
    store: Store, parses: list[str]
) -> None:
    for _ in range(COUNT):
        versions.create_version(store, "M")
    texts = version_views.list_version_json(store, "M", size=1000)
    assert texts is not None and len(texts.items) == COUNT
    assert set(parses) == {f"{n}.yaml" for n in range(1, JOURNAL_FROM + 1)}


def test_a_rewrite_in_one_tick_with_the_same_size_is_seen(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A coarse file-system clock: only the checksum of the bytes tells the writes apart."""

    def blind(st: Any) -> tuple[int, int, int, int]:
        return (0, 0, st.st_size, st.st_ino)

    monkeypatch.setattr(index_module, "stat_key", blind)
    monkeypatch.setattr(journal_module, "stat_key", blind)
    for _ in range(COUNT):
        versions.create_version(store, "M")
    number = COUNT - 2

    def name_listed() -> str:
        texts = version_views.list_version_json(store, "M", size=1000)
        assert texts is not None
        return str(json.loads(texts.items[number - 1])["name"])

    for name in ("aa", "bb", "cc"):  # zenml's own writes, each journalled, each the same size
        versions.update_version(store, "M", number, name=name)
        assert name_listed() == name
    path = store.layout.version_file("M", number)
    text = path.read_text()
    with path.open("r+") as handle:  # by hand, in place: same inode, same size, same tick
        handle.write(text.replace("name: cc", "name: dd"))
    assert name_listed() == "dd"


def test_a_full_journal_keeps_its_newest_records_when_not_all_fit(
    store: Store, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A burst of writes bigger than half the journal: the compaction keeps the newest
    records (the ones a listing right after needs), not nothing."""
    for _ in range(COUNT):
        versions.create_version(store, "M")
    journal = store._journal(store.layout.versions_dir("M"))
    per_record = journal.path.stat().st_size // (COUNT - JOURNAL_FROM)
    monkeypatch.setattr(journal_module, "MAX_BYTES", 24 * per_record)  # keeps about 12
    for number in range(JOURNAL_FROM + 1, COUNT + 1):
        versions.update_version(store, "M", number, name=f"new{number}")
    assert journal.path.stat().st_size <= 24 * per_record
    parses.clear()
    texts = version_views.list_version_json(store, "M", size=1000)
    assert texts is not None
    assert [json.loads(t)["name"] for t in texts.items][-1] == f"new{COUNT}"
    newest = {f"{n}.yaml" for n in range(COUNT - 9, COUNT + 1)}
    assert not newest & set(parses)  # the newest ten came from the journal
    assert set(parses) < {f"{n}.yaml" for n in range(1, COUNT + 1)} - newest


def test_records_bigger_than_usual_are_still_found(store: Store, parses: list[str]) -> None:
    """The reader first reads only the journal's end; records that do not fit there (big
    metadata) send it back for the rest, not to parsing the files."""
    for _ in range(COUNT):
        versions.create_version(
            store, "M", metadata={"blob": "x" * 4 * journal_module.USUAL_RECORD}
        )
    texts = version_views.list_version_json(store, "M", size=1000)
    assert texts is not None and len(texts.items) == COUNT
    assert set(parses) == {f"{n}.yaml" for n in range(1, JOURNAL_FROM + 1)}


def test_the_journal_is_never_read_through_a_link(store: Store, parses: list[str]) -> None:
    for _ in range(COUNT):
        versions.create_version(store, "M")
    journal = store._journal(store.layout.versions_dir("M"))
    target = journal.path.with_name("elsewhere")
    os.replace(journal.path, target)
    journal.path.symlink_to(target)
    journal_module._written_here.clear()  # read as another process, which wrote none of it
    texts = version_views.list_version_json(store, "M", size=1000)
    assert texts is not None and len(texts.items) == COUNT
    assert len(set(parses)) == COUNT  # every file parsed: the linked journal was not read


def test_a_record_from_its_public_form_is_the_record_itself(store: Store) -> None:
    """``from_public_form`` fills a plain record's fields without calling ``__init__``:
    the record must be equal, field for field, to the one read from the manifest."""
    from zenml_cli.core.models import get_model
    from zenml_cli.core.records import ModelVersionRecord, public_form

    odd_versions(store)
    model = get_model(store, "M")
    for record in versions.read_versions(store, model, [4, 5, 20]):
        form = public_form(record.to_manifest())
        assert form is not None
        built = ModelVersionRecord.from_public_form(form, "M", model.id, record.stage)
        assert built == record and vars(built) == vars(record)
        assert type(built) is ModelVersionRecord


def test_without_folder_handles_files_are_read_by_their_paths(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where ``os.scandir`` takes no folder handle (Windows), the index reads each file by its
    whole path: the same listing, and a same-size rewrite by hand still seen."""
    monkeypatch.setattr(index_module, "_BY_HANDLE", False)
    odd_versions(store)
    texts = version_views.list_version_json(store, "M", size=1000)
    assert texts is not None and texts.items == as_dumped(store, size=1000)
    path = store.layout.version_file("M", 9)
    text = path.read_text()
    assert "name: '9'" in text
    with path.open("r+") as handle:  # in place, same size, moments after it was written
        handle.write(text.replace("name: '9'", "name: 'x'"))
    again = version_views.list_version_json(store, "M", size=1000)
    assert again is not None and again.items == as_dumped(store, size=1000)
    assert json.loads(again.items[8])["name"] == "x"
