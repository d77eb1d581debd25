"""The ``zenml`` command: the root app and its global options; it mounts the commands of
``cli/commands/`` (the root's own ones too: version, completion, doctor, init), only the family
a call names (``mount``).

No ``from __future__ import annotations``: typer builds the root callback of every call from
annotation objects made once at import, instead of compiling each annotation's text.
"""

import gc
import os
import sys
from collections.abc import Callable
from typing import Annotated

import typer

import zenml_cli
from zenml_cli.cli import complete, render
from zenml_cli.cli.context import ErrorFunnel
from zenml_cli.cli.prune import command_name, command_path, keep_only_invoked

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


def _mount_model(words: list[str]) -> None:
    from zenml_cli.cli.commands import model as model_cmds

    app.add_typer(model_cmds.app, name="model")
    model_commands = {command_name(c) for c in model_cmds.app.registered_commands}
    if words[1:2] and words[1] in model_commands:
        return  # `zenml model list`: the version family is neither run nor listed
    from zenml_cli.cli.commands import rollback as rollback_cmd
    from zenml_cli.cli.commands import version as version_cmds

    version_cmds.app.command("rollback")(rollback_cmd.rollback)
    model_cmds.app.add_typer(version_cmds.app, name="version")


def _mount_artifact(words: list[str]) -> None:
    from zenml_cli.cli.commands import artifact as artifact_cmds

    app.add_typer(artifact_cmds.app, name="artifact")


def _mount_dashboard(words: list[str]) -> None:
    from zenml_cli.cli.commands import dashboard as dashboard_cmds

    app.add_typer(dashboard_cmds.app, name="dashboard")


def _mount_git(words: list[str]) -> None:
    from zenml_cli.cli.commands import git as git_cmds

    app.add_typer(git_cmds.app, name="git")
    app.command("resolve")(git_cmds.resolve)


def _mount_tool(words: list[str]) -> None:
    from zenml_cli.cli.commands import tool as tool_cmds

    app.command("version")(tool_cmds.version)
    app.command("completion")(tool_cmds.completion)


def _mount_project(words: list[str]) -> None:
    from zenml_cli.cli.commands import project as project_cmds

    app.command("doctor")(project_cmds.doctor)
    app.command("init")(project_cmds.init)


#: The root's words, each with the family of commands that defines it, mounted in this order
#: (the order ``zenml --help`` lists them in). Importing a family's modules and building its
#: typer objects costs more than the rest of a command's start-up together, so a call mounts
#: only the family its first word names.
FAMILIES: dict[str, Callable[[list[str]], None]] = {
    "model": _mount_model,
    "artifact": _mount_artifact,
    "dashboard": _mount_dashboard,
    "git": _mount_git,
    "resolve": _mount_git,
    "version": _mount_tool,
    "completion": _mount_tool,
    "doctor": _mount_project,
    "init": _mount_project,
}
_mounted: list[Callable[[list[str]], None]] = []


def mount(args: list[str] | None = None) -> typer.Typer:
    """``app`` with the commands ``args`` (the command line after the program name) can reach
    mounted: one family when its first command word names one, else all of them (``--help``,
    a typo's suggestions, completion of the first word). ``None``: everything, as tests and
    embedders calling ``app`` directly need (it may repeat). ``main`` mounts, then prunes, for
    its one command line: the tree it leaves serves that line only."""
    words = [] if args is None else command_path(args)
    family = FAMILIES.get(words[0]) if words else None
    for mounter in [family] if family else dict.fromkeys(FAMILIES.values()):
        if mounter not in _mounted:
            _mounted.append(mounter)
            mounter(words if family else [])
    return app


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
    args = sys.argv[1:] if typed is None else typed
    mount(args)
    keep_only_invoked(app, args)
    app(prog_name=prog_name)
