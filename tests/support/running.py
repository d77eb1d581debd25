"""Running zenml from a test: the Typer app in process (``Cli``), the installed console
script in a real subprocess (``run_zenml``), and the store's bytes (``snapshot``) to prove a
failed command changed nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from zenml_cli.cli.app import mount

from support.paths import REPO_ROOT

app = mount()  # every command, as the whole CLI has them

__all__ = ["REPO_ROOT", "Cli", "run_zenml", "snapshot", "zenml_popen"]


class Cli:
    """Runs the Typer app in process, returning (exit_code, stdout, stderr)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> tuple[int, str, str]:
        result = self.runner.invoke(app, list(args), input=input, catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr


def snapshot(root: Path) -> dict[str, bytes]:
    """Every committed-kind file under .zenml/ with its bytes (locks and caches excluded)."""
    store = root / ".zenml"
    files = {}
    if store.exists():
        for path in sorted(store.rglob("*")):
            relative = path.relative_to(store).as_posix()
            if path.is_file() and not relative.startswith((".locks/", ".cache/")):
                files[relative] = path.read_bytes()
    return files


def run_zenml(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    interruptible: bool = False,
) -> subprocess.CompletedProcess[str]:
    """The installed console script in a real subprocess. ``interruptible``: with SIGINT's
    default disposition, whatever this process inherited (a suite started in the background
    by a shell ignores SIGINT, and Python then never raises KeyboardInterrupt)."""
    full_env = {key: value for key, value in os.environ.items() if key != "ZENML_PROJECT_DIR"}
    full_env.update({"ZENML_ACTOR": "tester", **(env or {})})
    zenml = Path(sys.executable).with_name("zenml")
    return subprocess.run(
        [str(zenml), *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        preexec_fn=_default_sigint if interruptible else None,
    )


def _default_sigint() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def zenml_popen(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """The installed console script started in the background, acting as ``cwd``'s name."""
    zenml = Path(sys.executable).with_name("zenml")
    full = {k: v for k, v in os.environ.items() if k != "ZENML_PROJECT_DIR"}
    full.update({"ZENML_ACTOR": cwd.name, **(env or {})})
    return subprocess.Popen(
        [str(zenml), *args], cwd=cwd, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
