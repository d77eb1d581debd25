"""``cli/app.mount`` imports only the invoked family of commands and ``cli/prune.py`` builds
only the invoked command; the CLI must behave exactly as if the whole command tree had been
built. Each case runs twice in fresh interpreters, pruned (the real ``main``) and whole
(``mount()`` then ``app()``), and compares exit code, stdout and stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from zenml_cli.cli.prune import command_path
from zenml_cli.core import models, versions
from zenml_cli.store import Store

pytestmark = pytest.mark.slow  # fresh interpreters

RUNNER = """
import sys
from zenml_cli.cli.app import main, mount
mode = sys.argv.pop(1)
sys.argv[0] = "zenml"
main() if mode == "pruned" else mount()(prog_name="zenml")
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("prune")
    os.environ.setdefault("ZENML_ACTOR", "tester")
    store = Store(root)
    models.create_model(store, "iris")
    versions.create_version(store, "iris")
    return root


def run(mode: str, args: list[str], project: Path) -> tuple[int, str, str]:
    env = dict(os.environ, ZENML_ACTOR="tester", COLUMNS="100")
    env.pop("ZENML_PROJECT_DIR", None)
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, mode, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=project,
        timeout=60,
        check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr


CASES = [
    [],
    ["--help"],
    ["model"],
    ["model", "--help"],
    ["model", "list", "--help"],
    ["model", "version", "--help"],
    ["model", "version", "list", "--help"],
    ["model", "list", "-o", "json"],
    ["dashboard", "--help"],
    ["dashboard", "build", "--help"],
    ["dashboard", "serve", "--help"],
    ["--project-dir", ".", "model", "version", "list", "iris", "-o", "json"],
    ["--project-dir=.", "model", "describe", "iris", "-o", "yaml"],
    ["model", "describe", "nope"],
    ["model", "version", "describe", "iris", "99"],
    ["model", "version", "lst"],
    ["model", "version", "list", "--no-such-option"],
    ["model", "version", "describe"],
    ["--bogus", "model", "list"],
    ["model", "list", "-o", "json", "extra", "words"],
    ["doctor", "-o", "json"],
    ["model", "lst"],
    ["modle", "list"],
    ["model", "version"],
    ["model", "version", "rollback", "--help"],
    ["git", "--help"],
    ["resolve", "--help"],
    ["version"],
    ["init", "--help"],
    ["artifact", "list", "-o", "json"],
    ["completion", "--help"],
]


@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a) or "(none)")
def test_pruned_cli_behaves_like_the_full_tree(args: list[str], project: Path) -> None:
    pruned = run("pruned", args, project)
    full = run("full", args, project)
    assert pruned == full


def test_command_path() -> None:
    assert command_path(["model", "version", "list", "-o", "json"]) == [
        "model",
        "version",
        "list",
    ]
    assert command_path(["--project-dir", "x", "model", "list"]) == ["model", "list"]
    assert command_path(["--project-dir=x", "doctor"]) == ["doctor"]
    assert command_path(["--help"]) == []
    assert command_path(["--unknown", "model"]) == []
    assert command_path([]) == []
