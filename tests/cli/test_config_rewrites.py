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


def test_migrate_changes_only_the_artifact_store_line(
    saved: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ZENML_LOCK_TIMEOUT is this process's override, not the project's setting; and what a
    teammate wrote (an int timeout, git settings, one policy switch) stays as written."""
    config = saved / ".zenml" / "config.yaml"
    lines = [
        "format: 1",
        "manifest_format: yaml",
        "lock_timeout: 30",
        "artifact_store: .zenml/artifact_store",
        "policies:",
        "  strict_force: true",
        "git:",
        "  remote: upstream",
        "  push_timeout: 60",
    ]
    config.write_text("".join(f"{line}\n" for line in lines))
    monkeypatch.setenv("ZENML_LOCK_TIMEOUT", "1")
    target = (saved.parent / "shared").as_uri()
    code, _, err = cli("artifact", "migrate", "--to", target)
    assert code == 0, err
    lines[3] = f"artifact_store: {target}"
    assert config.read_text().splitlines() == lines
