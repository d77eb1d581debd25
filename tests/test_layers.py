"""DESIGN section 1: imports point down only. Checked from the source, so a violation fails
here even when no test happens to execute the offending import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "zenml_cli"
EXTERNAL_ONLY_IN = {"typer": "cli", "rich": "cli", "click": None, "filelock": "store"}


def _layer(path: Path) -> str:
    relative = path.relative_to(PACKAGE).parts
    if len(relative) == 1:
        return relative[0].removesuffix(".py")  # errors, enums, client, model, ...
    return relative[0]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


MODULES = sorted(PACKAGE.rglob("*.py"))
#: What each layer may import from the package, besides itself and the leaves.
ALLOWED = {
    "store": set(),
    "core": {"store"},
    "dashboard": {"store", "core"},
    "cli": {"store", "core", "dashboard"},
    "__main__": {"cli"},
}
LEAVES = {"errors", "enums"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    layer = _layer(path)
    for name in _imports(path):
        top, _, rest = name.partition(".")
        if top in EXTERNAL_ONLY_IN:
            assert EXTERNAL_ONLY_IN[top] == layer, f"{path.name} imports {top}"
        if top != "zenml_cli" or not rest:
            continue
        target = rest.split(".")[0]
        if layer in LEAVES:
            pytest.fail(f"{path.name} is a leaf but imports {name}")
        if target in LEAVES or target == layer:
            continue
        if layer in ALLOWED:
            assert target in ALLOWED[layer], f"{path} ({layer}) imports {name}"
        else:  # the SDK surface may use core and store, never the CLI
            assert target != "cli", f"{path} imports the CLI"


def test_only_the_dashboards_data_module_reads_the_registry() -> None:
    """The page builders get plain data from ``dashboard/data.py``; when the core moves, that
    one module is all that changes."""
    for path in sorted((PACKAGE / "dashboard").glob("*.py")):
        if path.name == "data.py":
            continue
        reading = {
            name
            for name in _imports(path)
            if name.startswith(("zenml_cli.core", "zenml_cli.store", "zenml_cli.client"))
        }
        assert reading == set(), f"{path.name} imports {reading}"
