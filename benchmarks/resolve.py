"""zenml-cli resolve benchmark: ``zenml resolve`` of two branches with 1,000 new versions each,
against the same ``git merge`` done by hand.

    python benchmarks/resolve.py                  # 1,000 versions per branch, 3 rounds
    python benchmarks/resolve.py --versions 200 --rounds 5

Builds a repository whose main holds model ``iris``; branch ``a`` and branch ``b`` each
register ``--versions`` versions (so every number collides) and promote one. Each round, in a
fresh copy of the clone:

- by hand: ``git merge b`` into ``a`` (it stops on the add/add conflicts; the time git takes
  to get there is what a person starts from);
- ours: the same ``git merge`` + ``zenml resolve`` (reads the three ``.zenml/`` trees from
  git, renumbers b's versions, rewrites references, writes and stages the result).

Prints the medians, the resolve step alone, and the ratio; writes
``benchmarks/results-resolve.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ZENML = str(Path(sys.executable).with_name("zenml"))


def sh(command: str, cwd: Path, env: dict[str, str], check: bool = True) -> None:
    subprocess.run(
        command, cwd=cwd, env=env, shell=True, check=check,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def register(root: Path, count: int, who: str) -> None:
    """``count`` versions in one process (the setup, not what is measured)."""
    code = (
        "import sys; from zenml_cli.core import versions; from zenml_cli.store import Store\n"
        "s = Store(sys.argv[1])\n"
        "for i in range(int(sys.argv[2])):\n"
        "    versions.create_version(s, 'iris', metadata={'who': sys.argv[3], 'i': i})\n"
    )
    subprocess.run([sys.executable, "-c", code, str(root), str(count), who], check=True)


def build(base: Path, count: int, env: dict[str, str]) -> Path:
    repo = base / "repo"
    repo.mkdir()
    sh("git init -q -b main && git config user.name bench && git config user.email b@l", repo, env)
    sh(f"echo project > README && {ZENML} model register iris", repo, env)
    sh("git add -A && git commit -qm seed && git branch a && git branch b", repo, env)
    for name in ("b", "a"):
        sh(f"git checkout -q {name}", repo, env)
        register(repo, count, name)
        sh(f"{ZENML} model version update iris 7 --stage production", repo, env)
        sh(f"git add -A && git commit -qm '{name}: {count} versions'", repo, env)
    return repo


def timed(command: str, cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    sh(command, cwd, env, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "ZENML_ACTOR": "bench"}
    with tempfile.TemporaryDirectory(prefix="zenml-resolve-bench-") as folder:
        base = Path(folder)
        env["GIT_CONFIG_GLOBAL"] = str(base / "gitconfig")
        (base / "gitconfig").touch()
        repo = build(base, args.versions, env)
        by_hand, ours, resolve_only = [], [], []
        for round_ in range(args.rounds):
            for kind in ("by-hand", "ours"):
                work = base / f"{kind}-{round_}"
                shutil.copytree(repo, work, symlinks=True)
                merge = timed("git merge -q b", work, env)
                if kind == "by-hand":
                    by_hand.append(merge)
                    continue
                step = timed(f"{ZENML} resolve", work, env)
                resolve_only.append(step)
                ours.append(merge + step)
                listed = subprocess.run(
                    [ZENML, "model", "version", "list", "iris", "-o", "json", "--size", "5000"],
                    cwd=work, env=env, capture_output=True, text=True, check=True,
                )  # fmt: skip
                total = len(json.loads(listed.stdout)["items"])
                assert total == 2 * args.versions, total
                shutil.rmtree(work)
    result = {
        "versions_per_branch": args.versions,
        "git_merge_s": statistics.median(by_hand),
        "git_merge_plus_resolve_s": statistics.median(ours),
        "resolve_s": statistics.median(resolve_only),
    }
    result["ratio"] = result["git_merge_plus_resolve_s"] / result["git_merge_s"]
    print(
        f"{args.versions} versions per branch: git merge {result['git_merge_s']:.2f} s; "
        f"git merge + zenml resolve {result['git_merge_plus_resolve_s']:.2f} s "
        f"(resolve alone {result['resolve_s']:.2f} s); ratio {result['ratio']:.2f}x"
    )
    (HERE / "results-resolve.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
