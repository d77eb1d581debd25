"""zenml-cli push benchmark: one ``--push`` write against the same work done by hand.

    python benchmarks/push.py              # 10 interleaved rounds
    python benchmarks/push.py --rounds 20

Builds a bare repository on local disk as the remote and two clones of it. Each round times,
in alternation so machine noise hits both alike:

- ours: ``zenml model version create iris --push`` in clone A (fetch, apply on the tip in a
  private work area, commit ``.zenml/``, push, fast-forward the checkout);
- by hand: in clone B, ``git fetch`` + ``git merge --ff-only`` + ``zenml model version create
  iris`` + ``git add .zenml`` + ``git commit`` + ``git push``, the script CI jobs write today.

Both register one version on the same remote, so each also pays for the other's last push.
Prints the medians and the ratio (target <= 1.5x) and writes ``benchmarks/results-push.json``
(git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ZENML = str(Path(sys.executable).with_name("zenml"))
TARGET = 1.5


def sh(command: str, cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(
        command, cwd=cwd, env=env, shell=True, check=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def build(base: Path, env: dict[str, str], versions: int = 0) -> tuple[Path, Path]:
    """A bare remote holding a registered model (with ``versions`` versions), and two clones
    of it."""
    sh("git init -q --bare -b main remote.git", base, env)
    clones = []
    for name in ("ours", "by-hand"):
        sh(f"git clone -q remote.git {name}", base, env)
        sh("git config user.name bench && git config user.email bench@localhost", base / name, env)
        clones.append(base / name)
    sh("echo project > README", clones[0], env)
    if not versions:
        sh(f"{ZENML} model register iris", clones[0], env)
    else:
        sys.path.insert(0, str(HERE))
        from run import bulk_versions  # the benchmarks folder is not a package

        from zenml_cli.store import Store

        bulk_versions(Store(clones[0]), "iris", versions)
    sh("git add -A && git commit -qm seed && git push -q origin main", clones[0], env)
    sh("git pull -q --ff-only origin main", clones[1], env)
    return clones[0], clones[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--versions", type=int, default=0, help="versions of iris to start with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zenml-push-bench-") as folder:
        base = Path(folder)
        (base / "gitconfig").touch()
        env = {**os.environ, "GIT_CONFIG_GLOBAL": str(base / "gitconfig"),
               "GIT_CONFIG_NOSYSTEM": "1", "ZENML_ACTOR": "bench"}  # fmt: skip
        env.pop("ZENML_PROJECT_DIR", None)
        ours_clone, by_hand_clone = build(base, env, args.versions)
        ours: list[float] = []
        by_hand: list[float] = []
        manual = (
            f"git fetch -q origin main && git merge -q --ff-only FETCH_HEAD && "
            f"{ZENML} model version create iris && git add .zenml && "
            "git commit -qm 'register iris' && git push -q origin main"
        )
        for _ in range(args.rounds):
            started = time.perf_counter()
            sh(f"{ZENML} model version create iris --push", ours_clone, env)
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            sh(manual, by_hand_clone, env)
            by_hand.append(time.perf_counter() - started)
    ours_ms, by_hand_ms = statistics.median(ours) * 1000, statistics.median(by_hand) * 1000
    ratio = ours_ms / by_hand_ms
    verdict = "ok" if ratio <= TARGET else "MISSED"
    print(f"--push write:      {ours_ms:7.1f} ms (median of {args.rounds})")
    print(f"same work by hand: {by_hand_ms:7.1f} ms")
    print(f"ratio: {ratio:.2f}x (target <= {TARGET}x) -> {verdict}")
    results = {"ours_ms": ours_ms, "by_hand_ms": by_hand_ms, "ratio": ratio, "rounds": args.rounds,
               "versions": args.versions}  # fmt: skip
    (HERE / "results-push.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
