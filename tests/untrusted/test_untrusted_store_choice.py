"""A commit cannot choose where payloads go (DESIGN section 12 against section 8): a store that
``config.yaml`` names outside the project is used only once this clone accepted that exact
value (``zenml artifact trust``, ``zenml artifact migrate --to``) or the environment names it.

Real parts only: real git (an attacker's commits, fresh clones, pulls), saves and loads in
separate Python processes, the installed ``zenml``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from support.payload_stores import (
    accept,
    artifact_manifest,
    clone,
    evil_pickle,
    git,
    load,
    new_repo,
    object_path,
    plant,
    save,
    zenml,
)

pytestmark = pytest.mark.slow


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the store, by path (the read caches aside)."""
    store = root / ".zenml"
    return {str(path.relative_to(store)): path.read_bytes() for path in files_under(store)
            if path.relative_to(store).parts[0] != ".cache"}  # fmt: skip


def test_a_pulled_commit_cannot_send_saves_elsewhere_or_make_a_load_run_code(
    tmp_path: Path,
) -> None:
    """The attacker points ``artifact_store`` at a folder they fill, with a pickle there and a
    manifest naming it; the teammate who pulls neither loads it nor saves into that folder."""
    marker, elsewhere = tmp_path / "marker", tmp_path / "elsewhere"
    upstream = new_repo(tmp_path / "upstream")
    victim = clone(upstream, tmp_path / "victim")
    assert save(victim, "[1, 2]", "own").returncode == 0  # the default store, inside
    data = evil_pickle(marker)
    sha = hashlib.sha256(data).hexdigest()
    (elsewhere / object_path(sha, "store")).parent.mkdir(parents=True)
    (elsewhere / object_path(sha, "store")).write_bytes(data)
    planted = elsewhere / "store"
    config = f"format: 1\nartifact_store: {planted}\n"
    plant(upstream, {
        ".zenml/config.yaml": config.encode(),
        ".zenml/artifacts/model/1.yaml": artifact_manifest("model", sha, len(data)).encode(),
    })  # fmt: skip
    git(victim, "pull", "-q", "--no-rebase", "origin", "main")
    before, store = files_under(elsewhere), snapshot(victim)

    loaded = load(victim, "model")
    assert loaded.returncode == 6, loaded.stdout + loaded.stderr
    assert "has not accepted" in loaded.stdout and "zenml artifact trust" in loaded.stdout
    assert not marker.exists()
    saved = save(victim, "[3]", "secret")
    assert saved.returncode != 0 and "has not accepted" in saved.stderr
    assert files_under(elsewhere) == before  # nothing was written there
    assert snapshot(victim) == store  # and the store is as the pull left it
    doctor = zenml(victim, "doctor", "-o", "json")
    assert doctor.returncode == 0, doctor.stderr  # a warning: the registry itself is fine
    warned = [p for p in json.loads(doctor.stdout)["items"] if p["severity"] == "warning"]
    assert warned and "zenml artifact trust" in warned[0]["message"]
    assert zenml(victim, "doctor", "--payloads").returncode == 6
    assert not marker.exists()


def test_a_fresh_clone_uses_the_teams_store_once_accepted_and_only_that_one(
    tmp_path: Path,
) -> None:
    """A CI job pins its own value: after a commit moves the store, it is refused again."""
    shared = tmp_path / "shared"
    team = new_repo(tmp_path / "team", f"format: 1\nartifact_store: file://{shared}\n")
    ci = clone(team, tmp_path / "ci")
    refused = save(ci, "[1]", "metrics")
    assert refused.returncode != 0 and not shared.exists()

    untouched = snapshot(ci)
    trusted = zenml(ci, "artifact", "trust", f"file://{shared}/", "-o", "json")
    assert trusted.returncode == 0, trusted.stderr
    answer = json.loads(trusted.stdout)
    assert answer["newly_accepted"] and answer["configured_usable"]
    assert snapshot(ci) == untouched  # acceptance lives in the git dir, never in the store
    assert save(ci, "[1]", "metrics").returncode == 0
    assert load(ci, "metrics").stdout.strip() == "[1]"
    assert files_under(shared)
    again = zenml(ci, "artifact", "trust", f"file://{shared}", "-o", "json")
    assert again.returncode == 0 and not json.loads(again.stdout)["newly_accepted"]

    moved = tmp_path / "moved"
    plant(team, {".zenml/config.yaml": f"format: 1\nartifact_store: file://{moved}\n".encode()})
    git(ci, "pull", "-q", "--no-rebase", "origin", "main")
    assert save(ci, "[2]", "metrics").returncode != 0 and not moved.exists()
    asked = zenml(ci, "artifact", "trust", f"file://{shared}")
    assert asked.returncode == 0 and "has not accepted" in asked.stderr
    # the environment is this machine's own choice: no acceptance needed
    assert save(ci, "[2]", "metrics", ZENML_ARTIFACT_STORE=str(shared)).returncode == 0


