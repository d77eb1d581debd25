"""Helpers of the artifact store suites: the S3 test server's environment, and zenml, python
and git in separate processes with a clean environment (no ZENML_*/GITHUB_* of the developer,
a fixed git identity). The moto S3 server itself is a fixture (``s3``, tests/conftest.py)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
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


def clone(source: Path, target: Path, accepting: str | None = None) -> Path:
    """A fresh clone; ``accepting``: the artifact store (outside the project) it accepts, as a
    teammate runs ``zenml artifact trust`` once in a new clone."""
    git(source.parent, "clone", "-q", str(source), str(target))
    if accepting is not None:
        accept(target, accepting)
    return target


def accept(root: Path, store: str) -> None:
    """What ``zenml artifact trust STORE`` does in ``root`` (in process: many tests need it;
    tests/untrusted/test_untrusted_store_choice.py runs the command itself)."""
    from zenml_cli.store.payloads import consent

    consent.accept(root, store)


def committed(root: Path) -> list[str]:
    out = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True)
    return out.stdout.split()


def manifest(root: Path, name: str, version: str = "1") -> Path:
    return root / ".zenml" / "artifacts" / name / f"{version}.yaml"


def sha256_of(root: Path, name: str, version: str = "1") -> str:
    line = next(x for x in manifest(root, name, version).read_text().splitlines() if "sha256" in x)
    return line.split(":", 1)[1].strip()


#: Loads an artifact by name in a separate process; exits with the error's code.
LOAD = """
import sys
from zenml_cli import load_artifact
from zenml_cli.errors import ZenMLCliError
try:
    value = load_artifact(sys.argv[1])
except ZenMLCliError as exc:
    print(exc)
    sys.exit(exc.exit_code)
print(value)
"""


def artifact_manifest(
    name: str, sha: str, size: int, artifact_id: str | None = None, **extra: object
) -> str:
    fields = {
        "format": 1, "id": artifact_id or str(uuid.uuid4()), "name": name, "version": "1",
        "number": 1,
        "type": "DataArtifact", "materializer": "pickle", "data_type": "builtins.object",
        "sha256": sha, "size": size, **extra,
    }  # fmt: skip
    return "".join(f"{key}: {json.dumps(value)}\n" for key, value in fields.items())


def new_repo(root: Path, config: str = "format: 1\n", accepting: str | None = None) -> Path:
    """A git repository whose first commit holds ``config``; ``accepting`` as in ``clone``."""
    (root / ".zenml").mkdir(parents=True)
    (root / ".zenml" / "config.yaml").write_text(config)
    git(root, "init", "-q", "-b", "main")
    if accepting is not None:
        accept(root, accepting)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init")
    return root


def plant(root: Path, files: dict[str, bytes], message: str = "plant") -> None:
    """A commit that force-adds ``files`` (paths relative to ``root``), as an attacker's."""
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    git(root, "add", "-f", *files)
    git(root, "commit", "-q", "-m", message)


def object_path(sha: str, store: str = ".zenml/artifact_store") -> str:
    return f"{store}/sha256/{sha[:2]}/{sha}"


EVIL_PICKLE = """
import os, pickle, sys
class Boom:
    def __reduce__(self):
        return (os.system, ("touch " + sys.argv[1],))
sys.stdout.buffer.write(pickle.dumps(Boom()))
"""


def evil_pickle(marker: Path) -> bytes:
    """A pickle that, when loaded, creates ``marker`` (proof that a load ran code)."""
    done = subprocess.run(
        [sys.executable, "-c", EVIL_PICKLE, str(marker)], capture_output=True, check=True
    )
    return done.stdout


def save(root: Path, value: str, name: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``save_artifact(<value>, name)`` in a fresh process; ``value`` is Python source."""
    code = "from pathlib import Path; from zenml_cli import save_artifact; "
    return py(root, "-c", code + f"save_artifact({value}, {name!r})", **env)


def load(root: Path, name: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``load_artifact(name)`` in a fresh process (``LOAD``: exit code and message of an error)."""
    return py(root, "-c", LOAD, name, **env)
