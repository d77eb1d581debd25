"""A commit can hold a *folder* of the store as a symbolic link (``models/<m>``, a model's
``versions/``, ``runs/``, ``artifacts/<name>``): ``O_NOFOLLOW`` on each file does not see it,
and every manifest under it would be read from wherever it points (DESIGN section 12). Every
reader refuses it: exit 6 naming the link, listings name it and list the rest, doctor reports
it, writes refuse it, and nothing of the outside folder reaches any output."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import pytest

from zenml_cli import ArtifactConfig, Client, Model, pipeline, save_artifact, step
from zenml_cli.errors import CorruptManifestError

from support.running import run_zenml

#: What the outside copy says in place of the actor: must never appear in any output.
MARKER = "OUTSIDESECRET"


@step
def data() -> Annotated[list[int], ArtifactConfig("dataset")]:
    return [1, 2]


@pipeline(model=Model(name="demo"), enable_cache=False)
def train() -> None:
    data()


@pytest.fixture
def store(sdk_project: Path) -> Path:
    """Model 'demo' (version 1, made by a run that saved artifact 'dataset' 1) and model
    'iris' with a version: the one a listing must still show."""
    train()
    client = Client()
    client.create_model("iris")
    client.create_model_version("iris")
    return sdk_project


def _plant(project: Path, relative: str, outside: Path) -> Path:
    """Move ``.zenml/<relative>`` out of the repository, mark every file of it, and commit
    (as an attacker would) a link in its place; returns the link."""
    link = project / ".zenml" / relative
    shutil.move(link, outside)
    for path in outside.rglob("*"):
        if path.is_file():
            path.write_text(path.read_text().replace("tester", MARKER))
    link.symlink_to(outside, target_is_directory=True)
    return link


#: For each linked place: a reader of one thing, listings, and a write (CLI arguments).
PLACES = {
    "models/demo": {
        "describe": ("model", "describe", "demo"),
        "history": ("model", "version", "history", "demo"),
        "list": ("model", "list"),
        "version list": ("model", "version", "list"),
        "write": ("model", "version", "create", "demo"),
    },
    "models/demo/versions": {
        "describe": ("model", "version", "describe", "demo", "1"),
        "list": ("model", "version", "list"),
        "list one": ("model", "version", "list", "--model", "demo"),
        "write": ("model", "version", "create", "demo"),
    },
    "runs": {
        "describe": ("model", "runs", "demo", "--version", "1"),
    },
    "artifacts/dataset": {
        "describe": ("artifact", "describe", "dataset", "1"),
        "list": ("artifact", "list"),
    },
}
COMMON = {"doctor": ("doctor",), "dashboard": ("dashboard", "build", "--out", "site")}
CASES = [
    pytest.param(place, command, id=f"{place}-{kind}")
    for place, commands in PLACES.items()
    for kind, command in {**commands, **COMMON}.items()
]


@pytest.mark.slow
@pytest.mark.parametrize(("place", "command"), CASES)
def test_a_linked_store_folder_is_never_read(
    store: Path, tmp_path: Path, place: str, command: tuple[str, ...]
) -> None:
    link = _plant(store, place, tmp_path / "outside")
    args = command if command[0] == "dashboard" else (*command, "-o", "json")
    done = run_zenml(*args, cwd=store)
    output = done.stdout + done.stderr
    assert done.returncode == 6, output
    assert str(link) in output and "is a symbolic link" in output
    assert MARKER not in output
    site = store / "site"
    pages = "".join(p.read_text() for p in site.rglob("*") if p.is_file()) if site.exists() else ""
    assert MARKER not in pages


@pytest.mark.slow
@pytest.mark.parametrize("command", [("model", "list"), ("model", "version", "list")])
def test_a_listing_names_the_link_and_lists_the_rest(
    store: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    """As for a model.yaml that cannot be read: the other models are listed, exit 6."""
    link = _plant(store, "models/demo", tmp_path / "outside")
    done = run_zenml(*command, "-o", "json", cwd=store)
    assert done.returncode == 6, done.stderr
    assert '"iris"' in done.stdout and '"demo"' not in done.stdout
    assert done.stderr.count("\n") == 1 and str(link) in done.stderr


@pytest.mark.slow
def test_a_listing_names_a_corrupt_model_and_lists_the_rest(store: Path) -> None:
    """The same for a model.yaml that is not YAML (``model list`` once failed whole)."""
    (store / ".zenml/models/demo/model.yaml").write_text(": : [\n")
    done = run_zenml("model", "list", "-o", "json", cwd=store)
    assert done.returncode == 6 and '"iris"' in done.stdout, done.stderr
    assert "models/demo/model.yaml" in done.stderr


@pytest.mark.parametrize("place", ["models/demo", "models/demo/versions", "models"])
def test_python_listings_raise_naming_the_link(store: Path, tmp_path: Path, place: str) -> None:
    """A Python caller gets the error, never a page with a hole in it."""
    link = _plant(store, place, tmp_path / "outside")
    client = Client()
    for listing in (client.list_models, lambda: client.list_model_versions("iris")):
        if place != "models" and listing is not client.list_models:
            continue  # iris itself is fine
        with pytest.raises(CorruptManifestError, match="symbolic link") as caught:
            listing()
        assert caught.value.path == str(link)
        assert MARKER not in str(caught.value)


@pytest.mark.parametrize("place", ["runs", "artifacts/dataset", "artifacts"])
def test_writes_refuse_a_linked_runs_or_artifacts_folder(
    store: Path, tmp_path: Path, place: str
) -> None:
    outside = tmp_path / "outside"
    _plant(store, place, outside)
    before = sorted(p.relative_to(outside) for p in outside.rglob("*"))
    with pytest.raises(CorruptManifestError, match="symbolic link"):
        if place == "runs":
            train()
        else:
            save_artifact([3], "dataset")
    assert sorted(p.relative_to(outside) for p in outside.rglob("*")) == before


@pytest.mark.parametrize("place", ["models", "runs", "artifacts"])
def test_doctor_names_a_linked_top_folder(store: Path, tmp_path: Path, place: str) -> None:
    link = _plant(store, place, tmp_path / "outside")
    done = run_zenml("doctor", "-o", "json", cwd=store)
    assert done.returncode == 6, done.stdout + done.stderr
    assert str(link) in done.stdout and MARKER not in done.stdout + done.stderr


def test_a_retired_list_linked_elsewhere_is_never_read(store: Path, tmp_path: Path) -> None:
    """``artifacts/<name>/.retired.jsonl`` is read bounded and never through a link."""
    secret = tmp_path / "secret"
    secret.write_text(f'{{"number": 9, "id": "{MARKER}"}}\n')
    (store / ".zenml/artifacts/dataset/.retired.jsonl").symlink_to(secret)
    done = run_zenml("doctor", "-o", "json", cwd=store)
    assert done.returncode == 6 and "symbolic link" in done.stdout, done.stdout + done.stderr
    assert MARKER not in done.stdout + done.stderr
