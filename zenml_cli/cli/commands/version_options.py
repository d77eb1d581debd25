"""Arguments and options shared by the ``zenml model version`` commands."""

from __future__ import annotations

from typing import Annotated

import typer

from zenml_cli.cli.complete import (
    model_names,
    version_refs,
)

ModelArg = Annotated[
    str,
    typer.Argument(help="Model name (or id).", show_default=False, autocompletion=model_names),
]
VersionArg = Annotated[
    str,
    typer.Argument(
        help="Version number, name, id, or stage (latest, staging, production, ...).",
        autocompletion=version_refs,
    ),
]
TagOpt = Annotated[
    list[str] | None, typer.Option("--tag", "-t", metavar="TAG", help="A tag (repeatable).")
]
MetadataOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--metadata",
        "-M",
        metavar="KEY=VALUE",
        help="Run metadata (repeatable); VALUE is read as JSON when it parses, else as text.",
    ),
]
MetadataFileOpt = Annotated[
    str | None,
    typer.Option(
        "--metadata-file",
        metavar="FILE",
        help="A JSON or YAML mapping merged into the run metadata (-M pairs win).",
    ),
]
