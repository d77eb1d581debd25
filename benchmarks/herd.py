"""zenml-cli contention benchmark: N CI runners writing through one remote at once (issue 21.1).

    python benchmarks/herd.py                      # 100 runners, 1 s round trip
    python benchmarks/herd.py --runners 32 --rtt 0.5
    python benchmarks/herd.py --no-queue           # the plain race (ZENML_GIT_QUEUE=0)

A bare repository on local disk is the remote; every runner has its own clone. A ``git``
wrapper first on PATH sleeps ``--rtt`` seconds before every ``fetch``, ``push`` and
``ls-remote``: the network round trip of a hosted remote. Then:

1. registration burst: every runner runs ``zenml model version create iris --push -o json``
   at the same moment; each must exit 0 and print its own number, the numbers exactly 1..N;
2. promotion burst: runner k runs ``zenml model version update iris k --stage production
   --push``; afterwards exactly one holder, N-1 archived, one history event per promotion;
3. ``zenml doctor`` in a fresh clone.

Floors measured in the same run: ``python -c pass``, ``python -c "import typer"``, and one
by-hand registration cycle through the same delayed remote (``git fetch`` + ``git merge
--ff-only`` + ``zenml model version create`` + ``git add`` + ``git commit`` + ``git push``).
Writes ``benchmarks/results-herd.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ZENML = str(Path(sys.executable).with_name("zenml"))
REAL_GIT = shutil.which("git") or "/usr/bin/git"
WRAPPER = """#!/bin/sh
for arg in "$@"; do
  case "$arg" in fetch|push|ls-remote) sleep "$HERD_RTT"; break;; esac
