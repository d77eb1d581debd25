"""What git itself costs for one registry write, by the layout of the versions folder.

Issue 21.2 asks a ``--push`` write at 10,000 versions to cost at most 1.5x one at 100. zenml's
own work is flat in the registry's size; git's is not, because ``versions/`` is one tree of
every version's file: the fetch, the push's pack and the remote's connectivity check each
read that whole tree for every new commit, and the index has one entry per version. This
script measures the by-hand git floor of one write (``git fetch``, ``git merge --ff-only``,
write one file, ``git add``, ``git commit``, ``git push``, after another clone moved the
remote) for the flat layout zenml uses (``versions/<n>.yaml``) and for a fanned-out one
(``versions/<n // 100>/<n>.yaml``, as git fans out ``objects/xx/``), at 100 and at N
versions, so the growth a layout change could buy is a measurement, not a guess.

    python benchmarks/git_layout.py [--big 10000] [--rounds 9]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

#: A version manifest's typical size (a registered version with a few tags and metadata).
BODY = "x" * 560

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=ENV, check=True, capture_output=True)


def relative(layout: str, number: int) -> str:
    folder = "versions" if layout == "flat" else f"versions/{number // 100:03d}"
    return f"models/iris/{folder}/{number}.yaml"


def write_version(root: Path, layout: str, number: int) -> None:
    path = root / relative(layout, number)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"number: {number}\nname: v{number}\nbody: {BODY}\n")


def build(base: Path, layout: str, versions: int) -> tuple[Path, Path]:
    """A bare remote holding ``versions`` files, and two clones of it."""
    seed = base / "seed"
    seed.mkdir(parents=True)
    git(seed, "init", "-q", "-b", "main")
    for number in range(1, versions + 1):
        write_version(seed, layout, number)
    git(seed, "add", "-A")
    git(seed, "commit", "-qm", "seed")
    git(base, "clone", "-q", "--bare", str(seed), "remote.git")
    for name in ("a", "b"):
        git(base, "clone", "-q", "remote.git", name)
    return base / "a", base / "b"


def one_write(root: Path, layout: str, number: int) -> float:
    """The by-hand cycle of one write in ``root``, in ms."""
    started = time.perf_counter()
    git(root, "fetch", "-q")
    git(root, "merge", "-q", "--ff-only", "origin/main")
    write_version(root, layout, number)
    git(root, "add", "--", relative(layout, number))
    git(root, "commit", "-qm", f"version {number}")
    git(root, "push", "-q", "origin", "main")
    return (time.perf_counter() - started) * 1000


def measure(layout: str, versions: int, rounds: int) -> float:
    base = Path(tempfile.mkdtemp(prefix=f"zenml-git-{layout}-{versions}-"))
    try:
        a, b = build(base, layout, versions)
        number = versions
        samples = []
        for _ in range(rounds + 1):  # the first round warms the page cache
            number += 1  # another clone lands a write first, as in a team or a herd
            git(b, "pull", "-q", "--ff-only")
            write_version(b, layout, number)
            git(b, "add", "-A")
            git(b, "commit", "-qm", f"version {number}")
            git(b, "push", "-q", "origin", "main")
            number += 1
            samples.append(one_write(a, layout, number))
        return statistics.median(samples[1:])
    finally:
        shutil.rmtree(base, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=9)
    options = parser.parse_args()
    print(f"by-hand git cycle of one write, median of {options.rounds} rounds (ms)")
    print(f"{'layout':8} {'100':>8} {options.big:>8} {'growth':>7}")
    for layout in ("flat", "fanout"):
        small = measure(layout, 100, options.rounds)
        big = measure(layout, options.big, options.rounds)
        print(f"{layout:8} {small:8.1f} {big:8.1f} {big / small:6.2f}x")


if __name__ == "__main__":
    main()
