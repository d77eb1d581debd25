"""The GitHub Action's step (``action.yml``): run one zenml command with ``-o json`` and expose
its JSON as step outputs.

Reads ``INPUT_COMMAND`` (the arguments after ``zenml``); writes to ``$GITHUB_OUTPUT``:
``json`` (the whole document), ``exit-code``, and every scalar field of a JSON object
(``number``, ``stage``, ``previous_stage``, ...; nested ones joined with ``_``). The command's
messages pass through to the log; the step exits with the command's exit code (``0`` ok,
``4`` refused by a gate or policy, ... see the README). Runs locally too: set ``GITHUB_OUTPUT``
to any file.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import uuid
from contextlib import suppress
from typing import Any


def flatten(data: Any, prefix: str = "") -> dict[str, str]:
    """Scalar fields of a JSON object as output name -> text (lists and nulls are left out)."""
    found: dict[str, str] = {}
    if not isinstance(data, dict):
        return found
    for key, value in data.items():
        name = f"{prefix}{key}".replace(".", "_")
        if isinstance(value, dict):
            found |= flatten(value, f"{name}_")
        elif isinstance(value, bool):
            found[name] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            found[name] = str(value)
    return found


def write_outputs(path: str, values: dict[str, str]) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        for name, value in values.items():
            if "\n" in value:
                delimiter = f"ZENML_{uuid.uuid4().hex}"
                handle.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
            else:
                handle.write(f"{name}={value}\n")


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
    with suppress(json.JSONDecodeError):  # an -o the caller chose: only json and exit-code
        values |= flatten(json.loads(proc.stdout)) if proc.stdout.strip() else {}
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        write_outputs(output, {k: v for k, v in values.items() if k not in ("items",)})
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
