"""``zenml resolve``'s planner (core/merge/) as the pure function it is: three ``.zenml/``
trees in (built through the Python API in temporary folders, no git), the merged tree out.
One side keeps its numbers, the other side's versions are renumbered after them, references
follow the id, and the result is a store doctor finds clean."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from zenml_cli import Client
from zenml_cli.core.doctor import checkup as doctor
from zenml_cli.core.history import holders_at, read
from zenml_cli.core.merge import MergeReport, Moved, merge_stores
from zenml_cli.registry import Registry
from zenml_cli.store import Store
from zenml_cli.store.layout import NEVER_COMMITTED, STORE_DIR

Files = dict[str, bytes]


def committed(root: Path) -> Files:
    """The files of ``root/.zenml`` that git would hold (what ``store/git_tree`` reads)."""
    store = root / STORE_DIR
    skipped = tuple(f"{folder}/" for folder in NEVER_COMMITTED)
    return {
        path.relative_to(store).as_posix(): path.read_bytes()
        for path in sorted(store.rglob("*"))
        if path.is_file() and not path.relative_to(store).as_posix().startswith(skipped)
    }


def written(files: Files, root: Path) -> Client:
    """The merged files as a store of their own, opened through the client."""
    for relative, raw in files.items():
        path = root / STORE_DIR / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
    return Client(root)


@pytest.fixture
def base(tmp_path: Path) -> Path:
    root = tmp_path / "base"
    root.mkdir()
    Registry(root, require_store=False).init()
    client = Client(root)
    client.create_model("iris", description="flowers")
    client.create_model_version("iris", name="first")
    return root


def side(base: Path, name: str) -> tuple[Path, Client]:
    root = base.parent / name
    shutil.copytree(base, root)
    return root, Client(root)


def merge(base: Path, ours: Path, theirs: Path, *, keep_theirs: bool = False) -> tuple[Files, Any]:
    report = MergeReport()
    files = merge_stores(
        committed(base), committed(ours), committed(theirs), keep_theirs=keep_theirs, report=report
    )
    return files, report


def names_by_number(client: Client) -> dict[int, str]:
    page = client.list_model_versions("iris", size=100)
    return {v.number: v.name for v in page.items}


def clean(root: Path) -> None:
    report = doctor.run(Store(root))
    assert report.ok, [str(p) for p in report.problems]


def test_two_branches_registering_the_same_number_keep_both_by_id(base: Path) -> None:
    ours, mine = side(base, "ours")
    theirs, other = side(base, "theirs")
    kept = mine.create_model_version("iris", name="ours-2")
    moved = other.create_model_version("iris", name="theirs-2")
    assert kept.number == moved.number == 2
    files, report = merge(base, ours, theirs)
    result = written(files, base.parent / "merged")
    assert names_by_number(result) == {1: "first", 2: "ours-2", 3: "theirs-2"}
    assert result.get_model_version("iris", 3).id == moved.id
    assert result.get_model_version("iris", 2).id == kept.id
    assert report.kept_numbers == "ours"
    assert report.moved == [Moved("model version", "iris", str(moved.id), "2", "3")]
    clean(base.parent / "merged")


def test_keep_theirs_renumbers_our_side_instead(base: Path) -> None:
    ours, mine = side(base, "ours")
    theirs, other = side(base, "theirs")
    mine.create_model_version("iris", name="ours-2")
    other.create_model_version("iris", name="theirs-2")
    files, report = merge(base, ours, theirs, keep_theirs=True)
    result = written(files, base.parent / "merged")
    assert names_by_number(result) == {1: "first", 2: "theirs-2", 3: "ours-2"}
    assert report.kept_numbers == "theirs" and [m.new for m in report.moved] == ["3"]


def test_a_promotion_of_a_renumbered_version_follows_it_to_its_new_number(base: Path) -> None:
    ours, mine = side(base, "ours")
    theirs, other = side(base, "theirs")
    mine.create_model_version("iris", name="ours-2")
    moved = other.create_model_version("iris", name="theirs-2")
    other.update_model_version("iris", moved.number, stage="production")
    files, _ = merge(base, ours, theirs)
    root = base.parent / "merged"
    result = written(files, root)
    production = result.get_model_version("iris", "production")
    assert (production.number, production.id) == (3, moved.id)
    store = Store(root)
    assert holders_at(read(store, "iris")) == {"staging": None, "production": 3}
    clean(root)


def test_both_sides_promoting_leave_holders_that_history_agrees_with(base: Path) -> None:
    ours, mine = side(base, "ours")
    theirs, other = side(base, "theirs")
    mine.update_model_version("iris", 1, stage="production")
    new = other.create_model_version("iris", name="theirs-2")
    other.update_model_version("iris", new.number, stage="production")
    files, _ = merge(base, ours, theirs)
    root = base.parent / "merged"
    result = written(files, root)
    holder = result.get_model_version("iris", "production")
    assert holder.id == new.id  # replayed after ours: theirs' promotion is the later one
    assert holders_at(read(Store(root), "iris"))["production"] == holder.number
    assert result.get_model_version("iris", 1).stage == "archived"
    clean(root)


def test_a_side_that_changed_nothing_leaves_the_other_sides_bytes(base: Path) -> None:
    ours, mine = side(base, "ours")
    theirs, _ = side(base, "theirs")
    mine.create_model_version("iris", name="ours-2")
    mine.update_model_version("iris", 2, stage="staging")
    files, report = merge(base, ours, theirs)
    assert files == committed(ours)
    assert report.moved == [] and report.notes == []
    files, _ = merge(base, theirs, ours)  # the same change on the other side
    assert files == committed(ours)


def test_a_model_only_one_side_created_comes_across_as_it_is(base: Path) -> None:
    ours, _ = side(base, "ours")
    theirs, other = side(base, "theirs")
    other.create_model("rose")
    other.create_model_version("rose", name="r1")
    files, report = merge(base, ours, theirs)
    theirs_files = committed(theirs)
    rose = {path: raw for path, raw in theirs_files.items() if path.startswith("models/rose/")}
    assert rose and all(files[path] == raw for path, raw in rose.items())
    assert report.moved == []


def test_a_deleted_model_stays_deleted_and_the_report_says_so(base: Path) -> None:
    ours, mine = side(base, "ours")
    theirs, other = side(base, "theirs")
    mine.delete_model("iris")
    other.create_model_version("iris", name="theirs-2")
    files, report = merge(base, ours, theirs)
    assert not any(path.startswith("models/iris/") for path in files)
    assert [(n.kind, n.path) for n in report.notes] == [("deleted", "models/iris")]


def test_a_field_both_sides_changed_keeps_ours_and_notes_the_clash(base: Path) -> None:
    ours, mine = side(base, "ours")
    theirs, other = side(base, "theirs")
    mine.update_model("iris", description="ours")
    other.update_model("iris", description="theirs")
    files, report = merge(base, ours, theirs)
    result = written(files, base.parent / "merged")
    assert result.get_model("iris").description == "ours"
    assert [n.kind for n in report.notes] == ["clash"]
    assert "description" in report.notes[0].detail


def test_a_field_only_theirs_changed_is_taken(base: Path) -> None:
    ours, mine = side(base, "ours")
    theirs, other = side(base, "theirs")
    mine.create_model_version("iris", name="ours-2")
    other.update_model("iris", description="better words")
    files, report = merge(base, ours, theirs)
    result = written(files, base.parent / "merged")
    assert result.get_model("iris").description == "better words"
    assert report.notes == []
