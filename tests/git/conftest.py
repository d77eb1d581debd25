"""The remote and the clone most git suites start from (a module may define its own)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.git import clone, make_remote


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """A bare remote whose ``main`` holds a README and an initialised ``.zenml/``."""
    return make_remote(tmp_path)


@pytest.fixture
def mine(remote: Path, tmp_path: Path) -> Path:
    """This machine's clone of ``remote``."""
    return clone(remote, tmp_path / "mine")
