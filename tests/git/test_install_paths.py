"""``zenml git install`` for a store whose folder name is not a plain word: every pattern in
``.git/info/attributes`` must name exactly that folder (a space used to split the line, so git
warned "is not a valid attribute name" and never ran the driver), and a name git's line-based
files cannot carry is refused, naming the folder."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from support.branches import zenml
from support.git import git

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]

FOLDERS = ["ml models", 'a"b\\c', "ml[1]*", "!x #y", "ünï cødé", "t\tab"]


def _store_in(top: Path, folder: str) -> Path:
    project = top / folder
    project.mkdir(parents=True)
    zenml(project, "init", "--project-dir", ".")
    zenml(project, "model", "register", "iris")
    return project


@pytest.mark.parametrize("folder", FOLDERS, ids=range(len(FOLDERS)))
def test_the_driver_applies_to_a_store_in_any_folder_name(tmp_path: Path, folder: str) -> None:
    top = tmp_path / "repo"
    git(tmp_path, "init", "-q", str(top))
    zenml(_store_in(top, folder), "git", "install")
    for path in ("models/iris/model.yaml", "models/iris/versions/1.yaml", "runs/r.yaml"):
        said = git(top, "check-attr", "-z", "merge", "--", f"{folder}/.zenml/{path}")
        assert said.split("\0")[2] == "zenml", (folder, path, said)
    (top / "ml1x").mkdir()  # what an unescaped glob (ml[1]*) would also have matched
    assert git(top, "check-attr", "-z", "merge", "--", "ml1x/.zenml/runs/r.yaml").split("\0")[
        2
    ] == ("unspecified")
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=top, capture_output=True, text=True, check=True
    )
    assert "valid attribute" not in status.stderr  # git reads every line as one pattern


def test_a_line_break_in_the_store_path_is_refused(tmp_path: Path) -> None:
    top = tmp_path / "repo"
    git(tmp_path, "init", "-q", str(top))
    refused = zenml(_store_in(top, "n\nl"), "git", "install", code=5)
    assert "line break" in refused and "rename the folder" in refused
    assert (
        not (top / ".git" / "info" / "attributes").exists()
        or "zenml" not in (top / ".git" / "info" / "attributes").read_text()
    )
