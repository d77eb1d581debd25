"""An incremental ``dashboard build`` (issue 21.3): a rebuild draws again only the models whose
files or pages changed, and its site is byte for byte the one a cold build writes into an
empty folder, after every kind of change."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from zenml_cli import Client, Model
from zenml_cli.dashboard import incremental, paths
from zenml_cli.dashboard.data import ModelDetail, Reader
from zenml_cli.dashboard.site import BuildResult, build_site

from support.dashboard import ODD_MODEL, showcase, site_bytes


@pytest.fixture
def shown(client: Client, monkeypatch: pytest.MonkeyPatch) -> Client:
    showcase(client)
    # The store was written a moment ago, and fingerprints of files that young are never
    # kept; read "now" as a minute later, as if the build ran after the writes settled.
    monkeypatch.setattr(incremental, "now_ns", lambda: time.time_ns() + 60_000_000_000)
    return client


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the models each build reads and draws (the rest it kept)."""
    names: list[str] = []
    original = Reader.model

    def counting(self: Reader, name: str) -> ModelDetail:
        names.append(name)
        return original(self, name)

    monkeypatch.setattr(Reader, "model", counting)
    return names


def build(client: Client, out: Path) -> BuildResult:
    return build_site(Reader(client.registry), out)


def same_as_cold(client: Client, project: Path, site: Path) -> None:
    """The incremental site equals a build into an empty folder (no state for it)."""
    cold = project / f"cold-{time.time_ns()}"
    build(client, cold)
    assert site_bytes(site) == site_bytes(cold)


def test_an_unchanged_store_is_not_read_again(
    shown: Client, project: Path, drawn: list[str]
) -> None:
    site = project / "site"
    first = build(shown, site)
    assert sorted(drawn) == sorted(["iris", "demo", ODD_MODEL])
    drawn.clear()
    again = build(shown, site)
    assert drawn == [] and again.written == 0
    assert (again.pages, again.models, again.versions) == (first.pages, first.models, 10)
    same_as_cold(shown, project, site)


def change_new_version(client: Client) -> tuple[str, str, str]:
    client.create_model_version("demo", name="fresh-one")
    return "demo", paths.version_page("demo", 3), "fresh-one"


def change_promotion(client: Client) -> tuple[str, str, str]:
    client.update_model_version("iris", 6, stage="staging", force=True)
    return "iris", paths.model_page("iris"), 'href="6.html">version 6</a>'


def change_metadata(client: Client) -> tuple[str, str, str]:
    Model(name="iris", version=3).log_metadata({"notes": "edited by hand later"})
    return "iris", paths.version_page("iris", 3), "edited by hand later"


CHANGES: dict[str, Callable[[Client], tuple[str, str, str]]] = {
    "new version": change_new_version,
    "promotion": change_promotion,
    "metadata edit": change_metadata,
}


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_a_change_shows_on_its_pages_and_only_its_model_is_drawn(
    kind: str, shown: Client, project: Path, drawn: list[str]
) -> None:
    site = project / "site"
    build(shown, site)
    before = site_bytes(site)
    model, page, text = CHANGES[kind](shown)
    drawn.clear()
    result = build(shown, site)
    assert drawn == [model]
    assert text in (site / page).read_text() and text not in before.get(page, b"").decode()
    assert result.written >= 1
    same_as_cold(shown, project, site)


def test_a_deleted_model_loses_its_pages(shown: Client, project: Path, drawn: list[str]) -> None:
    site = project / "site"
    build(shown, site)
    folder = (site / paths.model_page("demo")).parent
    assert folder.is_dir()
    shown.delete_model("demo")
    drawn.clear()
    result = build(shown, site)
    assert drawn == [] and result.removed == 3 and not folder.exists()
    assert "demo" not in (site / paths.INDEX).read_text()
    same_as_cold(shown, project, site)


def test_a_renamed_model_moves_its_pages(shown: Client, project: Path, drawn: list[str]) -> None:
    site = project / "site"
    build(shown, site)
    shown.update_model("demo", name="demo-renamed")
    drawn.clear()
    result = build(shown, site)
    assert drawn == ["demo-renamed"] and result.removed == 3
    assert not (site / paths.model_page("demo")).exists()
    assert (site / paths.version_page("demo-renamed", 2)).is_file()
    assert "demo-renamed" in (site / paths.INDEX).read_text()
    same_as_cold(shown, project, site)


def test_a_page_edited_or_deleted_in_the_site_is_drawn_again(
    shown: Client, project: Path, drawn: list[str]
) -> None:
    site = project / "site"
    build(shown, site)
    edited, gone = site / paths.version_page("iris", 2), site / paths.version_page("demo", 1)
    edited.write_text("tampered")
    gone.unlink()
    drawn.clear()
    result = build(shown, site)
    assert sorted(drawn) == ["demo", "iris"] and result.written == 2
    same_as_cold(shown, project, site)


def test_a_same_size_edit_in_place_of_a_manifest_is_seen(
    shown: Client, project: Path, drawn: list[str]
) -> None:
    site = project / "site"
    build(shown, site)
    manifest = project / ".zenml" / "models" / "iris" / "versions" / "4.yaml"
    text = manifest.read_text()
    assert "notes: run 4" in text
    with manifest.open("r+") as handle:  # same inode, same size: only ctime tells
        handle.write(text.replace("notes: run 4", "notes: run X"))
    drawn.clear()
    build(shown, site)
    assert drawn == ["iris"]
    assert "run X" in (site / paths.version_page("iris", 4)).read_text()
    same_as_cold(shown, project, site)


def test_a_fingerprint_of_files_written_moments_ago_is_not_kept(
    client: Client, project: Path, drawn: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file changed within the racy window could change again unseen in the same
    timestamp tick, so its model is drawn again. (The clock is set back rather than left
    real, so a slow machine cannot make the store look settled.)"""
    monkeypatch.setattr(incremental, "now_ns", lambda: time.time_ns() - 30_000_000_000)
    showcase(client)
    site = project / "site"
    build(client, site)
    drawn.clear()
    assert build(client, site).written == 0
    assert sorted(drawn) == sorted(["iris", "demo", ODD_MODEL])


def test_a_corrupt_state_is_ignored(shown: Client, project: Path, drawn: list[str]) -> None:
    site = project / "site"
    build(shown, site)
    states = list((project / ".zenml" / ".cache" / "dashboard").iterdir())
    assert len(states) == 1
    states[0].write_bytes(states[0].read_bytes()[:-7] + b"garbage")
    drawn.clear()
    assert build(shown, site).written == 0
    assert len(drawn) == 3
