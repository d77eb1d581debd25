"""Pipelines of the starter project: feature engineering composed into training, and a
batch inference pipeline that takes the production model from its configuration."""

from steps import (
    data_loader,
    data_splitter,
    evaluation_report,
    inference_predict,
    model_evaluator,
    model_promoter,
    model_trainer,
)

from zenml_cli import pipeline
from zenml_cli.config import DockerSettings


@pipeline
def feature_engineering(random_state: int = 17, test_size: float = 0.25):  # noqa: ANN201
    dataset = data_loader(random_state=random_state)
    dataset_trn, dataset_tst = data_splitter(dataset, test_size=test_size)
    return dataset_trn, dataset_tst


@pipeline(settings={"docker": DockerSettings(requirements=["scikit-learn"])})
def training(random_state: int = 17, target_stage: str = "production") -> None:
    dataset_trn, dataset_tst = feature_engineering(random_state=random_state)
    model = model_trainer(dataset_trn)
    accuracy = model_evaluator(model, dataset_tst)
    model_promoter(accuracy, stage=target_stage)
    evaluation_report(accuracy)


@pipeline
def inference(random_state: int = 99) -> None:
    dataset = data_loader(random_state=random_state)
    inference_predict(dataset)
