"""``zenml artifact list|describe|migrate|trust``: the artifact versions pipeline code saved, and
where their payloads live."""

from __future__ import annotations

from functools import partial
from typing import Annotated

import typer

from zenml_cli.cli.context import (
    DEFAULT_SIZE,
    ListOutputOpt,
    OutputOpt,
    PageOpt,
    PushOpt,
    PushOptionOpt,
    ReviewBranchOpt,
    SizeOpt,
    VerboseOpt,
    registry,
)
from zenml_cli.cli.render import (
    ListOutputFormat,
    OutputFormat,
    message,
    render_list,
    render_record,
    render_write,
)
from zenml_cli.core.output_fields import output_fields

ARTIFACT_COLUMNS = ("name", "version", "type", "materializer", "size", "created", "id")

app = typer.Typer(
    help="List and describe artifact versions; move their payloads; accept a store.",
    no_args_is_help=True,
)


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
    output: ListOutputOpt = ListOutputFormat.TABLE,
) -> None:
    """List artifact versions, by artifact name then version number."""
    result = registry(ctx).list_artifact_versions(
        name=name, artifact_type=artifact_type, tag=tag, page=page, size=size
    )
    items = [record.to_dict() for record in result]
    render_list(
        items, result.pagination(), output, ARTIFACT_COLUMNS, title="artifact versions",
        fields=partial(output_fields, "artifact"),
    )  # fmt: skip


@app.command("describe")
def describe(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Artifact name or artifact version id.")],
    version: Annotated[
        str | None,
        typer.Argument(help="Artifact version (default: the latest).", show_default=False),
    ] = None,
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Show one artifact version: type, payload location, sha256, size, producing run."""
    record = registry(ctx).get_artifact_version(name, version)
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
    push: PushOpt = False,
    branch: ReviewBranchOpt = None,
    push_option: PushOptionOpt = None,
    verbose: VerboseOpt = False,
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Copy every payload into another artifact store, then switch config.yaml to it."""
    door = registry(ctx, push=push, branch=branch, push_options=push_option)
    result = door.migrate_artifact_store(to)
    render_write(result, output, verbose, title="artifact store migrated")
    copied, present = result["objects_copied"], result["objects_present"]
    if result["from"] == result["to"] and not copied and not result["legacy_upgraded"]:
        message(f"the artifact store is already {to}; nothing to migrate")
    else:
        message(
            f"migrated the artifact store to {to} ({copied} object(s) copied, "
            f"{present} already there)"
        )


@app.command("trust")
def trust(
    ctx: typer.Context,
    url: Annotated[
        str | None,
        typer.Argument(
            help="The store to accept, exactly as config.yaml names it (default: what it names "
            "now). CI should pass its own value, so a pull request cannot choose it.",
            show_default=False,
        ),
    ] = None,
    verbose: VerboseOpt = False,
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Let this clone use an artifact store outside the project when config.yaml names it.

    A commit can change config.yaml, so a store outside the project (an absolute folder,
    file://, s3://, gs://, az://) is used only once this clone accepted that exact value
    (kept in the git dir, never committed); ZENML_ARTIFACT_STORE needs no acceptance."""
    result = registry(ctx).trust_artifact_store(url)
    render_write(result, output, verbose, title="artifact store")
    store = result["accepted"]
    if not result["needs_acceptance"]:
        message(f"the artifact store {store} needs no acceptance (a folder in the project)")
    elif result["newly_accepted"]:
        message(f"this clone now accepts the artifact store {store}")
    else:
        message(f"this clone already accepts the artifact store {store}")
    if not result["configured_usable"]:
        message(
            f"config.yaml names {result['configured']}, which this clone has not accepted; "
            "payloads cannot be saved or loaded until it is"
        )
