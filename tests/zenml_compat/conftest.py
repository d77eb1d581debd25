"""The ZenML compatibility suite: cases ported from ZenML's public tests and docs of the
Model Control Plane, with ``zenml`` renamed ``zenml_cli`` and a fresh project folder in place
of ZenML's server fixtures. What each case asserts is what ZenML asserts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sdk_support import sdk_project  # noqa: F401 - a fixture this one builds on


@pytest.fixture(autouse=True)
def fresh_project(sdk_project: Path) -> Path:  # noqa: F811 - the imported fixture
    """Every case runs in its own new project folder (the SDK tests' fixture)."""
    return sdk_project
