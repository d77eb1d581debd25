"""Build only the command being run: typer turns every registered command into a click command
(signature inspection, type hints, parameter objects) before parsing, which costs more than all
of zenml-cli's own start-up. ``keep_only_invoked`` trims the Typer tree to the exact path the
arguments name, so ``zenml model version list`` builds one command instead of all of them.

Only exact command names are followed, and only past options known to take no part in the
path; anything else (``--help`` at a group, a typo, an unknown option) leaves the rest of the tree
whole, so help texts, "no such command" suggestions and usage errors are exactly as before.
"""

from __future__ import annotations

from typing import Any

#: Root options that take a value (``--project-dir DIR``); the value is not a command name.
ROOT_VALUE_OPTIONS = ("--project-dir",)


def keep_only_invoked(app: Any, args: list[str]) -> None:
    """Drop from ``app`` (a typer.Typer, mutated) every command and group ``args`` does not run.

    Call once per process, just before ``app()``; a failure to understand the tree (another
    typer version) leaves it untouched."""
    try:
        _prune(app, command_path(args))
    except AttributeError:  # pragma: no cover - typer internals moved; build everything
        return


def command_path(args: list[str]) -> list[str]:
    """The leading command words of ``args``, after the root's own options."""
    index = 0
    while index < len(args) and args[index].startswith("-"):
        token = args[index]
        if token in ROOT_VALUE_OPTIONS:
            index += 2
        elif token.split("=", 1)[0] in ROOT_VALUE_OPTIONS:
            index += 1
        else:
            return []  # --help or an unknown option: build the whole tree
    path = []
    for token in args[index:]:
        if token.startswith("-"):
            break
        path.append(token)
    return path


def _prune(typer_app: Any, path: list[str]) -> None:
    current = typer_app
    for word in path:
        groups = [g for g in current.registered_groups if g.name == word]
        commands = [c for c in current.registered_commands if command_name(c) == word]
        if len(groups) + len(commands) != 1 or any(not g.name for g in current.registered_groups):
            return
        if commands:
            current.registered_commands, current.registered_groups = commands, []
            return
        current.registered_commands, current.registered_groups = [], groups
        current = groups[0].typer_instance


def command_name(command: Any) -> str:
    # typer's own rule (typer.main.get_command_name) for commands registered without a name
    name = command.name or command.callback.__name__
    return str(name).lower().replace("_", "-")
