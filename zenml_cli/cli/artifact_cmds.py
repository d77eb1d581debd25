"""``zenml model data_artifacts|model_artifacts|deployment_artifacts|runs`` and
``zenml artifact list|describe|migrate``: what pipeline code linked to model versions, and
where the payloads live."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from zenml_cli.cli.context import DEFAULT_SIZE, ListOutputOpt, OutputOpt, PageOpt, SizeOpt, store
from zenml_cli.cli.render import render_list, render_record
from zenml_cli.core.listing import paginate
from zenml_cli.enums import LinkKind

ARTIFACT_COLUMNS = ("name", "version", "type", "materializer", "size", "created", "id")
RUN_COLUMNS = ("name", "pipeline", "status", "start_time", "end_time", "step_count", "id")

app = typer.Typer(
    help="List and describe artifact versions; move their payloads.", no_args_is_help=True
)

ModelArg = Annotated[str, typer.Argument(help="Model name (or id).", show_default=False)]
VersionOpt = Annotated[
    str | None,
    typer.Option(
        "--version",
        "-v",
        help="Version number, name, id or stage (default: latest).",
        show_default=False,
    ),
]


def register(root: typer.Typer, model_app: typer.Typer) -> None:
    """Add the artifact group to ``zenml`` and the link listings to ``zenml model``."""
    for kind in LinkKind:
        model_app.command(
            f"{kind.value}_artifacts",
            help=f"List the {kind.value} artifacts linked to a model version.",
        )(_linked_lister(kind))
    model_app.command("runs", help="List the pipeline runs that created or used a model version.")(
        _runs
    )
    root.add_typer(app, name="artifact")


def _linked_lister(kind: LinkKind) -> Callable[..., None]:
    def lister(
        ctx: typer.Context,
        model: ModelArg,
        version: VersionOpt = None,
        page: PageOpt = 1,
        size: SizeOpt = DEFAULT_SIZE,
        output: ListOutputOpt = "table",  # type: ignore[assignment]
    ) -> None:
        from zenml_cli.core import links as core_links  # on use: other commands start faster

        found = core_links.linked_artifacts(store(ctx), model, version, kind)
        result = paginate(found, page, size)
        items = [record.to_dict() for record in result]
        render_list(items, result.pagination(), output, ARTIFACT_COLUMNS, title=f"{kind} artifacts")

    return lister


def _runs(
    ctx: typer.Context,
    model: ModelArg,
    version: VersionOpt = None,
    page: PageOpt = 1,
    size: SizeOpt = DEFAULT_SIZE,
    output: ListOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    from zenml_cli.core import runs as core_runs

    result = paginate(core_runs.runs_of_version(store(ctx), model, version), page, size)
    items = [run.to_dict() for run in result]
    render_list(items, result.pagination(), output, RUN_COLUMNS, title="runs")


@app.command("list")
def list_(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Option(
            "--name", help="Artifact name: exact, or contains:/startswith:/endswith:TEXT."
        ),
    ] = None,
    artifact_type: Annotated[
        str | None, typer.Option("--type", help="Only this type, e.g. ModelArtifact.")
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only versions with this tag.")] = None,
    page: PageOpt = 1,
    size: SizeOpt = DEFAULT_SIZE,
    output: ListOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """List artifact versions, by artifact name then version number."""
    from zenml_cli.core import artifacts as core_artifacts

    result = core_artifacts.list_versions(
        store(ctx), name=name, artifact_type=artifact_type, tag=tag, page=page, size=size
    )
    items = [record.to_dict() for record in result]
    render_list(items, result.pagination(), output, ARTIFACT_COLUMNS, title="artifact versions")


@app.command("describe")
def describe(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Artifact name or artifact version id.")],
    version: Annotated[
        str | None,
        typer.Argument(help="Artifact version (default: the latest).", show_default=False),
    ] = None,
    output: OutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Show one artifact version: type, payload location, sha256, size, producing run."""
    from zenml_cli.core import artifacts as core_artifacts

    record = core_artifacts.get(store(ctx), name, version)
    render_record(record.to_dict(), output, title=f"artifact {record.name} {record.version}")


@app.command("migrate")
def migrate(
    ctx: typer.Context,
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help="Target artifact store: a folder, file:///path, s3://, gs:// or az:// URL.",
            show_default=False,
        ),
    ],
    output: OutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Copy every payload into another artifact store, then switch config.yaml to it."""
    from zenml_cli.core import artifacts as core_artifacts

    result = core_artifacts.migrate(store(ctx), to)
    render_record(result, output, title="artifact store migrated")
