"""Issue 19 item 7: a manifest git left mid-merge is named as an unresolved merge (exit 6, with
``git status`` and ``zenml resolve``), never as "not valid YAML"; one conflicted version file
never hides the model's other versions; and a version saved under the wrong file name after a
hand fix is what doctor and every read say it is, never a silently wrong row. Real git merges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.git import git, isolated_git_env
from support.running import run_zenml

pytestmark = pytest.mark.slow


@pytest.fixture
def conflicted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Versions 1 and 2 on main; main and branch 'exp' each register their own version 3
    (auc 0.95 and 0.70), and ``git merge exp`` stops on versions/3.yaml."""
    for key, value in isolated_git_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "tester")
    git(repo, "config", "user.email", "tester@example.com")
    _ok(repo, "model", "register", "iris")
    _ok(repo, "model", "version", "create", "iris", "-M", "auc=0.8")
    _ok(repo, "model", "version", "create", "iris", "-M", "auc=0.85")
    _commit(repo, "base")
    git(repo, "checkout", "-q", "-b", "exp")
    _ok(repo, "model", "version", "create", "iris", "-M", "auc=0.70")
    _commit(repo, "exp registers 3")
    git(repo, "checkout", "-q", "main")
    _ok(repo, "model", "version", "create", "iris", "-M", "auc=0.95")
    _commit(repo, "main registers 3")
    merge = git(repo, "merge", "exp", check=False)
    assert "CONFLICT" in merge, merge
    return repo


def _ok(repo: Path, *args: str) -> str:
    done = run_zenml(*args, cwd=repo)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def _version_file(repo: Path, number: int) -> Path:
    return repo / ".zenml" / "models" / "iris" / "versions" / f"{number}.yaml"


def test_conflicted_version_is_named_as_an_unresolved_merge(conflicted: Path) -> None:
    assert "<<<<<<<" in _version_file(conflicted, 3).read_text()
    done = run_zenml("model", "version", "describe", "iris", "3", cwd=conflicted)
    assert done.returncode == 6
    assert "3.yaml" in done.stderr and "unresolved merge conflict" in done.stderr
    assert "git status" in done.stderr and "zenml resolve" in done.stderr
    assert "not valid YAML" not in done.stderr


def test_conflicted_version_never_hides_the_others(conflicted: Path) -> None:
    """list shows the readable versions and exits 6 naming the conflicted file; reads of the
    other versions work as before."""
    done = run_zenml("model", "version", "list", "iris", "-o", "json", cwd=conflicted)
    assert done.returncode == 6
    assert [item["number"] for item in json.loads(done.stdout)["items"]] == [1, 2]
    assert "3.yaml" in done.stderr and "unresolved merge conflict" in done.stderr
    table = run_zenml("model", "version", "list", "iris", cwd=conflicted)
    assert table.returncode == 6 and "3.yaml" in table.stderr
    assert _ok(conflicted, "model", "version", "describe", "iris", "2", "-o", "json")
    where = run_zenml(
        "model", "version", "list", "iris", "--where", "metadata.auc >= 0.8", "-o", "json",
        cwd=conflicted,
    )  # fmt: skip
    assert [item["number"] for item in json.loads(where.stdout)["items"]] == [1, 2]
    assert where.returncode == 6


def test_doctor_reports_the_conflict(conflicted: Path) -> None:
    done = run_zenml("doctor", "-o", "json", cwd=conflicted)
    assert done.returncode == 6
    problems = json.loads(done.stdout)["items"]
    assert [p["file"].endswith("3.yaml") for p in problems] == [True]
    assert "unresolved merge conflict" in problems[0]["message"]


