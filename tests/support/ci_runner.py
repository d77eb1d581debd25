"""Run a copied CI file's steps here, as the CI service would, with real processes.

GitHub Actions: each ``run:`` step is a bash script (``bash -eo pipefail`` when the shell is
``bash``, as GitHub does; plain ``bash -e`` otherwise) with fresh ``GITHUB_OUTPUT`` files and
one ``GITHUB_STEP_SUMMARY``; ``${{ ... }}`` expressions are filled in from the run's context.
``uses: actions/checkout`` clones the remote (unless the workspace exists: a checkout made
earlier, now stale); ``actions/setup-python`` is the runner's fresh virtual environment,
already first on ``PATH``; ``uses: OWNER/zenml-cli@REF`` runs this repository's composite
``action.yml`` from ``source`` (a copy of it, as GitHub checks out an action), steps and
outputs. GitLab CI: ``before_script`` and ``script`` lines in one ``bash -eo pipefail``, as
GitLab's runner does, in a detached checkout. Nothing of this repository is on the runner
but the action's copy; the job's stdout and stderr are kept as its log.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from support.paths import REPO_ROOT

EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")
VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
#: What a step may say and be run faithfully here (no ``if:``, no ``continue-on-error:``).
KNOWN_STEP_KEYS = frozenset({"name", "id", "uses", "with", "run", "env", "shell"})


@dataclass
class Runner:
    """One CI machine: its Python (a fresh venv's bin), its temp folder, its environment."""

    bin_dir: Path
    source: Path  # the action's checkout (a copy of this repository's shipped files)

    def env(self, extra: dict[str, str]) -> dict[str, str]:
        base = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("ZENML_", "GITHUB_", "CI_", "VIRTUAL_ENV", "PYTHON"))
        }
        base["PATH"] = f"{self.bin_dir}{os.pathsep}{base.get('PATH', '')}"
        return {**base, **extra}


@dataclass
class JobResult:
    code: int = 0
    failed_step: str | None = None
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    log: str = ""
    summary: str = ""


def parse_outputs(path: Path) -> dict[str, str]:
    """``$GITHUB_OUTPUT``: ``name=value`` lines and ``name<<DELIMITER`` blocks."""
    values: dict[str, str] = {}
    lines = path.read_text().splitlines() if path.exists() else []
    index = 0
    while index < len(lines):
        line = lines[index]
        if "<<" in line and "=" not in line.split("<<")[0]:
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, index + 1)
            values[name] = "\n".join(lines[index + 1 : end])
            index = end + 1
        else:
            name, value = line.split("=", 1)
            values[name] = value
            index += 1
    return values


def _lookup(context: dict[str, Any], path: str) -> Any:
    value: Any = context
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return ""
        value = value[part]
    return value


def expand(text: str, context: dict[str, Any]) -> str:
    """Fill ``${{ a.b.c }}`` and ``${{ a || b }}`` (GitHub: a missing value is empty)."""

    def one(match: re.Match[str]) -> str:
        for alternative in match.group(1).split("||"):
            value = _lookup(context, alternative.strip())
            if value:
                return str(value)
        return ""

    return EXPRESSION.sub(one, text)


