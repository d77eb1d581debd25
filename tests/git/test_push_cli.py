"""``--push`` / ``ZENML_PUSH`` / ``Client(push=True)`` end to end: the installed ``zenml`` in
real processes, a bare repository on local disk as the remote, one clone per machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zenml_cli import Client

from support.git import clone, commit_elsewhere, git, tip
from support.running import run_zenml, zenml_popen

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]


def fresh_numbers(remote: Path, tmp_path: Path, model: str = "iris") -> list[int]:
    check = clone(remote, tmp_path / f"check-{time.monotonic_ns()}")
    listed = run_zenml("model", "version", "list", model, "--size", "100", "-o", "json", cwd=check)
    assert listed.returncode == 0, listed.stderr
    return sorted(item["number"] for item in json.loads(listed.stdout)["items"])


def test_four_clones_register_five_versions_each_at_once(remote: Path, tmp_path: Path) -> None:
    seed = clone(remote, tmp_path / "seed-cli")
    made = run_zenml("model", "register", "iris", "--push", cwd=seed)
    assert made.returncode == 0, made.stderr
    assert "pushed" in made.stderr or "commit" in made.stderr
    clones = [clone(remote, tmp_path / f"runner{i}") for i in range(4)]
    script = (
        "for i in 1 2 3 4 5; do zenml model version create iris --push -o json || exit $?; done"
    )
    zenml_dir = str(Path(sys.executable).parent)
    env = {"PATH": f"{zenml_dir}:{os.environ['PATH']}"}
    procs = [
        subprocess.Popen(["bash", "-c", script], cwd=c, env={**os.environ, **env},
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in clones
    ]  # fmt: skip
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
    assert fresh_numbers(remote, tmp_path) == list(range(1, 21))
    assert git(remote, "rev-list", "--merges", "main") == ""  # history stays linear


def test_four_clones_promote_at_once_leave_one_holder(remote: Path, tmp_path: Path) -> None:
    seed = clone(remote, tmp_path / "seed-cli")
    assert run_zenml("model", "register", "iris", "--push", cwd=seed).returncode == 0
    for _ in range(4):
        assert run_zenml("model", "version", "create", "iris", "--push", cwd=seed).returncode == 0
    clones = [clone(remote, tmp_path / f"runner{i}") for i in range(4)]
    procs = [
        zenml_popen(c, "model", "version", "update", "iris", str(n), "--stage", "production",
                    "--push")
        for n, c in enumerate(clones, start=1)
    ]  # fmt: skip
    for proc in procs:
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
    check = clone(remote, tmp_path / "check")
    listed = json.loads(
        run_zenml("model", "version", "list", "iris", "-o", "json", cwd=check).stdout
    )["items"]
    stages = sorted(item["stage"] for item in listed)
    assert stages == ["archived", "archived", "archived", "production"]
    history = json.loads(
        run_zenml("model", "version", "history", "iris", "-o", "json", cwd=check).stdout
    )
    assert len([e for e in history["items"] if e["event"] == "stage"]) == 4


def test_pushed_write_fast_forwards_a_clean_checkout_and_keeps_local_work(
    remote: Path, tmp_path: Path
) -> None:
    mine = clone(remote, tmp_path / "mine")
    (mine / "README.md").write_text("my uncommitted edit\n")
    (mine / "notes.txt").write_text("staged\n")
    git(mine, "add", "notes.txt")
    other = commit_elsewhere(remote, tmp_path / "other", "train.py", "print('hi')\n")
    done = run_zenml("model", "register", "iris", "--push", cwd=mine)
    assert done.returncode == 0, done.stderr
    assert git(remote, "cat-file", "-e", f"{tip(remote)}:train.py") == ""  # others' work kept
    assert git(mine, "merge-base", "--is-ancestor", other, "HEAD") == ""
    assert (mine / ".zenml" / "models" / "iris").is_dir()  # the checkout is up to date
    assert (mine / "README.md").read_text() == "my uncommitted edit\n"
    assert "notes.txt" in git(mine, "diff", "--cached", "--name-only")


def test_a_no_op_pushes_nothing(remote: Path, tmp_path: Path) -> None:
    mine = clone(remote, tmp_path / "mine")
    assert run_zenml("model", "register", "iris", "--push", cwd=mine).returncode == 0
    assert run_zenml("model", "version", "create", "iris", "--push", cwd=mine).returncode == 0
    before = tip(remote)
    again = run_zenml("model", "version", "update", "iris", "1", "--stage", "none", "--push",
                      cwd=mine)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert tip(remote) == before


def test_declining_hook_and_missing_remote_exit_8(remote: Path, tmp_path: Path) -> None:
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'registry is frozen for the release' >&2\nexit 1\n")
    hook.chmod(0o755)
    mine = clone(remote, tmp_path / "mine")
    started = time.monotonic()
    refused = run_zenml("model", "register", "iris", "--push", cwd=mine)
    assert refused.returncode == 8
    assert "frozen" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert time.monotonic() - started < 20
    git(mine, "remote", "remove", "origin")
    lonely = run_zenml("model", "register", "iris", "--push", cwd=mine)
    assert lonely.returncode == 8 and "origin" in lonely.stderr


def test_client_push_and_zenml_push_env(remote: Path, tmp_path: Path) -> None:
    mine = clone(remote, tmp_path / "mine")
    Client(mine, push=True).create_model("iris")
    assert fresh_numbers(remote, tmp_path) == []  # the model exists on the remote
    pushed = run_zenml("model", "version", "create", "iris", cwd=mine, env={"ZENML_PUSH": "1"})
    assert pushed.returncode == 0, pushed.stderr
    assert fresh_numbers(remote, tmp_path) == [1]
    bad = run_zenml("model", "version", "create", "iris", cwd=mine, env={"ZENML_PUSH": "maybe"})
    assert bad.returncode == 5


PIPELINE = """
from zenml_cli import Model, pipeline, step, log_metadata
from typing import Annotated
from zenml_cli import ArtifactConfig

