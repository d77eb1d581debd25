"""The derived cache of model folder names (store/model_names.py): registering a model does not
list ``models/`` for its case-clash check while the folder provably has not changed, and every
change behind zenml-cli's back (a folder added or removed by hand or by git) is seen by the
next check. ``aged`` moves the clock 10 s forward so the folder counts as settled."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from zenml_cli.core import models
from zenml_cli.errors import ConflictError
from zenml_cli.store import Store, store_base
from zenml_cli.store import manifest_cache as index_module
from zenml_cli.store import model_names as model_names_module


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("ZENML_ACTOR", "tester")
    monkeypatch.delenv("ZENML_PROJECT_DIR", raising=False)
    store = Store(tmp_path)
    for name in ("iris", "wine", "Café"):
        models.create_model(store, name)
    return store


@pytest.fixture
def aged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "clock_ns", lambda: time.time_ns() + 10_000_000_000)


@pytest.fixture
def listings(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each listing of ``models/`` (by the name cache or by ``Store.model_names``)."""
    seen: list[str] = []
    original = store_base.visible_entries

    def counting(folder: Path) -> list[str]:
        if Path(folder) == store.layout.models_dir:
            seen.append(str(folder))
        return original(folder)

    monkeypatch.setattr(model_names_module, "visible_entries", counting)
    monkeypatch.setattr("zenml_cli.store.store_models.visible_entries", counting)
    return seen


def test_creates_in_a_row_list_models_once(store: Store, aged: None, listings: list[str]) -> None:
    fresh = Store(store.root)  # a new process: no names in memory, the cache file holds them
    for index in range(5):
        models.create_model(fresh, f"new-{index}")
    assert len(listings) == 1  # the first check lists; each create then extends the cache
    again = Store(store.root)
    models.create_model(again, "one-more")
    assert len(listings) == 1
    assert sorted(again.model_names()) == sorted(
        ["iris", "wine", "Café", "one-more", *(f"new-{i}" for i in range(5))]
    )


@pytest.mark.parametrize("clash", ["IRIS", "iris", "CAFÉ", "cafe\u0301"])
def test_a_case_clash_is_refused_from_the_cache(
    store: Store, aged: None, listings: list[str], clash: str
) -> None:
    fresh = Store(store.root)
    models.create_model(fresh, "primer")  # caches the names
    before = sorted(os.listdir(store.layout.models_dir))
    with pytest.raises(ConflictError, match="already exists|clashes with existing model"):
        models.create_model(Store(store.root), clash)
    assert sorted(os.listdir(store.layout.models_dir)) == before


def test_a_folder_added_behind_our_back_is_seen(store: Store, aged: None) -> None:
    models.create_model(Store(store.root), "primer")  # caches the names
    shutil.copytree(store.layout.model_dir("wine"), store.layout.models_dir / "Pear")
    with pytest.raises(ConflictError, match="'Pear'"):
        models.create_model(Store(store.root), "pear")


def test_a_folder_removed_behind_our_back_is_seen(store: Store, aged: None) -> None:
    models.create_model(Store(store.root), "primer")
    shutil.rmtree(store.layout.model_dir("wine"))
    models.create_model(Store(store.root), "WINE")  # no clash once wine/ is gone
    assert "WINE" in Store(store.root).model_names()


def test_a_folder_changed_moments_ago_is_listed_every_time(
    store: Store, listings: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store was written just now: a change within the same timestamp tick could keep
    the folder's stat key, so nothing is cached yet. (The clock is set back rather than
    left real, so a slow machine cannot make the folder look settled.)"""
    monkeypatch.setattr(index_module, "clock_ns", lambda: time.time_ns() - 30_000_000_000)
    for index in range(3):
        models.create_model(Store(store.root), f"new-{index}")
    assert len(listings) == 3


def test_a_corrupt_cache_is_ignored(store: Store, aged: None) -> None:
    models.create_model(Store(store.root), "primer")
    cache = store.dir / ".cache" / model_names_module.CACHE_NAME
    assert cache.is_file()
    cache.write_bytes(cache.read_bytes()[:-3] + b"xyz")
    with pytest.raises(ConflictError):
        models.create_model(Store(store.root), "Wine")
