"""``zenml doctor``'s cache of files already checked (issue 21, item 4).

A run reuses what an earlier run learnt about a version file only for exactly the same bytes,
and recomputes every check that compares files, so a problem introduced after a clean,
cached run is still reported; the cache lives where no checkout writes, and one that is
corrupt, planted or copied in with a project is ignored. Run through the installed ``zenml``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from zenml_cli import Client
from zenml_cli.store.doctor_cache import cache_file

from support.git import git
from support.running import run_zenml

Doctor = tuple[int, dict[str, object], str]


def _doctor(root: Path, *flags: str) -> Doctor:
    done = run_zenml("doctor", "-o", "json", *flags, cwd=root)
    return done.returncode, json.loads(done.stdout), done.stderr


def _messages(report: Doctor) -> list[str]:
    items = report[1]["items"]
    assert isinstance(items, list)
    return [f"{item['file']}: {item['message']}" for item in items]


@pytest.fixture
def registry(iris: Client, project: Path) -> Path:
    """iris with versions 1 (staging), 2 'v2' (production) and 3; doctor clean and cached."""
    iris.update_model_version("iris", 1, stage="staging")
    iris.update_model_version("iris", 2, stage="production")
    report = _doctor(project)
    assert report[0] == 0, report
    assert cache_file(project / ".zenml").is_file()
    return project


@pytest.fixture
def in_git(project: Path, isolated_git: None) -> Path:
    git(project, "init", "-q")
    return project


def _versions(root: Path) -> Path:
    return root / ".zenml/models/iris/versions"


def _rewrite_keeping_stat(path: Path, old: str, new: str) -> None:
    """Change a file's bytes in place, keeping its size and modification time."""
    assert len(old) == len(new)
    before = os.stat(path)
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_the_cache_lives_in_the_git_dir_inside_git(in_git: Path, registry: Path) -> None:
    where = cache_file(registry / ".zenml")
    assert where.is_relative_to(registry / ".git" / "zenml")
    assert not (registry / ".zenml/.cache/doctor.json").exists()
    assert git(registry, "status", "--porcelain", "--ignored", "--", ".git") == ""


def test_the_cache_lives_in_the_store_cache_outside_git(registry: Path) -> None:
    assert cache_file(registry / ".zenml") == registry / ".zenml/.cache/doctor.json"


def test_a_rewrite_with_the_same_size_and_mtime_is_checked_again(registry: Path) -> None:
    _rewrite_keeping_stat(_versions(registry) / "3.yaml", "name: '3'", "name: '1'")
    report = _doctor(registry)
    assert report[0] == 6
    messages = _messages(report)
    assert any("versions 1, 3 share the name '1'" in m for m in messages), messages
    assert any("3.yaml: name '1' is a number other than its own" in m for m in messages)


def test_the_pre_commit_hook_sees_a_change_after_a_cached_run(in_git: Path, registry: Path) -> None:
    """``doctor --staged`` (the pre-commit hook) uses the same cache: a staged rewrite that
    keeps size and mtime is still checked."""
    git(registry, "add", "-A")
    git(registry, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "s")
    assert _doctor(registry, "--staged")[0] == 0
    _rewrite_keeping_stat(_versions(registry) / "3.yaml", "name: '3'", "name: '1'")
    git(registry, "add", "-A")
    report = _doctor(registry, "--staged")
    assert report[0] == 6 and any("share the name '1'" in m for m in _messages(report))


def test_a_deleted_file_is_seen(registry: Path) -> None:
    (_versions(registry) / "2.yaml").unlink()  # the production holder
    report = _doctor(registry)
    assert report[0] == 6
    assert any("held by missing version 2" in m for m in _messages(report)), report


def test_an_added_file_is_seen(registry: Path) -> None:
    shutil.copy(_versions(registry) / "3.yaml", _versions(registry) / "4.yaml")
    report = _doctor(registry)
    assert report[0] == 6
    messages = _messages(report)
    assert any("4.yaml: number 3 does not match the file name" in m for m in messages), messages


