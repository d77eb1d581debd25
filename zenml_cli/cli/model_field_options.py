"""The seven ZenML model-field options of ``zenml model register`` and ``zenml model update``,
made from the schema table (``core/schema.MODEL_TEXT_FIELDS``: each field and its help) and
ZenML's CLI spelling of it, instead of spelled out by hand in each command.

``with_model_field_options`` gives a command one ``--license`` ... ``--limitations`` option per
field, in place of its ``fields: ModelText = MODEL_FIELDS`` parameter (so the help lists them
where that parameter stands), and calls it with ``fields``: a ``ModelText`` of what was given.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from zenml_cli.core.schema import MODEL_TEXT_FIELDS

if TYPE_CHECKING:
    from zenml_cli.core.keywords import ModelText

#: Field -> (the command's parameter name, its flags), in the order the help lists them.
#: ZenML's CLI spells two fields its own way (``--tradeoffs``, ``--ethical``).
CLI_SPELLING: dict[str, tuple[str, tuple[str, ...]]] = {
    "license": ("license", ("--license", "-l")),
    "description": ("description", ("--description", "-d")),
    "audience": ("audience", ("--audience", "-a")),
    "use_cases": ("use_cases", ("--use-cases", "-u")),
    "trade_offs": ("tradeoffs", ("--tradeoffs",)),
    "ethics": ("ethical", ("--ethical", "-e")),
    "limitations": ("limitations", ("--limitations",)),
}

#: The default of a command's ``fields`` parameter: it stands for the generated options, whose
#: values replace it on every call.
MODEL_FIELDS: ModelText = {}


def _options() -> list[inspect.Parameter]:
    return [
        inspect.Parameter(
            parameter,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            default=None,
            annotation=Annotated[str | None, typer.Option(*flags, help=MODEL_TEXT_FIELDS[field])],
        )
        for field, (parameter, flags) in CLI_SPELLING.items()
    ]


def with_model_field_options(command: Callable[..., None]) -> Callable[..., None]:
    """``command`` with its ``fields: ModelText`` parameter shown to typer as one option per
    model text field; the values come back to it as that one ``fields`` keyword."""
    # The command module imports ``ModelText`` for the type checker only (core/keywords'
    # typed dicts cost ~1 ms to build): ``fields``' annotation, which typer never sees, is
    # evaluated against a stand-in.
    signature = inspect.signature(command, eval_str=True, locals={"ModelText": dict})
    parameters = list(signature.parameters.values())
    at = [parameter.name for parameter in parameters].index("fields")
    shown = [*parameters[:at], *_options(), *parameters[at + 1 :]]

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        given = {field: kwargs.pop(name, None) for field, (name, _) in CLI_SPELLING.items()}
        command(*args, fields=cast("ModelText", given), **kwargs)

    run.__signature__ = signature.replace(parameters=shown)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in shown} | {"return": None}
    return run
