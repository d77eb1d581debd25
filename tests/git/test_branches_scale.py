"""Issue 19: merges at scale and in sequence, merging main into a feature branch, and stores
written before format 2, all with the installed zenml and real git."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from zenml_cli.core import models, versions
from zenml_cli.store import Store

from support.branches import (
    branch,
    commit,
    doctor_clean,
    model_file,
    push,
    register,
    team,
    version_file,
    zenml,
    zenml_json,
)
from support.git import BRANCH, git

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]


def _register_many(root: Path, count: int, who: str) -> dict[str, int]:
    """``count`` versions of iris in-process (fast), each with metadata naming its author;
    id -> number."""
    store = Store(root)
    made = {}
    for index in range(count):
        version = versions.create_version(store, "iris", metadata={"who": who, "i": index})
        made[version.id] = version.number
    return made


def test_fifty_versions_each_merged_numbers_ids_and_links_intact(tmp_path: Path) -> None:
    _, (alice, bob) = team(tmp_path)
    branch(bob, "b")
    theirs = _register_many(bob, 50, "bob")
    zenml(bob, "model", "version", "update", "iris", "40", "--stage", "staging")
    commit(bob, "b: 50 versions")
    push(bob, "b")
    ours = _register_many(alice, 50, "alice")
    zenml(alice, "model", "version", "update", "iris", "52", "--stage", "production")
    commit(alice, "main: 50 versions")
    git(alice, "fetch", "-q", "origin")
    git(alice, "merge", "-q", "origin/b", check=False)
    report = zenml_json(alice, "resolve")
    assert len(report["moved"]) == 50
    git(alice, "commit", "-q", "--no-edit")
    doctor_clean(alice)
    listed = zenml_json(alice, "model", "version", "list", "iris", "--size", "500")["items"]
    by_id = {v["id"]: v for v in listed}
    assert len(listed) == 102
    assert all(by_id[i]["number"] == n for i, n in ours.items())  # ours never move
    moved = sorted(by_id[i]["number"] for i in theirs)
    assert moved == list(range(53, 103))  # above both sides' highest (52)
    for version_id, old in theirs.items():  # each keeps its own metadata under its new number
        assert by_id[version_id]["run_metadata"] == {"who": "bob", "i": old - 3}
    stages = model_file(alice)["stages"]
    assert stages["production"]["id"] == next(i for i, n in ours.items() if n == 52)
    staged = next(i for i, n in theirs.items() if n == 40)
    assert stages["staging"] == {"number": by_id[staged]["number"], "id": staged}


def test_three_clones_merged_in_sequence(tmp_path: Path) -> None:
    _, clones = team(tmp_path, ("alice", "bob", "carol"))
    made = {}
    for clone in clones:
        branch(clone, f"{clone.name}-branch")
        made[clone.name] = register(clone, f"who={clone.name!r}")
        commit(clone, f"{clone.name}: 3")
        push(clone, f"{clone.name}-branch")
    integrator = clones[0]
    git(integrator, "checkout", "-q", BRANCH)
    git(integrator, "fetch", "-q", "origin")
    for name in ("alice", "bob", "carol"):
        git(integrator, "merge", "-q", "--no-edit", f"origin/{name}-branch", check=False)
        if git(integrator, "diff", "--name-only", "--diff-filter=U"):
            zenml(integrator, "resolve")
            git(integrator, "commit", "-q", "--no-edit")
        doctor_clean(integrator)
    numbers = {
        name: zenml_json(integrator, "model", "version", "describe", "iris", made[name]["id"])[
            "number"
        ]
        for name in made
    }
    assert numbers == {"alice": 3, "bob": 4, "carol": 5}


def test_merging_main_into_a_feature_renumbers_the_feature_never_main(tmp_path: Path) -> None:
    _, (alice, bob) = team(tmp_path)
    branch(alice, "feature")
    feature = register(alice)
    commit(alice, "feature: 3")
    main_version = register(bob)
    zenml(bob, "model", "version", "update", "iris", "3", "--stage", "production")
    commit(bob, "main: 3 in production")
    push(bob, BRANCH)
    git(alice, "fetch", "-q", "origin")
    git(alice, "merge", "-q", "--no-edit", "origin/main", check=False)  # git's ours: feature
    report = zenml_json(alice, "resolve")
    assert report["kept_numbers"] == "theirs"
    assert [(m["id"], m["old"], m["new"]) for m in report["moved"]] == [(feature["id"], "3", "4")]
    git(alice, "commit", "-q", "--no-edit")
    doctor_clean(alice)
    assert version_file(alice, 3)["id"] == main_version["id"]
    assert model_file(alice)["stages"]["production"] == {"number": 3, "id": main_version["id"]}


def test_a_format_1_store_is_read_and_upgraded_by_its_first_write(tmp_path: Path) -> None:
    root = tmp_path / "old"
    root.mkdir()
    store = Store(root)
    models.create_model(store, "iris")
    first = versions.create_version(store, "iris")
    second = versions.create_version(store, "iris")
    versions.create_version(store, "iris")
    versions.update_version(store, "iris", 1, stage="production")
    versions.update_version(store, "iris", 2, stage="production")
    versions.delete_version(store, "iris", 3)
    path = root / ".zenml" / "models" / "iris" / "model.yaml"
    data = yaml.safe_load(path.read_text())
    data["format"] = 1  # as zenml-cli wrote it before format 2
    data["stages"] = {"staging": None, "production": 2, "archived": [1]}
    data["retired_numbers"] = [3]
    del data["retired"]
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    listed = zenml_json(root, "model", "version", "list", "iris")["items"]
    assert [(v["number"], v["stage"]) for v in listed] == [(1, "archived"), (2, "production")]
    report = zenml_json(root, "doctor")
    assert report["errors"] == 0 and "format 1" in str(report["items"])
    zenml(root, "model", "version", "update", "iris", "1", "--stage", "staging")
    upgraded = yaml.safe_load(path.read_text())
    assert upgraded["format"] == 2
    assert upgraded["stages"] == {
        "staging": {"number": 1, "id": first.id},
        "production": {"number": 2, "id": second.id},
        "archived": [],
    }
    assert upgraded["retired"] == [{"number": 3, "id": None}]  # format 1 never recorded it
    doctor_clean(root)
