"""zenml-cli doctor benchmark: ``zenml doctor`` on a store of 100,000 versions.

    python benchmarks/doctor.py                    # 100 models x 1,000 versions, 3 rounds
    python benchmarks/doctor.py --models 10 --versions 100 --rounds 1   # a smoke test

Builds (once; it is kept on disk between runs, see ``--store``) a git repository whose store
holds ``models x versions`` versions written straight through the codec (the bytes
``create_version`` writes) and two promotions per model through the core (so history
replays); then commits it.
Then it times, in fresh processes, round-robin so load hits all cases alike:

- the floors ``python -c pass`` and ``python -c "import typer"``;
- ``zenml doctor --no-cache`` (the full check, every file parsed and checked);
- ``zenml doctor`` right after a run that filled the cache (nothing changed);
- ``zenml doctor --staged`` (the pre-commit hook) with nothing changed.

Wall time is measured here; peak RSS is the child's ``ru_maxrss`` as reported by
``os.wait4`` in a small launcher process (a child forked from this benchmark would inherit
its high-water mark). Results also go to ``benchmarks/results-doctor.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
ZENML = str(Path(PY).with_name("zenml"))

#: Runs one command; prints "<exit code> <peak RSS KiB> <CPU s>" of it on stderr's last line.
LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
cpu = usage.ru_utime + usage.ru_stime
sys.stderr.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss} {cpu}\\n")
"""

BUILD = """
import sys
from pathlib import Path
sys.path.insert(0, {here!r})
from run import bulk_versions
from zenml_cli.core import versions
from zenml_cli.store import Store
root, models, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
store = Store(root)
for index in range(models):
    name = f"model-{{index:03d}}"
    bulk_versions(store, name, count, description=f"bench model {{index}}")
    versions.update_version(store, name, max(count - 1, 1), stage="production")
    versions.update_version(store, name, count, stage="staging")
"""


def build(root: Path, models: int, versions: int) -> None:
    """The store and its git repository, in a child process (this one stays small)."""
    root.mkdir(parents=True)
    env = dict(os.environ, ZENML_ACTOR="bench")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    code = BUILD.format(here=str(HERE))
    subprocess.run([PY, "-c", code, str(root), str(models), str(versions)], check=True, env=env)
    git = ["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=b@example.com"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "store"], check=True)
    (root / ".bench-complete").write_text(f"{models} {versions}\n")


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, int, int, float]:
    """(wall s, exit code, peak RSS KiB, CPU s) of ``argv`` run through the launcher."""
    started = time.perf_counter()
    proc = subprocess.run(
        [PY, "-c", LAUNCHER, *argv],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=tempfile.gettempdir(),  # not this checkout: `-m zenml_cli` would import it first
    )
    wall = time.perf_counter() - started
    code, rss, cpu = proc.stderr.strip().splitlines()[-1].split()
    return wall, int(code), int(rss), float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--versions", type=int, default=1000, help="versions per model")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--store",
        type=Path,
        help="where the built store is kept between runs (default: a folder in the temp dir "
        "named after the size)",
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="also time 'zenml doctor' of another source tree (a folder holding an older "
        "zenml_cli package, e.g. from 'git archive'), run with this interpreter",
    )
    parser.add_argument("--output", type=Path, default=HERE / "results-doctor.json")
    args = parser.parse_args()
    total = args.models * args.versions
    root = args.store or Path(tempfile.gettempdir()) / f"zenml-bench-doctor-{total}"
    if not (root / ".bench-complete").exists():
        if root.exists():
            raise SystemExit(f"{root} exists but is not a complete benchmark store; delete it")
        started = time.perf_counter()
        build(root, args.models, args.versions)
        print(f"built {total:,} versions in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    env = dict(os.environ, ZENML_ACTOR="bench")
    env.pop("ZENML_PROJECT_DIR", None)
    zenml = [ZENML, "--project-dir", str(root), "doctor"]
    cases = {
        "python -c pass": [PY, "-c", "pass"],
        "python -c 'import typer'": [PY, "-c", "import typer"],
        "doctor --no-cache (full check)": [*zenml, "--no-cache"],
        "doctor, nothing changed (cached)": zenml,
        "doctor --staged, nothing changed (pre-commit hook)": [*zenml, "--staged"],
    }
    envs = dict.fromkeys(cases, env)
    if args.before is not None:
        before = f"doctor of {args.before} (before)"
        cases[before] = [PY, "-m", "zenml_cli", "--project-dir", str(root), "doctor"]
        envs[before] = dict(env, PYTHONPATH=str(args.before.resolve()))
    run_once(zenml, env)  # fills the cache and the page cache
    samples: dict[str, dict[str, list[float]]] = {
        c: {"wall": [], "rss": [], "cpu": []} for c in cases
    }
    names = list(cases)
    for round_ in range(args.rounds):
        shift = round_ % len(names)
        for case in names[shift:] + names[:shift]:
            wall, code, rss, cpu = run_once(cases[case], envs[case])
            if code != 0:
                raise SystemExit(f"{case} exited {code}")
            samples[case]["wall"].append(wall)
            samples[case]["rss"].append(rss / 1024)
            samples[case]["cpu"].append(cpu)
        print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
    floor = {k: statistics.median(v) for k, v in samples["python -c 'import typer'"].items()}
    rows = {}
    print(f"\n{total:,} versions ({args.models} models), medians of {args.rounds} rounds\n")
    print("| case | wall s | x typer | CPU s | x typer | peak RSS MiB | x typer |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for case, got in samples.items():
        med = {k: statistics.median(v) for k, v in got.items()}
        rows[case] = {"wall_s": med["wall"], "cpu_s": med["cpu"], "rss_mib": med["rss"], **got}
        cells = [f"{med[k]:.2f} | {med[k] / floor[k]:.1f}" for k in ("wall", "cpu", "rss")]
        print(f"| {case} | {' | '.join(cells)} |")
    machine = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_avg": os.getloadavg(),
        "versions": total,
        "models": args.models,
        "rounds": args.rounds,
    }
    args.output.write_text(json.dumps({"machine": machine, "cases": rows}, indent=2) + "\n")
    print(f"\nwrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
