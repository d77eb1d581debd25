"""``zenml model version create | delete``.

No ``from __future__ import annotations``: typer builds the command from annotation objects
made once at import, instead of compiling each annotation's text (``version_update.py``).
"""

from typing import Annotated

import typer

from zenml_cli.cli.commands.version_options import MetadataFileOpt, MetadataOpt, ModelArg, TagOpt
from zenml_cli.cli.complete import (
    version_refs,
)
from zenml_cli.cli.context import (
    OutputOpt,
    PushOpt,
    PushOptionOpt,
    ReviewBranchOpt,
    VerboseOpt,
    YesOpt,
    confirm_or_refuse,
    registry,
)
from zenml_cli.cli.render import (
    OutputFormat,
    message,
    render_write,
)
from zenml_cli.registry import metadata_from_options


def create(
    ctx: typer.Context,
    model: ModelArg,
    version_name: Annotated[
        str | None,
        typer.Argument(help="Name of the new version (default: its number).", show_default=False),
    ] = None,
    description: Annotated[
        str | None, typer.Option("--description", "-d", help="What changed in this version.")
    ] = None,
    tag: TagOpt = None,
    push: PushOpt = False,
    branch: ReviewBranchOpt = None,
    push_option: PushOptionOpt = None,
    metadata: MetadataOpt = None,
    metadata_file: MetadataFileOpt = None,
    verbose: VerboseOpt = False,
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Register the next version of a model; it gets the next number."""
    version = registry(ctx, push=push, branch=branch, push_options=push_option).create_version(
        model,
        version_name,
        description=description,
        tags=tag,
        metadata=metadata_from_options(metadata, metadata_file),
    )
    render_write(
        version.to_dict(), output, verbose, title=f"{version.model} version {version.number}"
    )
    message(f"registered version {version.number} ('{version.name}') of model '{version.model}'")


def delete(
    ctx: typer.Context,
    model: ModelArg,
    version: Annotated[
        str,
        typer.Argument(
            help="Version number, name or id.", show_default=False, autocompletion=version_refs
        ),
    ],
    yes: YesOpt = False,
    force: Annotated[
        bool,
        typer.Option("--force", "-f", help="Delete it even if it holds staging or production."),
    ] = False,
    push: PushOpt = False,
    branch: ReviewBranchOpt = None,
    push_option: PushOptionOpt = None,
    verbose: VerboseOpt = False,
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Delete one version (asks first unless -y). Its number is never reused."""
    door = registry(ctx, push=push, branch=branch, push_options=push_option)
    if yes:  # nothing to show first: the version is found where the write runs (the tip)
        deleted = door.delete_version(model, version, force=force)
    else:
        target = door.get_version(model, version)
        question = f"Delete version {target.number} ('{target.name}') of '{target.model}'?"
        confirm_or_refuse(question, yes)
        deleted = door.delete_version(target.model, target.number, force=force)
    render_write(
        deleted.to_dict(),
        output,
        verbose,
        title=f"deleted {deleted.model} version {deleted.number}",
    )
    message(f"deleted version {deleted.number} of model '{deleted.model}'")
