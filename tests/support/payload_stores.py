"""Helpers of the artifact store suites: the S3 test server's environment, and zenml, python
and git in separate processes with a clean environment (no ZENML_*/GITHUB_* of the developer,
a fixed git identity). The moto S3 server itself is a fixture (``s3``, tests/conftest.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

S3_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZENML_", "GITHUB_"))}
    env.update({"ZENML_ACTOR": "tester", "GIT_AUTHOR_NAME": "t", "GIT_COMMITTER_NAME": "t"})
    env.update({"GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_EMAIL": "t@t", **extra})
    return env


def py(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=root, env=_env(**env), capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip


def zenml(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return py(root, "-m", "zenml_cli", *args, **env)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, env=_env(), check=True, capture_output=True)


def clone(source: Path, target: Path) -> Path:
    git(source.parent, "clone", "-q", str(source), str(target))
    return target


def committed(root: Path) -> list[str]:
    out = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True)
    return out.stdout.split()


def manifest(root: Path, name: str, version: str = "1") -> Path:
    return root / ".zenml" / "artifacts" / name / f"{version}.yaml"


def sha256_of(root: Path, name: str, version: str = "1") -> str:
    line = next(x for x in manifest(root, name, version).read_text().splitlines() if "sha256" in x)
    return line.split(":", 1)[1].strip()
