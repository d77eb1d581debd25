"""Issue 22: the README says what happens. Its tour and metrics blocks, followed literally in
a fresh project, do what their comments say; its CI jobs are the tested example workflows."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from support.running import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text()
EXAMPLES = REPO_ROOT / "examples" / "github-actions"


def block_after(heading: str, language: str = "bash", index: int = 0) -> str:
    rest = README[README.index(heading) :]
    return re.findall(rf"```{language}\n(.*?)```", rest, re.S)[index]


def commands_with_expectations(text: str) -> list[tuple[str, str | None]]:
    """Each command (continuation lines joined) with the ``#   -> ...`` line after it."""
    steps: list[tuple[str, str | None]] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#   -> "):
            steps[-1] = (steps[-1][0], stripped.removeprefix("#   -> "))
        elif stripped.startswith("#") or not stripped:
            continue
        elif line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
        else:
            steps.append((pending + line, None))
            pending = ""
    return steps


@pytest.mark.slow
def test_the_tour_then_the_metrics_block_do_what_their_comments_say(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZENML_")}
    env |= {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}", "COLUMNS": "200"}
    steps = commands_with_expectations(block_after("## CLI tour"))
    steps += commands_with_expectations(block_after("### Metrics and gates"))
    checked = 0
    for command, expected in steps:
        done = subprocess.run(
            ["bash", "-c", command], cwd=project, env=env, capture_output=True, text=True,
            timeout=60, check=False,
        )  # fmt: skip
        where = f"{command!r}: {done.stderr}"
        if expected is None:
            assert done.returncode == 0, where
            continue
        checked += 1
        code = re.match(r"exit (\d+)", expected)
        assert done.returncode == (int(code.group(1)) if code else 0), where
        quoted = re.search(r'"(.*?)(\.\.\.)?"$', expected)
        if quoted:
            assert quoted.group(1) in done.stderr, where
        elif "on stdout" in expected:
            refusal: dict[str, Any] = json.loads(done.stdout)
            shown_text = expected.split("on stdout ")[1].replace(", ...}", "}")
            shown = json.loads(shown_text.replace("{...}", "null"))
            assert {k: refusal[k] for k in shown if shown[k] is not None} == {
                k: v for k, v in shown.items() if v is not None
            }, where
        else:
            assert expected in done.stderr, where
    assert checked == 4


def without_comments(workflow: Any) -> Any:
    """A workflow with the comment lines of its scripts left out (they do nothing)."""
    if isinstance(workflow, dict):
        return {key: without_comments(value) for key, value in workflow.items()}
    if isinstance(workflow, list):
        return [without_comments(item) for item in workflow]
    if isinstance(workflow, str) and "\n" in workflow:
        return "\n".join(ln for ln in workflow.splitlines() if not ln.lstrip().startswith("#"))
    return workflow


def test_the_readme_ci_jobs_are_the_tested_examples() -> None:
    promote = yaml.safe_load(block_after("## CI jobs to copy", "yaml", 1))
    deploy = yaml.safe_load(block_after("## CI jobs to copy", "yaml", 2))
    for shown, example in ((promote, "train-and-promote.yml"), (deploy, "deploy-on-promotion.yml")):
        tested = yaml.safe_load((EXAMPLES / example).read_text())
        assert without_comments(shown) == without_comments(tested), example


def test_the_readme_pull_request_job_checks_against_main() -> None:
    job = yaml.safe_load(block_after("## CI jobs to copy", "yaml", 0))
    assert job[True]["pull_request"]["paths"] == [".zenml/**"]
    steps = job["jobs"]["check"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    assert steps[-1]["uses"] == "OWNER/zenml-cli@v0.1.0"
    assert steps[-1]["with"]["command"] == "doctor --against origin/main"


def test_the_readme_says_what_each_exit_code_means_for_a_ci_step() -> None:
    table = README[README.index("What an exit code means for a CI step") :]
    codes = re.findall(r"^\| (\d+) \|", table.split("\n\n")[1], re.M)
    assert codes == ["0", "1", "2", "3", "4", "5", "6", "7", "8"]