def test_hand_fix_under_the_wrong_file_name_is_never_a_wrong_row(conflicted: Path) -> None:
    """Kept ours as 3.yaml and saved theirs as 4.yaml, with ``number: 3`` still inside."""
    ours = git(conflicted, "show", ":2:.zenml/models/iris/versions/3.yaml")
    theirs = git(conflicted, "show", ":3:.zenml/models/iris/versions/3.yaml")
    _version_file(conflicted, 3).write_text(ours + "\n")
    _version_file(conflicted, 4).write_text(theirs + "\n")
    git(conflicted, "add", "-A")

    doctor = run_zenml("doctor", "-o", "json", cwd=conflicted)
    assert doctor.returncode == 6
    (problem,) = json.loads(doctor.stdout)["items"]
    assert problem["file"].endswith("4.yaml")
    assert (
        "number 3 does not match the file name (this is the file of version 4" in problem["message"]
    )

    listed = run_zenml("model", "version", "list", "iris", "-o", "json", cwd=conflicted)
    assert listed.returncode == 6
    numbers = [item["number"] for item in json.loads(listed.stdout)["items"]]
    assert numbers == [1, 2, 3]  # never a second row "3" from 4.yaml
    assert problem["message"] in listed.stderr
    for ref in ("4", "latest"):
        done = run_zenml("model", "version", "describe", "iris", ref, cwd=conflicted)
        assert done.returncode == 6 and "4.yaml" in done.stderr

    fixed = theirs.replace("number: 3", "number: 4").replace("name: '3'", "name: '4'")
    _version_file(conflicted, 4).write_text(fixed + "\n")
    _ok(conflicted, "doctor")
    listed = run_zenml("model", "version", "list", "iris", "-o", "json", cwd=conflicted)
    assert [item["number"] for item in json.loads(listed.stdout)["items"]] == [1, 2, 3, 4]


def test_a_conflicted_history_line_is_named_as_a_merge(conflicted: Path) -> None:
    """Without the union driver (a clone missing .gitattributes), history conflicts too."""
    git(conflicted, "merge", "--abort")
    history = conflicted / ".zenml" / "models" / "iris" / "history.jsonl"
    with history.open("a") as handle:
        handle.write('<<<<<<< HEAD\n{"seq": 1}\n=======\n{"seq": 1}\n>>>>>>> exp\n')
    done = run_zenml("model", "version", "history", "iris", cwd=conflicted)
    assert done.returncode == 6
    assert "history.jsonl:1" in done.stderr and "unresolved merge conflict" in done.stderr


def test_many_versions_with_one_conflicted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder index path (32+ versions) leaves the conflicted file out the same way."""
    monkeypatch.chdir(tmp_path)
    from zenml_cli.core import models, versions
    from zenml_cli.store import Store

    store = Store(tmp_path)
    models.create_model(store, "big")
    for _ in range(40):
        versions.create_version(store, "big")
    path = store.layout.version_file("big", 17)
    path.write_text("<<<<<<< HEAD\n" + path.read_text() + "=======\n>>>>>>> other\n")
    done = run_zenml("model", "version", "list", "big", "--size", "100", "-o", "json", cwd=tmp_path)
    assert done.returncode == 6
    numbers = [item["number"] for item in json.loads(done.stdout)["items"]]
    assert numbers == [n for n in range(1, 41) if n != 17]
    assert "17.yaml" in done.stderr


def test_a_conflicted_model_never_hides_the_other_models(conflicted: Path) -> None:
    """``model version list`` of every model: a model.yaml git left mid-merge is named, the
    other models' versions are listed."""
    git(conflicted, "merge", "--abort")
    _ok(conflicted, "model", "register", "rose")
    _ok(conflicted, "model", "version", "create", "rose")
    model = conflicted / ".zenml" / "models" / "iris" / "model.yaml"
    model.write_text("<<<<<<< HEAD\n" + model.read_text() + "=======\n>>>>>>> exp\n")
    done = run_zenml("model", "version", "list", "-o", "json", cwd=conflicted)
    assert done.returncode == 6
    assert [item["model"] for item in json.loads(done.stdout)["items"]] == ["rose"]
    assert "model.yaml" in done.stderr and "unresolved merge conflict" in done.stderr
