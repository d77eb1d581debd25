"""The store layer: creation, git files, deterministic bytes, atomic writes, temp leftovers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zenml_cli import Client
from zenml_cli.store import Store, atomic, codec

from support.running import Cli


def test_first_write_creates_the_store_with_git_files(client: Client, project: Path) -> None:
    client.create_model("iris")
    store = project / ".zenml"
    assert (store / "config.yaml").read_text().startswith("format: 1\n")
    ignore = (store / ".gitignore").read_text()
    assert ".locks/" in ignore and ".tmp-*" in ignore and "artifact_store/" in ignore
    assert "history.jsonl merge=union" in (store / ".gitattributes").read_text()


def test_manifests_are_utf8_lf_and_stable(client: Client, project: Path) -> None:
    client.create_model("iris", description="Ünïcode — naïve\nsecond line")
    raw = (project / ".zenml/models/iris/model.yaml").read_bytes()
    assert b"\r\n" not in raw
    assert "Ünïcode".encode() in raw  # readable in diffs, not \u-escaped
    data = codec.decode(raw, "yaml", Path("model.yaml"))
    assert codec.encode(data, "yaml") == raw
    assert list(data)[:2] == ["format", "id"]


def test_atomic_write_replaces_whole_and_cleans_up_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "m.yaml"
    atomic.atomic_write(target, b"old\n")
    atomic.atomic_write(target, b"new\n")
    assert target.read_bytes() == b"new\n"

    with pytest.raises(TypeError):
        atomic.atomic_write(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["m.yaml"]


def test_temp_files_left_by_a_crash_are_ignored(iris: Client, project: Path, cli: Cli) -> None:
    versions = project / ".zenml/models/iris/versions"
    (versions / ".tmp-abc123.part").write_bytes(b"format: 1\nnum")  # a torn temp file
    (project / ".zenml/models/.tmp-deadbeef").mkdir()  # a model folder never renamed in
    assert [v.number for v in iris.list_model_versions("iris")] == [1, 2, 3]
    assert [m.name for m in iris.list_models()] == ["iris"]
    assert cli("doctor")[0] == 0
    assert iris.create_model_version("iris").number == 4


def test_store_is_found_in_parent_folders(
    iris: Client, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deep = project / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert Store.locate().root == project
    monkeypatch.setenv("ZENML_PROJECT_DIR", str(deep))
    assert Store.locate().root == deep
    assert Store.locate(project).root == project


def test_history_appends_are_whole_lines(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    for index in range(50):
        atomic.append_line(path, f'{{"seq": {index}}}'.encode())
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 51
    assert os.path.getsize(path) == sum(len(line) + 1 for line in lines[:-1])
