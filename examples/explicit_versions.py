"""Explicit version names and autonumbering, as in ZenML's docs: a named version gets the
next number, so if ``really_good_version`` is number 5, ``even_better_version`` is 6.

Run it in a fresh folder (or with ZENML_PROJECT_DIR set).
"""

from __future__ import annotations

from zenml_cli import Model, pipeline, step
from zenml_cli.client import Client


@step(model=Model(name="my_model", version="1.0.5"))
def svc_trainer() -> float:
    return 0.93


@pipeline(model=Model(name="my_model"))
def training_pipeline() -> None:
    svc_trainer()  # the step's own model (version 1.0.5) wins over the pipeline's


if __name__ == "__main__":
    client = Client()
    for _ in range(4):  # numbers 1..4, named after their numbers
        Model(name="my_model").number  # noqa: B018 - reading it registers the version
    earlier = Model(name="my_model", version="really_good_version").number
    updated = Model(name="my_model", version="even_better_version").number
    print(f"really_good_version is {earlier}, even_better_version is {updated}")
    assert (earlier, updated) == (5, 6)
    assert Model(name="my_model", version="really_good_version").number == 5  # fetched again

    training_pipeline()
    named = client.get_model_version("my_model", "1.0.5")
    print(
        f"1.0.5 is number {named.number}; latest is {client.get_model_version('my_model').number}"
    )
    assert named.number == 8 and named.data_artifact_ids
