"""Issue 22: each CI example, copied alone into a fresh git repository (nothing else of this
project there), runs its steps against a bare remote on a runner whose Python has no
zenml-cli until a step installs it from the action's own source (tests/support/ci_runner.py).

What it proves: every step fails with its failing command's exit code (a refused push is 8 in
the step that pushed; a policy refusal is 4 in the promote step); an expected outcome (a stale
checkout's registered model, the gate keeping a better holder) is a green step that prints no
error; the deploy job deploys the version that holds production.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.ci_runner import JobResult, Runner, run_github_job, run_gitlab_job
from support.git import git
from support.running import REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]

EXAMPLES = REPO_ROOT / "examples"
TRAIN = EXAMPLES / "github-actions" / "train-and-promote.yml"
DEPLOY = EXAMPLES / "github-actions" / "deploy-on-promotion.yml"
PUBLISH = EXAMPLES / "github-pages" / "publish-dashboard.yml"
GITLAB = EXAMPLES / "gitlab-ci" / ".gitlab-ci.yml"
#: What GitHub checks out for ``uses: OWNER/zenml-cli@REF``: the repository, not its tests.
NOT_SHIPPED = (".git", ".venv", "tests", "benchmarks", "build", "*.egg-info", "__pycache__",
               ".pytest_cache", ".ruff_cache", ".mypy_cache")  # fmt: skip


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    base = tmp_path_factory.mktemp("runner")
    subprocess.run([sys.executable, "-m", "venv", str(base / "python")], check=True, timeout=300)
    bin_dir = base / "python" / "bin"
    found = subprocess.run(
        [bin_dir / "python", "-c", "import zenml_cli"], cwd=base, capture_output=True, check=False
    )
    assert found.returncode != 0, "the runner's fresh Python must not have zenml-cli yet"
    source = base / "zenml-cli@v0.1.0"
    shutil.copytree(REPO_ROOT, source, ignore=shutil.ignore_patterns(*NOT_SHIPPED))
    yield Runner(bin_dir=bin_dir, source=source)


def fresh_repository(tmp_path: Path, files: dict[str, Path], *, hook: str = "") -> Path:
    """A bare remote whose main has a README and the copied CI files, nothing else."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--bare", "-q", "-b", "main", str(remote))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "-q", str(remote), str(seed))
    git(seed, "config", "user.name", "team")
    git(seed, "config", "user.email", "team@example.com")
    (seed / "README.md").write_text("our model\n")
    for destination, example in files.items():
        (seed / destination).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(example, seed / destination)
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "CI")
    git(seed, "push", "-q", "origin", "main")
    if hook:
        (remote / "hooks" / "pre-receive").write_text(f"#!/bin/sh\n{hook}\n")
        (remote / "hooks" / "pre-receive").chmod(0o755)
    return remote


def auc_of(sha: str) -> float:
    """The stand-in training's score for a commit (the workflows' own formula, run by bash)."""
    script = (
        "seed=$(printf '%s' \"$1\" | cksum | cut -d' ' -f1); printf '0.%02d' $((80 + seed % 20))"
    )
    done = subprocess.run(["bash", "-c", script, "-", sha], capture_output=True, text=True)
    return float(done.stdout)


def shas_with_scores() -> tuple[str, str, str]:
    """Three commit ids whose scores are middle, lower, higher (in that order of runs)."""
    scored = sorted({auc_of(f"{n:040x}"): f"{n:040x}" for n in range(1, 200)}.items())
    return scored[len(scored) // 2][1], scored[0][1], scored[-1][1]


def assert_no_error(result: JobResult) -> None:
    assert result.code == 0, f"step {result.failed_step!r} failed ({result.code}):\n{result.log}"
    assert "Error" not in result.log and "Traceback" not in result.log, result.log


def test_github_train_gate_and_deploy_copied_into_a_fresh_repository(
    runner: Runner, tmp_path: Path
) -> None:
    workflows = {
        ".github/workflows/train-and-promote.yml": TRAIN,
        ".github/workflows/deploy-on-promotion.yml": DEPLOY,
    }
    remote = fresh_repository(tmp_path, workflows)
    copied = tmp_path / "seed" / ".github" / "workflows"
    middle, lower, higher = shas_with_scores()
    stale = tmp_path / "runner2"
    git(tmp_path, "clone", "-q", str(remote), str(stale))  # checked out before run 1 pushed

    def train(workspace: Path, sha: str, run_id: str) -> JobResult:
        return run_github_job(
            copied / "train-and-promote.yml", "train", runner=runner, remote=remote,
            workspace=workspace, sha=sha, run_id=run_id,
        )  # fmt: skip

    first = train(tmp_path / "runner1", middle, "101")
    assert_no_error(first)
    assert first.outputs["version"]["number"] == "1"
    assert "registered model 'iris'" in first.log and "to production" in first.log

    kept = train(stale, lower, "102")  # a stale checkout, and a worse model
    assert_no_error(kept)
    assert kept.outputs["version"]["number"] == "2"
    assert "model 'iris' is already registered; nothing changed" in kept.log
    assert f"gate auc:higher refused: version 2 has auc={auc_of(lower)}" in kept.log
    assert "production unchanged: version 2 did not beat it" in kept.summary

    better = train(tmp_path / "runner3", higher, "103")
    assert_no_error(better)
    assert "archived version 1" in better.log

    deployed = run_github_job(
        copied / "deploy-on-promotion.yml", "deploy", runner=runner, remote=remote,
        workspace=tmp_path / "deployer", sha=higher, run_id="104",
    )  # fmt: skip
    assert_no_error(deployed)
    assert deployed.outputs["production"]["number"] == "3"
    assert "deploying iris version 3 ('3')" in deployed.log


def test_a_refused_push_fails_the_step_that_pushed_with_exit_8(
    runner: Runner, tmp_path: Path
) -> None:
    workflows = {".github/workflows/train-and-promote.yml": TRAIN}
    remote = fresh_repository(
        tmp_path, workflows, hook="echo 'pushes to main need review' >&2; exit 1"
    )
    result = run_github_job(
        tmp_path / "seed" / ".github" / "workflows" / "train-and-promote.yml", "train",
        runner=runner, remote=remote, workspace=tmp_path / "runner", sha="a" * 40, run_id="1",
    )  # fmt: skip
    assert result.code == 8, result.log
    assert (
        result.failed_step == "Register the model (the first run does; later runs change nothing)"
    )
    assert "version" not in result.outputs  # the steps after it did not run


def test_a_policy_refusal_fails_the_promote_step_with_exit_4(
    runner: Runner, tmp_path: Path
) -> None:
    workflows = {".github/workflows/train-and-promote.yml": TRAIN}
    remote = fresh_repository(tmp_path, workflows)
    seed = tmp_path / "seed"
    zenml = Path(sys.executable).with_name("zenml")
    subprocess.run([zenml, "init", "--production-requires-staging"], cwd=seed, check=True)
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "policy")
    git(seed, "push", "-q", "origin", "main")
    result = run_github_job(
        seed / ".github" / "workflows" / "train-and-promote.yml", "train",
        runner=runner, remote=remote, workspace=tmp_path / "runner", sha="b" * 40, run_id="1",
    )  # fmt: skip
    assert result.code == 4, result.log
    assert result.failed_step == "Promote it if its auc beats production's"
    assert "policy production_requires_staging refused" in result.log
    assert "did not beat" not in result.log + result.summary


