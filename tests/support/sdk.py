"""Helpers for the SDK tests: subprocesses that run in a project with the isolation the
``sdk_project`` fixture (tests/conftest.py) gives the test itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def subprocess_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZENML_", "GITHUB_"))}
    env.update({"ZENML_PROJECT_DIR": str(root), "ZENML_ACTOR": "tester"})
    return env


def run_in_project(
    root: Path, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``python ARGS`` in ``root`` as a separate process with the project's isolation."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=root,
        env=subprocess_env(root),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def zenml_json(root: Path, *args: str) -> Any:
    """Run ``python -m zenml_cli ARGS -o json`` in a real subprocess and parse stdout."""
    result = run_in_project(root, "-m", "zenml_cli", *args, "-o", "json", timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def run_python(root: Path, code: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return run_in_project(root, "-c", code, timeout=timeout)