done
exec {git} "$@"
"""


def sh(command: str, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        command, cwd=cwd, env=env, shell=True, check=True, capture_output=True, text=True
    )
    return done.stdout


def build(base: Path, runners: int, env: dict[str, str]) -> list[Path]:
    sh("git init -q --bare -b main remote.git", base, env)
    sh("git clone -q remote.git seed", base, env)
    seed = base / "seed"
    sh(f"echo project > README && {ZENML} model register iris", seed, env)
    sh("git add -A && git commit -qm seed && git push -q origin main", seed, env)
    clones = []
    for index in range(runners):
        clone = base / f"runner-{index:03d}"
        sh(f"git clone -q remote.git {clone.name}", base, env)
        clones.append(clone)
    return clones


def cpu_of_children() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def burst(commands: list[tuple[Path, str]], env: dict[str, str]) -> tuple[float, float, list[dict]]:
    """Start every command at once: wall time of the whole burst, the CPU seconds it used (every
    process, git's included), and each command's outcome."""
    cpu = cpu_of_children()
    started = time.perf_counter()
    procs = [
        (subprocess.Popen(cmd, cwd=cwd, env=env, shell=True, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE), time.perf_counter())
        for cwd, cmd in commands
    ]  # fmt: skip
    outcomes = []
    for proc, began in procs:
        out, err = proc.communicate()
        outcomes.append({"rc": proc.returncode, "out": out, "err": err.strip()[-300:],
                         "seconds": time.perf_counter() - began})  # fmt: skip
    return time.perf_counter() - started, cpu_of_children() - cpu, outcomes


def floor(command: list[str], rounds: int = 5) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run(command, check=True)
        samples.append(time.perf_counter() - started)
    return sorted(samples)[len(samples) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runners", type=int, default=100)
    parser.add_argument("--rtt", type=float, default=1.0)
    parser.add_argument("--no-queue", action="store_true", help="ZENML_GIT_QUEUE=0")
    parser.add_argument("--skip-promote", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zenml-herd-") as folder:
        base = Path(folder)
        (base / "gitconfig").write_text("[user]\n\tname = bench\n\temail = bench@localhost\n")
        bindir = base / "bin"
        bindir.mkdir()
        (bindir / "git").write_text(WRAPPER.format(git=REAL_GIT))
        (bindir / "git").chmod(0o755)
        env = {**os.environ, "GIT_CONFIG_GLOBAL": str(base / "gitconfig"),
               "GIT_CONFIG_NOSYSTEM": "1", "HERD_RTT": "0"}  # fmt: skip
        env.pop("ZENML_PROJECT_DIR", None)
        clones = build(base, args.runners, env)
        env["PATH"] = f"{bindir}{os.pathsep}{env['PATH']}"
        env["HERD_RTT"] = str(args.rtt)
        if args.no_queue:
            env["ZENML_GIT_QUEUE"] = "0"
        results: dict = {"runners": args.runners, "rtt": args.rtt, "queue": not args.no_queue}
        results["floor_pass"] = floor([sys.executable, "-c", "pass"])
        results["floor_typer"] = floor([sys.executable, "-c", "import typer"])
        by_hand = base / "by-hand"
        sh("git clone -q remote.git by-hand", base, env)
        started = time.perf_counter()
        sh(f"git fetch -q origin main && git merge -q --ff-only FETCH_HEAD && {ZENML} model "
           "version create iris && git add .zenml && git commit -qm hand && git push -q origin "
           "main", by_hand, env)  # fmt: skip
        results["floor_by_hand_cycle"] = time.perf_counter() - started

        load = os.getloadavg()[0]
        wall, cpu, outs = burst(
            [(c, f"{ZENML} model version create iris --push -o json") for c in clones], env
        )
        numbers = sorted(json.loads(o["out"])["number"] for o in outs if o["rc"] == 0)
        failed = [o for o in outs if o["rc"] != 0]
        expected = list(range(2, args.runners + 2))  # version 1 came from the by-hand floor
        results["register"] = {
            "wall": wall, "cpu": cpu, "load_before": load, "ok": len(numbers),
            "failed": len(failed),
            "numbers_exact": numbers == expected,
            "slowest_runner": max(o["seconds"] for o in outs),
            "exit_codes": sorted({o["rc"] for o in outs}),
            "errors": [o["err"] for o in failed][:3],
        }  # fmt: skip
        print(f"register: {len(numbers)}/{args.runners} ok in {wall:.1f}s ({cpu:.1f} CPU-s, "
              f"load {load:.1f} before), numbers exact: {numbers == expected}, failed: "
              f"{len(failed)}", flush=True)  # fmt: skip
        if not args.skip_promote:
            wall, cpu, outs = burst(
                [(c, f"{ZENML} model version update iris {k + 2} --stage production --push")
                 for k, c in enumerate(clones)], env,
            )  # fmt: skip
            failed = [o for o in outs if o["rc"] != 0]
            check = base / "check"
            sh("git clone -q remote.git check", base, env)
            listed = json.loads(sh(f"{ZENML} model version list --model iris --size 1000 "
                                   "-o json", check, env))  # fmt: skip
            holders = [v["number"] for v in listed["items"] if v["stage"] == "production"]
            history = json.loads(sh(f"{ZENML} model version history iris -o json", check, env))
            events = history["items"] if isinstance(history, dict) else history
            doctor = subprocess.run([ZENML, "doctor"], cwd=check, env=env, capture_output=True)
            results["promote"] = {
                "wall": wall, "cpu": cpu, "ok": len(outs) - len(failed), "failed": len(failed),
                "holders": holders, "events": len(events), "doctor_rc": doctor.returncode,
                "errors": [o["err"] for o in failed][:3],
            }  # fmt: skip
            print(
                f"promote: {len(outs) - len(failed)}/{args.runners} ok in {wall:.1f}s "
                f"({cpu:.1f} CPU-s), "
                f"holders {holders}, {len(events)} events, doctor rc {doctor.returncode}"
            )
        print(json.dumps({k: v for k, v in results.items()}, indent=2, default=str))
        (HERE / "results-herd.json").write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
