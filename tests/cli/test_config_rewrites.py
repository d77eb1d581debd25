"""``zenml artifact migrate`` is the one command that rewrites a committed ``config.yaml``: a
refused target leaves the store byte-identical, and a rewrite changes only ``artifact_store``."""

from __future__ import annotations

from pathlib import Path

import pytest

from zenml_cli import Client, save_artifact

from support.running import Cli, snapshot


@pytest.fixture
def saved(project: Path, client: Client) -> Path:
    save_artifact(b"hi", name="b")
    return project


@pytest.mark.parametrize("target", ["", " ", "line\nbreak"])
def test_a_refused_target_leaves_the_store_as_it_was(saved: Path, cli: Cli, target: str) -> None:
    before = snapshot(saved)
    code, _, err = cli("artifact", "migrate", "--to", target)
    assert code == 5, err
    assert "give one line of printable text" in err
    assert snapshot(saved) == before
