"""Steps of a ZenML-style starter project (written as ZenML programs are, `zenml` renamed
`zenml_cli`): a toy threshold classifier, so the project needs nothing but the standard
library."""

import random
from typing import Annotated, Tuple  # noqa: UP035 - written as ZenML projects write it

from zenml_cli import ArtifactConfig, Model, get_step_context, log_metadata, step
from zenml_cli.artifacts.utils import log_artifact_metadata
from zenml_cli.config import ResourceSettings
from zenml_cli.logger import get_logger
from zenml_cli.types import HTMLString

logger = get_logger(__name__)


@step
def data_loader(random_state: int, n_rows: int = 40) -> Annotated[list, "dataset"]:
    rng = random.Random(random_state)
    rows = []
    for _ in range(n_rows):
        x = rng.random()
        rows.append({"x": x, "y": int(x + rng.uniform(-0.2, 0.2) > 0.5)})
    # metadata for this step's own output, attached when the step returns (issue 20 item 1)
    log_metadata({"rows": len(rows)}, artifact_name="dataset", infer_artifact=True)
    return rows


@step
def data_splitter(
    dataset: list, test_size: float = 0.25
) -> Tuple[Annotated[list, "dataset_trn"], Annotated[list, "dataset_tst"]]:  # noqa: UP006
    cut = int(len(dataset) * (1 - test_size))
    return dataset[:cut], dataset[cut:]


def _accuracy(model: dict, rows: list) -> float:
    hits = sum(int(row["x"] > model["threshold"]) == row["y"] for row in rows)
    return round(hits / len(rows), 4)


@step(settings={"resources": ResourceSettings(cpu_count=2, memory="1GB")})
def model_trainer(
    dataset_trn: list, threshold_grid: list
) -> Annotated[dict, ArtifactConfig(name="model", is_model_artifact=True)]:
    best = max(threshold_grid, key=lambda t: _accuracy({"threshold": t}, dataset_trn))
    log_artifact_metadata({"grid_size": len(threshold_grid)}, artifact_name="model")
    return {"threshold": best}


@step
def model_evaluator(model: dict, dataset_tst: list) -> Annotated[float, "test_accuracy"]:
    accuracy = _accuracy(model, dataset_tst)
    log_metadata({"test_accuracy": accuracy}, infer_model=True)
    log_artifact_metadata({"accuracy": accuracy})  # the step's only output
    return accuracy


@step(enable_cache=False)
def model_promoter(accuracy: float, stage: str = "production") -> bool:
    """Promote the run's version if it is at least as good as the one in `stage`."""
    current = get_step_context().model
    try:
        holder = Model(name=current.name, version=stage)
        holder_accuracy = holder.run_metadata["test_accuracy"]
    except KeyError:
        holder_accuracy = None
    promote = holder_accuracy is None or accuracy >= holder_accuracy
    if promote:
        current.set_stage(stage, force=True)
    logger.info("promoted=%s (%s vs %s)", promote, accuracy, holder_accuracy)
    return promote


@step
def evaluation_report(accuracy: float) -> Annotated[HTMLString, "evaluation_report"]:
    return HTMLString(f"<h1>Evaluation</h1><p>accuracy: {accuracy}</p>")


@step
def inference_predict(dataset: list) -> Annotated[list, "predictions"]:
    model = get_step_context().model
    classifier = model.load_artifact("model")
    return [int(row["x"] > classifier["threshold"]) for row in dataset]
