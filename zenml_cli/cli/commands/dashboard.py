"""``zenml dashboard build|serve``: the registry as a static site, or the same pages live.

The dashboard package is imported inside each command, so other commands never pay for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from zenml_cli.cli.context import OutputOpt, VerboseOpt, registry
from zenml_cli.cli.render import OutputFormat, message, render_record, render_write

app = typer.Typer(
    help="A static catalogue of models and versions: build it, or serve it live.",
    no_args_is_help=True,
)

#: Exit code of a server stopped with Ctrl-C (the CLI contract's "interrupted").
INTERRUPTED = 130


@app.command("build")
def build(
    ctx: typer.Context,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder to write the site into (created; only a folder an earlier build "
            "wrote is reused, and its stale pages are removed).",
        ),
    ] = Path("zenml-dashboard"),
    verbose: VerboseOpt = False,
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Write a self-contained site (open index.html from disk, or publish the folder). Like
    every write, one line on stderr; -v or -o json|yaml for the counts on stdout."""
    from zenml_cli.dashboard.data import Reader
    from zenml_cli.dashboard.site import build_site

    result = build_site(Reader(registry(ctx)), out)
    render_write(result.to_dict(), output, verbose, title="dashboard")
    message(
        f"wrote {result.pages} page(s) for {result.models} model(s) to {result.out} "
        f"({result.written} changed, {result.removed} removed); open {result.out / 'index.html'}"
    )


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[
        str,
        typer.Option("--host", help="Address to listen on (default: this machine only)."),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on (0: any free port).", min=0, max=65535)
    ] = 8237,
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Serve the dashboard live from the store, read-only, until Ctrl-C (exit 4: port taken)."""
    from zenml_cli.dashboard.data import fresh_readers
    from zenml_cli.dashboard.serve import open_server

    project = registry(ctx)
    server = open_server(fresh_readers(registry(ctx)), host, port)
    try:
        url = server.url
        render_record({"url": url, "project": str(project.root)}, output, title="dashboard")
        if host not in ("127.0.0.1", "localhost", "::1"):
            message(f"warning: listening on {host}: anyone who can reach it can read the registry")
        message(f"serving {project.root} at {url} (read-only); Ctrl-C stops")
        server.serve_forever()
    except KeyboardInterrupt:
        message("stopped")
        raise typer.Exit(INTERRUPTED) from None
    finally:
        server.server_close()
