"""The ``zenml`` command: the root app and its global options; it mounts every command of
``cli/commands/`` (the root's own ones too: version, completion, doctor, init).

No ``from __future__ import annotations``: typer builds the root callback of every call from
annotation objects made once at import, instead of compiling each annotation's text.
"""

import gc
import os
import sys
from typing import Annotated

import typer

import zenml_cli
from zenml_cli.cli import complete, render
from zenml_cli.cli.commands import artifact as artifact_cmds
from zenml_cli.cli.commands import dashboard as dashboard_cmds
from zenml_cli.cli.commands import git as git_cmds
from zenml_cli.cli.commands import model as model_cmds
from zenml_cli.cli.commands import project as project_cmds
from zenml_cli.cli.commands import rollback as rollback_cmd
from zenml_cli.cli.commands import tool as tool_cmds
from zenml_cli.cli.commands import version as version_cmds
from zenml_cli.cli.context import ErrorFunnel
from zenml_cli.cli.prune import keep_only_invoked

VERSION = zenml_cli.__version__

app = typer.Typer(
    cls=ErrorFunnel,
    name="zenml",
    help=f"zenml-cli {VERSION}: a git-native Model Control Plane: ZenML models, versions "
    "and stages in .zenml/.",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help and one-line errors; and rich stays unimported
    pretty_exceptions_enable=False,
    add_completion=False,
)
version_cmds.app.command("rollback")(rollback_cmd.rollback)
model_cmds.app.add_typer(version_cmds.app, name="version")
app.add_typer(model_cmds.app, name="model")
app.add_typer(artifact_cmds.app, name="artifact")
app.add_typer(dashboard_cmds.app, name="dashboard")
app.add_typer(git_cmds.app, name="git")
app.command("resolve")(git_cmds.resolve)
app.command("version")(tool_cmds.version)
app.command("completion")(tool_cmds.completion)
app.command("doctor")(project_cmds.doctor)
app.command("init")(project_cmds.init)


@app.callback()
def root(
    project_dir: Annotated[
        str | None,
        typer.Option(
            "--project-dir",
            envvar="ZENML_PROJECT_DIR",
            help="Project folder holding .zenml/ (default: the current folder or a parent).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            is_eager=True,
            callback=lambda value: _print_version() if value else None,
            help="Print the version and exit.",
        ),
    ] = False,
    no_color: Annotated[
        bool,
        typer.Option("--no-color", help="Plain tables without colour (also NO_COLOR=1)."),
    ] = False,
) -> None:
    """zenml-cli: register models and versions, promote them between stages, audit history."""
    render.NO_COLOR_FLAG = no_color  # set on every call, so one in-process call cannot leak


def _print_version() -> None:
    typer.echo(f"zenml-cli {VERSION}")
    raise typer.Exit()


def main() -> None:
    # A CLI call lives for a fraction of a second and builds thousands of small objects when
    # listing; the cyclic GC would rescan them again and again (a third of the cost of listing
    # 10,000 versions) to free almost nothing. Reference counting still frees everything else.
    gc.disable()
    prog_name = "zenml-cli" if os.path.basename(sys.argv[0]) == "zenml-cli" else "zenml"
    typed = complete.completion_request(prog_name)  # None unless a shell asks for completions
    keep_only_invoked(app, sys.argv[1:] if typed is None else typed)
    app(prog_name=prog_name)
