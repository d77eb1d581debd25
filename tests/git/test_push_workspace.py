"""The ``--push`` work area (``store/git/workspace.py``) with real git: it moves to a new tip
by writing only what changed, stages only the paths a write noted, puts back a failed
write, and takes git's general way whenever its state or a change is unusual."""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import pytest

from zenml_cli.errors import RemoteError
from zenml_cli.store.config import GitSettings
from zenml_cli.store.git import tree_edit
from zenml_cli.store.git.remote import transact
from zenml_cli.store.git.workspace import ENV_CHECK_STAGE

from support.git import clone, git, register_next, tip

SETTINGS = GitSettings()

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]


def area(repo: Path) -> Path:
    """The first work area of the clone's pool (one writer at a time uses only that one)."""
    (pool,) = (repo / ".git" / "zenml-tx").glob("pool-*")
    return pool / "0"


def version_file(repo: Path, number: int) -> Path:
    return area(repo) / "root" / ".zenml" / "models" / "iris" / "versions" / f"{number}.yaml"


def store_tree(repo: Path, commit: str = "HEAD") -> str:
    return git(repo, "rev-parse", f"{commit}:.zenml")


def land(repo: Path, count: int = 1) -> list[int]:
    return [
        transact(repo, register_next, lambda n: f"register {n}", settings=SETTINGS).result
        for _ in range(count)
    ]


def changed_in(remote: Path, commit: str) -> list[str]:
    return git(remote, "diff-tree", "-r", "--name-only", "--no-commit-id", commit).splitlines()


# ------------------------------------------------------------------------- moving
def test_after_another_clone_lands_only_the_changed_files_are_written(
    remote: Path, mine: Path, tmp_path: Path
) -> None:
    land(mine, 3)
    untouched = version_file(mine, 1).stat().st_ino
    other = clone(remote, tmp_path / "other")
    land(other, 2)  # versions 4 and 5, and the model's files they change
    assert land(mine) == [6]
    assert version_file(mine, 1).stat().st_ino == untouched  # not rewritten
    assert (
        version_file(mine, 5).read_bytes()
        == git(remote, "cat-file", "blob", "main:.zenml/models/iris/versions/5.yaml").encode()
        + b"\n"
    )
    assert (area(mine) / "tree").read_text().strip() == store_tree(remote, "main")
    assert (area(mine) / "clean").exists()
    assert not (area(mine) / "index").exists()  # no index of every file is kept


def test_a_clone_that_landed_last_stages_without_moving(remote: Path, mine: Path) -> None:
    land(mine, 2)
    before = version_file(mine, 1).stat()
    land(mine)
    after = version_file(mine, 1).stat()
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)
    assert changed_in(remote, "main") == [".zenml/models/iris/versions/3.yaml"] or all(
        path.startswith(".zenml/models/iris/") for path in changed_in(remote, "main")
    )


# ------------------------------------------------------------------------- failing
def test_a_failed_write_is_put_back_and_pushes_nothing(remote: Path, mine: Path) -> None:
    land(mine, 2)
    untouched = version_file(mine, 1).stat().st_ino
    before = tip(remote)

    def register_then_fail(root: Path) -> int:
        register_next(root)
        raise RuntimeError("the gate said no")

    with pytest.raises(RuntimeError, match="gate said no"):
        transact(mine, register_then_fail, lambda n: f"register {n}", settings=SETTINGS)
    assert tip(remote) == before
    assert not version_file(mine, 3).exists()  # put back: the failed write's file is gone
    assert version_file(mine, 1).stat().st_ino == untouched  # and nothing else rewritten
    assert (area(mine) / "clean").exists()
    assert land(mine) == [3]


