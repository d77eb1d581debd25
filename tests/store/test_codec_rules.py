"""The store's boundary, without a subprocess: manifest bytes (store/codec.py) round-trip
and are deterministic, the strict loader refuses what no manifest needs, bounded reads
(store/bounded.py) refuse links, devices, FIFOs and huge files, and the layout
(store/layout.py) keeps every path inside its folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from zenml_cli.errors import CorruptManifestError
from zenml_cli.limits import MAX_NESTING
from zenml_cli.store import codec
from zenml_cli.store.bounded import ReadRefused, read_bounded, read_cache, read_manifest
from zenml_cli.store.layout import GITIGNORE, TEMP_PREFIX, Layout, is_safe_component

HERE = Path("model.yaml")

MANIFESTS: list[dict[str, Any]] = [
    {"format": 1, "name": "iris"},
    {"format": 2, "name": "café ✓", "tags": ["b", "a"], "license": None},
    {"format": 1, "text": "line one\nline two\n", "n": 3, "f": 0.1, "flag": False},
    {"format": 1, "date": "2026-01-01", "time": "12:00", "yes": "yes", "octal": "010"},
    {"format": 1, "nested": {"list": [1, {"a": None}], "empty": {}, "none": []}},
    {"format": 1, "long": "x" * 5000, "colon": "a: b", "hash": "# not a comment"},
    {"format": 1, "staging": {"number": 3, "id": "abc"}, "archived": [{"number": 1, "id": "d"}]},
    # a user's metadata key or a multi-line value that starts like a conflict marker is
    # indented or quoted in the bytes, so it never reads as one
    {"format": 1, "meta": {"<<<<<<< key": ">>>>>>> v"}, "k": "\n<<<<<<< x\n>>>>>>> y"},
]


@pytest.mark.parametrize("fmt", codec.MANIFEST_FORMATS)
@pytest.mark.parametrize("data", MANIFESTS)
def test_a_manifest_round_trips_byte_for_byte(data: dict[str, Any], fmt: str) -> None:
    raw = codec.encode(data, fmt)
    assert codec.decode(raw, fmt, HERE) == data
    assert codec.encode(codec.decode(raw, fmt, HERE), fmt) == raw
    assert b"\r" not in raw and raw.endswith(b"\n")


@pytest.mark.parametrize("fmt", codec.MANIFEST_FORMATS)
def test_keys_keep_the_order_they_were_built_in(fmt: str) -> None:
    raw = codec.encode({"format": 1, "zeta": 1, "alpha": 2}, fmt)
    assert raw.index(b"zeta") < raw.index(b"alpha")


def test_a_version_reference_is_one_line_of_yaml() -> None:
    raw = codec.encode({"format": 2, "production": {"number": 3, "id": "x"}}, "yaml")
    assert b"production: {number: 3, id: x}\n" in raw
    other = codec.encode({"format": 2, "m": {"id": "x", "number": 3}}, "yaml")
    assert b"m:\n" in other  # only the exact {number, id} shape is written on one line


def test_text_is_written_as_utf8_not_escaped() -> None:
    for fmt in codec.MANIFEST_FORMATS:
        assert "café".encode() in codec.encode({"format": 1, "n": "café"}, fmt)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b"format: 1\nname: [", "not valid YAML"),
        (b"\xff\xfe", "not valid YAML"),
        (b"- 1\n- 2\n", "mapping at the top level"),
        (b"just text", "mapping at the top level"),
        (b"", "mapping at the top level"),
        (b"name: x\n", "unknown format version None"),
        (b"format: 3\n", "unknown format version 3"),
        (b"format: '1'\n", "unknown format version '1'"),
        (b"format: true\n", "unknown format version True"),
        (b"format: 1.0\n", "unknown format version 1.0"),
        (b"format: 1\nunresolved_merge: two ids\n", "unresolved merge: two ids"),
        (b"format: 1\n<<<<<<< HEAD\n", "conflict markers"),
        (b">>>>>>> theirs\nformat: 1\n", "conflict markers"),
        (b"format: 1\na: &x 1\nb: *x\n", "not valid YAML"),
        (b"format: 1\na: 1\na: 2\n", "duplicate key 'a'"),
        (b"format: 1\nx: !!python/object:os.system {}\n", "not valid YAML"),
    ],
)
def test_the_strict_loader_refuses_what_no_manifest_holds(raw: bytes, fragment: str) -> None:
    with pytest.raises(CorruptManifestError) as caught:
        codec.decode(raw, "yaml", HERE)
    assert fragment in str(caught.value) and "model.yaml" in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b'{"format": 1,', "not valid JSON"),
        (b"[1]", "mapping at the top level"),
        (b'{"format": 9}', "unknown format version 9"),
        (b'\xff{"format": 1}', "not valid JSON"),
    ],
)
def test_json_manifests_are_refused_the_same_way(raw: bytes, fragment: str) -> None:
    with pytest.raises(CorruptManifestError) as caught:
        codec.decode(raw, "json", HERE)
    assert fragment in str(caught.value)


@pytest.mark.parametrize("fmt", codec.MANIFEST_FORMATS)
def test_nesting_deeper_than_the_limit_is_corrupt_not_a_crash(fmt: str) -> None:
    deep: dict[str, Any] = {"format": 1}
    inner = deep
    for _ in range(MAX_NESTING + 5):
        inner["x"] = {}
        inner = inner["x"]
    raw = codec.encode(deep, fmt)
    with pytest.raises(CorruptManifestError) as caught:
        codec.decode(raw, fmt, HERE)
    assert "nested" in str(caught.value)


def test_dates_stay_text_and_anchors_are_refused_outside_the_store() -> None:
    assert codec.load_yaml("when: 2026-01-01\n") == {"when": "2026-01-01"}
    assert codec.load_yaml('{"a": [1, 2]}') == {"a": [1, 2]}
    with pytest.raises(yaml.YAMLError, match="anchors are not allowed"):
        codec.load_yaml("a: &x [1]\n")
    with pytest.raises(yaml.YAMLError, match="aliases are not allowed|undefined alias"):
        codec.load_yaml("a: *x\n")
    with pytest.raises(yaml.YAMLError, match="duplicate key"):
        codec.load_yaml("a: 1\na: 1\n")


def test_a_billion_laughs_is_refused_before_it_expands() -> None:
    laughs = "a: &a ['lol','lol']\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b]\n"
    with pytest.raises(yaml.YAMLError):
        codec.load_yaml(laughs)


@pytest.mark.parametrize(
    ("raw", "marked"),
    [
        (b"<<<<<<< HEAD\n", True),
        (b"a: 1\n>>>>>>> branch\n", True),
        (b"a: 1\n  <<<<<<< indented\n", False),
        (b"a: '<<<<<<<'\n", False),
        (b"a: 1\n=======\n", False),  # alone, the middle marker is valid YAML text
    ],
)
def test_conflict_markers_count_only_at_the_start_of_a_line(raw: bytes, marked: bool) -> None:
    assert codec.has_conflict_markers(raw) is marked


# ------------------------------------------------------------------ bounded reads


def test_a_regular_file_within_its_bound_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes(b"x" * 100)
    assert read_bounded(path, 100) == b"x" * 100
    assert read_manifest(path) == b"x" * 100


def test_a_file_over_its_bound_is_refused_naming_both_sizes(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes(b"x" * 2001)
    with pytest.raises(ReadRefused) as caught:
        read_bounded(path, 2000)
    assert caught.value.problem == (
        "is 2,001 bytes, more than the 2,000 zenml reads from one such file"
    )


def test_a_link_is_refused_unless_the_user_chose_it(tmp_path: Path) -> None:
    target = tmp_path / "secret"
    target.write_bytes(b"token")
    link = tmp_path / "m.yaml"
    link.symlink_to(target)
    with pytest.raises(ReadRefused, match="symbolic link"):
        read_bounded(link)
    assert read_bounded(link, follow_links=True) == b"token"
    with pytest.raises(CorruptManifestError, match="symbolic link"):
        read_manifest(link)


def test_a_folder_a_device_and_a_fifo_are_not_regular_files(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path in (tmp_path, fifo):
        with pytest.raises(ReadRefused, match="not a regular file"):
            read_bounded(path)
    with pytest.raises(ReadRefused, match="not a regular file"):
        read_bounded("/dev/zero", follow_links=True)
    assert read_cache(fifo) is None


def test_a_missing_file_passes_through_as_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_bounded(tmp_path / "gone")
    with pytest.raises(FileNotFoundError):
        read_manifest(tmp_path / "gone")
    assert read_cache(tmp_path / "gone") is None


def test_a_cache_over_its_bound_is_simply_not_used(tmp_path: Path) -> None:
    path = tmp_path / "index"
    path.write_bytes(b"y" * 10)
    assert read_cache(path, 10) == b"y" * 10
    assert read_cache(path, 9) is None


# ------------------------------------------------------------------ layout


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("iris", True),
        ("a.b", True),
        ("...", True),
        ("", False),
        (".", False),
        ("..", False),
        ("a/b", False),
        ("a\\b", False),
        ("a\0b", False),
    ],
)
def test_a_path_component_never_leaves_its_folder(name: str, safe: bool) -> None:
    assert is_safe_component(name) is safe


@pytest.mark.parametrize("ext", [".yaml", ".json"])
def test_every_path_of_a_store_is_under_dot_zenml(tmp_path: Path, ext: str) -> None:
    layout = Layout(tmp_path, ext)
    paths = [
        layout.config_file,
        layout.model_file("iris"),
        layout.version_file("iris", 3),
        layout.history_file("iris"),
        layout.artifact_file("data", "7"),
        layout.artifact_retired_file("data"),
        layout.run_file("run-1"),
        layout.lock_file("model:iris"),
        layout.temp_in(layout.models_dir),
    ]
    assert all(path.is_relative_to(tmp_path / ".zenml") for path in paths)
    assert layout.version_file("iris", 3).name == f"3{ext}"
    assert layout.model_file("iris") == tmp_path / ".zenml" / "models" / "iris" / f"model{ext}"
    assert layout.config_file.name == "config.yaml"  # the config is YAML in either format
    assert not layout.artifact_retired_file("data").name.endswith(ext)


def test_temp_names_are_fresh_and_ignored_by_git(tmp_path: Path) -> None:
    layout = Layout(tmp_path, ".yaml")
    first, second = layout.temp_in(tmp_path), layout.temp_in(tmp_path)
    assert first != second and first.name.startswith(TEMP_PREFIX)
    assert f"{TEMP_PREFIX}*\n" in GITIGNORE


@pytest.mark.parametrize("key", ["model:../../etc", "a/b\\c", "Model:IRIS", "x" * 500, "é" * 200])
def test_a_lock_file_is_one_short_component_whatever_the_key(tmp_path: Path, key: str) -> None:
    layout = Layout(tmp_path, ".yaml")
    lock = layout.lock_file(key)
    assert lock.parent == tmp_path / ".zenml" / ".locks"
    assert len(lock.name) <= 130 and "/" not in lock.name


def test_lock_files_ignore_case_and_tell_long_keys_apart(tmp_path: Path) -> None:
    layout = Layout(tmp_path, ".yaml")
    assert layout.lock_file("model:Iris") == layout.lock_file("model:iris")
    assert layout.lock_file("x" * 300 + "a") != layout.lock_file("x" * 300 + "b")


def test_a_cache_mirrors_the_folder_it_derives_from(tmp_path: Path) -> None:
    layout = Layout(tmp_path, ".yaml")
    cache = layout.cache_path(layout.versions_dir("iris"), ".index")
    assert cache == tmp_path / ".zenml" / ".cache" / "models" / "iris" / "versions.index"
