"""zenml-cli dashboard benchmark: build the static site for 100 models x 100 versions.

    python benchmarks/dashboard.py              # 100 x 100, 3 rounds
    python benchmarks/dashboard.py --models 10 --versions 1000

Builds a store in a temporary folder (manifests written through the Store and the record
classes, as ``run.py`` does; each model also gets two promotions through the core, so the
history and timelines are real), then times ``zenml dashboard build`` in a fresh process:
first into an empty folder with no derived caches (cold), then into an empty folder again
(warm caches), then over its own earlier output (nothing changes, nothing is rewritten).
Prints seconds per case and writes ``benchmarks/results-dashboard.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from zenml_cli.core import versions as core_versions
from zenml_cli.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import bulk_versions  # noqa: E402 - the benchmarks folder is not a package

HERE = Path(__file__).resolve().parent
PY = sys.executable
ZENML = Path(PY).with_name("zenml")


def fill(store: Store, models: int, versions: int) -> None:
    """``models`` models of ``versions`` versions, each with numeric metadata for the charts."""
    for index in range(models):
        name = f"model-{index:03d}"
        bulk_versions(
            store,
            name,
            versions,
            created=lambda n: f"2026-01-01T00:{n // 60 % 60:02d}:{n % 60:02d}.000000Z",
            metadata=lambda n: {"accuracy": 0.5 + n / (2 * versions), "loss": 1 / n},
            description=f"bench model {index}",
            tags=["bench"],
        )
        for number, stage in ((versions - 1, "production"), (versions, "staging")):
            core_versions.update_version(store, name, max(number, 1), stage=stage)


def timed_build(root: Path, out: Path, env: dict[str, str]) -> float:
    argv = [str(ZENML), "--project-dir", str(root), "dashboard", "build", "--out", str(out)]
    argv += ["-o", "json"]
    started = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}): {proc.stderr[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--versions", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--output", type=Path, default=HERE / "results-dashboard.json")
    args = parser.parse_args()
    os.environ["ZENML_ACTOR"] = "bench"
    env = dict(os.environ)
    env.pop("ZENML_PROJECT_DIR", None)
    samples: dict[str, list[float]] = {"cold": [], "warm": [], "unchanged": []}
    with tempfile.TemporaryDirectory(prefix="zenml-dash-bench-") as tmp:
        root = Path(tmp) / "project"
        started = time.perf_counter()
        fill(Store(root), args.models, args.versions)
        print(f"built the store in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        for round_ in range(args.rounds):
            shutil.rmtree(root / ".zenml" / ".cache", ignore_errors=True)
            samples["cold"].append(timed_build(root, Path(tmp) / f"cold{round_}", env))
            samples["warm"].append(timed_build(root, Path(tmp) / f"warm{round_}", env))
            samples["unchanged"].append(timed_build(root, Path(tmp) / f"warm{round_}", env))
        pages = sum(1 for _ in (Path(tmp) / "warm0").rglob("*.html"))
    results = {
        "models": args.models,
        "versions_per_model": args.versions,
        "pages": pages,
        "seconds": {case: sorted(values)[len(values) // 2] for case, values in samples.items()},
        "samples": samples,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_avg": os.getloadavg(),
        },
    }
    for case, seconds in results["seconds"].items():
        print(f"{case:>10}: {seconds:.2f} s for {pages} pages ({pages / seconds:,.0f} pages/s)")
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
