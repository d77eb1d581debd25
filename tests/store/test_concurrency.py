"""Real processes writing at once lose nothing and duplicate nothing; killed writers leave a
store that reads cleanly. Every wait is bounded."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zenml_cli import Client, ModelStages

from support import workers
from support.running import run_zenml

pytestmark = pytest.mark.slow
SPAWN = multiprocessing.get_context("spawn")


def test_four_processes_registering_25_versions_each_get_1_to_100(
    client: Client, project: Path
) -> None:
    client.create_model("iris")
    with SPAWN.Manager() as manager, SPAWN.Pool(4) as pool:
        barrier = manager.Barrier(4)
        jobs = [
            pool.apply_async(workers.register_versions, (str(project), "iris", 25, barrier))
            for _ in range(4)
        ]
        numbers = [n for job in jobs for n in job.get(timeout=120)]
    assert sorted(numbers) == list(range(1, 101))
    listed = client.list_model_versions("iris", size=1000)
    assert [v.number for v in listed] == list(range(1, 101))
    assert len({v.id for v in listed}) == 100
    assert run_zenml("doctor", cwd=project).returncode == 0


def test_simultaneous_promotions_leave_one_holder_and_a_full_history(
    client: Client, project: Path
) -> None:
    client.create_model("iris")
    for _ in range(6):
        client.create_model_version("iris")
    with SPAWN.Manager() as manager, SPAWN.Pool(6) as pool:
        barrier = manager.Barrier(6)
        jobs = [
            pool.apply_async(workers.promote, (str(project), "iris", n, "production", barrier))
            for n in range(1, 7)
        ]
        assert sorted(job.get(timeout=120) for job in jobs) == [1, 2, 3, 4, 5, 6]
    stages = {v.number: v.stage for v in client.list_model_versions("iris")}
    holders = [n for n, stage in stages.items() if stage == ModelStages.PRODUCTION]
    assert len(holders) == 1
    assert sorted(n for n, s in stages.items() if s == ModelStages.ARCHIVED) == sorted(
        set(range(1, 7)) - set(holders)
    )
    from zenml_cli.core.model_describe import history_of

    events = history_of(client.registry.store, "iris")
    assert [e.seq for e in events] == list(range(1, 7))
    assert sorted(e.version for e in events) == [1, 2, 3, 4, 5, 6]
    previous = None
    for event in events:  # each promotion archived exactly the holder before it
        assert (event.to, event.archived) == ("production", previous)
        previous = event.version
    assert previous == holders[0]


def test_parallel_cli_writers_in_ci_style(client: Client, project: Path) -> None:
    """The CI shape: separate `zenml` processes registering and promoting at once."""
    client.create_model("iris")
    env = {
        **os.environ,
        "ZENML_PROJECT_DIR": str(project),
        "ZENML_ACTOR": "ci",
        "ZENML_LOCK_TIMEOUT": "60",
    }
    zenml = str(Path(sys.executable).with_name("zenml"))
    procs = [
        subprocess.Popen(
            [zenml, "model", "version", "create", "iris", "-o", "json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    numbers = sorted(json.loads(p.communicate(timeout=120)[0])["number"] for p in procs)
    assert numbers == list(range(1, 9))


def _count(folder: Path) -> int:
    return len(os.listdir(folder)) if folder.exists() else 0


@pytest.mark.parametrize("seed", range(6))
def test_a_writer_killed_at_random_leaves_a_readable_store(
    client: Client, project: Path, seed: int
) -> None:
    client.create_model("crashy")
    rng = random.Random(seed)
    for _round in range(3):
        child = SPAWN.Process(target=workers.churn_forever, args=(str(project), seed * 10 + _round))
        child.start()
        # Let it get some writes in first; where it is when the kill lands is what varies.
        deadline = time.monotonic() + 30
        target = len(client.list_model_versions("crashy", size=10_000)) + rng.randint(1, 8)
        while (
            len(client.list_model_versions("crashy", size=10_000)) < target
            and time.monotonic() < deadline
        ):
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.05))
        assert child.is_alive(), f"writer died on its own (exit code {child.exitcode})"
        os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
        child.join(timeout=10)
        doctor = run_zenml("doctor", "-o", "json", cwd=project)
        assert doctor.returncode == 0, doctor.stdout
        for args in (
            ["model", "list", "-o", "json"],
            ["model", "version", "list", "--model", "crashy", "-o", "json", "--size", "10000"],
            ["model", "version", "history", "crashy", "-o", "json"],
            ["model", "describe", "crashy", "-o", "json"],
        ):
            result = run_zenml(*args, cwd=project)
            assert result.returncode == 0, (args, result.stderr)
            json.loads(result.stdout)
    versions = client.list_model_versions("crashy", size=10_000)
    assert len({v.number for v in versions}) == len(versions)
    holders = [v for v in versions if v.stage in (ModelStages.PRODUCTION, ModelStages.STAGING)]
    assert len(holders) == len({v.stage for v in holders})
