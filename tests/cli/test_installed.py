"""The installed package as users meet it: the console script, ``python -m``, the import
surface, and the CI example script, each in a real subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from support.running import REPO_ROOT, run_zenml

pytestmark = pytest.mark.slow  # the installed package in real processes


def test_console_script_registers_promotes_and_lists(project: Path) -> None:
    assert (
        run_zenml(
            "model", "register", "iris", "--license=MIT", "-t", "sklearn", cwd=project
        ).returncode
        == 0
    )
    created = run_zenml("model", "version", "create", "iris", "-o", "json", cwd=project)
    assert created.returncode == 0 and json.loads(created.stdout)["number"] == 1
    promoted = run_zenml("model", "version", "update", "iris", "--stage", "production", cwd=project)
    assert promoted.returncode == 0 and "to production" in promoted.stderr
    listed = run_zenml("model", "version", "list", "--model", "iris", "-o", "json", cwd=project)
    assert json.loads(listed.stdout)["items"][0]["stage"] == "production"
    missing = run_zenml("model", "describe", "nope", cwd=project)
    assert missing.returncode == 3 and missing.stdout == ""
    assert missing.stderr.count("\n") == 1


def test_python_dash_m_is_the_same_command(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "zenml_cli", "model", "list", "-o", "json"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and json.loads(result.stdout)["items"] == []


def test_import_does_not_pull_in_the_cli_stack() -> None:
    code = (
        "import sys, zenml_cli; from zenml_cli import Client, ModelStages; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'rich', 'click'));"
        "print(bad)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def _run_example(script: str, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run examples/<script> with the installed zenml first on PATH, as a CI job would."""
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "ZENML_ACTOR": "ci-bot",
        "GITHUB_RUN_ID": "77",
    }
    env.pop("ZENML_PROJECT_DIR", None)
    return subprocess.run(
        ["bash", str(REPO_ROOT / "examples" / script), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _ci_script(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return _run_example("promote_in_ci.sh", project, *args)


def _metrics(project: Path, name: str, text: str) -> str:
    (project / name).write_text(text)
    return name


def test_promote_in_ci_example_gates_on_the_metric(project: Path) -> None:
    first = _ci_script(project, "iris", _metrics(project, "m1.json", '{"auc": 0.8}'))
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "promoted 1"  # an empty production passes
    worse = _ci_script(project, "iris", _metrics(project, "m2.yaml", "auc: 0.75\nf1: 0.5\n"))
    assert worse.returncode == 0, worse.stderr
    assert worse.stdout.strip() == "kept 1 (2 not better)"
    assert "auc=0.75" in worse.stderr and "auc=0.8" in worse.stderr
    better = _ci_script(project, "iris", _metrics(project, "m3.json", '{"auc": 0.9}'))
    assert better.stdout.strip() == "promoted 3"
    listed = run_zenml("model", "version", "list", "--model", "iris", "-o", "json", cwd=project)
    items = json.loads(listed.stdout)["items"]
    assert [v["stage"] for v in items] == ["archived", "none", "production"]
    assert items[1]["run_metadata"] == {"auc": 0.75, "f1": 0.5, "commit": "local"}
    history = run_zenml("model", "version", "history", "iris", "-o", "json", cwd=project)
    events = json.loads(history.stdout)["items"]
    assert events[-1]["ci_run"] == "GITHUB_RUN_ID=77" and events[-1]["actor"] == "ci-bot"
    assert events[-1]["message"] == "promoted by CI run 77"
    assert events[-1]["gate"] == {
        "key": "auc",
        "direction": "higher",
        "candidate": 0.9,
        "holder": 1,
        "holder_value": 0.8,
    }


def test_promote_in_ci_example_fails_with_the_steps_exit_code(project: Path) -> None:
    metrics = _metrics(project, "m.json", '{"loss": 0.2}')
    no_key = _ci_script(project, "iris", metrics)
    assert no_key.returncode == 5
    assert 'step "gate on auc into production" failed with exit code 5' in no_key.stderr
    lower = _ci_script(project, "iris", metrics, "staging", "loss:lower")
    assert lower.returncode == 0 and lower.stdout.strip() == "promoted 2"
    bad = _ci_script(project, "iris", metrics, "gold")
    assert bad.returncode == 5 and 'step "gate on auc into gold" failed' in bad.stderr
    (project / ".zenml/models/iris/model.yaml").write_text("format: 1\nid: [\n")
    corrupt = _ci_script(project, "iris", metrics)
    assert corrupt.returncode == 6 and 'step "check store" failed' in corrupt.stderr


def test_demo_script_runs(project: Path) -> None:
    result = _run_example("demo.sh", project)
    assert result.returncode == 0, result.stderr
    # the promotion as git shows it: one line of model.yaml, the holder as {number, id}
    changed = [ln for ln in result.stdout.splitlines() if ln[:1] in "+-" and ln[:3] not in "---+++"]
    assert changed[0] == "-  staging: null" and len(changed) == 2
    assert re.fullmatch(r"\+  staging: \{number: 2, id: [0-9a-f-]{36}\}", changed[1])
    assert (
        "gate auc:higher passed: version 2 has auc=0.94; production (version 1) has auc=0.91"
        in result.stderr
    )
    assert not (project / ".zenml").exists()  # the demo works in its own temp folder
    removed = result.stderr.strip().splitlines()[-1]
    assert removed.startswith("Done; the demo folder ")
    assert not Path(removed.split()[4]).exists()  # ... and removes it
    assert len((result.stdout + result.stderr).splitlines()) < 80  # a short story