def test_only_folders_inside_the_project_need_no_acceptance(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    project = new_repo(tmp_path / "project", "format: 1\nartifact_store: payloads\n")
    assert save(project, "[1]", "a").returncode == 0
    assert files_under(project / "payloads")
    (project / "escape").symlink_to(outside)  # a committed link out of the project
    for setting in ("../outside", "escape", ".git/zenml", str(outside), "~/zenml-store"):
        (project / ".zenml/config.yaml").write_text(f"format: 1\nartifact_store: {setting}\n")
        done = save(project, "[2]", "b")
        assert done.returncode != 0 and "has not accepted" in done.stderr, setting
    assert not any(outside.iterdir())
    assert not (project / ".git/zenml/sha256").exists()


def test_migrate_accepts_its_target_and_outside_git_nothing_is_asked(tmp_path: Path) -> None:
    project = new_repo(tmp_path / "project")
    assert save(project, "[1]", "a").returncode == 0
    target = tmp_path / "target"
    moved = zenml(project, "artifact", "migrate", "--to", str(target))
    assert moved.returncode == 0, moved.stderr
    assert load(project, "a").stdout.strip() == "[1]"  # read from the target it chose
    assert save(project, "[2]", "b").returncode == 0

    plain = tmp_path / "plain"  # not in git: no commit can have chosen anything
    (plain / ".zenml").mkdir(parents=True)
    (plain / ".zenml/config.yaml").write_text(f"format: 1\nartifact_store: {tmp_path / 'p'}\n")
    env_without_git = {"GIT_CEILING_DIRECTORIES": str(tmp_path)}
    assert save(plain, "[3]", "c", **env_without_git).returncode == 0
    assert files_under(tmp_path / "p")


def test_a_value_that_is_not_one_printable_line_is_refused(tmp_path: Path) -> None:
    project = new_repo(tmp_path / "project")
    accepted = project / ".git/zenml/payloads/accepted-stores"
    untouched = snapshot(project)
    for bad in ("s3://a\ns3://b", "", "s3://a\x1b[2J"):
        done = zenml(project, "artifact", "trust", bad)
        assert done.returncode == 5 and done.stderr.count("\n") == 1, (bad, done.stderr)
    assert not accepted.exists()
    assert snapshot(project) == untouched


def test_a_store_folder_among_the_registrys_own_folders_is_refused(tmp_path: Path) -> None:
    """Objects written into ``.zenml/models/`` would make a model named ``sha256``."""
    project = new_repo(tmp_path / "project")
    assert save(project, "[1]", "a").returncode == 0  # the default, .zenml/artifact_store
    config = project / ".zenml/config.yaml"
    inside = f"file://{project}/.zenml/models"
    accept(project, inside)  # even a value this clone accepted
    for setting in (".zenml", ".zenml/models", "./.zenml/artifacts/x", ".zenml/runs", inside):
        config.write_text(f"format: 1\nartifact_store: {setting}\n")
        untouched = snapshot(project)
        done = save(project, "[2]", "b")
        assert done.returncode != 0 and "the registry's own folder" in done.stderr, setting
        assert snapshot(project) == untouched
        doctor = zenml(project, "doctor", "-o", "json")
        assert doctor.returncode == 6 and "the registry's own folder" in doctor.stdout, setting
    made = {path.relative_to(project) for path in project.glob(".zenml/**/sha256")}
    assert made == {Path(".zenml/artifact_store/sha256")}
    # the default folder itself, as a link back among the manifests
    config.write_text("format: 1\n")
    shutil.rmtree(project / ".zenml/artifact_store")
    (project / ".zenml/artifact_store").symlink_to("models")
    done = save(project, "[3]", "c")
    assert done.returncode != 0 and "the registry's own folder" in done.stderr
    assert not (project / ".zenml/models/sha256").exists()


def test_a_committed_link_in_place_of_the_default_store_is_not_followed(tmp_path: Path) -> None:
    """``.zenml/artifact_store`` committed as a link to a folder the attacker can write (a
    shared runner's /tmp): the ledger cannot see there, so the link itself needs acceptance."""
    marker, elsewhere = tmp_path / "marker", tmp_path / "elsewhere"
    data = evil_pickle(marker)
    sha = hashlib.sha256(data).hexdigest()
    (elsewhere / object_path(sha, ".")).parent.mkdir(parents=True)
    (elsewhere / object_path(sha, ".")).write_bytes(data)
    attacker = new_repo(tmp_path / "attacker")
    (attacker / ".zenml/artifact_store").symlink_to(elsewhere)
    plant(attacker, {
        ".zenml/artifacts/model/1.yaml": artifact_manifest("model", sha, len(data)).encode(),
    })  # fmt: skip
    git(attacker, "add", "-f", ".zenml/artifact_store")
    git(attacker, "commit", "-q", "-m", "link the store")
    victim = clone(attacker, tmp_path / "victim")
    assert (victim / ".zenml/artifact_store").is_symlink()
    before = files_under(elsewhere)
    loaded = load(victim, "model")
    assert loaded.returncode == 6 and "through a link" in loaded.stdout, loaded.stdout
    assert not marker.exists()
    saved = save(victim, "[1]", "a")
    assert saved.returncode != 0 and "through a link" in saved.stderr
    assert files_under(elsewhere) == before
    doctor = zenml(victim, "doctor", "-o", "json")  # review sees the planted link: an error
    assert doctor.returncode == 6, doctor.stdout
    [problem] = json.loads(doctor.stdout)["items"]
    assert problem["severity"] == "error" and problem["file"].endswith(".zenml/artifact_store")
    assert "through a link" in problem["message"]