def test_gitlab_pipelines_copied_into_a_fresh_repository(runner: Runner, tmp_path: Path) -> None:
    remote = fresh_repository(tmp_path, {".gitlab-ci.yml": GITLAB})
    # GitLab's pushes go to https://oauth2:TOKEN@host/path.git: here, the bare remote.
    url = "https://oauth2:s3cret@gitlab.example.com/team/iris.git"
    git(tmp_path, "config", "--global", f"url.{remote}.insteadOf", url)
    ci_file = tmp_path / "seed" / ".gitlab-ci.yml"
    variables = {
        "CI_DEFAULT_BRANCH": "main",
        "CI_SERVER_HOST": "gitlab.example.com",
        "CI_PROJECT_PATH": "team/iris",
        "REGISTRY_PUSH_TOKEN": "s3cret",
        "GITLAB_USER_LOGIN": "ci-bot",
        "GITLAB_USER_EMAIL": "ci-bot@example.com",
        "ZENML_CLI_SOURCE": str(runner.source),  # the one line a team fills in
    }
    seed = tmp_path / "seed"
    shas = []
    for pipeline in (1, 2):
        (seed / "train.txt").write_text(f"change {pipeline}\n")  # a new commit to train on
        git(seed, "add", "-A")
        git(seed, "commit", "-q", "-m", f"change {pipeline}")
        git(seed, "pull", "-q", "--rebase", "origin", "main")
        git(seed, "push", "-q", "origin", "main")
        shas.append(git(seed, "rev-parse", "HEAD"))
        result = run_gitlab_job(
            ci_file, "train-and-promote", runner=runner, remote=remote,
            workspace=tmp_path / f"job{pipeline}",
            variables=variables | {"CI_COMMIT_SHA": shas[-1], "CI_PIPELINE_ID": str(pipeline)},
        )  # fmt: skip
        assert_no_error(result)
        assert f"registered version {pipeline}" in result.log
    holder = 2 if auc_of(shas[1]) > auc_of(shas[0]) else 1
    deployed = run_gitlab_job(
        ci_file, "deploy-on-promotion", runner=runner, remote=remote,
        workspace=tmp_path / "deploy",
        variables=variables | {"CI_COMMIT_SHA": git(remote, "rev-parse", "main")},
    )  # fmt: skip
    assert_no_error(deployed)
    assert f"deploying iris version {holder}" in deployed.log


def test_publish_dashboard_copied_into_a_fresh_repository(runner: Runner, tmp_path: Path) -> None:
    remote = fresh_repository(tmp_path, {".github/workflows/publish.yml": PUBLISH})
    seed = tmp_path / "seed"
    zenml = Path(sys.executable).with_name("zenml")
    subprocess.run([zenml, "model", "register", "iris", "-d", "published"], cwd=seed, check=True)
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "registry")
    git(seed, "push", "-q", "origin", "main")
    result = run_github_job(
        seed / ".github" / "workflows" / "publish.yml", "build", runner=runner, remote=remote,
        workspace=tmp_path / "runner", sha=git(seed, "rev-parse", "HEAD"), run_id="1",
    )  # fmt: skip
    assert_no_error(result)
    assert "published" in (tmp_path / "runner" / "site" / "index.html").read_text()
