"""zenml-cli benchmark: CLI and in-process costs against the floors of Python start-up.

    python benchmarks/run.py            # ~10 interleaved rounds, a few minutes
    python benchmarks/run.py --quick    # 3 rounds, for a smoke test

Builds its own stores in a temporary folder (manifests written through the Store and the
record classes, without 10,000 CLI calls), then runs every case of issue 4 round-robin: each
round runs every case once (in an order rotated by one each round), so a burst of load on a
shared machine hits all cases alike. Every
figure is the median over rounds, printed next to two floors measured in the same rounds on the
same interpreter: ``python -c pass`` and ``python -c "import typer"``. Results also go to
``benchmarks/results.json`` (git-ignored). Run it with the interpreter that has zenml-cli
installed; ``zenml`` is taken from that interpreter's bin folder.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import zenml_cli
from zenml_cli import Client
from zenml_cli.core import models as core_models
from zenml_cli.core import version_writes
from zenml_cli.core.records import ModelRecord, ModelVersionRecord
from zenml_cli.store import Store, atomic, codec

HERE = Path(__file__).resolve().parent
PY = sys.executable
ZENML = str(Path(PY).with_name("zenml")) if Path(PY).with_name("zenml").exists() else None
BIG = 10_000

#: (case, target ratio to the typer floor) from issue 4.
CLI_TARGETS = {
    "model list -o json (100 models)": 1.5,
    "version list -o json, all (10,000 versions)": 4.0,
    "version list -o json, 1st page (10,000 versions)": 4.0,
    "promotion (10,000 versions)": 2.0,
    "model list -o json, just written (100 models)": 1.5,
    "version list -o json, all, just written (10,000 versions)": 4.0,
    "promotion, just written (10,000 versions)": 2.0,
}

#: (case, target in wall ms) from issue 14.
CLI_MS_TARGETS = {"completion of a model name (1,000 models)": 200.0}
COMPLETION_CASE = "completion of a model name (1,000 models)"


#: The in-process listing case and its target (issue 7): records from the public-form index.
LIST_CASE = "list_model_versions, all in one page (1,000 versions)"
LIST_TARGET_MS = 20.0


# ------------------------------------------------------------------------------- building
def bulk_versions(
    store: Store,
    model: str,
    count: int,
    *,
    created: Callable[[int], str] = lambda number: "2026-01-01T00:00:00.000000Z",
    metadata: Callable[[int], dict[str, Any]] = lambda number: {"accuracy": "0.9"},
    **model_fields: Any,
) -> None:
    """A model with ``count`` versions, written straight through the codec (no fsync, no lock):
    the same bytes ``create_version`` writes, 20x faster. ``created`` and ``metadata`` give
    each version number its time and metadata."""
    core_models.create_model(store, model, **model_fields)
    folder = store.layout.versions_dir(model)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(1, count + 1):
        record = ModelVersionRecord(
            model=model,
            number=number,
            name=str(number) if number % 2 else f"v{number}",
            id=str(uuid.uuid4()),
            tags=["bench"],
            created=created(number),
            created_by="bench",
            run_metadata=metadata(number),
        )
        store.layout.version_file(model, number).write_bytes(
            codec.encode(record.to_manifest(), store.config.manifest_format)
        )


def bulk_models(store: Store, count: int) -> None:
    store.ensure_created()
    for index in range(count):
        name = f"model-{index:04d}"
        record = ModelRecord(
            name=name,
            id=str(uuid.uuid4()),
            description="bench model",
            tags=["bench"],
            created="2026-01-01T00:00:00.000000Z",
            created_by="bench",
        )
        path = store.layout.model_file(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(codec.encode(record.to_manifest(), store.config.manifest_format))


def build(root: Path, sizes: list[int]) -> dict[str, Path]:
    stores = {}
    for label, filler in (
        ("empty", lambda s: s.ensure_created()),
        ("models100", lambda s: bulk_models(s, 100)),
        ("models1000", lambda s: bulk_models(s, 1000)),
    ):
        stores[label] = root / label
        filler(Store(stores[label]))
    stores["fresh100"] = root / "fresh100"  # rewritten before each of its calls
    for size in sizes:
        stores[f"v{size}"] = root / f"v{size}"
        store = Store(stores[f"v{size}"])
        bulk_versions(store, "M", size)  # listed, described, resolved
        bulk_versions(store, "P", size)  # promoted and registered into
    return stores


# ------------------------------------------------------------------------------- measuring
def run_child(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall ms, CPU ms) of one child process, CPU from its own rusage (user + system)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read() if proc.stderr else b""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {err.decode()[-500:]}")
    return wall, (usage.ru_utime + usage.ru_stime) * 1000


def list_all_versions(size: int) -> list[str]:
    """The arguments that list every version of model M in one JSON page."""
    return ["model", "version", "list", "--model", "M", "-o", "json", "--size", str(size)]


#: CLI cases on a store written moments before each call (issue 21.5): what to write first.
JUST_WRITTEN_MODELS = "model list -o json, just written (100 models)"
JUST_WRITTEN_VERSIONS = "version list -o json, all, just written ({big:,} versions)"
JUST_WRITTEN_PROMOTION = "promotion, just written ({big:,} versions)"


def rewrite_versions(root: Path, model: str) -> None:
    """Rewrite every version of ``model`` through the store's writer (the bytes, the journal
    record and the listing's form a registration writes; no lock, history or fsync, which a
    listing never sees): the store is then as a burst of registrations just left it."""
    store = Store(root)
    numbers = sorted(store.version_numbers(model))
    # (a checkout from before the journal has no forms to pass: this script measures both)
    forms_of = getattr(version_writes, "indexed_forms", None)
    with atomic.unsynced():
        for number, found in zip(numbers, store.read_versions(model, numbers), strict=True):
            assert found is not None
            extra = () if forms_of is None else (forms_of(found.data),)
            store.write_version(model, number, found.data, *extra)


def fresh_models(root: Path, count: int) -> None:
    """A new store at ``root`` with ``count`` models created through the SDK just now."""
    import shutil

    shutil.rmtree(root, ignore_errors=True)
    Store(root).ensure_created()
    client = Client(root)
    with atomic.unsynced():
        for index in range(count):
            client.create_model(f"model-{index:04d}", description="bench model", tags=["bench"])


def prepare_cases(stores: dict[str, Path], big: int) -> dict[str, Callable[[], None]]:
    """Untimed work run right before a case: the just-written cases write their store, then
    flush it to disk (real registrations fsync each file; without this, the kernel's
    write-back of the unsynced setup would land inside the timed call)."""
    with_versions = stores[f"v{big}"]

    def synced(write: Callable[[], None]) -> Callable[[], None]:
        return lambda: (write(), os.sync())[0]

    return {
        JUST_WRITTEN_MODELS: synced(lambda: fresh_models(stores["fresh100"], 100)),
        JUST_WRITTEN_VERSIONS.format(big=big): synced(lambda: rewrite_versions(with_versions, "M")),
        JUST_WRITTEN_PROMOTION.format(big=big): synced(
            lambda: rewrite_versions(with_versions, "P")
        ),
    }


def cli_cases(stores: dict[str, Path], big: int) -> dict[str, Callable[[int], list[str]]]:
    zen = [ZENML] if ZENML else [PY, "-m", "zenml_cli"]

    def z(store: str, *args: str) -> Callable[[int], list[str]]:
        return lambda _round: [*zen, "--project-dir", str(stores[store]), *args]

    def promote(round_: int) -> list[str]:  # alternate two versions: every call moves a stage
        number = str(big - round_ % 2)
        return [
            *zen,
            "--project-dir",
            str(stores[f"v{big}"]),
            "model",
            "version",
            "update",
            "P",
            number,
            "--stage",
            "production",
            "-o",
            "json",
        ]

    cases: dict[str, Callable[[int], list[str]]] = {
        "floor: python -c pass": lambda _r: [PY, "-c", "pass"],
        "floor: python -c 'import typer'": lambda _r: [PY, "-c", "import typer"],
        "zenml --help": lambda _r: [*zen, "--help"],
        "model list -o json (empty store)": z("empty", "model", "list", "-o", "json"),
        "model list -o json (100 models)": z("models100", "model", "list", "-o", "json"),
        "model list -o json (1,000 models)": z("models1000", "model", "list", "-o", "json"),
    }
    for size in sorted(int(k[1:]) for k in stores if k.startswith("v")):
        cases[f"version list -o json, all ({size:,} versions)"] = z(
            f"v{size}", *list_all_versions(size)
        )
    cases[f"version list -o json, 1st page ({big:,} versions)"] = z(
        f"v{big}", "model", "version", "list", "--model", "M", "-o", "json"
    )
    cases[f"version describe by name ({big:,} versions)"] = z(
        f"v{big}", "model", "version", "describe", "M", f"v{big // 2}", "-o", "json"
    )
    cases[f"promotion ({big:,} versions)"] = promote
    cases[JUST_WRITTEN_MODELS] = z("fresh100", "model", "list", "-o", "json")
    cases[JUST_WRITTEN_VERSIONS.format(big=big)] = z(f"v{big}", *list_all_versions(big))
    cases[JUST_WRITTEN_PROMOTION.format(big=big)] = promote
    cases[f"registration via CLI ({big:,} versions)"] = z(
        f"v{big}", "model", "version", "create", "P", "-o", "json"
    )
    cases["doctor (100 models)"] = z("models100", "doctor", "-o", "json")
    cases["model list, table of 1,000 rows (1,000 models)"] = z(
        "models1000", "model", "list", "--size", "1000"
    )
    cases["model list -o json, 1,000 rows (1,000 models)"] = z(
        "models1000", "model", "list", "--size", "1000", "-o", "json"
    )
    words = f"zenml --project-dir {stores['models1000']} model describe model-09"
    cases[COMPLETION_CASE] = lambda _r: [  # bash's protocol: what the completion script does
        "env",
        "_ZENML_COMPLETE=complete_bash",
        f"COMP_WORDS={words}",
        "COMP_CWORD=5",
        *zen,
    ]
    return cases


def in_process_round(
    stores: dict[str, Path],
    sizes: list[int],
    big: int,
    ops: int,
    round_: int,
    out: dict[str, list[float]],
    floors: dict[str, Callable[[int], object]],
) -> None:
    """Median ms per call over ``ops`` calls of each in-process case, for one round
    (``floors``: the databases' listings to compare with)."""

    def timed(label: str, call: Callable[[int], object]) -> None:
        costs = []
        for i in range(ops):
            start = time.perf_counter()
            call(i)
            costs.append((time.perf_counter() - start) * 1000)
        out.setdefault(label, []).append(statistics.median(costs))

    for size in sizes:
        client = Client(stores[f"v{size}"])
        timed(f"create_model_version ({size:,} versions)", _creator(client))
        timed(f"promotion ({size:,} versions)", _promoter(client, size, round_ * ops))
    client = Client(stores["v1000"])
    timed(
        LIST_CASE,
        lambda _i: client.list_model_versions(model="M", size=1000),
    )
    just_written(stores["jw1000"], 1000, out)
    for label, call in floors.items():
        timed(label, call)
    client = Client(stores[f"v{big}"])
    timed(
        f"resolve by name ({big:,} versions)",
        lambda _i: client.get_model_version("M", f"v{big // 2}"),
    )
    timed(
        f"resolve by stage ({big:,} versions)", lambda _i: client.get_model_version("M", "latest")
    )


#: The in-process listing right after registering (issue 21.5), and what it is compared with.
JUST_WRITTEN_CASE = "list_model_versions right after registering 1,000 versions, 1st call"
JUST_WRITTEN_AGAIN = "list_model_versions right after registering 1,000 versions, 2nd call"
SQLITE_CASE = "sqlite3: select 1,000 version rows as dicts"
MLFLOW_CASE = "MLflow SQLite store: search_model_versions, 1,000 versions"


def just_written(root: Path, count: int, out: dict[str, list[float]]) -> None:
    """Register ``count`` versions through the SDK into a new store (untimed; without fsync,
    which only the registering pays), then time the first and second listing of them all."""
    import shutil

    shutil.rmtree(root, ignore_errors=True)
    Store(root).ensure_created()
    client = Client(root)
    client.create_model("M")
    with atomic.unsynced():
        for _ in range(count):
            client.create_model_version("M")
    for label in (JUST_WRITTEN_CASE, JUST_WRITTEN_AGAIN):
        start = time.perf_counter()
        listed = client.list_model_versions(model="M", size=count)
        out.setdefault(label, []).append((time.perf_counter() - start) * 1000)
        assert len(listed.items) == count


def sqlite_rows(root: Path, count: int) -> Callable[[int], object]:
    """A plain sqlite3 table holding what a version manifest holds, ``count`` rows; the call
    selects them all as dicts (a database has no just-written penalty: the floor to beat)."""
    import sqlite3

    db = sqlite3.connect(root / "versions.sqlite")
    db.execute(
        "create table versions (model text, number integer, name text, id text, stage text, "
        "description text, tags text, created text, created_by text, metadata text, "
        "primary key (model, number))"
    )
    with db:
        db.executemany(
            "insert into versions values ('M', ?, ?, ?, 'none', null, '[\"bench\"]', ?, "
            "'bench', '{\"accuracy\": \"0.9\"}')",
            [(n, str(n), str(uuid.uuid4()), "2026-01-01T00:00:00.000000Z") for n in range(count)],
        )
    db.row_factory = sqlite3.Row

    def select(_i: int) -> object:
        rows = db.execute("select * from versions where model = 'M' order by number")
        return [dict(row) for row in rows]

    return select


def mlflow_registry(root: Path, count: int) -> Callable[[int], object] | None:
    """MLflow's own SQLite model registry with ``count`` versions of one model, if MLflow is
    installed (it is not a dependency): the call lists them all, as MLflow's client does."""
    try:
        import logging

        from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore
    except ImportError:
        return None
    logging.disable(logging.WARNING)  # MLflow's migrations log every step
    store = SqlAlchemyStore(f"sqlite:///{root / 'mlflow.db'}")
    store.create_registered_model("M")
    for number in range(count):
        store.create_model_version("M", source=f"{root}/runs/{number}", run_id=None, tags=[])
    return lambda _i: store.search_model_versions("name='M'", max_results=count)


RSS_PROBE = """
import sys
try:
    if sys.argv[1:] == ["--floor"]:
        import typer
    else:
        sys.argv = ["zenml", *sys.argv[1:]]
        from zenml_cli.cli.app import main
        main()
except SystemExit:
    pass
finally:
    with open("/proc/self/status") as status:
        peak = next((line.split()[1] for line in status if line.startswith("VmHWM")), "0")
    sys.stderr.write(f"VmHWM {peak}\\n")
"""


def peak_rss_kib(args: list[str], env: dict[str, str]) -> int:
    """Peak RSS of one command, read by the process itself from /proc/self/status (VmHWM).

    Not the child's ru_maxrss: Linux carries the forking parent's high-water mark across exec,
    so a child of this (large) benchmark process would report the benchmark's own size."""
    proc = subprocess.run(
        [PY, "-c", RSS_PROBE, *args], capture_output=True, text=True, env=env, check=False
    )
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("VmHWM ")]
    return int(lines[-1].split()[1]) if lines else -1


