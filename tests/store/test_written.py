"""``store/written.py``: the paths a ``--push`` work area stages are noted by the store's own
write primitives, from any thread, only below the folder being recorded."""

from __future__ import annotations

import threading
from pathlib import Path

from zenml_cli.core import models, versions
from zenml_cli.store import Store, written
from zenml_cli.store.atomic import atomic_write


def test_writes_below_the_folder_are_noted_from_any_thread(tmp_path: Path) -> None:
    inside, outside = tmp_path / "area" / ".zenml", tmp_path / "elsewhere"
    noted = written.start(inside)
    try:
        worker = threading.Thread(target=atomic_write, args=(inside / "a.yaml", b"a: 1\n"))
        worker.start()
        worker.join()
        atomic_write(outside / "b.yaml", b"b: 1\n")
    finally:
        written.stop(inside)
    atomic_write(inside / "c.yaml", b"c: 1\n")  # after stop: not noted
    assert noted == {str(inside / "a.yaml")}


def test_the_stores_writes_renames_and_deletes_are_noted(tmp_path: Path) -> None:
    store = Store(tmp_path)
    models.create_model(store, "iris")
    versions.create_version(store, "iris")
    noted = written.start(store.dir)
    try:
        versions.create_version(store, "iris")
        store.rename_model("iris", "setosa")
        store.remove_version("setosa", 1)
        store.delete_model("setosa")
    finally:
        written.stop(store.dir)
    relative = {Path(path).relative_to(store.dir).as_posix() for path in noted}
    assert {
        "models/iris/versions/2.yaml",
        "models/iris",
        "models/setosa",
        "models/setosa/versions/1.yaml",
    } <= relative
