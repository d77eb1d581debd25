"""The ZenML compatibility suite: cases ported from ZenML's public tests and docs of the
Model Control Plane, with ``zenml`` renamed ``zenml_cli`` and a fresh project folder in place
of ZenML's server fixtures. What each case asserts is what ZenML asserts."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def fresh_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    monkeypatch.setenv("ZENML_PROJECT_DIR", str(root))
    monkeypatch.setenv("ZENML_ACTOR", "tester")
    monkeypatch.delenv("ZENML_LOCK_TIMEOUT", raising=False)
    return root