def _creator(client: Client) -> Callable[[int], object]:
    return lambda _i: client.create_model_version("P")


def _promoter(client: Client, size: int, offset: int) -> Callable[[int], object]:
    """Promote versions ``size`` and ``size - 1`` in turn, so every call moves a stage."""
    return lambda i: client.update_model_version("P", size - (offset + i) % 2, stage="production")


# ------------------------------------------------------------------------------- concurrency
WORKER = """
import json, sys
from zenml_cli import Client
client = Client(sys.argv[1])
while __import__("time").time() < float(sys.argv[3]):
    pass
print(json.dumps([client.create_model_version("C").number for _ in range(int(sys.argv[2]))]))
"""


def concurrency(root: Path, procs: int, each: int, env: dict[str, str]) -> dict[str, Any]:
    """``procs`` processes register ``each`` versions of one model at once; check the result."""
    project = Path(tempfile.mkdtemp(dir=root, prefix="concurrent-"))
    Store(project).ensure_created()  # an explicit project folder must hold a store
    Client(project).create_model("C")
    start_at = time.time() + 1.0  # all workers start together, after interpreter start-up
    workers = [
        subprocess.Popen(
            [PY, "-c", WORKER, str(project), str(each), str(start_at)],
            stdout=subprocess.PIPE,
            env=env,
        )
        for _ in range(procs)
    ]
    results = [json.loads(w.communicate()[0]) for w in workers]
    wall = time.time() - start_at
    numbers = sorted(n for result in results for n in result)
    files = sorted(int(p.stem) for p in Store(project).layout.versions_dir("C").glob("*.yaml"))
    expected = list(range(1, procs * each + 1))
    ok = numbers == expected and files == expected
    return {
        "processes": procs,
        "versions_each": each,
        "seconds": round(wall, 3),
        "versions_per_second": round(len(numbers) / wall, 1),
        "lost": len(set(expected) - set(files)),
        "duplicates": len(numbers) - len(set(numbers)),
        "ok": ok,
    }


