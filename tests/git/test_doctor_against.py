"""``zenml doctor --against REF`` and ``--staged`` (issue 19 item 4): the store must be a valid
successor of REF's. Real git (a bare remote, clones, ``git revert``, ``git rebase``), the
installed ``zenml`` in subprocesses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.git import clone, git, make_remote
from support.running import run_zenml

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """A remote whose main holds model iris with versions 1 and 2."""
    remote = make_remote(tmp_path)
    ci = clone(remote, tmp_path / "ci")
    for args in (["model", "register", "iris"], ["model", "version", "create", "iris"]) + (
        ["model", "version", "create", "iris"],
    ):
        done = run_zenml(*args, "--push", cwd=ci)
        assert done.returncode == 0, done.stderr
    return remote


def zenml(cwd: Path, *args: str) -> tuple[int, str, str]:
    done = run_zenml(*args, cwd=cwd)
    return done.returncode, done.stdout, done.stderr


def doctor_json(cwd: Path, *args: str) -> tuple[int, dict[str, object]]:
    code, out, err = zenml(cwd, "doctor", *args, "-o", "json")
    assert out, err
    return code, json.loads(out)


def messages(report: dict[str, object]) -> list[str]:
    items = report["items"]
    assert isinstance(items, list)
    return [f"{i['severity']}: {i['file']}: {i['message']}" for i in items]


def test_a_git_revert_of_a_pushed_promotion_is_caught(remote: Path, tmp_path: Path) -> None:
    mine = clone(remote, tmp_path / "mine")
    code, _, err = zenml(mine, "model", "version", "update", "iris", "2", "-s", "production",
                         "--push")  # fmt: skip
    assert code == 0, err
    promotion = git(mine, "rev-parse", "HEAD")
    git(mine, "revert", "--no-edit", promotion)
    assert zenml(mine, "doctor")[0] == 0  # the revert is self-consistent: plain doctor is blind
    code, report = doctor_json(mine, "--against", "origin/main")
    assert code == 6
    found = messages(report)
    assert any(
        "history event seq 1 (stage: version 2 none -> production" in m and "git revert" in m
        for m in found
    ), found
    assert report["ok"] is False and report["errors"] == 1


def test_a_rebase_resolved_with_theirs_replacing_a_version_of_main_is_caught(
    remote: Path, tmp_path: Path
) -> None:
    mine = clone(remote, tmp_path / "mine")
    git(mine, "switch", "-q", "-c", "feature")
    assert zenml(mine, "model", "version", "create", "iris", "mine")[0] == 0
    git(mine, "add", "-A")
    git(mine, "commit", "-q", "-m", "my version 3")
    ci = clone(remote, tmp_path / "ci2")
    assert zenml(ci, "model", "version", "create", "iris", "ci", "--push")[0] == 0
    ci_id = json.loads(zenml(ci, "model", "version", "describe", "iris", "3", "-o", "json")[1])[
        "id"
    ]

    git(mine, "fetch", "-q", "origin")
    git(mine, "rebase", "origin/main", check=False)
    assert "AA .zenml/models/iris/versions/3.yaml" in git(mine, "status", "--porcelain")
    git(mine, "checkout", "--theirs", "--", ".zenml")  # the feature's side, as users do
    git(mine, "add", "-A", ".zenml")
    git(mine, "-c", "core.editor=true", "rebase", "--continue")

    code, report = doctor_json(mine, "--against", "origin/main")
    assert code == 6
    found = messages(report)
    assert any("version 3 of model 'iris'" in m and ci_id in m and "replaced" in m for m in found)


def test_a_clean_successor_passes_and_a_lost_version_fails(remote: Path, tmp_path: Path) -> None:
    mine = clone(remote, tmp_path / "mine")
    git(mine, "switch", "-q", "-c", "feature")
    for args in (
        ["model", "version", "create", "iris", "next"],
        ["model", "version", "update", "iris", "3", "-s", "staging"],
        ["model", "version", "delete", "iris", "1", "-y"],
        ["model", "update", "iris", "-n", "iris2"],
        ["artifact", "list"],
    ):
        code, _, err = zenml(mine, *args)
        assert code == 0, err
    code, report = doctor_json(mine, "--against", "origin/main")
    assert code == 0, messages(report)
    assert report["items"] == []

    lost = mine / ".zenml" / "models" / "iris2" / "versions" / "2.yaml"
    lost.unlink()
    code, report = doctor_json(mine, "--against", "origin/main")
    assert code == 6
    assert any("version 2 of model 'iris2'" in m and "missing" in m for m in messages(report))


def test_a_deleted_number_reused_and_a_renumbered_version(remote: Path, tmp_path: Path) -> None:
    mine = clone(remote, tmp_path / "mine")
    assert zenml(mine, "model", "version", "delete", "iris", "2", "-y", "--push")[0] == 0
    versions = mine / ".zenml" / "models" / "iris" / "versions"
    first = (versions / "1.yaml").read_text()
    (versions / "2.yaml").write_text(
        first.replace("number: 1", "number: 2").replace("name: '1'", "name: '2'")
    )
    (versions / "1.yaml").unlink()
    code, report = doctor_json(mine, "--against", "origin/main")
    assert code == 6
    found = messages(report)
    assert any("is number 2 here" in m for m in found), found
    assert any("was deleted in origin/main and is reused" in m for m in found), found


def test_staged_changes_are_checked_against_head(remote: Path, tmp_path: Path) -> None:
    mine = clone(remote, tmp_path / "mine")
    assert zenml(mine, "doctor", "--staged")[0] == 0  # nothing staged: HEAD's own store
    git(mine, "rm", "-q", ".zenml/models/iris/versions/2.yaml")
    code, report = doctor_json(mine, "--staged")
    assert code == 6
    assert any("version 2 of model 'iris'" in m for m in messages(report))
    git(mine, "reset", "-q", "--hard")
    assert zenml(mine, "model", "version", "create", "iris")[0] == 0
    git(mine, "add", "-A")
    assert zenml(mine, "doctor", "--staged", "--against", "HEAD")[0] == 0


def test_an_unresolved_conflict_in_the_index_is_named(remote: Path, tmp_path: Path) -> None:
    mine = clone(remote, tmp_path / "mine")
    git(mine, "switch", "-q", "-c", "feature")
    assert zenml(mine, "model", "version", "create", "iris")[0] == 0
    git(mine, "add", "-A")
    git(mine, "commit", "-q", "-m", "mine")
    ci = clone(remote, tmp_path / "ci2")
    assert zenml(ci, "model", "version", "create", "iris", "--push")[0] == 0
    git(mine, "fetch", "-q")
    git(mine, "merge", "-q", "origin/main", check=False)
    code, report = doctor_json(mine, "--staged")
    assert code == 6
    assert any("unresolved merge conflict" in m and "3.yaml" in m for m in messages(report))


def test_first_commit_and_bad_refs(tmp_path: Path) -> None:
    project = tmp_path / "fresh"
    project.mkdir()
    git(project, "init", "-q", "-b", "main")
    assert zenml(project, "init")[0] == 0
    assert zenml(project, "model", "register", "iris")[0] == 0
    git(project, "add", "-A")
    assert zenml(project, "doctor", "--staged")[0] == 0  # unborn HEAD: nothing precedes it
    code, _, err = zenml(project, "doctor", "--against", "no-such-branch")
    assert code == 3 and "no-such-branch" in err
    code, _, err = zenml(project, "doctor", "--against=--output=x")
    assert code == 5 and "not a git revision" in err
    elsewhere = tmp_path / "nogit"
    elsewhere.mkdir()
    assert zenml(elsewhere, "init")[0] == 0
    code, _, err = zenml(elsewhere, "doctor", "--against", "HEAD")
    assert code == 5 and "git" in err


def test_an_artifact_version_replaced_in_a_merge_is_caught(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    git(project, "init", "-q", "-b", "main")
    git(project, "config", "user.email", "t@example.com")
    git(project, "config", "user.name", "t")
    assert zenml(project, "init")[0] == 0
    save = "from zenml_cli import save_artifact; save_artifact([1, 2], name='data')"
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", save], cwd=project, check=True)
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "data 1")
    manifest = project / ".zenml" / "artifacts" / "data" / "1.yaml"
    text = manifest.read_text()
    old_id = next(line for line in text.splitlines() if line.startswith("id:")).split()[1]
    manifest.write_text(text.replace(old_id, "0" * len(old_id)))
    code, report = doctor_json(project, "--against", "HEAD")
    assert code == 6
    assert any("artifact version data:1" in m and old_id in m for m in messages(report))


def test_a_json_store_in_a_subfolder_is_compared_at_its_path(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    project = repo / "ml" / "registry"
    project.mkdir(parents=True)
    at = ("--project-dir", str(project))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "t@example.com")
    git(repo, "config", "user.name", "t")
    assert zenml(repo, *at, "init", "--manifest-format", "json")[0] == 0
    assert zenml(repo, *at, "model", "register", "iris")[0] == 0
    assert zenml(repo, *at, "model", "version", "create", "iris")[0] == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "registry")
    assert zenml(repo, *at, "doctor", "--against", "HEAD")[0] == 0
    (project / ".zenml" / "models" / "iris" / "versions" / "1.json").unlink()
    code, out, _ = zenml(project / ".zenml" / "models", "doctor", "--against", "HEAD", "-o", "json")
    report = json.loads(out)
    assert code == 6
    found = messages(report)
    assert any("HEAD:ml/registry/.zenml/models/iris/versions/1.json" in m for m in found), found


def test_a_merged_retirement_hiding_mains_version_is_caught(remote: Path, tmp_path: Path) -> None:
    """Issue 19's first scenario: branch A registers version 3 and deletes it, main gets B's
    version 3; the merge is clean and B's version vanishes behind A's retired number."""
    mine = clone(remote, tmp_path / "mine")
    git(mine, "switch", "-q", "-c", "feature")
    assert zenml(mine, "model", "version", "create", "iris")[0] == 0
    assert zenml(mine, "model", "version", "delete", "iris", "3", "-y")[0] == 0
    git(mine, "add", "-A")
    git(mine, "commit", "-q", "-m", "A: register and delete 3")
    ci = clone(remote, tmp_path / "ci2")
    assert zenml(ci, "model", "version", "create", "iris", "--push")[0] == 0
    git(mine, "fetch", "-q")
    git(mine, "merge", "-q", "--no-edit", "origin/main")  # clean: nothing conflicts
    # plain doctor sees it too now: the retired id is not the id of the file at that number
    assert zenml(mine, "doctor")[0] == 6
    code, report = doctor_json(mine, "--against", "origin/main")
    assert code == 6
    assert any("version 3 of model 'iris'" in m and "hidden" in m for m in messages(report))
