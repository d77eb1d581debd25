"""zenml-cli dashboard benchmark (issue 21.3): ``zenml dashboard build`` as models accumulate.

    python benchmarks/dashboard.py                    # 100 / 1,000 / 10,000 models; 100 x 1,000
    python benchmarks/dashboard.py --models 100 1000  # only these model counts
    python benchmarks/dashboard.py --no-big           # without the 100 x 1,000 versions store
    python benchmarks/dashboard.py --models --big 1 100000  # only one model of 100,000 versions

Stores are built once (manifests written through the Store and the record classes, as
``run.py`` does; every model also gets two promotions through the core, so the history and
timelines are real) and kept in ``benchmarks/.stores/`` (git-ignored) for the next run. Per
store, each in a fresh ``zenml`` process: a cold build (no derived caches, empty folder), a
rebuild with nothing changed, and a rebuild after one promotion (only that model's pages and
the index change). Peak RSS is the process's own (``wait4``). Floors in the same run:
``python -c "import typer"``, copying the built site (the bytes any build must write) and
parsing every manifest once (what any cold build must read).
Then ``create_model`` in process, median per call at 100 / 1,000 / 10,000 existing models.
Writes ``benchmarks/results-dashboard.json`` (git-ignored).

A cold build's time depends on what the file system deleted in the last minutes: on ext4
without a journal (this VM) a new inode skips every recently freed one of its group, so a cold
build within about five minutes of deleting a site (this script's own clean-up at the end of
the previous run) spends seconds more in the kernel. Compare runs spaced the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from zenml_cli import Client
from zenml_cli.core import versions as core_versions
from zenml_cli.core.records import ModelRecord, ModelVersionRecord
from zenml_cli.store import Store, codec

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import bulk_models  # noqa: E402 - the benchmarks folder is not a package

HERE = Path(__file__).resolve().parent
PY = sys.executable
ZENML = Path(PY).with_name("zenml")
VERSIONS_PER_MODEL = 3


def fill(store: Store, models: int, versions: int) -> None:
    """``models`` models of ``versions`` versions, each with numeric metadata for the charts.
    Model manifests are written straight through the codec (as ``run.bulk_models``: a store of
    10,000 models in minutes, not an hour); the promotions go through the core."""
    store.ensure_created()
    for index in range(models):
        name = f"model-{index:05d}"
        record = ModelRecord(
            name=name,
            id=str(uuid.uuid4()),
            description=f"bench model {index}",
            tags=["bench"],
            created="2026-01-01T00:00:00.000000Z",
            created_by="bench",
        )
        store.layout.versions_dir(name).mkdir(parents=True)
        manifest = codec.encode(record.to_manifest(), store.config.manifest_format)
        store.layout.model_file(name).write_bytes(manifest)
        for number in range(1, versions + 1):
            version = ModelVersionRecord(
                model=name,
                number=number,
                name=str(number) if number % 2 else f"v{number}",
                id=str(uuid.uuid4()),
                tags=["bench"],
                created=f"2026-01-01T00:{number // 60 % 60:02d}:{number % 60:02d}.000000Z",
                created_by="bench",
                run_metadata={"accuracy": 0.5 + number / (2 * versions), "loss": 1 / number},
            )
            store.layout.version_file(name, number).write_bytes(
                codec.encode(version.to_manifest(), store.config.manifest_format)
            )
        for number, stage in ((versions - 1, "production"), (versions, "staging")):
            core_versions.update_version(store, name, max(number, 1), stage=stage)


def cached_store(cache: Path, models: int, versions: int) -> Path:
    root = cache / f"m{models}-v{versions}"
    if not (root / "done").exists():
        shutil.rmtree(root, ignore_errors=True)
        started = time.perf_counter()
        fill(Store(root), models, versions)
        (root / "done").write_text("")
        took = time.perf_counter() - started
        print(f"built {models} x {versions} in {took:.0f}s (kept in {root})", file=sys.stderr)
    return root


#: CPU seconds (user + system) of each process ``measured`` ran, by its argv's last words.
CPU: dict[str, float] = {}


def measured(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one process; its CPU seconds go to ``CPU``."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    CPU[" ".join(argv[-3:])] = usage.ru_utime + usage.ru_stime
    proc.returncode = os.waitstatus_to_exitcode(status)
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"{argv[3:6]} failed ({proc.returncode}): {err[-500:]!r}")
    return elapsed, usage.ru_maxrss / 1024


#: The floor of a cold build: read and parse every manifest once, in a fresh process.
PARSE_FLOOR = """
import os, sys
from pathlib import Path
from zenml_cli.store import codec
root = Path(sys.argv[1]) / ".zenml" / "models"
for model in os.listdir(root):
    folder = root / model
    versions = [folder / "versions" / v for v in os.listdir(folder / "versions")]
    for path in [folder / "model.yaml", *versions]:
        codec.decode(path.read_bytes(), "yaml", path)
    (folder / "history.jsonl").read_bytes()
