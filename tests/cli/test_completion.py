"""Shell completion through the shell protocol (issue 14, item 1), in real processes: bash sets
COMP_WORDS/COMP_CWORD, zsh and fish _TYPER_COMPLETE_ARGS, and the program prints candidates."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from zenml_cli import Client

from support.running import REPO_ROOT, run_zenml

pytestmark = pytest.mark.slow  # real shells


@pytest.fixture
def store(project: Path, client: Client) -> Path:
    client.create_model("iris")
    client.create_model("irma")
    client.create_model("wine")
    client.create_model_version("iris")
    client.create_model_version("iris", name="v2")
    return project


def bash(words: str, cwd: Path, prog: str = "zenml", var: str = "_ZENML_COMPLETE") -> list[str]:
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    env = {var: "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    proc = _run(prog, cwd, env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def _run(prog: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "ZENML_PROJECT_DIR"} | env
    exe = Path(sys.executable).with_name(prog)
    return subprocess.run(
        [str(exe)], cwd=cwd, env=full, capture_output=True, text=True, timeout=60, check=False
    )


def test_bash_completes_commands_and_options(store: Path) -> None:
    assert bash("zenml mo", store) == ["model"]
    assert "version" in bash("zenml model ", store)
    assert set(bash("zenml model version ", store)) >= {"create", "list", "update", "history"}
    assert "--stage" in bash("zenml model version update iris 1 --st", store)


def test_bash_completes_model_names_versions_and_stages(store: Path) -> None:
    assert bash("zenml model describe ir", store) == ["iris", "irma"]
    assert bash("zenml model version update ", store) == ["iris", "irma", "wine"]
    refs = bash("zenml model version update iris ", store)
    assert refs[:5] == ["latest", "staging", "production", "archived", "none"]
    assert {"1", "2", "v2"} <= set(refs)
    assert bash("zenml model version update iris 1 --stage p", store) == ["production"]
    assert bash("zenml model version list --stage ", store) == [
        "staging",
        "production",
        "archived",
        "none",
        "latest",
    ]
    assert bash("zenml model version list --model w", store) == ["wine"]
    assert bash("zenml model data_artifacts iris --version v", store) == ["v2"]


def test_completion_honours_project_dir_and_a_missing_store(store: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert bash("zenml model describe ", elsewhere) == []
    assert bash(f"zenml --project-dir {store} model describe w", elsewhere) == ["wine"]


def test_zsh_and_fish_protocols(store: Path) -> None:
    zsh = _run(
        "zenml",
        store,
        {"_ZENML_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "zenml model describe i"},
    )
    assert '"iris"' in zsh.stdout and '"irma"' in zsh.stdout
    fish = _run(
        "zenml",
        store,
        {
            "_ZENML_COMPLETE": "complete_fish",
            "_TYPER_COMPLETE_ARGS": "zenml model describe w",
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        },
    )
    assert fish.stdout.split() == ["wine"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_for_each_shell(store: Path, shell: str) -> None:
    printed = run_zenml("completion", shell, cwd=store)
    assert printed.returncode == 0 and "_ZENML_COMPLETE" in printed.stdout
    # click 8's spelling of the instruction works too (it said "Shell source not supported")
    sourced = _run("zenml", store, {"_ZENML_COMPLETE": f"{shell}_source"})
    assert sourced.returncode == 0 and "_ZENML_COMPLETE" in sourced.stdout
    assert run_zenml("completion", "tcsh", cwd=store).returncode == 2


def test_the_second_console_script_completes_under_its_own_variable(store: Path) -> None:
    assert bash("zenml-cli model describe wi", store, "zenml-cli", "_ZENML_CLI_COMPLETE") == [
        "wine"
    ]
    assert "_ZENML_CLI_COMPLETE" in run_zenml_cli("completion", "bash", cwd=store).stdout


def run_zenml_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("zenml-cli")
    return subprocess.run(
        [str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.slow
def test_completing_a_model_name_among_1000_models(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    from run import bulk_models  # type: ignore[import-not-found]

    from zenml_cli.store import Store

    bulk_models(Store(tmp_path), 1000)
    bash("zenml model describe model-0", tmp_path)  # warm the page cache
    found = bash("zenml model describe model-09", tmp_path)
    assert found == [f"model-09{n:02d}" for n in range(100)]