def test_a_write_that_is_not_noted_is_caught_by_the_check(
    remote: Path, mine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    land(mine)
    before = tip(remote)

    def write_behind_the_store(root: Path) -> int:
        (root / ".zenml" / "models" / "iris" / "stray.yaml").write_text("{}\n")
        return register_next(root)

    assert os.environ[ENV_CHECK_STAGE]  # set for every test (conftest)
    with pytest.raises(RemoteError, match="without noting it"):
        transact(mine, write_behind_the_store, lambda n: f"register {n}", settings=SETTINGS)
    assert tip(remote) == before


# ------------------------------------------------------------------------- unusual state
def test_a_killed_writers_leftovers_never_reach_a_commit(remote: Path, mine: Path) -> None:
    land(mine, 2)
    work = area(mine)
    (work / "clean").unlink()  # what a runner killed mid-write leaves
    stray = work / "root" / ".zenml" / "models" / "iris" / "versions" / "99.yaml"
    stray.write_text("half: written\n")
    assert land(mine) == [3]
    assert not stray.exists()
    assert ".zenml/models/iris/versions/99.yaml" not in git(remote, "ls-tree", "-r", "main")


def test_a_machine_crash_mark_rewrites_every_file(remote: Path, mine: Path) -> None:
    land(mine, 2)
    work = area(mine)
    torn = version_file(mine, 1)
    torn.write_text("torn")  # a file written without fsync, torn by a power cut
    (work / "unsynced").touch()  # the durable mark says the crash may have torn files
    assert land(mine) == [3]
    assert torn.read_text() != "torn"
    assert "torn" not in git(remote, "show", "main:.zenml/models/iris/versions/1.yaml")


def test_an_executable_manifest_takes_gits_way_and_keeps_its_mode(
    remote: Path, mine: Path, tmp_path: Path
) -> None:
    land(mine, 2)
    other = clone(remote, tmp_path / "other")
    git(other, "update-index", "--chmod=+x", ".zenml/models/iris/versions/1.yaml")
    git(other, "commit", "-qm", "make it executable")
    git(other, "push", "-q", "origin", "main")
    assert land(mine) == [3]
    listed = git(remote, "ls-tree", "main", ".zenml/models/iris/versions/1.yaml")
    assert listed.startswith("100755 ")
    assert os.access(version_file(mine, 1), os.X_OK)  # the work area was rewritten by git


# ------------------------------------------------------------------------- trees
NAMES = ["a", "a.b", "a-b", "ab", "a0", "b", "é", "z z", "versions", "1.yaml", "10.yaml"]


@pytest.mark.parametrize("object_format", ["sha1", "sha256"])
def test_edited_trees_are_the_trees_git_writes(tmp_path: Path, object_format: str) -> None:
    """Random adds, rewrites, removals and file/folder swaps: ``edit_tree`` from the old
    tree gives the id ``git add -A && git write-tree`` gives for the same files."""
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", f"--object-format={object_format}", str(repo)], check=True)
    rng = random.Random(21)
    for round_ in range(40):
        before = git(repo, "write-tree") if round_ else None
        files = sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*")
                       if p.is_file() and ".git" not in p.parts)  # fmt: skip
        cleared: set[str] = set()
        for _ in range(rng.randrange(1, 6)):
            action = rng.random()
            if files and action < 0.3:  # remove a file or its whole folder
                gone = rng.choice(files)
                if "/" in gone and rng.random() < 0.5:
                    gone = gone.rsplit("/", 1)[0]
                cleared.add(gone)
                target = repo / gone
                if target.is_dir():
                    subprocess.run(["rm", "-rf", str(target)], check=True)
                else:
                    target.unlink(missing_ok=True)
            else:  # write a file somewhere (maybe where a file or folder was)
                depth = rng.randrange(1, 4)
                path = "/".join(rng.choice(NAMES) for _ in range(depth))
                target = repo / path
                if any(q.is_file() for q in [*target.parents][:-1] if repo in q.parents):
                    continue  # a folder on the way is a file: write elsewhere
                if target.is_dir():
                    subprocess.run(["rm", "-rf", str(target)], check=True)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(f"{round_} {rng.random()}\n")
                cleared.add(path)
        git(repo, "add", "-A")
        expected = git(repo, "write-tree")
        if before is None:
            continue
        present = [repo / p for p in cleared if (repo / p).exists()]
        found: dict[str, tuple[str, str]] = {}
        for path in present:
            targets = [path] if path.is_file() else [q for q in path.rglob("*") if q.is_file()]
            for file in targets:
                oid = git(repo, "hash-object", "-w", str(file))
                found[file.relative_to(repo).as_posix()] = ("100644", oid)
        git_dir = repo / ".git"
        edited = tree_edit.edit_tree(git_dir, tmp_path, before, found, cleared)
        assert edited == (expected, None), round_


@pytest.mark.parametrize("object_format", ["sha1", "sha256"])
def test_a_grafted_root_is_the_root_git_writes(tmp_path: Path, object_format: str) -> None:
    """The trees that hold a store two folders down, rebuilt around its new tree
    (``tree_edit.graft``), are the trees ``git write-tree`` makes of the same files; and
    ``edit_tree`` writes them with the store's own, so the root it returns exists."""
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", f"--object-format={object_format}", str(repo)], check=True)
    width = 32 if object_format == "sha256" else 20
    for path in ("README", "proj/a.txt", "proj/.zenml/models/m.yaml", "proj/z/b.txt"):
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(f"{path}\n")
    git(repo, "add", "-A")
    root = git(repo, "write-tree")
    store = git(repo, "rev-parse", f"{root}:proj/.zenml")
    levels = [
        (_raw_tree(repo, root), "proj"),
        (_raw_tree(repo, git(repo, "rev-parse", f"{root}:proj")), ".zenml"),
    ]
    (repo / "proj/.zenml/models/m.yaml").write_text("changed\n")
    (repo / "proj/.zenml/models/n.yaml").write_text("new\n")
    git(repo, "add", "-A")
    expected = git(repo, "write-tree")
    new_store = git(repo, "rev-parse", f"{expected}:proj/.zenml")
    assert tree_edit.graft(levels, new_store, width)[-1][0] == expected
    files = {
        name: ("100644", git(repo, "hash-object", "-w", f"proj/.zenml/{name}"))
        for name in ("models/m.yaml", "models/n.yaml")
    }
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    edited = tree_edit.edit_tree(repo / ".git", scratch, store, files, set(files), levels)
    assert edited == (new_store, expected)
    assert git(repo, "cat-file", "-t", expected) == "tree"


def _raw_tree(repo: Path, tree: str) -> bytes:
    return subprocess.run(
        ["git", "cat-file", "tree", tree], cwd=repo, capture_output=True, check=True
    ).stdout


def test_a_splice_finds_entries_by_their_start_not_by_bytes_inside_an_object_id() -> None:
    """An object id is 20 arbitrary bytes: one that holds `` b\\0`` must not be taken for
    the entry ``b``; a tree out of git's order gets no second entry of a name it has."""
    tricky = b" b\0" + b"\x01" * 17
    a = b"100644 a\0" + tricky
    b = b"100644 b\0" + b"\x02" * 20
    assert tree_edit.splice(a + b, 20, {b"b": None}) == a
    assert tree_edit.splice(a + b, 20, {b"ab": (b"100644", b"\x03" * 20)}) == (
        a + b"100644 ab\0" + b"\x03" * 20 + b
    )
    unsorted = b + a
    replaced = tree_edit.splice(unsorted, 20, {b"a": (b"100644", b"\x04" * 20)})
    assert replaced == b + b"100644 a\0" + b"\x04" * 20
