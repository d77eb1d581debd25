"""A commit can hold symbolic links, and git checks them out: a store file linked to a secret
elsewhere on the machine (``~/.aws/credentials``, ``/proc/self/environ``) must never be read,
so nothing of it can reach a pull request's CI log, a dashboard or JSON output (DESIGN
section 12). Every store read refuses a link: exit 6 naming the file."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from zenml_cli import Client

from support.running import run_zenml

SECRET = "aws_secret_access_key: TOPSECRETVALUE\n"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "credentials.yaml"
    path.write_text(SECRET)
    return path


def _link(path: Path, target: Path) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to(target)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("relative", "reader"),
    [
        ("models/iris/model.yaml", ("model", "describe", "iris")),
        ("models/iris/versions/2.yaml", ("model", "version", "describe", "iris", "2")),
        ("models/iris/history.jsonl", ("model", "version", "history", "iris")),
    ],
)
@pytest.mark.parametrize("doctor", [True, False])
def test_a_store_file_linked_elsewhere_is_never_read(
    iris: Client, project: Path, secret: Path, relative: str, reader: tuple[str, ...], doctor: bool
) -> None:
    command = ("doctor",) if doctor else reader
    iris.update_model_version("iris", 2, stage="production")
    _link(project / ".zenml" / relative, secret)
    done = run_zenml(*command, "-o", "json", cwd=project, timeout=60)
    assert done.returncode == 6, done.stdout + done.stderr
    assert "TOPSECRETVALUE" not in done.stdout + done.stderr
    assert "symbolic link" in done.stdout + done.stderr


@pytest.mark.slow
def test_a_committed_link_in_a_pull_request_is_refused_in_a_fresh_clone(
    iris: Client, project: Path, secret: Path, tmp_path: Path
) -> None:
    def git(*args: str, cwd: Path = project) -> None:
        subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)

    git("init", "-q")
    version = project / ".zenml" / "models" / "iris" / "versions" / "3.yaml"
    version.unlink()
    version.symlink_to(secret)  # an absolute link, as an attacker would commit
    git("add", "-A")
    git("-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qm", "pr")
    clone = tmp_path / "clone"
    git("clone", "-q", str(project), str(clone), cwd=tmp_path)
    assert (clone / ".zenml/models/iris/versions/3.yaml").is_symlink()
    done = run_zenml("dashboard", "build", "--out", "site", cwd=clone, timeout=60)
    assert done.returncode == 6 and "TOPSECRETVALUE" not in done.stdout + done.stderr
    site = clone / "site"
    pages = "".join(p.read_text() for p in site.rglob("*.html")) if site.exists() else ""
    assert "TOPSECRETVALUE" not in pages
