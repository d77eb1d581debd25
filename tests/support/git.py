"""Real git for the push-engine tests: a bare repository on local disk as the remote, clones
of it as the machines, and the registry operations the engine is driven with.

Nothing here mocks git. Every helper runs the real ``git`` binary with an isolated config
(no global or system gitconfig), so a developer's signing or hooks settings cannot leak in.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from zenml_cli.core import models, versions
from zenml_cli.store import Store

BRANCH = "main"


def isolated_git_env(home: Path) -> dict[str, str]:
    """Variables that keep git away from the developer's own configuration."""
    config = home / "gitconfig"
    config.touch()
    return {"GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1"}


def git(cwd: Path, *args: str, check: bool = True) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout.strip()


def make_remote(base: Path) -> Path:
    """A bare remote whose ``main`` holds a README and an initialised ``.zenml/``."""
    remote = base / "remote.git"
    git(base, "init", "--bare", "-q", "-b", BRANCH, str(remote))
    seed = clone(remote, base / "seed")
    (seed / "README.md").write_text("project\n")
    Store(seed).ensure_created()
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "seed")
    git(seed, "push", "-q", "origin", BRANCH)
    return remote


def clone(remote: Path, dest: Path, name: str = "tester") -> Path:
    git(remote.parent, "clone", "-q", str(remote), str(dest))
    git(dest, "config", "user.name", name)
    git(dest, "config", "user.email", f"{name}@example.com")
    return dest


def tip(remote: Path) -> str:
    return git(remote, "rev-parse", f"refs/heads/{BRANCH}")


def commit_elsewhere(remote: Path, where: Path, filename: str, text: str) -> str:
    """Someone else's commit of a non-.zenml file, pushed to the remote; its hash."""
    if not where.exists():
        clone(remote, where, "other")
    git(where, "pull", "-q", "--ff-only", "origin", BRANCH)
    (where / filename).write_text(text)
    git(where, "add", filename)
    git(where, "commit", "-q", "-m", f"other: {filename}")
    git(where, "push", "-q", "origin", BRANCH)
    return git(where, "rev-parse", "HEAD")


# --------------------------------------------------------------------------- operations
def register_next(root: Path) -> int:
    """Create 'iris' if the tip lacks it, then register its next version; the number."""
    store = Store(root)
    if models.get_model_or_none(store, "iris") is None:
        models.create_model(store, "iris")
    return versions.create_version(store, "iris").number


def promote(number: int) -> object:
    def operation(root: Path) -> versions.VersionUpdate:
        return versions.update_version(Store(root), "iris", number, stage="production")

    return operation


WORKER = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from support.git import worker_main
worker_main(Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
"""


def worker_main(clone_dir: Path, task: str, count: int) -> None:
    """Body of one worker process: wait for 'go' on stdin, then transact ``count`` times."""
    import json

    from zenml_cli.store.config import GitSettings
    from zenml_cli.store.git.remote import transact

    sys.stdin.readline()
    settings = GitSettings(retries=60)
    results = []
    for _ in range(count):
        if task == "register":
            done = transact(clone_dir, register_next, lambda n: f"register iris {n}",
                            settings=settings)  # fmt: skip
            results.append({"value": done.result, "attempts": done.attempts})
        else:
            number = int(task.removeprefix("promote-"))
            done = transact(clone_dir, promote(number), lambda _, n=number: f"promote iris {n}",
                            settings=settings)  # fmt: skip
            results.append({"value": number, "attempts": done.attempts})
    print(json.dumps(results))


def start_workers(clones: list[Path], tasks: list[str], count: int) -> list[subprocess.Popen[str]]:
    """One process per clone, all released at the same moment through their stdin."""
    here = str(Path(__file__).resolve().parent.parent)  # tests/, which holds support/
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, here, str(path), task, str(count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        for path, task in zip(clones, tasks, strict=True)
    ]
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    return procs


#: A pre-receive hook that refuses every update of ``main``, as branch protection does.
PROTECT_MAIN = """#!/bin/sh
while read old new ref; do
  if [ "$ref" = refs/heads/main ]; then
    echo "main is protected: open a pull request" >&2
    exit 1
  fi
done
"""