def _bash(script: str, cwd: Path, env: dict[str, str], pipefail: bool) -> tuple[int, str]:
    flags = ["--noprofile", "--norc", "-eo", "pipefail"] if pipefail else ["-e"]
    done = subprocess.run(
        ["bash", *flags, "-c", script], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip
    return done.returncode, done.stdout + done.stderr


def run_github_job(
    workflow_file: Path,
    job: str,
    *,
    runner: Runner,
    remote: Path,
    workspace: Path,
    sha: str,
    run_id: str,
) -> JobResult:
    """Run one job of a copied workflow, step by step; stop at the first failing step."""
    workflow = yaml.safe_load(workflow_file.read_text())
    spec = workflow["jobs"][job]
    shell = workflow.get("defaults", {}).get("run", {}).get("shell")
    temp = workspace.parent / f"{workspace.name}-runner-temp"
    temp.mkdir(exist_ok=True)
    summary = temp / "step_summary.md"
    summary.touch()
    github = {"sha": sha, "run_id": run_id, "token": "", "actor": "ci-bot"}
    context: dict[str, Any] = {"github": github, "secrets": {}, "steps": {}, "env": {}}
    base = {
        "GITHUB_SHA": sha,
        "GITHUB_RUN_ID": run_id,
        "GITHUB_ACTOR": "ci-bot",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(temp),
        "CI": "true",
    }
    for scope in (workflow.get("env", {}), spec.get("env", {})):
        base |= {key: expand(str(value), context) for key, value in scope.items()}
    result = JobResult()
    for index, step in enumerate(spec["steps"]):
        unknown = set(step) - KNOWN_STEP_KEYS
        assert not unknown, f"step {index} has {unknown}, which this emulator does not honour"
        name = step.get("name") or step.get("uses") or step.get("run", "")[:40]
        env = base | {k: expand(str(v), context) for k, v in step.get("env", {}).items()}
        uses = step.get("uses", "")
        if uses.startswith("actions/checkout@"):
            if not workspace.exists():
                _git(remote.parent, "clone", "-q", str(remote), str(workspace))
            continue
        if uses.startswith(("actions/setup-python@", "actions/deploy-pages@")):
            continue
        if uses.startswith("actions/upload-pages-artifact@"):
            path = workspace / expand(step["with"]["path"], context)
            code, log = (0, "") if (path / "index.html").exists() else (1, f"no {path}")
            outputs: dict[str, str] = {}
        elif re.fullmatch(r"[\w.-]+/zenml-cli@[\w.-]+", uses):
            inputs = {k: expand(str(v), context) for k, v in step.get("with", {}).items()}
            code, log, outputs = _run_action(runner, inputs, env, workspace, github)
        elif uses:
            raise AssertionError(f"step {index} uses {uses!r}, which this emulator does not know")
        else:
            output_file = temp / f"output-{index}"
            output_file.touch()
            script = expand(step["run"], context)
            code, log = _bash(
                script, workspace, runner.env(env | {"GITHUB_OUTPUT": str(output_file)}),
                pipefail=(step.get("shell") or shell) == "bash",
            )  # fmt: skip
            outputs = parse_outputs(output_file)
        result.log += f"--- {name}\n{log}"
        if step.get("id"):
            context["steps"][step["id"]] = {"outputs": outputs}
            result.outputs[step["id"]] = outputs
        if code != 0:
            result.code, result.failed_step = code, name
            break
    result.summary = summary.read_text()
    return result


def _run_action(
    runner: Runner,
    inputs: dict[str, str],
    env: dict[str, str],
    workspace: Path,
    github: dict[str, str],
) -> tuple[int, str, dict[str, str]]:
    """This repository's composite action, as GitHub runs it from its checkout."""
    action = yaml.safe_load((runner.source / "action.yml").read_text())
    given = {
        name: inputs.get(name, str(spec.get("default", "")))
        for name, spec in action.get("inputs", {}).items()
    }
    missing = [n for n, s in action["inputs"].items() if s.get("required") and not given[n]]
    assert not missing, f"the action needs {missing}"
    assert set(inputs) <= set(given), f"unknown inputs {set(inputs) - set(given)}"
    context: dict[str, Any] = {
        "inputs": given,
        "github": {**github, "action_path": str(runner.source)},
        "steps": {},
    }
    log = ""
    for index, step in enumerate(action["runs"]["steps"]):
        output_file = workspace.parent / f"{workspace.name}-action-output-{index}"
        output_file.write_text("")
        step_env = env | {k: expand(str(v), context) for k, v in step.get("env", {}).items()}
        cwd = workspace / expand(step.get("working-directory", "."), context)
        code, text = _bash(
            expand(step["run"], context), cwd,
            runner.env(step_env | {"GITHUB_OUTPUT": str(output_file)}),
            pipefail=step.get("shell") == "bash",
        )  # fmt: skip
        log += text
        if step.get("id"):
            context["steps"][step["id"]] = {"outputs": parse_outputs(output_file)}
        if code != 0:
            break
    outputs = {
        name: expand(str(spec["value"]), context) for name, spec in action["outputs"].items()
    }
    return code, log, outputs


def run_gitlab_job(
    ci_file: Path,
    job: str,
    *,
    runner: Runner,
    remote: Path,
    workspace: Path,
    variables: dict[str, str],
) -> JobResult:
    """One job of a copied ``.gitlab-ci.yml``: a detached checkout of ``CI_COMMIT_SHA``, then
    ``before_script`` and ``script`` in one ``bash -eo pipefail``, variables expanded."""
    pipeline = yaml.safe_load(ci_file.read_text())
    spec = pipeline[job]
    if not workspace.exists():
        _git(remote.parent, "clone", "-q", str(remote), str(workspace))
    _git(workspace, "checkout", "-q", "--detach", variables["CI_COMMIT_SHA"])
    env = dict(variables)
    for key, value in pipeline.get("variables", {}).items():
        if key not in env:  # a variable set for the pipeline wins, as in GitLab
            env[key] = VARIABLE.sub(lambda m: env.get(m.group(1), ""), str(value))
    before = spec.get("before_script", pipeline.get("default", {}).get("before_script", []))
    script = "\n".join([*before, *spec["script"]])
    code, log = _bash(script, workspace, runner.env(env), pipefail=True)
    return JobResult(code=code, failed_step=None if code == 0 else job, log=log)


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=120)


def run_action_script(project: Path, command: str, tmp_path: Path) -> tuple[int, Path, str]:
    """The action's ``action/run.py`` on ``command`` in ``project``, as a GitHub step runs it:
    ``(exit code, the $GITHUB_OUTPUT file it wrote, stderr)``."""
    output = tmp_path / "github_output"
    output.write_text("")
    env = {k: v for k, v in os.environ.items() if k != "ZENML_PROJECT_DIR"}
    env |= {"INPUT_COMMAND": command, "GITHUB_OUTPUT": str(output), "ZENML_ACTOR": "ci"}
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / "action" / "run.py")],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return proc.returncode, output, proc.stderr
