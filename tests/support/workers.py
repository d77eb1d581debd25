"""Functions run in child processes by the concurrency and crash tests (spawned, so they must
live in an importable module rather than inside a test)."""

from __future__ import annotations

import os
import random
from typing import Any


def register_versions(project: str, model: str, count: int, barrier: Any) -> list[int]:
    from zenml_cli import Client

    os.environ["ZENML_LOCK_TIMEOUT"] = "60"
    client = Client(project)
    barrier.wait(timeout=30)
    return [client.create_model_version(model).number for _ in range(count)]


def promote(project: str, model: str, number: int, stage: str, barrier: Any) -> int:
    from zenml_cli import Client

    os.environ["ZENML_LOCK_TIMEOUT"] = "60"
    client = Client(project)
    barrier.wait(timeout=30)
    return client.update_model_version(model, number, stage=stage).number


def churn_forever(project: str, seed: int) -> None:
    """Register, promote and now and then delete versions until killed."""
    from zenml_cli import Client

    client = Client(project)
    rng = random.Random(seed)
    while True:
        version = client.create_model_version("crashy", description="x" * rng.randint(0, 5000))
        stage = rng.choice(["staging", "production", "archived", "none"])
        client.update_model_version("crashy", version.number, stage=stage)
        if rng.random() < 0.2:
            client.delete_model_version("crashy", version.number, force=True)
        elif rng.random() < 0.2:
            client.update_model_version("crashy", version.number, name=f"n{version.number}-{seed}")
