"""The installed hooks resolve the store they were installed for, wherever it is in the
repository: git runs a hook at the work tree's top, where a store in a subfolder used not to
be found (the hook "resolved" nothing, reported success, and the merge kept an unresolved
version file every read then refused). Several stores in one repository each keep theirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.branches import zenml, zenml_json
from support.git import git

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]


def _repo(tmp_path: Path, folders: list[str]) -> Path:
    """A repository with a store in each of ``folders`` (model iris, version 1), hooks
    installed from each store's folder, committed on main."""
    top = tmp_path / "repo"
    git(tmp_path, "init", "-q", "-b", "main", str(top))
    git(top, "config", "user.name", "t")
    git(top, "config", "user.email", "t@example.com")
    for folder in folders:
        (top / folder).mkdir(parents=True)
        zenml(top / folder, "init", "--project-dir", ".")
        zenml(top / folder, "model", "register", "iris")
        zenml(top / folder, "model", "version", "create", "iris")
        zenml(top / folder, "git", "install")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "base")
    return top


def _both_register_2(top: Path, folders: list[str]) -> dict[str, tuple[str, str]]:
    """Branch b1 and main each register version 2 in every store; {folder: (main's id, b1's)}."""
    ids: dict[str, list[str]] = {folder: [] for folder in folders}
    for where in ("b1", "main"):
        git(top, "checkout", "-q", *(["-b", where] if where == "b1" else [where]))
        for folder in folders:
            made = zenml_json(top / folder, "model", "version", "create", "iris", "-d", where, "-v")
            ids[folder].append(made["id"])
        git(top, "add", "-A")
        git(top, "commit", "-q", "-m", where)
    return {folder: (pair[1], pair[0]) for folder, pair in ids.items()}


@pytest.mark.parametrize("folders", [["ml models"], ["ml", "ünï cødé"]], ids=["space", "two"])
def test_a_plain_merge_resolves_every_installed_store(tmp_path: Path, folders: list[str]) -> None:
    top = _repo(tmp_path, folders)
    ids = _both_register_2(top, folders)
    git(top, "merge", "-q", "--no-edit", "b1")
    assert not git(top, "status", "--porcelain")  # every store's resolution committed
    subjects = git(top, "log", f"-{len(folders)}", "--format=%s").splitlines()
    assert all(subject.startswith("zenml resolve") for subject in subjects), subjects
    for folder in folders:
        zenml(top / folder, "doctor")
        listed = zenml_json(top / folder, "model", "version", "list", "iris")["items"]
        by_number = {item["number"]: item["id"] for item in listed}
        main_id, b1_id = ids[folder]
        assert (by_number[2], by_number[3]) == (main_id, b1_id), folder


def test_resolve_where_no_store_is_found_is_an_error(tmp_path: Path) -> None:
    top = _repo(tmp_path, ["ml"])
    _both_register_2(top, ["ml"])
    git(top, "merge", "-q", "--no-commit", "b1", check=False)
    said = zenml(top, "resolve", code=3)
    assert "no zenml store" in said and "--project-dir" in said and len(said.splitlines()) == 1
    assert zenml_json(top / "ml", "resolve")["operation"] == "merge"
