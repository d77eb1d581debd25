"""Import costs are part of the contract (DESIGN.md section 6): each check runs in a fresh
interpreter and inspects ``sys.modules`` after the command, so nothing here is timed.

- ``import zenml_cli`` imports neither typer nor rich (pipeline code pays for what it uses);
- read-only commands never import filelock (only a write takes a lock), and a write imports
  it only when its lock file is new or held;
- the CLI never imports rich: not for tables (drawn by ``cli/render.py``), ``-o json`` or help.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from zenml_cli.core import models, versions
from zenml_cli.store import Store

pytestmark = pytest.mark.slow  # fresh interpreters

PROBE = """
import json, sys
argv = json.loads(sys.argv[1])
if argv is None:
    import zenml_cli
    code = 0
else:
    from zenml_cli.cli.app import main
    sys.argv = ["zenml", *argv]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
watched = ("typer", "rich", "filelock", "yaml", "click")
print(json.dumps({"code": code, "loaded": [m for m in watched if m in sys.modules],
                  "modules": sorted(sys.modules)}))
"""


def loaded_after(argv: list[str] | None, project: Path, *, every: bool = False) -> set[str]:
    """Top-level packages among typer/rich/filelock/yaml/click loaded after running ``argv``
    (``every``: the names of all modules loaded)."""
    env = dict(os.environ, ZENML_PROJECT_DIR=str(project), ZENML_ACTOR="tester")
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(argv)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    return set(report["modules" if every else "loaded"])


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("imports")
    os.environ.setdefault("ZENML_ACTOR", "tester")
    store = Store(root)
    models.create_model(store, "iris")
    for _ in range(3):
        versions.create_version(store, "iris")
    versions.update_version(store, "iris", 2, stage="production")
    return root


def test_import_zenml_cli_imports_neither_typer_nor_rich(project: Path) -> None:
    loaded = loaded_after(None, project)
    assert "typer" not in loaded
    assert "rich" not in loaded
    assert "click" not in loaded
    assert "filelock" not in loaded


READ_ONLY = [
    ["model", "list", "-o", "json"],
    ["model", "describe", "iris", "-o", "json"],
    ["model", "version", "list", "--model", "iris", "-o", "json"],
    ["model", "version", "list", "iris", "-o", "csv"],
    ["model", "version", "describe", "iris", "latest", "-o", "json"],
    ["model", "version", "describe", "iris", "production", "-o", "yaml"],
    ["model", "version", "history", "iris", "-o", "json"],
    ["doctor", "-o", "json"],
    ["--help"],
    ["model", "version", "list", "--help"],
]


@pytest.mark.parametrize("argv", READ_ONLY, ids=" ".join)
def test_read_only_commands_import_neither_filelock_nor_rich(
    argv: list[str], project: Path
) -> None:
    loaded = loaded_after(argv, project)
    assert "filelock" not in loaded
    assert "rich" not in loaded


def test_table_output_does_not_import_rich(project: Path) -> None:
    # Tables are drawn by cli/render.py itself: a 1,000-row table no longer costs rich's ~500 ms.
    assert "rich" not in loaded_after(["model", "list"], project)


def test_listing_models_loads_neither_versions_nor_history(project: Path) -> None:
    # Every module is ~1 ms of a command that costs ~1.5x ``import typer`` (issue 21.5).
    loaded = loaded_after(["model", "list", "-o", "json"], project, every=True)
    assert "zenml_cli.core.model_records" in loaded  # (the probe sees our modules)
    assert "zenml_cli.core.version_records" not in loaded
    assert "zenml_cli.core.history" not in loaded
    assert "zenml_cli.core.keywords" not in loaded  # typed dicts: for the type checker only


def test_listing_versions_loads_none_of_the_update_path(project: Path) -> None:
    # Listing reads through core/version_reads; core/versions (updates), the history, the
    # stage policies and the gates cost ~6 ms of a listing and are for writes (issue 21).
    loaded = loaded_after(["model", "version", "list", "iris", "-o", "json"], project, every=True)
    assert "zenml_cli.core.version_listing" in loaded  # (the probe saw the listing)
    for module in ("versions", "history", "stages.policies", "stages.gates"):
        assert f"zenml_cli.core.{module}" not in loaded
    assert "zenml_cli.core.keywords" not in loaded
    register = loaded_after(["model", "register", "wine", "--license", "MIT"], project, every=True)
    assert "zenml_cli.core.keywords" not in register


def test_a_command_imports_only_its_own_family_of_commands(project: Path) -> None:
    # cli/app.mount: importing and building a family's commands cost ~3.5 ms of `model list`.
    loaded = loaded_after(["model", "list", "-o", "json"], project, every=True)
    families = {m for m in loaded if m.startswith("zenml_cli.cli.commands.")}
    assert families == {"zenml_cli.cli.commands.model"}
    loaded = loaded_after(["model", "version", "list", "iris", "-o", "json"], project, every=True)
    assert "zenml_cli.cli.commands.version" in loaded
    assert "zenml_cli.cli.commands.artifact" not in loaded
    assert "zenml_cli.cli.commands.git" not in loaded
    loaded = loaded_after(["--help"], project, every=True)
    assert {"zenml_cli.cli.commands.git", "zenml_cli.cli.commands.version"} <= loaded


def test_an_uncontended_write_does_not_import_filelock(project: Path) -> None:
    # The model's lock file exists and is free: one flock (store/locks.py); filelock is
    # imported only to create a lock file, wait for a held lock or fall back (issue 21).
    argv = ["model", "version", "update", "iris", "3", "--stage", "staging", "-o", "json"]
    loaded = loaded_after(argv, project)
    assert "filelock" not in loaded
    assert "yaml" not in loaded  # plain manifests: store/plain_yaml.py reads and writes them
    assert "filelock" not in loaded_after(["model", "version", "create", "iris"], project)


def test_a_room_of_a_package_does_not_load_the_package_facade() -> None:
    """``core/artifacts/__init__.py`` re-exports saving, reading and the doctor's checks
    lazily: a step output needs only the artifact-type rule (``core/artifacts/types``, asked
    through the registry's rules), not the rest of the package."""
    probe = (
        "import sys, json; import zenml_cli.pipelines.outputs; "
        "from zenml_cli.registry.rules import RulesDoor; "
        "RulesDoor.artifact_type(None, is_model_artifact=True); "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('zenml_cli.core.'))))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = set(json.loads(proc.stdout))
    assert "zenml_cli.core.artifacts.types" in loaded
    assert loaded.isdisjoint(
        {
            "zenml_cli.core.artifacts.saves",
            "zenml_cli.core.artifacts.migrate",
            "zenml_cli.core.doctor.artifacts",
        }
    )
