"""``zenml init`` and ``zenml doctor``: the root's commands about the project's store as a
whole (``cli/app.py`` mounts them)."""

from __future__ import annotations

from typing import Annotated

import typer

from zenml_cli.cli.context import OutputOpt, VerboseOpt, registry
from zenml_cli.cli.render import OutputFormat, message, render_list, render_record, render_write
from zenml_cli.errors import CorruptManifestError


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
