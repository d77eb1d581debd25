"""The ZenML compatibility suite: cases ported from ZenML's public tests and docs of the
Model Control Plane, with ``zenml`` renamed ``zenml_cli`` and a fresh project folder in place
of ZenML's server fixtures. What each case asserts is what ZenML asserts."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def fresh_project(sdk_project: Path) -> Path:
    """Every case runs in its own new project folder (the SDK tests' fixture)."""
    return sdk_project
