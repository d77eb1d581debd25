"""The ``zenml`` command: the root app, global options and the ``doctor`` and ``init`` commands."""

from __future__ import annotations

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
from zenml_cli.cli.commands import rollback as rollback_cmd
from zenml_cli.cli.commands import version as version_cmds
from zenml_cli.cli.context import ErrorFunnel, OutputOpt, VerboseOpt, registry
from zenml_cli.cli.prune import keep_only_invoked
from zenml_cli.cli.render import OutputFormat, message, render_list, render_record, render_write
from zenml_cli.errors import CorruptManifestError

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


@app.command("version")
def version() -> None:
    """Print the version of zenml-cli."""
    typer.echo(f"zenml-cli {VERSION}")


@app.command("completion")
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


@app.command("doctor")
def doctor(
    ctx: typer.Context,
    payloads: Annotated[
        bool,
        typer.Option(
            "--payloads",
            help="Also check that every artifact payload is in the artifact store, intact.",
        ),
    ] = False,
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            metavar="REF",
            help="Also check that the store is a valid successor of git commit REF's (e.g. "
            "origin/main): no version lost, renumbered or replaced, no deleted number reused, "
            "no history event removed or rewritten.",
        ),
    ] = None,
    staged: Annotated[
        bool,
        typer.Option(
            "--staged",
            help="Compare what is staged (the next commit) instead of the working tree, "
            "against HEAD unless --against names another commit (the pre-commit hook).",
        ),
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Parse and check every file again, ignoring (and not updating) the cache of "
            "files already checked; the report is the same either way.",
        ),
    ] = False,
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Check every manifest in .zenml/; exit 6 naming each bad file if any is broken."""
    report = registry(ctx).doctor(
        payloads=payloads, against=against, staged=staged, use_cache=not no_cache
    )
    # file/severity/message is what linters report (and what CI annotations read); path and
    # problem stay for scripts written against the first shape.
    items = [
        {"file": p.path, "severity": p.severity, "message": p.problem} | p.to_dict()
        for p in report.problems
    ]
    errors = sum(1 for p in report.problems if p.severity == "error")
    summary = (
        f"checked {report.checked_files} manifest(s): {errors} error(s), "
        f"{len(items) - errors} warning(s)"
    )
    if output == "table":
        if items:
            render_list(
                items, None, output, ["severity", "file", "message"], title="problems",
                priority=("file", "message", "severity"),
            )  # fmt: skip
    else:
        render_record(
            {
                "ok": report.ok,
                "checked_files": report.checked_files,
                "errors": errors,
                "warnings": len(items) - errors,
                "summary": summary,
                "items": items,
            },
            output,
        )
    message(summary)
    if not report.ok:
        raise typer.Exit(CorruptManifestError.exit_code)


@app.command("init")
def init(
    ctx: typer.Context,
    manifest_format: Annotated[
        str, typer.Option("--manifest-format", help="Encoding of manifests: yaml or json.")
    ] = "yaml",
    strict_force: Annotated[
        bool,
        typer.Option("--strict-force", help="Replacing a staging/production holder needs --force."),
    ] = False,
    production_requires_staging: Annotated[
        bool,
        typer.Option(
            "--production-requires-staging",
            help="Only the staging holder may be promoted to production.",
        ),
    ] = False,
    project_dir: Annotated[
        str | None,
        typer.Option(
            "--project-dir",
            help="Folder to create .zenml/ in (as 'zenml --project-dir DIR init').",
            show_default=False,
        ),
    ] = None,
    verbose: VerboseOpt = False,
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Create .zenml/ (in --project-dir, else the git work tree's top level, else here)."""
    if project_dir is not None:  # users type it after the command too; same meaning
        ctx.find_root().params["project_dir"] = project_dir
    config = registry(ctx, for_init=True).init(
        manifest_format=manifest_format,
        strict_force=strict_force,
        production_requires_staging=production_requires_staging,
    )
    render_write(config, output, verbose, title="config")
    message(f"initialised {registry(ctx, for_init=True).store_dir}")


def main() -> None:
    # A CLI call lives for a fraction of a second and builds thousands of small objects when
    # listing; the cyclic GC would rescan them again and again (a third of the cost of listing
    # 10,000 versions) to free almost nothing. Reference counting still frees everything else.
    gc.disable()
    prog_name = "zenml-cli" if os.path.basename(sys.argv[0]) == "zenml-cli" else "zenml"
    typed = complete.completion_request(prog_name)  # None unless a shell asks for completions
    keep_only_invoked(app, sys.argv[1:] if typed is None else typed)
    app(prog_name=prog_name)
