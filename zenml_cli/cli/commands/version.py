"""``zenml model version ...``: create, list, describe, update (promote, gated or not;
rename), compare, delete, history. Each command lives in the module of its family; this one
puts them on the ``version`` group in the order ``--help`` shows them."""

from __future__ import annotations

import typer

from zenml_cli.cli.commands import version_show as show
from zenml_cli.cli.commands import version_update as version_update_cmd
from zenml_cli.cli.commands import version_write as version_write_cmds
from zenml_cli.cli.commands.version_options import ModelArg, VersionArg

__all__ = ["ModelArg", "VersionArg", "app"]

app = typer.Typer(
    help="Create, list, describe, promote, rename and delete model versions.",
    no_args_is_help=True,
)
app.command("create")(version_write_cmds.create)
app.command("list")(show.list_)
app.command("describe")(show.describe)
app.command("update")(version_update_cmd.update)
app.command("compare")(show.compare)
app.command("delete")(version_write_cmds.delete)
app.command("history")(show.history)
