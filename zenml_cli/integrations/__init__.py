"""ZenML's integrations (``zenml_cli.integrations.mlflow``, ``.evidently`` ...) are not part of
zenml-cli: importing one raises ImportError saying so.

A meta path finder answers every ``zenml_cli.integrations.<name>`` import with that error, so
the message names the integration the program asked for.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

PREFIX = __name__ + "."


def message(name: str) -> str:
    integration = name.removeprefix(PREFIX).split(".")[0]
    return (
        f"zenml-cli has no integrations ('{integration}' was imported): it is ZenML's model "
        f"registry without a server; import {integration} itself, or run this program with "
        "ZenML"
    )


class _NoIntegrations:
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname.startswith(PREFIX):
            raise ImportError(message(fullname), name=fullname)
        return None


if not any(isinstance(finder, _NoIntegrations) for finder in sys.meta_path):
    sys.meta_path.insert(0, _NoIntegrations())


def __getattr__(name: str) -> ModuleType:
    if name.startswith("__"):  # introspection (``__path__``, ``__wrapped__``): not an import
        raise AttributeError(name)
    raise ImportError(message(PREFIX + name), name=PREFIX + name)
