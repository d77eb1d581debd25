"""Shell completion (bash, zsh, fish) through typer's completion protocol, kept cheap.

typer's ``add_completion=True`` builds two extra options and imports shellingham in every call;
here completion is switched on only when the shell asks (``_ZENML_COMPLETE`` or
``_ZENML_CLI_COMPLETE`` set), the command tree is pruned to the words already typed, and the
value completers read folder listings and small indexes through the registry, never every
manifest. ``zenml completion bash|zsh|fish`` prints the script to source.

Names come from the repository, so they are untrusted: a name doctor would reject is never
offered, and ``complete_shells`` escapes every candidate for its shell's protocol.
"""

from __future__ import annotations

import os
from contextlib import suppress
from typing import Any

from zenml_cli.digits import is_number_text
from zenml_cli.enums import SINGLE_HOLDER_STAGES, ModelStages

#: Stage words a VERSION argument or ``--stage`` takes, in the order help shows them.
STAGES = tuple(
    stage.value for stage in (*SINGLE_HOLDER_STAGES, ModelStages.ARCHIVED, ModelStages.NONE)
)
#: The metavar help shows for a stage option (choices visible in help).
STAGE_METAVAR = f"[{'|'.join(STAGES)}]"
SHELLS = ("bash", "zsh", "fish")
#: The words the shell says were typed, once it asked for completions.
TYPED: list[str] = []


def complete_var(prog_name: str) -> str:
    """The variable a shell sets to ask for completions (click's rule)."""
    return f"_{prog_name}_COMPLETE".replace("-", "_").upper()


def completion_request(prog_name: str) -> list[str] | None:
    """The words already typed (program name excluded, the word being completed left out)
    when the shell asks for completions, else None. Also accepts click 8's spelling of the
    instruction (``bash_source``) besides typer's (``source_bash``)."""
    var = complete_var(prog_name)
    instruction = os.environ.get(var)
    if not instruction:
        return None
    first, _, second = instruction.partition("_")
    if first in SHELLS:  # click 8 style: bash_source, zsh_complete -> typer's source_bash
        os.environ[var] = f"{second}_{first}"
    from typer._completion_classes import completion_init

    from zenml_cli.cli import complete_shells

    completion_init()
    complete_shells.install()
    if "COMP_WORDS" in os.environ:  # bash
        words = _split(os.environ["COMP_WORDS"])
        cword = int(os.environ.get("COMP_CWORD", len(words)))
        TYPED[:] = words[1:cword]
    else:
        args = os.environ.get("_TYPER_COMPLETE_ARGS", "")
        words = _split(args)
        TYPED[:] = words[1:] if args.endswith(" ") else words[1:-1]
    return list(TYPED)


def _split(text: str) -> list[str]:
    from shlex import split

    try:
        return split(text)
    except ValueError:  # an unclosed quote while typing: complete commands from the whole tree
        return []


def script(shell: str, prog_name: str) -> str:
    """The script that wires ``prog_name``'s completion into ``shell``."""
    from typer._completion_shared import get_completion_script

    return get_completion_script(
        prog_name=prog_name, complete_var=complete_var(prog_name), shell=shell
    )


# ------------------------------------------------------------------------------ completers
def _registry(ctx: Any) -> Any:
    from zenml_cli.registry import Registry

    root = ctx.find_root()
    return Registry(root.params.get("project_dir"), require_store=True)


def model_names(ctx: Any, incomplete: str) -> list[str]:
    """Model names starting with what was typed (a folder listing, no manifest read)."""
    try:
        names = _registry(ctx).model_names()
    except Exception:  # no store here, unreadable folder: offer nothing rather than fail
        return []
    return [name for name in names if name.startswith(incomplete) and offerable(name)]


def version_refs(ctx: Any, incomplete: str) -> list[str]:
    """Stage words, then the numbers and names of the model typed before (if any)."""
    words = ["latest", *STAGES]
    model = ctx.params.get("model") or ctx.params.get("model_arg") or _first_argument(ctx, TYPED)
    if model:
        with suppress(Exception):  # unknown model: still offer the stage words
            words += [ref for ref in _registry(ctx).version_references(model) if offerable(ref)]
    return [word for word in words if word.startswith(incomplete)]


def offerable(name: str) -> bool:
    """Whether a model name or version reference from the store may be offered: a version
    number, or a name doctor accepts (no control characters, none of ``/\\:*?"<>|``, ...)."""
    from zenml_cli.errors import InvalidInputError
    from zenml_cli.registry import Registry

    if is_number_text(name):
        return True
    try:
        return Registry.check_name(name, "name") == name
    except InvalidInputError:
        return False


def _first_argument(ctx: Any, args: list[str]) -> str | None:
    """The first word after the command's name that is not an option: while completing an
    option's value click leaves the command's arguments unparsed."""
    if ctx.info_name not in args:
        return None
    rest = args[args.index(ctx.info_name) + 1 :]
    return next((word for word in rest if not word.startswith("-")), None)


def stage_words(incomplete: str) -> list[str]:
    return [stage for stage in STAGES if stage.startswith(incomplete.lower())]


def list_stage_words(incomplete: str) -> list[str]:
    return [stage for stage in (*STAGES, "latest") if stage.startswith(incomplete.lower())]