def test_a_cross_file_problem_from_editing_one_file_is_seen(registry: Path) -> None:
    """model.yaml edited to give production to staging's holder: every version file is
    unchanged (all served from the cache), the contradiction is still found."""
    model = registry / ".zenml/models/iris/model.yaml"
    lines = model.read_text().splitlines(keepends=True)
    staging = next(line for line in lines if line.lstrip().startswith("staging:"))
    production = next(i for i, line in enumerate(lines) if line.lstrip().startswith("production:"))
    lines[production] = staging.replace("staging:", "production:")
    model.write_text("".join(lines))
    report = _doctor(registry)
    assert report[0] == 6
    messages = _messages(report)
    assert any("version 1 holds both staging and production" in m for m in messages), messages
    assert any("history says production is held by version 2" in m for m in messages)


def _forge_clean_entry(cache: Path, relative: str, raw: bytes, facts: list[object]) -> None:
    """Make the cache vouch for ``raw`` (the bytes of a broken file) as a clean version."""
    data = json.loads(cache.read_bytes())
    stamp = f"{len(raw)} {hashlib.blake2b(raw, digest_size=16).hexdigest()} "
    data["files"][relative] = stamp + json.dumps(facts)
    cache.write_text(json.dumps(data))


def test_a_cache_copied_in_with_the_project_is_ignored(registry: Path, tmp_path: Path) -> None:
    """A project unpacked from an archive (or copied) brings its .zenml/.cache along, even to
    the very same path; a cache planted there must not vouch for a broken file."""
    original = tmp_path / "original"
    registry.rename(original)  # kept, so the copy cannot reuse its inodes
    shutil.copytree(original, registry, symlinks=True)  # same path, a new folder
    broken = _versions(registry) / "3.yaml"
    broken.write_text(broken.read_text().replace("name: '3'", "name: production"))
    _forge_clean_entry(
        cache_file(registry / ".zenml"), "models/iris/versions/3.yaml", broken.read_bytes(),
        [3, "an id", "3"],
    )  # fmt: skip
    report = _doctor(registry)
    assert report[0] == 6
    assert any("name 'production' is a stage word" in m for m in _messages(report)), report


def test_a_forged_entry_is_trusted_only_by_its_own_folder(registry: Path) -> None:
    """The control for the test above: the same forgery in the folder the cache was made for
    is used (a cache is only as safe as the place it lives, which no checkout writes)."""
    broken = _versions(registry) / "3.yaml"
    broken.write_text(broken.read_text().replace("name: '3'", "name: production"))
    _forge_clean_entry(
        cache_file(registry / ".zenml"), "models/iris/versions/3.yaml", broken.read_bytes(),
        [3, "an id", "3"],
    )  # fmt: skip
    assert _doctor(registry)[0] == 0
    assert _doctor(registry, "--no-cache")[0] == 6


@pytest.mark.parametrize(
    "garbage",
    [b"", b"\x00\xff" * 100, b"{", b"[]", b'{"format": 1, "files": {"x": 1}}', b"9" * 5000],
)
def test_a_corrupt_cache_is_ignored_and_rebuilt(registry: Path, garbage: bytes) -> None:
    cache = cache_file(registry / ".zenml")
    _rewrite_keeping_stat(_versions(registry) / "3.yaml", "name: '3'", "name: '1'")
    cache.write_bytes(garbage)
    report = _doctor(registry)
    assert report[0] == 6 and any("share the name '1'" in m for m in _messages(report))
    assert json.loads(cache.read_bytes())["files"]  # rebuilt


def test_malformed_entries_in_a_matching_cache_are_checked_again(registry: Path) -> None:
    cache = cache_file(registry / ".zenml")
    data = json.loads(cache.read_bytes())
    raw = (_versions(registry) / "3.yaml").read_bytes()
    stamp = f"{len(raw)} {hashlib.blake2b(raw, digest_size=16).hexdigest()} "
    data["files"]["models/iris/versions/3.yaml"] = stamp + '["not", "facts"]'
    data["files"]["models/iris/versions/2.yaml"] = [1, 2, 3]
    cache.write_text(json.dumps(data))
    assert _doctor(registry)[0] == 0


