"""Shell completion of names a commit chose (issue 18, finding 4; DESIGN section 12): pressing
Tab never runs anything, in real zsh and fish (through a pseudo-terminal, as a person types)
and real bash; names doctor would reject are not offered; odd but valid names complete to
themselves (Tab inserts the name, Enter runs ``describe``, which shows that exact name).
``.ci/run`` installs zsh and fish; where one is missing its tests skip and say so."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zenml_cli import Client

pytestmark = pytest.mark.slow  # real shells

ZSH = shutil.which("zsh")
FISH = shutil.which("fish")
BASH = shutil.which("bash")
#: How each interactive shell starts without the user's configuration, and loads zenml's
#: completion (zsh needs its completion system first).
SHELLS = {
    "zsh": (
        [str(ZSH), "-f", "-i"],
        'autoload -U compinit; compinit -u -D; eval "$(zenml completion zsh)"\n',
    ),
    "fish": ([str(FISH), "--no-config", "-i"], "zenml completion fish | source\r"),
}
needs_shell = pytest.mark.parametrize(
    "shell",
    [
        pytest.param(
            name,
            marks=pytest.mark.skipif(
                shutil.which(name) is None,
                reason=f"{name} is not installed (apt-get install {name}; .ci/run does)",
            ),
        )
        for name in SHELLS
    ],
)
BIN = str(Path(sys.executable).parent)
#: Committed by hand (the CLI refuses them): each ran ``touch X`` on Tab in zsh before.
HOSTILE_NAMES = ("a\\", "<(touch X)", "c\\")
#: Valid names (the CLI accepts them) full of shell syntax, each with a unique first letter.
ODD_NAMES = ("$(touch Y1)", "q'; touch Y2; '", "r  b`touch Y3`", "!x{a,b}~#=ls ü")


def commit_version_names(project: Path, names: dict[int, str]) -> None:
    """Write names into version manifests as a commit from a teammate could."""
    versions = project / ".zenml" / "models" / "iris" / "versions"
    for number, name in names.items():
        path = versions / f"{number}.yaml"
        line = f"name: {json.dumps(name)}"
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"^name: .*$", line.replace("\\", "\\\\"), text, flags=re.M))
    shutil.rmtree(project / ".zenml" / ".cache", ignore_errors=True)


def shell_session(shell: str, cwd: Path, keys: list[str], wait: float = 2.5) -> str:
    """Type ``keys`` into an interactive ``shell`` with zenml's completion; the screen."""
    argv, setup = SHELLS[shell]
    pid, fd = pty.fork()
    if pid == 0:  # the child: an interactive shell on the pseudo-terminal
        os.chdir(cwd)
        env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "TERM": "xterm"}
        env["HOME"] = str(cwd)
        os.execve(argv[0], argv, env)
    screen = b""
    try:
        for key in [setup, *keys]:
            os.write(fd, key.encode())
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                if select.select([fd], [], [], 0.1)[0]:
                    try:
                        screen += os.read(fd, 65536)
                    except OSError:
                        break
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    return screen.decode("utf-8", "replace")


@pytest.fixture
def iris_with(client: Client, project: Path) -> Client:
    client.create_model("iris")
    for _ in HOSTILE_NAMES:
        client.create_model_version("iris")
    return client


@pytest.mark.slow
@needs_shell
def test_tab_on_committed_names_runs_nothing(iris_with: Client, project: Path, shell: str) -> None:
    commit_version_names(project, dict(enumerate(HOSTILE_NAMES, start=1)))
    screen = shell_session(shell, project, ["zenml model version describe iris \t", "\t"])
    assert not (project / "X").exists(), screen
    offered = screen.split("describe iris", 1)[1]
    assert "production" in offered  # the completion did run
    assert "touch" not in offered and "a\\" not in offered  # and offered none of them


@pytest.mark.slow
@needs_shell
def test_odd_valid_names_complete_to_themselves(client: Client, project: Path, shell: str) -> None:
    client.create_model("iris")
    for name in ODD_NAMES:
        client.create_model_version("iris", name=name)
    keys = []
    enter = "\n" if shell == "zsh" else "\r"
    for typed in ("q", "r", "\\$", "\\!" if shell == "zsh" else "!"):
        keys += [f"zenml model version describe iris -o json {typed}\t", enter]
    screen = shell_session(shell, project, keys)
    shown = re.findall(r'"name": "((?:[^"\\]|\\.)*)"', screen)
    assert sorted(json.loads(f'"{name}"') for name in shown) == sorted(ODD_NAMES), screen
    assert not list(project.glob("Y*"))


def bash_candidates(project: Path, words: list[str]) -> list[str]:
    """Run zenml's bash completion function in real bash; each candidate as bash reads it
    back when it is inserted into a command line (``eval``: the way Enter would run it)."""
    script = (
        'eval "$(zenml completion bash)"\n'
        f"COMP_WORDS=({' '.join(words)} ''); COMP_CWORD={len(words)}\n"
        "_zenml_completion zenml\n"
        'for candidate in "${COMPREPLY[@]}"; do eval "printf \'%s\\0\' $candidate"; done\n'
    )
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    proc = subprocess.run(
        [str(BASH), "--norc", "-c", script],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return proc.stdout.split("\0")[:-1]


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
def test_bash_candidates_read_back_as_the_names(iris_with: Client, project: Path) -> None:
    for name in ODD_NAMES:
        iris_with.create_model_version("iris", name=name)
    commit_version_names(project, dict(enumerate(HOSTILE_NAMES, start=1)))
    got = bash_candidates(project, ["zenml", "model", "version", "describe", "iris"])
    assert set(ODD_NAMES) <= set(got)
    assert not set(HOSTILE_NAMES) & set(got)
    assert not list(project.glob("Y*")) and not (project / "X").exists()


def test_names_doctor_rejects_are_not_offered_in_any_shell(
    iris_with: Client, project: Path
) -> None:
    commit_version_names(project, {1: "tab\there", 2: "line\nbreak", 3: "ok name"})
    env = {
        **os.environ,
        "_ZENML_COMPLETE": "complete_fish",
        "_TYPER_COMPLETE_FISH_ACTION": "get-args",
    }
    env["_TYPER_COMPLETE_ARGS"] = "zenml model version describe iris "
    zenml = Path(BIN) / "zenml"
    out = subprocess.run(
        [str(zenml)], cwd=project, env=env, capture_output=True, text=True, timeout=60
    ).stdout
    assert out.splitlines() == [
        *("latest", "staging", "production", "archived", "none"),
        *("1", "2", "3", "ok name"),
    ]
