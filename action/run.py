"""The GitHub Action's step (``action.yml``): run one zenml command with ``-o json`` and expose
its JSON as step outputs.

Reads ``INPUT_COMMAND`` (the arguments after ``zenml``); writes to ``$GITHUB_OUTPUT``:
``json`` (the whole document), ``exit-code``, and every scalar field of a JSON object
(``number``, ``stage``, ``previous_stage``, ...; nested ones joined with ``_``). The command's
messages pass through to the log; the step exits with the command's exit code (``0`` ok,
``4`` refused by a gate or policy, ... see the README). Runs locally too: set ``GITHUB_OUTPUT``
to any file.

Everything in the JSON may come from the repository (a committed metadata key or version
name), so nothing in it can forge another output: an output is written only under a name
GitHub allows (letters, digits, ``_``, ``-``; other keys are left out with a note on stderr),
``exit-code`` and ``json`` cannot be overridden, and a value with a line break is written as a
heredoc whose random delimiter does not occur in the value.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import uuid
from contextlib import suppress
from typing import Any

#: What GitHub accepts as an output name (and all a later step can refer to).
OUTPUT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
#: Written by this script itself; no field of the JSON may take these names.
RESERVED = ("exit-code", "json")


def flatten(data: Any, prefix: str = "", skipped: list[str] | None = None) -> dict[str, str]:
    """Scalar fields of a JSON object as output name -> text (lists and nulls are left out).
    A field whose name GitHub would not accept as an output name is left out (and appended
    to ``skipped``); the first field to take a name keeps it."""
    found: dict[str, str] = {}
    if not isinstance(data, dict):
        return found
    for key, value in data.items():
        name = f"{prefix}{key}".replace(".", "_")
        if isinstance(value, dict):
            for inner, text in flatten(value, f"{name}_", skipped).items():
                found.setdefault(inner, text)
            continue
        if not isinstance(value, bool | str | int | float):
            continue
        if not OUTPUT_NAME.fullmatch(name) or name in RESERVED:
            if skipped is not None:
                skipped.append(name)
            continue
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        found.setdefault(name, text)
    return found


def write_outputs(path: str, values: dict[str, str]) -> None:
    """Append ``values`` to a GitHub output file, one ``name=value`` line each, or a heredoc
    for a value with a line break (GitHub splits the file at ``\\n``; ``\\r`` is kept safe too)."""
    with open(path, "a", encoding="utf-8") as handle:
        for name, value in values.items():
            if not OUTPUT_NAME.fullmatch(name):
                continue  # flatten never gives one; a last guard against a forged line
            if "\n" in value or "\r" in value:
                delimiter = heredoc_delimiter(value)
                handle.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
            else:
                handle.write(f"{name}={value}\n")


def heredoc_delimiter(value: str) -> str:
    """A random delimiter that occurs nowhere in ``value`` (so no line of it can end the
    heredoc early)."""
    while True:
        delimiter = f"ZENML_EOF_{uuid.uuid4().hex}"
        if delimiter not in value:
            return delimiter


def main() -> int:
    args = shlex.split(os.environ.get("INPUT_COMMAND", ""))
    if not args:
        print("zenml-cli action: the 'command' input is empty", file=sys.stderr)
        return 2
    if args[0] in ("zenml", "zenml-cli"):  # "zenml model list" works as well as "model list"
        args = args[1:]
    if not {"-o", "--output"} & set(args) and not any(a.startswith("--output=") for a in args):
        args += ["-o", "json"]
    proc = subprocess.run(
        [sys.executable, "-m", "zenml_cli", *args], stdout=subprocess.PIPE, text=True, check=False
    )
    sys.stdout.write(proc.stdout)
    values = {"exit-code": str(proc.returncode), "json": proc.stdout.strip()}
    skipped: list[str] = []
    with suppress(json.JSONDecodeError):  # an -o the caller chose: only json and exit-code
        fields = flatten(json.loads(proc.stdout), skipped=skipped) if proc.stdout.strip() else {}
        values = {**fields, **values}
    if skipped:  # repr: a key's own line breaks never reach the log as lines
        names = ", ".join(repr(name) for name in skipped)
        print(f"zenml-cli action: not valid output names, left out: {names}", file=sys.stderr)
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        write_outputs(output, {k: v for k, v in values.items() if k not in ("items",)})
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
