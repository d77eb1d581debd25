"""The one family of fixtures: every test gets its own project folder and never touches the
real cwd or home. Helpers that are not fixtures live in ``tests/support/``. A module (or a
test) that drives real processes, git remotes, servers or a browser is marked
``pytest.mark.slow`` where it is written, so ``pytest -m "not slow"`` is the fast loop."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zenml_cli import Client
from zenml_cli.core.actor import CI_USER_VARIABLES
from zenml_cli.store import Store

from support.running import Cli


@pytest.fixture(autouse=True)
def _no_fsync() -> Iterator[None]:
    """In-process writes skip fsync (``atomic.unsynced``): it guards against a power cut, which
    no test survives, and on a busy disk it was half the fast loop's time. Writes stay atomic
    (temp file + rename); tests that run the installed zenml in a process fsync as users do."""
    from zenml_cli.store.atomic import unsynced

    with unsynced():
        yield


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may inherit a project dir, CI run id or lock timeout from the developer's shell."""
    for variable in (
        "ZENML_PROJECT_DIR",
        "ZENML_LOCK_TIMEOUT",
        "GITHUB_RUN_ID",
        "CI_PIPELINE_ID",
        "BUILDKITE_BUILD_ID",
        "CIRCLE_WORKFLOW_ID",
        "BUILD_BUILDID",
        "BUILD_TAG",
        "GIT_AUTHOR_NAME",
        "ZENML_PUSH",
        "ZENML_GIT_REMOTE",
        "ZENML_GIT_BRANCH",
        "ZENML_GIT_RETRIES",
        "ZENML_GIT_PUSH_TIMEOUT",
        "ZENML_GIT_REVIEW_BRANCH",
        "ZENML_GIT_PUSH_OPTIONS",
        "ZENML_GIT_QUEUE",
        *CI_USER_VARIABLES,
    ):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("ZENML_ACTOR", "tester")
    # Every pushed write, in process or in a child, is also staged the general way
    # (git add -A) and fails on a difference: a store write that is not noted is a bug.
    monkeypatch.setenv("ZENML_CHECK_STAGE", "1")


@pytest.fixture
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Git without the developer's configuration, and editors that accept git's message
    (rebase --continue, merges). Suites with real git use it via ``usefixtures``."""
    from support.git import isolated_git_env

    for key, value in isolated_git_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GIT_EDITOR", "true")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A store in ``tmp_path`` with one model 'M' and no versions, for tests of the core and
    store below the registry (a module may override it, asking for this one by name)."""
    from zenml_cli.core import models

    made = Store(tmp_path)
    models.create_model(made, "M")
    return made


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder, made the current directory."""
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def client(project: Path) -> Client:
    """A client of the project, initialised first (as ``zenml init`` would): an explicit
    project folder without a store is refused."""
    from zenml_cli.registry import Registry

    Registry(project, require_store=False).init()
    return Client(project)


@pytest.fixture
def iris(client: Client) -> Client:
    """A model 'iris' with versions 1, 2 ('v2') and 3."""
    client.create_model("iris", license="MIT", tags=["sklearn"])
    client.create_model_version("iris")
    client.create_model_version("iris", name="v2")
    client.create_model_version("iris")
    return client


@pytest.fixture
def cli(project: Path) -> Cli:
    return Cli(project)


@pytest.fixture
def sdk_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An initialised project folder for the SDK suites, made the current directory and
    ``ZENML_PROJECT_DIR`` (subprocesses get the same isolation from ``support.sdk``)."""
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    monkeypatch.setenv("ZENML_PROJECT_DIR", str(root))
    monkeypatch.setenv("ZENML_ACTOR", "tester")
    monkeypatch.delenv("ZENML_LOCK_TIMEOUT", raising=False)
    from zenml_cli.registry import Registry

    Registry(root, require_store=False).init()  # an explicit project dir must hold a store
    return root


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium, one per module of browser tests (skips where it is missing)."""
    from support.browser import headless_chromium

    with headless_chromium() as driver:
        yield driver


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on a free port of 127.0.0.1; fails loudly if it does not answer."""
    from moto.server import ThreadedMotoServer

    from support.payload_stores import free_port

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        socket.create_connection((host, port), timeout=10).close()
    except OSError as exc:
        server.stop()
        pytest.fail(f"the S3 test server did not start on {host}:{port}: {exc}")
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, object]]:
    """A fresh bucket: (its s3:// URL with a prefix, an s3fs client)."""
    import s3fs

    from support.payload_stores import S3_ENV

    for key, value in {**S3_ENV, "AWS_ENDPOINT_URL": s3_endpoint}.items():
        monkeypatch.setenv(key, value)
    fs = s3fs.S3FileSystem(skip_instance_cache=True)
    bucket = f"zenml-{uuid.uuid4().hex[:12]}"
    fs.mkdir(bucket)
    yield f"s3://{bucket}/team/zenml", fs