def test_a_cache_that_is_a_link_is_not_followed(registry: Path, tmp_path: Path) -> None:
    """A cache replaced by a link (to a file that vouches for the bytes about to change) is
    neither read through nor written through: the link itself is replaced."""
    cache = cache_file(registry / ".zenml")
    elsewhere = tmp_path / "elsewhere.json"
    path = _versions(registry) / "3.yaml"
    raw = path.read_bytes().replace(b"name: '3'", b"name: '1'")
    elsewhere.write_bytes(cache.read_bytes())
    _forge_clean_entry(elsewhere, "models/iris/versions/3.yaml", raw, [3, "an id", "3"])
    planted = elsewhere.read_bytes()
    cache.unlink()
    cache.symlink_to(elsewhere)
    _rewrite_keeping_stat(path, "name: '3'", "name: '1'")
    report = _doctor(registry)
    assert report[0] == 6 and any("share the name '1'" in m for m in _messages(report))
    assert not cache.is_symlink() and elsewhere.read_bytes() == planted


def test_no_cache_neither_reads_nor_writes_it(registry: Path) -> None:
    cache = cache_file(registry / ".zenml")
    cache.unlink()
    assert _doctor(registry, "--no-cache")[0] == 0
    assert not cache.exists()


# ------------------------------------------------- the same report with and without the cache
def _break_yaml(root: Path) -> None:
    (_versions(root) / "3.yaml").write_text("format: 1\nnumber: [3\n")


def _stray_file(root: Path) -> None:
    (_versions(root) / "notes.txt").write_text("hello\n")


def _link_to_a_secret(root: Path) -> None:
    secret = root.parent / "secret.txt"
    secret.write_text("token\n")
    (_versions(root) / "3.yaml").unlink()
    (_versions(root) / "3.yaml").symlink_to(secret)


def _stage_word_name(root: Path) -> None:
    path = _versions(root) / "3.yaml"
    path.write_text(path.read_text().replace("name: '3'", "name: staging"))


def _missing_artifact_link(root: Path) -> None:
    from zenml_cli import Model, link_artifact_to_model, save_artifact

    version = save_artifact([1, 2, 3], name="features")
    link_artifact_to_model(version, model=Model(name="iris", version="3"))
    for manifest in (root / ".zenml/artifacts/features").glob("*.yaml"):
        manifest.unlink()


def _nothing(root: Path) -> None:
    pass


CASES: dict[str, Callable[[Path], None]] = {
    "healthy": _nothing,
    "invalid YAML": _break_yaml,
    "stray file": _stray_file,
    "version file linked to a secret": _link_to_a_secret,
    "stage word as a name": _stage_word_name,
    "link to a missing artifact version": _missing_artifact_link,
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_the_report_is_the_same_with_and_without_the_cache(registry: Path, case: str) -> None:
    CASES[case](registry)
    for output in ("json", "table"):
        fresh = run_zenml("doctor", "-o", output, "--no-cache", cwd=registry)
        filling = run_zenml("doctor", "-o", output, cwd=registry)
        cached = run_zenml("doctor", "-o", output, cwd=registry)
        got = [(d.returncode, d.stdout, d.stderr) for d in (fresh, filling, cached)]
        assert got[0] == got[1] == got[2], got
        assert (fresh.returncode == 0) == (case == "healthy"), got[0]


def test_a_run_deletes_the_caches_of_removed_worktrees(
    in_git: Path, registry: Path, tmp_path: Path
) -> None:
    git(registry, "add", "-A")
    git(registry, "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-m", "registry")
    other = tmp_path / "other-worktree"
    git(registry, "worktree", "add", "-q", "-b", "other", str(other))
    assert _doctor(other)[0] == 0
    theirs, ours = cache_file(other / ".zenml"), cache_file(registry / ".zenml")
    assert theirs.parent == ours.parent and theirs != ours and theirs.is_file()
    stale = ours.parent / ("0" * 24 + ".json")  # a cache of an older format
    stale.write_text('{"format":1,"store":[]}')
    git(registry, "worktree", "remove", str(other))
    assert _doctor(registry)[0] == 0
    assert theirs.exists() and stale.exists()  # nothing changed here: no write, no pruning
    Client(registry).create_model_version("iris")
    assert _doctor(registry)[0] == 0
    assert ours.is_file() and not theirs.exists() and not stale.exists()
    # a live worktree's cache is kept
    git(registry, "worktree", "add", "-q", "-b", "third", str(other))
    assert _doctor(other)[0] == 0
    Client(registry).create_model_version("iris")
    assert _doctor(registry)[0] == 0
    assert cache_file(other / ".zenml").is_file()
