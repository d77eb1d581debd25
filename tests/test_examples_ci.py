"""The CI examples (GitHub Actions and GitLab): they parse, they trigger where they say, and
the scripts they call run here end to end against a bare git remote on local disk, from two
clones, with no Python or jq in the scripts themselves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from git_support import clone, isolated_git_env, make_remote

from zenml_cli import Client

from conftest import REPO_ROOT

SCRIPTS = REPO_ROOT / "examples" / "github-actions" / "scripts"


@pytest.fixture(autouse=True)
def _isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in isolated_git_env(tmp_path).items():
        monkeypatch.setenv(key, value)


def run(script: str, *args: str, cwd: Path, sha: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ZENML_PROJECT_DIR"}
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    env.update({"GITHUB_SHA": sha, "GITHUB_RUN_ID": sha[:6], "GITHUB_ACTOR": "ci-bot"})
    return subprocess.run(
        ["bash", str(SCRIPTS / script), *args], cwd=cwd, env=env, capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip


def test_workflows_parse_and_trigger_where_they_say() -> None:
    base = REPO_ROOT / "examples"
    deploy = yaml.safe_load((base / "github-actions" / "deploy-on-promotion.yml").read_text())
    assert ".zenml/models/iris/model.yaml" in deploy[True]["push"]["paths"]
    train = yaml.safe_load((base / "github-actions" / "train-and-promote.yml").read_text())
    steps = "\n".join(str(s.get("run", "")) for j in train["jobs"].values() for s in j["steps"])
    assert "register.sh" in steps and "promote-if-better.sh" in steps
    gitlab = yaml.safe_load((base / "gitlab-ci" / ".gitlab-ci.yml").read_text())
    assert "promote-if-better.sh" in yaml.safe_dump(gitlab)
    for script in SCRIPTS.glob("*.sh"):
        code = [ln for ln in script.read_text().splitlines() if not ln.lstrip().startswith("#")]
        words = " ".join(code).replace("(", " ").replace(")", " ").split()
        assert "python" not in words and "python3" not in words and "jq" not in words


def test_train_register_gate_and_deploy_from_two_clones(tmp_path: Path) -> None:
    remote = make_remote(tmp_path)
    first, second = clone(remote, tmp_path / "runner1"), clone(remote, tmp_path / "runner2")
    numbers = []
    for where, sha in ((first, "a" * 40), (second, "b" * 40)):
        auc = run("train.sh", cwd=where, sha=sha)
        assert auc.returncode == 0, auc.stderr
        registered = run("register.sh", "iris", auc.stdout.strip(), cwd=where, sha=sha)
        assert registered.returncode == 0, registered.stderr
        numbers.append(int(registered.stdout.strip()))
        promoted = run("promote-if-better.sh", "iris", str(numbers[-1]), cwd=where, sha=sha)
        assert promoted.returncode == 0, promoted.stderr
    assert numbers == [1, 2]
    check = clone(remote, tmp_path / "check")
    versions = {v.number: v for v in Client(check).list_model_versions("iris").items}
    best = max(versions.values(), key=lambda v: v.run_metadata["auc"])
    assert str(best.stage) == "production"
    deployed = run("deploy.sh", "iris", cwd=check, sha="c" * 40)
    assert deployed.returncode == 0 and f"version {best.number}" in deployed.stderr
