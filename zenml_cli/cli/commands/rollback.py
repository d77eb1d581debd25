"""``zenml model version rollback``: give a stage back to its previous holder (a write that
history records, never a ``git revert``; see ``core/stages/rollback.py``)."""

from __future__ import annotations

from typing import Annotated

import typer

from zenml_cli.cli.commands.version_options import ModelArg
from zenml_cli.cli.context import OutputOpt, PushOpt, VerboseOpt, registry
from zenml_cli.cli.render import OutputFormat, message, render_write


def rollback(
    ctx: typer.Context,
    model: ModelArg,
    stage: Annotated[
        str,
        typer.Option(
            "--stage",
            "-s",
            metavar="staging|production",
            help="The stage to roll back.",
        ),
    ] = "production",
    message_text: Annotated[
        str | None,
        typer.Option("--message", "-m", help="Why: recorded with the rollback in the history."),
    ] = None,
    push: PushOpt = False,
    verbose: VerboseOpt = False,
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Give a stage back to the version that held it before the current holder (from the
    history), archiving the current one, as one history event. Exit 3 when history names no
    earlier holder. A second rollback returns to the version rolled back from. Use this, not
    git revert: history is append-only."""
    result = registry(ctx, push=push).rollback_version(model, stage, message=message_text)
    for line in result.describe(rollback=True):
        message(line)
    moved = result.version
    render_write(
        {**result.to_dict(), "rollback": True},
        output,
        verbose,
        title=f"{moved.model} version {moved.number}",
    )
