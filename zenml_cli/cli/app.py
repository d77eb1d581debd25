"""The ``zenml`` command: the root app, global options and the ``doctor`` and ``init`` commands."""

from __future__ import annotations

import gc
import sys
from typing import Annotated

import typer

from zenml_cli.cli import artifact_cmds, dashboard_cmds, model_cmds, version_cmds
from zenml_cli.cli.context import ErrorFunnel, OutputOpt, registry
from zenml_cli.cli.prune import keep_only_invoked
from zenml_cli.cli.render import OutputFormat, message, render_list, render_record
from zenml_cli.errors import CorruptManifestError

app = typer.Typer(
    cls=ErrorFunnel,
    name="zenml",
    help="A git-native Model Control Plane: ZenML models, versions and stages in .zenml/.",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help and one-line errors; and rich stays unimported
    pretty_exceptions_enable=False,
    add_completion=False,
)
model_cmds.app.add_typer(version_cmds.app, name="version")
app.add_typer(model_cmds.app, name="model")
app.add_typer(artifact_cmds.app, name="artifact")
app.add_typer(dashboard_cmds.app, name="dashboard")


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
) -> None:
    """zenml-cli: register models and versions, promote them between stages, audit history."""


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
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Check every manifest in .zenml/; exit 6 naming each bad file if any is broken."""
    report = registry(ctx).doctor(payloads=payloads)
    items = [problem.to_dict() for problem in report.problems]
    if items or output != "table":
        render_list(items, None, output, ["severity", "path", "problem"], title="problems")
    errors = sum(1 for p in report.problems if p.severity == "error")
    message(
        f"checked {report.checked_files} manifest(s): {errors} error(s), "
        f"{len(items) - errors} warning(s)"
    )
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
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Create .zenml/ (in --project-dir, else the git work tree's top level, else here)."""
    config = registry(ctx, for_init=True).init(
        manifest_format=manifest_format,
        strict_force=strict_force,
        production_requires_staging=production_requires_staging,
    )
    render_record(config, output, title="config")
    message(f"initialised {registry(ctx, for_init=True).store.dir}")


def main() -> None:
    # A CLI call lives for a fraction of a second and builds thousands of small objects when
    # listing; the cyclic GC would rescan them again and again (a third of the cost of listing
    # 10,000 versions) to free almost nothing. Reference counting still frees everything else.
    gc.disable()
    keep_only_invoked(app, sys.argv[1:])
    app()
