"""Branches of a registry, as a team makes them: a bare remote on local disk, clones of it,
the installed ``zenml`` in real processes, and real ``git`` merges, rebases and stashes.

Builds on ``support.git`` (remote, clones, isolated git config) and ``support.running.run_zenml``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from support.git import BRANCH, clone, git, make_remote
from support.running import run_zenml


def zenml(cwd: Path, *args: str, code: int = 0) -> str:
    """Run the installed zenml; assert its exit code; its stdout."""
    done = run_zenml(*args, cwd=cwd)
    assert done.returncode == code, (args, done.returncode, done.stdout, done.stderr)
    return done.stdout if code == 0 else done.stderr


def zenml_json(cwd: Path, *args: str) -> Any:
    return json.loads(zenml(cwd, *args, "-o", "json"))


def commit(cwd: Path, message: str) -> str:
    git(cwd, "add", "-A")
    git(cwd, "commit", "-q", "-m", message)
    return git(cwd, "rev-parse", "HEAD")


def team(base: Path, names: tuple[str, ...] = ("alice", "bob")) -> tuple[Path, list[Path]]:
    """A remote whose main holds model ``iris`` with versions 1 and 2, and one clone each."""
    remote = make_remote(base)
    seed = base / "seed"
    zenml(seed, "model", "register", "iris")
    zenml(seed, "model", "version", "create", "iris")
    zenml(seed, "model", "version", "create", "iris")
    commit(seed, "iris 1 and 2")
    git(seed, "push", "-q", "origin", BRANCH)
    return remote, [clone(remote, base / name, name) for name in names]


def branch(cwd: Path, name: str) -> None:
    git(cwd, "checkout", "-q", "-b", name)


def push(cwd: Path, name: str) -> None:
    git(cwd, "push", "-q", "origin", name)


def register(cwd: Path, *metadata: str) -> dict[str, Any]:
    """Register the next version of iris (``-M k=v`` pairs); its public form."""
    extra = [arg for pair in metadata for arg in ("-M", pair)]
    return dict(zenml_json(cwd, "model", "version", "create", "iris", *extra, "-v"))


def version_file(cwd: Path, number: int, model: str = "iris") -> dict[str, Any]:
    path = cwd / ".zenml" / "models" / model / "versions" / f"{number}.yaml"
    return dict(yaml.safe_load(path.read_text()))


def model_file(cwd: Path, model: str = "iris") -> dict[str, Any]:
    return dict(yaml.safe_load((cwd / ".zenml" / "models" / model / "model.yaml").read_text()))


def history(cwd: Path, model: str = "iris") -> list[dict[str, Any]]:
    text = (cwd / ".zenml" / "models" / model / "history.jsonl").read_text()
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def doctor_clean(cwd: Path) -> None:
    report = zenml_json(cwd, "doctor")
    assert report["errors"] == 0, report["items"]
