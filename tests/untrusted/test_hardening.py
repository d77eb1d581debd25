"""The hostile review (issue 11): one test (or a few) per finding, named after it."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from zenml_cli.core import history, models, versions
from zenml_cli.errors import CorruptManifestError
from zenml_cli.store import Store

from support.running import Cli


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
# Covered by tests/store/test_artifact_stores.py::test_a_manifest_alone_never_runs_code (a
# manifest's uri, or a hash naming a repository file, never makes load_artifact unpickle it).


# ---------------------------------------------------------------- 3, 10, 17. strict YAML
BOMB = "\n".join(
    ["metadata:", '  a: &a ["lol","lol","lol","lol"]']
    + [
        f"  {c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ]
)


def _edit_version(
    store: Store, number: int, edit: str | None = None, *, text: str | None = None
) -> Path:
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


# ---------------------------------------------------------------- 4, 5, 6, 8. history = journal
def _doctor_text(cli: Cli) -> tuple[int, str]:
    code, out, _ = cli("doctor", "-o", "json")
    return code, out


def test_4_a_failed_history_append_moves_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    _model(store)
    before = store.layout.model_file("m").read_bytes()

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch, pytest.raises(OSError):
        patch.setattr(Store, "append_history", disk_full)
        versions.update_version(store, "m", 1, stage="production")
    assert store.layout.model_file("m").read_bytes() == before
    assert _doctor_text(cli)[0] == 0


def test_4_overflowing_seq_neither_crashes_writes_nor_doctor(store: Store, cli: Cli) -> None:
    _model(store)
    with store.layout.history_file("m").open("a") as handle:
        handle.write('{"seq": 1e400}\n')
    versions.update_version(store, "m", 1, stage="production")
    assert models.get_model(store, "m").stages.production == 1
    code, out = _doctor_text(cli)
    assert code == 6 and "history.jsonl:1" in out and "not a valid history event" in out


def test_4_crash_between_event_and_model_write_is_reported(
    store: Store, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    _model(store)

    def killed(*args: object) -> None:
        raise KeyboardInterrupt  # stands in for SIGKILL after the append

    with monkeypatch.context() as patch, pytest.raises(KeyboardInterrupt):
        patch.setattr(versions, "write_model", killed)
        versions.update_version(store, "m", 2, stage="production")
    code, out = _doctor_text(cli)
    assert code == 0 and "the last event (seq 1) gives production to version 2" in out
    assert history.holders_at(history.read(store, "m"))["production"] == 2
    # the next stage change reconciles history with model.yaml first, then records its own
    versions.update_version(store, "m", 1, stage="staging")
    events = history.read(store, "m")
    assert [e.event for e in events] == ["stage", "reconcile", "stage"]
    assert history.holders_at(events) == {"staging": 1, "production": None}
    code, out = _doctor_text(cli)
    assert code == 0 and json.loads(out)["items"] == []


def test_5_doctor_checks_history_against_holders_after_ours_merge(store: Store, cli: Cli) -> None:
    _model(store, count=3)
    versions.update_version(store, "m", 2, stage="production")
    ours = store.layout.model_file("m").read_bytes()
    versions.update_version(store, "m", 3, stage="production")
    versions.update_version(store, "m", 1, stage="staging")
    store.layout.model_file("m").write_bytes(ours)  # git merge -X ours on model.yaml
    assert history.holders_at(history.read(store, "m"))["production"] == 3
    code, out = _doctor_text(cli)
    assert code == 6 and "says version 2" in out and "held by version 3" in out


def test_6_history_at_replays_by_sequence_not_time(project: Path) -> None:
    from datetime import UTC, datetime

    times = iter([datetime(2026, 1, 1, 10, tzinfo=UTC), datetime(2026, 1, 1, 9, tzinfo=UTC)])
    store = Store(project)
    _model(store)
    store.clock = lambda: next(times)  # the second promotion's clock moved back an hour
    versions.update_version(store, "m", 1, stage="production")
    versions.update_version(store, "m", 2, stage="production")
    events = history.read(store, "m")
    assert history.holders_at(events, "2026-06-01T00:00:00Z")["production"] == 2
    assert history.holders_at(events)["production"] == 2


def test_8_two_events_sharing_a_seq_are_reported(store: Store, cli: Cli) -> None:
    _model(store, count=4)
    path = store.layout.history_file("m")
    versions.update_version(store, "m", 4, stage="staging")
    theirs = path.read_bytes().replace(b'"tester"', b'"other"')
    with path.open("ab") as handle:  # git's union merge of the other branch's seq 1
        handle.write(theirs)
    code, out = _doctor_text(cli)
    assert code == 6 and "share sequence number(s) 1" in out


# ---------------------------------------------------------------- 7. renames vs listings/deletes
def test_7_listing_during_a_rename_is_complete(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in "abcde":
        models.create_model(store, name)
    real = Store.model_entries
    stale = real(store)

    def listed_then_renamed(self: Store) -> list[tuple[str, bool]]:
        if not (store.layout.models_dir / "z").exists():
            os.rename(store.layout.model_dir("c"), store.layout.model_dir("z"))
            return stale  # the listing saw 'c' just before the rename moved it
        return real(self)

    with monkeypatch.context() as patch:
        patch.setattr(Store, "model_entries", listed_then_renamed)
        page = models.list_models(store)
    assert [m.name for m in page.items] == ["a", "b", "d", "e", "z"] and page.total == 5


def test_7_rename_racing_a_delete_leaves_no_ghost_folder(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    _model(store)
    real = Store.rename_model

    def rename_then_deleted(self: Store, old: str, new: str) -> None:
        real(self, old, new)
        shutil.rmtree(self.layout.model_dir(new))  # a delete that got in right after

    with monkeypatch.context() as patch:
        patch.setattr(Store, "rename_model", rename_then_deleted)
        with pytest.raises(Exception):  # noqa: B017 - the model is gone, whatever the error
            models.update_model(store, "m", name="n")
    assert not store.layout.model_dir("n").exists()
    assert not store.layout.model_dir("m").exists()


def test_7_rename_records_its_event_and_a_case_only_rename_works(store: Store) -> None:
    _model(store)
    models.update_model(store, "m", name="M")
    models.update_model(store, "M", name="other")
    assert [e.event for e in history.read(store, "other")] == ["model_rename", "model_rename"]


# ---------------------------------------------------------------- 9. deleting stage holders
def test_9_deleting_a_stage_holder_needs_force(store: Store, cli: Cli) -> None:
    from zenml_cli.errors import ConflictError, NotFoundError

    _model(store, count=3)
    versions.update_version(store, "m", 2, stage="production")
    with pytest.raises(ConflictError, match="holds 'production'.*--force"):
        versions.delete_version(store, "m", 2)
    code, _, err = cli("model", "version", "delete", "m", "2", "-y")
    assert code == 4 and "--force" in err
    assert models.get_model(store, "m").stages.production == 2
    assert cli("model", "version", "delete", "m", "2", "-y", "--force")[0] == 0
    with pytest.raises(NotFoundError, match="version 2 of model 'm' was deleted"):
        versions.get_version(store, "m", 2)
    code, _, err = cli("model", "version", "describe", "m", "2")
    assert code == 3 and "was deleted" in err


# ------------------------------------------------------------ 11, 16. names: bytes, NFC, Windows
def test_11_names_are_checked_in_bytes_and_long_names_still_write(store: Store, cli: Cli) -> None:
    from zenml_cli.errors import InvalidInputError

    for name in ("漢" * 28, "a" * 250):
        _model(store, name, count=1)
        versions.update_version(store, name, 1, stage="production")
        models.update_model(store, name, description="still writable")
    with pytest.raises(InvalidInputError, match="bytes long"):
        models.create_model(store, "é" * 200)
    code, _, err = cli("model", "register", "漢" * 86)
    assert code == 5 and "bytes" in err
    assert not [p for p in store.layout.models_dir.iterdir() if p.name.startswith(".tmp-")]


def test_16_names_are_nfc_and_windows_safe(store: Store) -> None:
    import unicodedata

    from zenml_cli.errors import ConflictError, InvalidInputError

    models.create_model(store, unicodedata.normalize("NFD", "café"))
    assert store.model_names() == [unicodedata.normalize("NFC", "café")]
    with pytest.raises(ConflictError):
        models.create_model(store, unicodedata.normalize("NFC", "café"))
    assert models.get_model(store, unicodedata.normalize("NFD", "café")).name == "café"
    for bad in ("CON", "aux.txt", "Lpt1", "nul.tar.gz", "model."):
        with pytest.raises(InvalidInputError):
            models.create_model(store, bad)
    models.create_model(store, "console")  # only the device names themselves


# ---------------------------------------------------------------- 12. only ASCII digits are numbers
def test_12_unicode_digits_are_not_numbers(store: Store, cli: Cli) -> None:
    _model(store, count=3)
    versions_dir = store.layout.versions_dir("m")
    (versions_dir / "٢.yaml").write_bytes((versions_dir / "2.yaml").read_bytes())
    (versions_dir / "².yaml").write_text("format: 1\n")
    with pytest.raises(CorruptManifestError, match="unexpected file"):  # not a second "2"
        versions.read_versions(store, models.get_model(store, "m"))
    code, out, _ = cli("doctor", "-o", "json")
    assert code == 6 and "٢.yaml" in out and "².yaml" in out
    code, _, err = cli("model", "version", "list", "m")
    assert code == 6 and ".yaml" in err
    (versions_dir / "٢.yaml").unlink()
    (versions_dir / "².yaml").unlink()
    code, _, err = cli("model", "version", "describe", "m", "³")
    assert code == 3 and "no version named '³'" in err
    code, _, err = cli("model", "version", "describe", "m", "٣")
    assert code == 3
    assert versions.create_version(store, "m", name="v٣").number == 4


# ---------------------------------------------------------------- 13. malformed caches
def _cache_bytes(payload: object) -> bytes:
    import marshal
    import zlib

    from zenml_cli.store.manifest_cache import CACHE_FORMAT

    body = marshal.dumps(payload)
    return CACHE_FORMAT + zlib.crc32(body).to_bytes(4, "big") + body


def test_13_malformed_cache_entries_with_valid_checksums_are_ignored(
    store: Store, cli: Cli
) -> None:
    from zenml_cli.store.layout import manifest_memo_file

    _model(store, count=33)
    folder = store.layout.versions_dir("m")
    index = store.layout.cache_path(folder, ".index")
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_bytes(_cache_bytes((".yaml", {"1.yaml": "garbage", "2.yaml": (1, 2)})))
    memo = manifest_memo_file(store.dir)
    memo.write_bytes(_cache_bytes({"models/m/model.yaml": 5, "config.yaml": ("x",)}))
    for args in (("model", "version", "list", "m", "--size", "100"), ("model", "describe", "m")):
        code, _, err = cli(*args)
        assert code == 0, err
    assert len(versions.read_versions(Store(store.root), models.get_model(store, "m"))) == 33


def test_13_doctor_reads_manifests_not_the_cache(store: Store, cli: Cli) -> None:
    import marshal

    from zenml_cli.store.layout import manifest_memo_file
    from zenml_cli.store.manifest_cache import stat_key

    _model(store)
    path = store.layout.model_file("m")
    good = models.get_model(store, "m").to_manifest()
    path.write_text(re.sub(r"^format: (\d)", r"format: \1\n  broken: [", path.read_text()))
    key = stat_key(os.stat(path))  # a memo that still vouches for the good content
    manifest_memo_file(store.dir).parent.mkdir(exist_ok=True)
    manifest_memo_file(store.dir).write_bytes(
        _cache_bytes({"models/m/model.yaml": (key, marshal.dumps(good))})
    )
    code, out, _ = cli("doctor", "-o", "json")
    assert code == 6 and "model.yaml" in out and "not valid YAML" in out


# ---------------------------------------------------------------- 14. clear errors, not crashes
def test_14_project_dir_naming_a_file_is_invalid_input(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "afile").write_text("x")
    monkeypatch.setenv("ZENML_PROJECT_DIR", str(project / "afile"))
    code, _, err = cli("model", "list")
    assert code == 5 and "is a file" in err


@pytest.mark.parametrize("number", ["0", "-1"])
def test_14_version_list_number_below_one_is_refused(store: Store, cli: Cli, number: str) -> None:
    _model(store)
    code, _, err = cli("model", "version", "list", "m", "--number", number)
    assert code == 5 and "--number must be 1 or more" in err


@pytest.mark.parametrize(
    ("value", "on"), [("false", False), ("0", False), ("", False), ("1", True)]
)
def test_14_zenml_debug_false_words_are_off(
    monkeypatch: pytest.MonkeyPatch, value: str, on: bool
) -> None:
    from zenml_cli.cli.context import debug_enabled

    monkeypatch.setenv("ZENML_DEBUG", value)
    assert debug_enabled() is on


# The symlinked lock file (exit 6 naming it): test_1_symlinked_lock_file_is_a_clear_error.


# ---------------------------------------------------------------- 15. umask
@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_15_manifests_honour_the_umask(store: Store, umask: int) -> None:
    old = os.umask(umask)
    try:
        _model(store)
        versions.update_version(store, "m", 1, stage="staging")
    finally:
        os.umask(old)
    for path in (
        store.layout.model_file("m"),
        store.layout.version_file("m", 1),
        store.layout.history_file("m"),
        store.layout.config_file,
    ):
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask, path


# ---------------------------------------------------------------- 17. duplicate ids, temp leftovers
def test_17_copied_model_folder_duplicate_ids_are_reported(store: Store, cli: Cli) -> None:
    import shutil

    _model(store)
    shutil.copytree(store.layout.model_dir("m"), store.layout.model_dir("m2"))
    code, out, _ = cli("doctor", "-o", "json")
    assert code == 6
    messages = [item["message"] for item in json.loads(out)["items"]]
    copied = [m for m in messages if "(a copied folder?)" in m]
    assert len(copied) == 3  # the model id and both version ids


def test_17_stale_temp_leftovers_are_swept_and_reported(store: Store, cli: Cli) -> None:
    _model(store)
    old = 1_000_000_000  # 2001: far older than any lock timeout
    leftovers = [
        store.layout.models_dir / ".tmp-deadbeef",
        store.layout.model_dir("m") / ".tmp-1.part",
        store.layout.versions_dir("m") / ".tmp-2.part",
    ]
    leftovers[0].mkdir()
    (leftovers[0] / "model.yaml").write_text("format: 1\n")
    for path in leftovers[1:]:
        path.write_text("torn")
    fresh = store.layout.versions_dir("m") / ".tmp-live.part"  # a writer at work right now
    fresh.write_text("in flight")
    for path in leftovers:
        os.utime(path, (old, old))
    code, out, _ = cli("doctor", "-o", "json")
    messages = [item["message"] for item in json.loads(out)["items"]]
    assert code == 0 and sum("leftover temp file" in m for m in messages) == 4
    versions.update_version(store, "m", 1, stage="staging")
    # models/ is swept at most once per lock timeout (listing 10,000 models on every
    # create_model made it grow with the registry): let that time pass
    swept = store.layout.cache_path(store.layout.models_dir, ".swept")
    if swept.exists():
        os.utime(swept, (old, old))
    models.create_model(store, "other")
    assert not any(path.exists() for path in leftovers) and fresh.exists()