"""


def build_argv(root: Path, out: Path) -> list[str]:
    return [str(ZENML), "--project-dir", str(root), "dashboard", "build", "--out", str(out)]


def promote_argv(root: Path, model: str, number: int) -> list[str]:
    argv = [str(ZENML), "--project-dir", str(root), "model", "version", "update", model]
    return [*argv, str(number), "--stage", "production", "--force"]


def store_cases(root: Path, models: int, versions: int, tmp: Path, env: dict[str, str]) -> dict:
    shutil.rmtree(root / ".zenml" / ".cache", ignore_errors=True)
    out = tmp / f"site-{models}-{versions}"
    cold, cold_rss = measured(build_argv(root, out), env)
    cold_cpu = CPU[" ".join(build_argv(root, out)[-3:])]
    copy_started = time.perf_counter()
    shutil.copytree(out, tmp / f"copy-{models}-{versions}")
    copy = time.perf_counter() - copy_started
    parse, _ = measured([PY, "-c", PARSE_FLOOR, str(root)], env)
    time.sleep(2.1)  # let the just-written derived caches settle, as between real builds
    unchanged, unchanged_rss = measured(build_argv(root, out), env)
    unchanged_cpu = CPU[" ".join(build_argv(root, out)[-3:])]
    model = f"model-{models // 2:05d}"
    number = 1 + int(time.time()) % versions  # a different holder each run
    subprocess.run(promote_argv(root, model, number), env=env, capture_output=True, check=True)
    promoted, promoted_rss = measured(build_argv(root, out), env)
    promoted_cpu = CPU[" ".join(build_argv(root, out)[-3:])]
    pages = sum(1 for _ in out.rglob("*.html"))
    return {
        "models": models,
        "versions": models * versions,
        "pages": pages,
        "cold_s": cold,
        "rebuild_unchanged_s": unchanged,
        "rebuild_after_promotion_s": promoted,
        "cold_cpu_s": cold_cpu,
        "rebuild_unchanged_cpu_s": unchanged_cpu,
        "rebuild_after_promotion_cpu_s": promoted_cpu,
        "floor_copy_site_s": copy,
        "floor_parse_manifests_s": parse,
        "peak_rss_mib": max(cold_rss, unchanged_rss, promoted_rss),
        "cold_rss_mib": cold_rss,
    }


def create_model_costs(tmp: Path, counts: list[int], rounds: int = 60) -> dict[str, float]:
    """Median ms of ``Client.create_model`` with ``count`` models already registered; the
    stores take turns, one call each per round, so a burst of load hits all alike."""
    clients = {}
    for count in counts:
        root = tmp / f"create-{count}"
        bulk_models(Store(root), count)
        clients[count] = Client(root)
    time.sleep(2.1)  # a registry that exists before the run, as in CI (model_names.py)
    samples: dict[int, list[float]] = {count: [] for count in counts}
    for index in range(rounds):
        for count, client in clients.items():
            started = time.perf_counter()
            client.create_model(f"new-{index:03d}")
            samples[count].append(time.perf_counter() - started)
    return {str(count): statistics.median(values) * 1000 for count, values in samples.items()}


def typer_floor(env: dict[str, str]) -> float:
    samples = [measured([PY, "-c", "import typer"], env)[0] for _ in range(5)]
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, nargs="*", default=[100, 1000, 10000])
    parser.add_argument("--no-big", action="store_true", help="skip the big store")
    parser.add_argument(
        "--big", type=int, nargs=2, default=[100, 1000], metavar=("MODELS", "VERSIONS")
    )
    parser.add_argument("--no-create", action="store_true", help="skip the create_model case")
    parser.add_argument("--cache", type=Path, default=HERE / ".stores")
    parser.add_argument("--output", type=Path, default=HERE / "results-dashboard.json")
    args = parser.parse_args()
    os.environ["ZENML_ACTOR"] = "bench"
    env = dict(os.environ)
    env.pop("ZENML_PROJECT_DIR", None)
    shapes = [(m, VERSIONS_PER_MODEL) for m in args.models]
    if not args.no_big:
        shapes.append((args.big[0], args.big[1]))
    stores = {shape: cached_store(args.cache, *shape) for shape in shapes}
    results: dict = {"floor_import_typer_s": typer_floor(env), "stores": []}
    with tempfile.TemporaryDirectory(prefix="zenml-dash-bench-") as tmp:
        for shape, root in stores.items():
            case = store_cases(root, *shape, Path(tmp), env)
            results["stores"].append(case)
            print(
                f"{case['models']:>6} models, {case['versions']:>7} versions: cold "
                f"{case['cold_s']:.2f}s ({case['cold_cpu_s']:.2f}s CPU), unchanged "
                f"{case['rebuild_unchanged_s']:.2f}s, after a "
                f"promotion {case['rebuild_after_promotion_s']:.2f}s ("
                f"{case['rebuild_after_promotion_cpu_s']:.2f}s CPU), peak RSS "
                f"{case['peak_rss_mib']:.0f} MiB (floors: copying the site "
                f"{case['floor_copy_site_s']:.2f}s, parsing every manifest "
                f"{case['floor_parse_manifests_s']:.2f}s)"
            )
        if not args.no_create:
            results["create_model_ms"] = create_model_costs(Path(tmp), [100, 1000, 10000])
            print("create_model ms at 100 / 1,000 / 10,000 models:", results["create_model_ms"])
    print(f"floor: import typer {results['floor_import_typer_s']:.3f}s")
    results["machine"] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_avg": os.getloadavg(),
    }
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
