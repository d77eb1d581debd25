"""Entry point, as ZenML projects write it: click options pick the pipeline, configs/*.yaml
configure it. Prints one JSON line about the run it made (read back through Client)."""

import json
import os

import click  # noqa: TID251 - a ZenML project, written as they are (click, not typer)
from pipelines import feature_engineering, inference, training

from zenml_cli.client import Client


@click.command()
@click.option("--feature-pipeline", is_flag=True, default=False)
@click.option("--training-pipeline", is_flag=True, default=False)
@click.option("--inference-pipeline", is_flag=True, default=False)
@click.option("--no-cache", is_flag=True, default=False, help="Disable caching.")
@click.option("--stack", default="default", help="Stack to activate.")
def main(
    feature_pipeline: bool,
    training_pipeline: bool,
    inference_pipeline: bool,
    no_cache: bool,
    stack: str,
) -> None:
    client = Client()
    client.activate_stack(stack)
    click.echo(
        f"stack {client.active_stack.name} ({client.active_stack.orchestrator.flavor}), "
        f"project {client.active_project.name}, user {client.active_user.name}",
        err=True,
    )
    options = {"enable_cache": False} if no_cache else {}
    configs = os.path.join(os.path.dirname(os.path.realpath(__file__)), "configs")
    chosen = {
        "feature_engineering": (feature_pipeline, feature_engineering),
        "training": (training_pipeline, training),
        "inference": (inference_pipeline, inference),
    }
    for name, (wanted, pipe) in chosen.items():
        if not wanted:
            continue
        pipe.with_options(config_path=os.path.join(configs, f"{name}.yaml"), **options)()
        run = Client().get_pipeline(name).last_run
        summary = {
            "pipeline": name,
            "run": run.name,
            "steps": {step.name: step.status.value for step in run.steps.values()},
            "model_version": run.model_version.number if run.model_version else None,
        }
        if name == "training":
            summary["threshold"] = run.steps["model_trainer"].output.load()["threshold"]
            summary["report"] = run.steps["evaluation_report"].outputs["evaluation_report"].load()
        if name == "inference":
            summary["predictions"] = len(run.steps["inference_predict"].output.load())
        click.echo(json.dumps(summary))


if __name__ == "__main__":
    main()
