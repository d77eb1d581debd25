"""``zenml model version update``: promote (gated or not), rename, retag, add metadata.

No ``from __future__ import annotations`` here: typer would evaluate each parameter's
annotation text with ``eval`` (compiling it) every time it builds the command, about 2 ms of
every promotion; written plainly, the annotations are objects made once at import.
"""

from typing import TYPE_CHECKING, Annotated

import typer

from zenml_cli.cli.commands.version_options import (
    MetadataFileOpt,
    MetadataOpt,
    ModelArg,
    TagOpt,
    VersionArg,
)
from zenml_cli.cli.complete import (
    STAGE_METAVAR,
    stage_words,
)
from zenml_cli.cli.context import (
    OutputOpt,
    PushOpt,
    PushOptionOpt,
    ReviewBranchOpt,
    VerboseOpt,
    registry,
)
from zenml_cli.cli.github import summarise_promotion
from zenml_cli.cli.render import (
    OutputFormat,
    message,
    render_write,
)
from zenml_cli.errors import UsageError
from zenml_cli.registry import metadata_from_options

if TYPE_CHECKING:
    from zenml_cli.core.versions import VersionUpdate


def update(
    ctx: typer.Context,
    model: ModelArg,
    version: VersionArg = "latest",
    stage: Annotated[
        str | None,
        typer.Option(
            "--stage",
            "-s",
            metavar=STAGE_METAVAR,
            help="Move to this stage.",
            autocompletion=stage_words,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Override the project's promotion policies.")
    ] = False,
    name: Annotated[str | None, typer.Option("--name", "-n", help="Rename the version.")] = None,
    description: Annotated[
        str | None, typer.Option("--description", "-d", help="New description.")
    ] = None,
    tag: TagOpt = None,
    remove_tag: Annotated[
        list[str] | None,
        typer.Option("--remove-tag", "-r", metavar="TAG", help="Remove a tag (repeatable)."),
    ] = None,
    message_text: Annotated[
        str | None,
        typer.Option("--message", "-m", help="Why: recorded with the change in the history."),
    ] = None,
    push: PushOpt = False,
    branch: ReviewBranchOpt = None,
    push_option: PushOptionOpt = None,
    metadata: MetadataOpt = None,
    metadata_file: MetadataFileOpt = None,
    if_better: Annotated[
        str | None,
        typer.Option(
            "--if-better",
            metavar="KEY[:higher|:lower]",
            help="Gate: promote only if this version's metadata KEY beats the stage holder's "
            "(strictly; default higher is better; an empty stage passes); else exit 4.",
        ),
    ] = None,
    if_current: Annotated[
        str | None,
        typer.Option(
            "--if-current",
            metavar="N|none",
            help="Promote only if version N (or nobody, with none) holds the stage now; "
            "else exit 4.",
        ),
    ] = None,
    verbose: VerboseOpt = False,
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Promote a version to a stage, rename it, or change its description, tags or metadata.

    VERSION defaults to latest. Promoting to an occupied staging or production archives the
    previous holder in the same write. --if-better and --if-current are checked under the
    model's lock; a refused update changes nothing.
    """
    asked = (name, description, tag, remove_tag, metadata, metadata_file)
    _refuse_empty_update(stage, if_better, if_current, asked)
    result = registry(ctx, push=push, branch=branch, push_options=push_option).update_version(
        model,
        version,
        stage=stage,
        force=force,
        name=name,
        description=description,
        add_tags=tag,
        remove_tags=remove_tag,
        message=message_text,
        metadata=metadata_from_options(metadata, metadata_file),
        if_better=if_better,
        if_current=if_current,
    )
    _report_update(result, message_text)
    moved = result.version
    render_write(result.to_dict(), output, verbose, title=f"{moved.model} version {moved.number}")


def _refuse_empty_update(
    stage: str | None, if_better: str | None, if_current: str | None, asked: tuple[object, ...]
) -> None:
    """Usage errors before anything is read: a gate without a promotion, or no change."""
    if stage is None and (if_better is not None or if_current is not None):
        raise UsageError("--if-better and --if-current guard a promotion; add --stage STAGE")
    if stage is None and all(value is None or value == [] for value in asked):
        raise UsageError(
            "nothing to change; pass --stage, --name, --description, --tag, --remove-tag, "
            "--metadata or --metadata-file"
        )


def _report_update(result: "VersionUpdate", message_text: str | None) -> None:
    """The stderr lines of an update (the registry's description of it, then what a gate
    compared), and the GitHub step summary of a promotion."""
    described = result.describe()
    for line in described:
        message(line)
    moved, change = result.version, result.stage_change
    if change is not None and change.changed:
        summarise_promotion(
            moved.model,
            moved.number,
            moved.name,
            str(change.from_stage),
            str(change.to_stage),
            described[-1],
            result.gate,
            message_text,
        )
    gate = result.describe_gate()
    if gate is not None:
        message(gate)
