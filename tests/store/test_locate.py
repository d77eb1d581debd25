"""Where the store is (DESIGN section 4, issue 8): git's top level for a first write, explicit
folders must hold a store for every command but init, and the CI's user as the actor."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from zenml_cli import Client
from zenml_cli.core import actor
from zenml_cli.errors import InvalidInputError
from zenml_cli.store import Store, find_project_root
from zenml_cli.store.store import GITATTRIBUTES, GITIGNORE

from support.running import Cli


@pytest.mark.parametrize("args", [(), ("--manifest-format", "json")])
def test_init_writes_the_git_files(cli: Cli, project: Path, args: tuple[str, ...]) -> None:
    assert cli("init", *args)[0] == 0
    assert (project / ".zenml/.gitignore").read_text() == GITIGNORE
    assert (project / ".zenml/.gitattributes").read_text() == GITATTRIBUTES


@pytest.mark.parametrize("marker", ["dir", "file"])
def test_a_first_write_in_a_git_work_tree_lands_at_its_top(
    cli: Cli, project: Path, monkeypatch: pytest.MonkeyPatch, marker: str
) -> None:
    if marker == "dir":
        (project / ".git").mkdir()
    else:  # a linked worktree or submodule has a .git file
        (project / ".git").write_text("gitdir: /elsewhere/.git/worktrees/x\n")
    deep = project / "src" / "pkg"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert cli("model", "register", "iris")[0] == 0
    assert (project / ".zenml/models/iris").is_dir()
    assert not (deep / ".zenml").exists()
    assert find_project_root() == project


def test_outside_git_the_current_folder_is_the_project(
    cli: Cli, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deep = project / "sub"
    deep.mkdir()
    monkeypatch.chdir(deep)
    assert cli("model", "register", "iris")[0] == 0
    assert (deep / ".zenml/models/iris").is_dir()


def test_a_nested_repository_is_a_project_of_its_own(
    cli: Cli, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store above the git work tree's top (the parent project of a submodule or of a
    scratch ``git init``) is not this repository's registry: commands here must not write
    into it. ``zenml init`` creates the nested project's own store, and the parent's stays
    as it was."""
    assert cli("init")[0] == 0
    assert cli("model", "register", "parent-model")[0] == 0
    before = sorted(p.name for p in (project / ".zenml/models").iterdir())
    nested = project / "repo"
    (nested / ".git").mkdir(parents=True)
    (nested / "src").mkdir()
    monkeypatch.chdir(nested / "src")
    assert find_project_root() == nested
    assert cli("model", "list", "-o", "json")[0] == 0
    assert cli("init")[0] == 0
    assert (nested / ".zenml/config.yaml").is_file()
    assert cli("model", "register", "iris")[0] == 0
    assert (nested / ".zenml/models/iris").is_dir()
    assert sorted(p.name for p in (project / ".zenml/models").iterdir()) == before


def test_init_where_a_store_exists_names_its_folder(cli: Cli, project: Path) -> None:
    assert cli("init")[0] == 0
    code, out, err = cli("init")
    assert (code, out) == (4, "")
    assert f"a zenml store already exists in {project}; edit " in err


@pytest.mark.parametrize("how", ["option", "env"])
def test_an_explicit_folder_without_a_store_is_not_found_except_for_init(
    cli: Cli, project: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    empty = project / "typo"
    empty.mkdir()
    prefix = ("--project-dir", str(empty)) if how == "option" else ()
    if how == "env":
        monkeypatch.setenv("ZENML_PROJECT_DIR", str(empty))
    for command in (("model", "register", "iris"), ("model", "list"), ("doctor",)):
        code, out, err = cli(*prefix, *command)
        assert (code, out) == (3, "")
        assert err.strip() == (
            f"Error: no zenml store at {empty}; run 'zenml init' there "
            f"(or 'zenml init --project-dir {empty}')"
        )
    assert not (empty / ".zenml").exists()
    assert cli(*prefix, "init")[0] == 0
    assert cli(*prefix, "model", "register", "iris")[0] == 0
    code, out, _ = cli(*prefix, "model", "list", "-o", "json")
    assert [item["name"] for item in json.loads(out)["items"]] == ["iris"]


def test_a_project_dir_that_is_a_file_is_invalid_input(
    cli: Cli, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    afile = project / "notes.txt"
    afile.write_text("x")
    monkeypatch.setenv("ZENML_PROJECT_DIR", str(afile))
    code, _, err = cli("model", "list")
    assert code == InvalidInputError.exit_code == 5
    assert f"project dir {afile} is a file, not a folder" in err
    with pytest.raises(InvalidInputError):
        Store.locate()


def test_an_explicit_folder_without_a_store_is_one_error_from_cli_and_python(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 20 item 12: ``Client(folder)``, ``ZENML_PROJECT_DIR`` and ``--project-dir`` all
    refuse a folder without ``.zenml/`` with the same one line naming 'zenml init', and
    create nothing there; ``zenml init`` is how a store is made in a named folder."""
    from zenml_cli.errors import NotFoundError

    folder = project / "fresh"
    folder.mkdir()
    with pytest.raises(NotFoundError) as from_python:
        Client(folder).create_model("iris")
    monkeypatch.setenv("ZENML_PROJECT_DIR", str(folder))
    with pytest.raises(NotFoundError) as from_env:
        Client()
    code, _, err = cli("--project-dir", str(folder), "model", "list")
    assert code == 3
    line = str(from_python.value).strip("'\"")
    assert "run 'zenml init' there" in line and "\n" not in line
    assert str(from_env.value) == str(from_python.value)
    assert line in err
    assert list(folder.iterdir()) == []
    assert cli("--project-dir", str(folder), "init")[0] == 0
    assert Client(folder).create_model("iris").name == "iris"


# ------------------------------------------------------------------------------- actor
@pytest.fixture
def no_actor(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.delenv("ZENML_ACTOR", raising=False)
    actor.detected_actor.cache_clear()
    yield monkeypatch
    actor.detected_actor.cache_clear()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("GITHUB_ACTOR", "octocat"),
        ("GITLAB_USER_LOGIN", "gl-user"),
        ("BUILDKITE_BUILD_CREATOR", "Build Kite"),
        ("CIRCLE_USERNAME", "circle"),
        ("BUILD_REQUESTEDFOR", "Azure Person"),
        ("BUILD_USER_ID", "jenkins-user"),
    ],
)
def test_in_ci_the_actor_is_the_ci_user(
    no_actor: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    no_actor.setenv(variable, value)
    assert actor.current_actor() == value


def test_zenml_actor_beats_the_ci_user_and_the_run_id_stays(no_actor: pytest.MonkeyPatch) -> None:
    no_actor.setenv("GITHUB_ACTOR", "octocat")
    no_actor.setenv("GITHUB_RUN_ID", "77")
    no_actor.setenv("GITHUB_RUN_ATTEMPT", "2")
    no_actor.setenv("ZENML_ACTOR", "release-bot")
    assert actor.current_actor() == "release-bot"
    assert actor.current_ci_run() == "GITHUB_RUN_ID=77.2"


def test_outside_ci_the_actor_is_not_a_ci_user(no_actor: pytest.MonkeyPatch) -> None:
    assert actor.current_ci_user() is None
    assert actor.current_actor()  # the git user or the OS user
