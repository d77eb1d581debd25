"""Issue 18 finding 17: a command that fails leaves the store exactly as it was. Every input is
checked before the first write; a multi-step write (rename + fields, rename + promotion) never
lands halfway. Bytes that are not UTF-8 on the command line (``$'\\xff'``) are the probe: they
reach Python as lone surrogates, which no manifest or history line can encode."""

from __future__ import annotations

from pathlib import Path

import pytest

from zenml_cli import Client
from zenml_cli.errors import InvalidInputError

from support.running import run_zenml, snapshot

pytestmark = pytest.mark.slow  # many real processes

BAD = "\udcff"  # what Python makes of the byte 0xff in an argument


@pytest.fixture
def project_with_iris(project: Path, client: Client) -> Path:
    client.create_model("iris", description="flowers")
    client.create_model_version("iris", name="v1")
    client.create_model_version("iris", name="v2")
    client.update_model_version("iris", "v1", stage="staging")
    return project


@pytest.mark.parametrize(
    "args",
    [
        ("model", "update", "iris", "-n", "iris2", "-d", BAD),
        ("model", "update", "iris", "-n", "iris2", "--license", BAD),
        ("model", "update", "iris", "-n", "iris2", "-t", BAD),
        ("model", "update", "iris", "-n", f"iris{BAD}"),
        ("model", "register", "rose", "-d", BAD),
        ("model", "version", "create", "iris", "-d", BAD),
        ("model", "version", "create", "iris", "-t", BAD),
        ("model", "version", "create", "iris", "-M", f"note={BAD}"),
        ("model", "version", "create", "iris", "-M", f"{BAD}=1"),
        ("model", "version", "create", "iris", f"v{BAD}"),
        ("model", "version", "update", "iris", "v2", "-n", "v3", "-d", BAD),
        ("model", "version", "update", "iris", "v2", "-n", "v3", "--stage", "staging", "-m", BAD),
        ("model", "version", "update", "iris", "v2", "-n", "v3", "-M", f"note={BAD}"),
        ("model", "version", "update", "iris", "v2", "--stage", "production", "-t", BAD),
    ],
    ids=lambda args: "-".join(a.replace(BAD, "BAD") for a in args[:4]),
)
def test_17_bad_text_fails_before_any_write(project_with_iris: Path, args: tuple[str, ...]) -> None:
    before = snapshot(project_with_iris)
    done = run_zenml(*args, cwd=project_with_iris)
    assert done.returncode == 5, done.stderr
    assert "not valid UTF-8" in done.stderr
    assert snapshot(project_with_iris) == before


def test_17_sdk_rename_with_bad_text_changes_nothing(project_with_iris: Path) -> None:
    before = snapshot(project_with_iris)
    client = Client(project_with_iris)
    with pytest.raises(InvalidInputError, match="description"):
        client.update_model("iris", name="iris2", description=BAD)
    with pytest.raises(InvalidInputError, match="tag"):
        client.update_model_version("iris", "v2", name="v3", stage="production", add_tags=[BAD])
    assert snapshot(project_with_iris) == before
    assert client.get_model("iris").description == "flowers"


def test_17_rename_with_fields_lands_in_one_step(project_with_iris: Path) -> None:
    done = run_zenml(
        "model", "update", "iris", "-n", "iris2", "-d", "petals", cwd=project_with_iris
    )
    assert done.returncode == 0, done.stderr
    model = Client(project_with_iris).get_model("iris2")
    assert model.description == "petals"
    assert not (project_with_iris / ".zenml" / "models" / "iris").exists()


def test_17_sibling_save_artifact_checks_before_storing_the_payload(project: Path) -> None:
    """Saving an artifact stores its payload first (outside the lock, it may be large): a bad
    tag or a taken version must fail before that, leaving no orphan object in the store."""
    from zenml_cli import save_artifact
    from zenml_cli.errors import ConflictError

    save_artifact([1, 2], name="data", version="v1")
    before = snapshot(project)
    with pytest.raises(InvalidInputError, match="tag"):
        save_artifact([3, 4], name="data", tags=[BAD])
    with pytest.raises(ConflictError, match="already has a version 'v1'"):
        save_artifact([5, 6], name="data", version="v1")
    assert snapshot(project) == before
