"""Regenerate the README's dashboard screenshots (docs/img/*.png).

    python docs/screenshots.py

Builds an example registry in a temporary folder through the Python API, builds the site
with ``zenml dashboard build`` and photographs one page of each type with headless Chromium
(the OS package: apt-get install chromium), 1200x800, light theme.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Annotated

from zenml_cli import ArtifactConfig  # module level: the steps' annotations resolve here

IMG = Path(__file__).resolve().parent / "img"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-prefers-color-scheme=light",
    "--window-size=1200,800",
]


def example_registry(root: Path) -> None:
    """iris: eight versions with metrics and a promotion history by two people; churn: two
    versions registered by a training pipeline (artifacts and runs); a model with no versions."""
    os.environ["ZENML_PROJECT_DIR"] = str(root)
    os.environ["ZENML_ACTOR"] = "alice"
    from zenml_cli import Client, Model, log_metadata, pipeline, step
    from zenml_cli.core.versions import update_version

    client = Client(root)
    client.create_model(
        "iris",
        license="MIT",
        description="Classifies iris flowers from petal and sepal sizes.",
        tags=["sklearn", "tabular"],
    )
    scores = [0.81, 0.84, 0.83, 0.88, 0.87, 0.91, 0.9, 0.93]
    for number, accuracy in enumerate(scores, start=1):
        version = client.create_model_version("iris", name="1.0.5" if number == 6 else None)
        metrics = {"accuracy": accuracy, "f1": round(accuracy - 0.03 * (number % 3), 3)}
        if number > 2:
            metrics["latency_ms"] = 14 - number
        Model(name="iris", version=version.number).log_metadata(metrics)
    promotions = [
        ("alice", 2, "production", "first release"),
        ("bob", 4, "staging", None),
        ("bob", 4, "production", "better recall on the holdout set"),
        ("alice", 6, "staging", None),
        ("alice", 6, "production", "1.0.5: retrained on May data"),
        ("ci", 8, "staging", "candidate from CI"),
    ]
    for actor, number, stage, message in promotions:
        os.environ["ZENML_ACTOR"] = actor
        update_version(client.registry.store, "iris", number, stage=stage, message=message)
    client.create_model("sentiment", description="Not trained yet.", tags=["nlp"])

    @step
    def load_data() -> Annotated[list, ArtifactConfig("customers")]:
        return [[0.1, 0.9], [0.8, 0.3], [0.4, 0.4]]

    @step
    def train(rows: list) -> Annotated[dict, ArtifactConfig("churn_model", is_model_artifact=True)]:
        log_metadata({"auc": 0.7 + len(rows) / 100}, infer_model=True)
        return {"threshold": 0.5}

    @pipeline(model=Model(name="churn", description="Predicts churn."), enable_cache=False)
    def training() -> None:
        train(load_data())

    os.environ["ZENML_ACTOR"] = "ci"
    training()
    training()


def main() -> None:
    if not Path(CHROMIUM).exists():
        raise SystemExit("needs Chromium: apt-get install chromium")
    IMG.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="zenml-shots-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        example_registry(root)
        out = root / "site"
        zenml = Path(sys.executable).with_name("zenml")
        subprocess.run(
            [str(zenml), "--project-dir", str(root), "dashboard", "build", "--out", str(out)],
            check=True,
            capture_output=True,
        )
        from zenml_cli.dashboard import paths

        shots = {
            "dashboard-index.png": paths.INDEX,
            "dashboard-model.png": paths.model_page("iris"),
            "dashboard-version.png": paths.version_page("churn", 2),
        }
        for file_name, page in shots.items():
            profile = Path(tmp) / f"profile-{file_name}"
            target = IMG / file_name
            subprocess.run(
                [
                    CHROMIUM,
                    *FLAGS,
                    f"--user-data-dir={profile}",
                    f"--screenshot={target}",
                    (out / page).as_uri(),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
            print(f"wrote {target}")


if __name__ == "__main__":
    main()
