"""The hostile review (issue 11): one test (or a few) per finding, named after it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zenml_cli.core import doctor, history, models, versions
from zenml_cli.errors import CorruptManifestError
from zenml_cli.store import Store

from conftest import Cli


@pytest.fixture
def store(project: Path) -> Store:
    return Store(project)


def _model(store: Store, name: str = "m", count: int = 2) -> None:
    models.create_model(store, name)
    for _ in range(count):
        versions.create_version(store, name)


# ---------------------------------------------------------------- 1. no writes through links
def test_1_history_symlink_out_of_store_is_never_written(store: Store, tmp_path: Path) -> None:
    _model(store)
    outside = tmp_path / "outside.txt"
    outside.write_text("keep\n")
    history_file = store.layout.history_file("m")
    history_file.unlink(missing_ok=True)
    history_file.symlink_to(outside)
    with pytest.raises(CorruptManifestError, match="history.jsonl"):
        versions.update_version(store, "m", 1, stage="production")
    assert outside.read_text() == "keep\n"
    assert models.get_model(store, "m").stages.production is None  # nothing moved

    missing = tmp_path / "missing.txt"
    history_file.unlink()
    history_file.symlink_to(missing)
    with pytest.raises(CorruptManifestError):
        versions.update_version(store, "m", 1, stage="production")
    assert not missing.exists()


def test_1_number_hint_symlink_is_never_written_through(store: Store, tmp_path: Path) -> None:
    _model(store, count=33)
    hint = store.layout.cache_path(store.layout.versions_dir("m"), ".next")
    outside = tmp_path / "target.bin"
    outside.write_bytes(b"precious bytes " * 20)
    hint.unlink(missing_ok=True)
    hint.parent.mkdir(parents=True, exist_ok=True)
    hint.symlink_to(outside)
    assert versions.create_version(store, "m").number == 34
    assert versions.create_version(store, "m").number == 35
    assert outside.read_bytes() == b"precious bytes " * 20


def test_1_linked_folder_out_of_store_is_refused(store: Store, tmp_path: Path) -> None:
    _model(store)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (store.layout.versions_dir("m") / "1.yaml").rename(outside / "1.yaml")
    (store.layout.versions_dir("m") / "2.yaml").unlink()
    store.layout.versions_dir("m").rmdir()
    store.layout.versions_dir("m").symlink_to(outside)
    with pytest.raises(CorruptManifestError, match="symbolic link"):
        versions.create_version(store, "m")
    assert sorted(p.name for p in outside.iterdir()) == ["1.yaml"]


def test_1_symlinked_lock_file_is_a_clear_error(store: Store, tmp_path: Path, cli: Cli) -> None:
    _model(store)
    outside = tmp_path / "victim"
    outside.write_text("keep")
    lock = store.layout.lock_file(models.model_lock("m"))
    lock.unlink(missing_ok=True)
    lock.symlink_to(outside)
    code, _, err = cli("model", "version", "create", "m")
    assert code == 6 and "model-m.lock" in err and "symbolic link" in err
    assert outside.read_text() == "keep"


# ---------------------------------------------------------------- 2. artifacts load by hash only
# Covered by tests/test_artifact_stores.py::test_a_manifest_alone_never_runs_code (a manifest's
# uri, or a hash naming a repository file, never makes load_artifact unpickle that file).


# ---------------------------------------------------------------- 3, 10, 17. strict YAML
BOMB = "\n".join(
    ["metadata:", '  a: &a ["lol","lol","lol","lol"]']
    + [f"  {c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]" for p, c in zip("abcdefgh", "bcdefghi")]
)


def _edit_version(store: Store, number: int, edit: str | None = None, *, text: str | None = None) -> Path:
    path = store.layout.version_file("m", number)
    path.write_text(text if text is not None else path.read_text() + edit)
    return path


def test_3_yaml_bomb_is_refused_naming_the_file(store: Store, cli: Cli) -> None:
    _model(store)
    raw = store.layout.version_file("m", 1).read_text()
    _edit_version(store, 1, text=raw.replace("metadata: {}", BOMB))
    for args in (("model", "version", "describe", "m", "1"), ("model", "version", "list", "m")):
        code, _, err = cli(*args)
        assert code == 6 and "versions/1.yaml" in err and "anchors are not allowed" in err
    code, out, _ = cli("doctor", "-o", "json")
    assert code == 6 and "versions/1.yaml" in out


def test_3_anchor_alias_and_duplicate_key_are_refused(store: Store, cli: Cli) -> None:
    _model(store)
    _edit_version(store, 1, "extra: &x 1\n")
    _edit_version(store, 2, "description: one\ndescription: two\n")
    code, out, _ = cli("doctor", "-o", "json")
    assert code == 6 and "anchors are not allowed" in out and "duplicate key 'description'" in out


def test_10_unquoted_date_in_metadata_stays_text(store: Store, cli: Cli) -> None:
    _model(store)
    path = store.layout.version_file("m", 1)
    path.write_text(path.read_text().replace("metadata: {}", "metadata:\n  released: 2026-01-01"))
    for fmt in ("json", "csv"):
        code, out, err = cli("model", "version", "list", "m", "-o", fmt)
        assert code == 0, err
        assert "2026-01-01" in out
    assert versions.get_version(store, "m", 1).run_metadata == {"released": "2026-01-01"}
