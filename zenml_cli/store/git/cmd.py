"""Running git for the push engine: bounded in time, never prompting, errors in one line.

Every call goes through :func:`run`, so every git subprocess has a timeout, a non-interactive
environment (``GIT_TERMINAL_PROMPT=0``: a missing credential fails instead of waiting for a
person CI does not have) and English messages the engine can classify.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from zenml_cli.errors import RemoteError

#: Seconds for commands that talk to the remote, and for purely local ones.
NETWORK_TIMEOUT = 120.0
LOCAL_TIMEOUT = 60.0
#: Seconds a timed-out git gets after SIGTERM to clean up its lock files before SIGKILL.
STOP_GRACE = 5.0

#: Push output meaning "someone else updated the branch first": fetch and re-plan.
RACE_MARKERS = (
    "[rejected]",
    "fetch first",
    "non-fast-forward",
    "cannot lock ref",
    "failed to update ref",
    "stale info",
    "incorrect old value",
    "reference already exists",
)
#: Push output meaning "the server said no": retrying cannot help, so report it at once.
REFUSAL_MARKERS = ("hook declined", "permission", "denied", "protected branch", "forbidden")
#: What git says when a fetch or ``ls-remote`` failed in this clone, not on the way to the
#: remote (fetch reads the index and writes objects and refs here): a damaged index, a full
#: or read-only disk, a ref lock another git process holds.
LOCAL_MARKERS = (
    "index file",
    "no space left on device",
    "read-only file system",
    "unable to create temporary file",
    "insufficient permission for adding an object",
    "cannot lock ref",
)
#: ``git push --porcelain`` flags of a ref the remote updated (fast-forward, forced, new, same).
_UPDATED = (" ", "+", "*", "=")
_NOISE = re.compile(r"^(remote|error|fatal|hint|warning):\s*", re.IGNORECASE)


@dataclass(frozen=True)
class GitResult:
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def out(self) -> str:
        return self.stdout.strip()


def git_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of every git call: no prompts, C-locale messages, plus ``extra``."""
    env = dict(os.environ)
    env.update({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "LANGUAGE": "C"})
    env.update(extra or {})
    return env


def run(
    args: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = LOCAL_TIMEOUT,
    stdin: str | None = None,
) -> GitResult:
    """``git ARGS`` in ``cwd``; a timeout or a missing git becomes RemoteError, any other
    failure is returned for the caller to classify (a race and a refusal differ)."""
    data = stdin.encode("utf-8", "surrogateescape") if stdin is not None else None
    code, out, err = run_bytes(args, cwd=cwd, env=env, timeout=timeout, stdin=data)
    return GitResult(code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


def run_bytes(
    args: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = LOCAL_TIMEOUT,
    stdin: bytes | None = None,
) -> tuple[int, bytes, bytes]:
    """``git ARGS`` with bytes in and out: ``(returncode, stdout, stderr)``.

    On a timeout git is asked to stop (SIGTERM) before it is killed: git removes its own lock
    files (``index.lock``, ``<ref>.lock``) when terminated, never when killed, and a lock left
    behind would break the user's next git command (issue 18.14)."""
    command = ["git", *args]
    try:
        proc = subprocess.Popen(
            command,
            cwd=cwd,
            env=git_env(env),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except FileNotFoundError:
        raise RemoteError(
            "git is not installed (or not on PATH); install git to use --push"
        ) from None
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc)
        raise RemoteError(
            f"'git {args[0]}' timed out after {timeout:g}s; check the network and the remote"
        ) from None
    except BaseException:  # Ctrl-C: git got the signal too; do not leave it running
        _stop(proc)
        raise
    return proc.returncode, out, err


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate, give git a moment to remove its lock files, then kill. Waits for git
    itself, not for its pipes: a filter git started may outlive it holding them open."""
    proc.terminate()
    try:
        proc.wait(timeout=STOP_GRACE)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()


def check(
    args: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = LOCAL_TIMEOUT,
    stdin: str | None = None,
) -> str:
    """``git ARGS`` that must succeed; its stripped stdout, else RemoteError with the reason."""
    result = run(args, cwd=cwd, env=env, timeout=timeout, stdin=stdin)
    if not result.ok:
        raise RemoteError(f"git {args[0]} failed: {condense(result.stderr or result.stdout)}")
    return result.out


def condense(text: str, limit: int = 400) -> str:
    """git's multi-line complaint as one line: hints and ``remote:``/``error:`` prefixes go,
    what the server (or a hook) said stays."""
    kept: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.lower().startswith("hint:") or line.startswith("To "):
            continue
        line = _NOISE.sub("", line).strip()
        if line and line not in kept:
            kept.append(line)
    joined = "; ".join(kept) or "no message from git"
    return joined if len(joined) <= limit else joined[: limit - 3] + "..."


def unreachable(remote: str, step: str, stderr: str) -> RemoteError:
    """A failed ``git STEP`` of ``remote`` as one line: "cannot reach remote", unless git's
    words say the failure is in this clone (``LOCAL_MARKERS``), which the user must repair
    here (retrying or checking the network would not help)."""
    reason = condense(stderr)
    if any(marker in stderr.lower() for marker in LOCAL_MARKERS):
        return RemoteError(
            f"git {step} failed in this clone, not on remote '{remote}': {reason}; repair "
            "the clone ('git status' names what is wrong) and run the command again"
        )
    return RemoteError(f"cannot reach remote '{remote}' (git {step}): {reason}")


def is_race(result: GitResult) -> bool:
    """A rejected push that means the branch moved under us (retry), not a refusal."""
    text = (result.stdout + "\n" + result.stderr).lower()
    if any(marker in text for marker in REFUSAL_MARKERS):
        return False
    return any(marker in text for marker in RACE_MARKERS)


def landed(result: GitResult, ref: str) -> bool:
    """Did a ``git push --porcelain`` update ``ref`` on the remote? Read from git's per-ref
    lines, not only its exit code: git can exit non-zero after the remote took the push (it
    could not update its own remote-tracking ref because another git process held that lock,
    issue 18.15), and treating that as a lost race would run the command a second time."""
    if result.ok:
        return True
    for line in result.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0] in _UPDATED and parts[1].endswith(":" + ref):
            return True
    return False