# ------------------------------------------------------------------------------- reporting
def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(
    cli: dict[str, dict[str, list[float]]],
    inproc: dict[str, list[float]],
    conc: dict[str, Any],
    rss: dict[str, int],
    machine: dict[str, Any],
) -> dict[str, Any]:
    floor_pass = median(cli["floor: python -c pass"]["wall"])
    floor_typer = median(cli["floor: python -c 'import typer'"]["wall"])
    print(
        f"\nzenml-cli {zenml_cli.__version__} | Python {machine['python']} | "
        f"{machine['cpus']} CPUs | {machine['platform']} | rounds: {machine['rounds']}"
    )
    print(
        f"\n{'CLI case (median of rounds)':46} {'wall ms':>8} {'cpu ms':>7} {'x pass':>7} "
        f"{'x typer':>8}  target"
    )
    rows = {}
    for case, samples in cli.items():
        wall, cpu = median(samples["wall"]), median(samples["cpu"])
        target = CLI_TARGETS.get(case)
        ratio = wall / floor_typer
        verdict = "" if target is None else f"<= {target}x {'ok' if ratio <= target else 'MISSED'}"
        if case in CLI_MS_TARGETS:
            limit = CLI_MS_TARGETS[case]
            verdict = f"<= {limit:g} ms {'ok' if wall <= limit else 'MISSED'}"
        print(f"{case:46} {wall:8.1f} {cpu:7.1f} {wall / floor_pass:7.2f} {ratio:8.2f}  {verdict}")
        rows[case] = {
            "wall_ms": round(wall, 2),
            "cpu_ms": round(cpu, 2),
            "x_pass": round(wall / floor_pass, 3),
            "x_typer": round(ratio, 3),
            "samples_wall_ms": [round(v, 2) for v in samples["wall"]],
        }
    print(f"\n{'In process (median ms per call, median of rounds)':58} {'ms':>8}")
    inproc_rows = {}
    for case, values in inproc.items():
        print(f"{case:58} {median(values):8.3f}")
        inproc_rows[case] = {"ms": round(median(values), 4), "rounds": values}
    small = [k for k in inproc if k.startswith("create_model_version")]
    if len(small) >= 2:
        low, high = median(inproc[small[0]]), median(inproc[small[-1]])
        verdict = "ok" if high <= 3.0 and high <= 1.5 * low else "MISSED"
        print(
            f"target: create at {small[-1][22:-1]} <= 3 ms and <= 1.5x {small[0][22:-1]}: "
            f"{high:.2f} ms, {high / low:.2f}x -> {verdict}"
        )
    for case in (LIST_CASE, JUST_WRITTEN_CASE):
        if case in inproc:
            listed = median(inproc[case])
            verdict = "ok" if listed <= LIST_TARGET_MS else "MISSED"
            print(f"target: {case} <= {LIST_TARGET_MS:g} ms: {listed:.2f} ms -> {verdict}")
    print(
        f"\nconcurrency: {conc['processes']} processes x {conc['versions_each']} registrations: "
        f"{conc['versions_per_second']} versions/s, lost {conc['lost']}, "
        f"duplicated {conc['duplicates']} -> {'ok' if conc['ok'] else 'FAILED'}"
    )
    print("peak RSS: " + ", ".join(f"{k} {v / 1024:.1f} MiB" for k, v in rss.items()))
    return {
        "machine": machine,
        "floors_ms": {"python -c pass": floor_pass, "python -c 'import typer'": floor_typer},
        "cli": rows,
        "in_process": inproc_rows,
        "concurrency": conc,
        "peak_rss_kib": rss,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds, fewer calls")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 10; quick 3)")
    parser.add_argument("--big", type=int, default=BIG, help="versions of the largest store")
    parser.add_argument("--output", type=Path, default=HERE / "results.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary stores")
    parser.add_argument(
        "--no-mlflow", action="store_true", help="skip MLflow's store even if installed"
    )
    args = parser.parse_args()
    rounds = args.rounds or (3 if args.quick else 10)
    sizes = sorted({100, 1000, args.big})
    ops = 10 if args.quick else 20
    # Users' installs have bytecode; compile ours once even if PYTHONDONTWRITEBYTECODE is set.
    compileall.compile_dir(Path(zenml_cli.__file__).parent, quiet=1)
    env = dict(os.environ, ZENML_ACTOR="bench")
    env.pop("ZENML_PROJECT_DIR", None)
    os.environ["ZENML_ACTOR"] = "bench"
    with tempfile.TemporaryDirectory(prefix="zenml-bench-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        stores = build(root, sizes)
        stores["jw1000"] = root / "jw1000"  # registered into again each round
        floors = {SQLITE_CASE: sqlite_rows(root, 1000)}
        mlflow = None if args.no_mlflow else mlflow_registry(root, 1000)
        if mlflow is not None:
            floors[MLFLOW_CASE] = mlflow
        print(f"built stores in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        time.sleep(2.1)  # let the newest files age past the index's racy window
        cases = cli_cases(stores, args.big)
        prepare = prepare_cases(stores, args.big)
        for case, make_argv in cases.items():  # warm-up: caches, page cache
            prepare.get(case, lambda: None)()
            run_child(make_argv(0), env)
        cli: dict[str, dict[str, list[float]]] = {c: {"wall": [], "cpu": []} for c in cases}
        inproc: dict[str, list[float]] = {}
        names = list(cases)
        for round_ in range(rounds):
            # Rotate the order each round, so no case always runs right after a heavy one.
            shift = round_ % len(names)
            for case in names[shift:] + names[:shift]:
                prepare.get(case, lambda: None)()
                wall, cpu = run_child(cases[case](round_ + 1), env)
                cli[case]["wall"].append(wall)
                cli[case]["cpu"].append(cpu)
            in_process_round(stores, sizes, args.big, ops, round_, inproc, floors)
            print(f"round {round_ + 1}/{rounds} done", file=sys.stderr)
        listing = ["--project-dir", str(stores[f"v{args.big}"]), *list_all_versions(args.big)]
        rss = {
            "python -c 'import typer'": peak_rss_kib(["--floor"], env),
            f"version list -o json, all ({args.big:,} versions)": peak_rss_kib(listing, env),
        }
        conc = concurrency(root, 4, 25 if args.quick else 50, env)
        if args.keep:
            kept = Path(tempfile.mkdtemp(prefix="zenml-bench-kept-"))
            os.rename(root, kept / "stores")
            os.mkdir(root)
            print(f"stores kept in {kept}", file=sys.stderr)
    machine = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "rounds": rounds,
        "load_avg": os.getloadavg(),
    }
    results = report(cli, inproc, conc, rss, machine)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwrote {args.output}", file=sys.stderr)
    if not conc["ok"]:
        raise SystemExit("concurrency check failed: versions lost or duplicated")


if __name__ == "__main__":
    main()
