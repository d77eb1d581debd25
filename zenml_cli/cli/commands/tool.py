"""``zenml version`` and ``zenml completion``: the root's commands about the tool itself
(``cli/app.py`` mounts them)."""

from __future__ import annotations

from typing import Annotated

import typer

import zenml_cli
from zenml_cli.cli import complete


def version() -> None:
    """Print the version of zenml-cli."""
    typer.echo(f"zenml-cli {zenml_cli.__version__}")


def completion(
    ctx: typer.Context,
    shell: Annotated[
        str,
        typer.Argument(
            metavar="[bash|zsh|fish]",
            help="The shell to print the completion script for.",
            autocompletion=lambda: list(complete.SHELLS),
            show_default=False,
        ),
    ],
) -> None:
    """Print the shell completion script: eval "$(zenml completion bash)" in ~/.bashrc,
    or zenml completion fish > ~/.config/fish/completions/zenml.fish."""
    if shell not in complete.SHELLS:
        raise typer.BadParameter(f"{shell!r} is not one of bash, zsh, fish", param_hint="SHELL")
    typer.echo(complete.script(shell, ctx.find_root().info_name or "zenml"))