@step
def train() -> Annotated[dict, ArtifactConfig(name="weights", is_model_artifact=True)]:
    log_metadata({"auc": 0.9}, infer_model=True)
    return {"w": [1, 2, 3]}

@pipeline(model=Model(name="fraud"))
def training():
    train()

training()
"""


def test_pipeline_runs_on_three_clones_with_zenml_push(remote: Path, tmp_path: Path) -> None:
    clones = [clone(remote, tmp_path / f"trainer{i}") for i in range(3)]
    env = {**os.environ, "ZENML_PUSH": "1", "ZENML_ACTOR": "ci"}
    env.pop("ZENML_PROJECT_DIR", None)
    procs = [
        subprocess.Popen([sys.executable, "-c", PIPELINE], cwd=c, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in clones
    ]  # fmt: skip
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    check = clone(remote, tmp_path / "check")
    client = Client(check)
    versions = client.list_model_versions("fraud").items
    assert sorted(v.number for v in versions) == [1, 2, 3]
    for version in versions:
        assert version.run_metadata["auc"] == 0.9
        assert len(version.model_artifact_ids) == 1
        assert version.producing_run and client.get_pipeline_run(version.producing_run)


def test_if_current_is_checked_on_the_tip_not_the_stale_checkout(
    remote: Path, tmp_path: Path
) -> None:
    mine = clone(remote, tmp_path / "mine")
    assert run_zenml("model", "register", "iris", "--push", cwd=mine).returncode == 0
    for _ in range(3):
        assert run_zenml("model", "version", "create", "iris", "--push", cwd=mine).returncode == 0
    promote = ("model", "version", "update", "iris")
    assert run_zenml(*promote, "1", "--stage", "production", "--push", cwd=mine).returncode == 0
    stale = clone(remote, tmp_path / "stale")  # sees version 1 in production
    other = clone(remote, tmp_path / "other")
    assert run_zenml(*promote, "2", "--stage", "production", "--push", cwd=other).returncode == 0
    before = tip(remote)
    refused = run_zenml(
        *promote, "3", "--stage", "production", "--if-current", "1", "--push", cwd=stale
    )
    assert refused.returncode == 4, refused.stderr
    assert "held by version 2" in refused.stderr
    assert tip(remote) == before


def test_delete_with_yes_finds_the_version_and_model_on_the_tip_not_in_the_checkout(
    remote: Path, tmp_path: Path
) -> None:
    """Like every pushed write, ``delete -y --push`` decides on the remote's tip: a version
    or a model another clone pushed is deleted even though this checkout has not pulled."""
    seed, other = clone(remote, tmp_path / "seed-cli"), clone(remote, tmp_path / "other")
    assert run_zenml("model", "register", "iris", "--push", cwd=seed).returncode == 0
    for args in (("model", "version", "create", "iris"), ("model", "register", "setosa")):
        assert run_zenml(*args, "--push", cwd=other).returncode == 0
    deleted = run_zenml("model", "version", "delete", "iris", "1", "-y", "--push", cwd=seed)
    assert deleted.returncode == 0, deleted.stderr
    assert fresh_numbers(remote, tmp_path) == []
    gone = run_zenml("model", "delete", "setosa", "-y", "--push", cwd=seed)
    assert gone.returncode == 0, gone.stderr
    assert "setosa" not in git(remote, "ls-tree", "-r", "--name-only", "main")
    missing = run_zenml("model", "version", "delete", "iris", "7", "-y", "--push", cwd=seed)
    assert missing.returncode == 3 and missing.stderr.count("\n") == 1, missing.stderr
