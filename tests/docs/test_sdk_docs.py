"""The README's Python quick tour runs as written, in a fresh project."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support.paths import REPO_ROOT
from support.sdk import run_in_project, zenml_json

pytestmark = pytest.mark.slow  # the README's tour in a real process

README = REPO_ROOT / "README.md"


def test_python_tour_runs(tmp_path: Path) -> None:
    text = README.read_text()
    tour = text[text.index("## Python quick tour") : text.index("## Where this differs")]
    blocks = re.findall(r"```python\n(.*?)```", tour, re.S)
    assert len(blocks) >= 3
    root = tmp_path / "project"
    root.mkdir()
    script = tmp_path / "tour.py"
    script.write_text("\n".join(blocks))
    # ZENML_PROJECT_DIR names the folder, so it must hold a store (issue 20 item 12)
    assert run_in_project(root, "-m", "zenml_cli", "init", timeout=60).returncode == 0
    result = run_in_project(root, str(script), timeout=120)
    assert result.returncode == 0, result.stderr
    versions = zenml_json(root, "model", "version", "list", "demo")["items"]
    assert [(v["number"], v["stage"]) for v in versions] == [(1, "archived"), (2, "staging")]
    model_artifacts = zenml_json(root, "model", "model_artifacts", "demo", "--version", "1")[
        "items"
    ]
    assert [a["name"] for a in model_artifacts] == ["trained_model"]
