"""DESIGN sections 1 and 6: imports point down only, there are no import cycles, and the core
never touches the filesystem. Checked from the source, so a violation fails here even when no
test happens to execute the offending import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from support.paths import REPO_ROOT

PACKAGE = REPO_ROOT / "zenml_cli"
EXTERNAL_ONLY_IN = {"typer": "cli", "rich": "cli", "click": None, "filelock": "store"}


def _layer(path: Path) -> str:
    relative = path.relative_to(PACKAGE).parts
    if len(relative) == 1:
        return relative[0].removesuffix(".py")  # errors, enums, client, model, registry, ...
    return relative[0]


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node that runs at some point: all but the bodies of ``if TYPE_CHECKING:``."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    return [node for node in ast.walk(tree) if id(node) not in skipped]


def _imports(path: Path, runtime_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    nodes = _runtime_nodes(tree) if runtime_only else list(ast.walk(tree))
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


MODULES = sorted(PACKAGE.rglob("*.py"))
#: What each layer may import from the package, besides itself and the leaves.
ALLOWED = {
    "store": set(),
    "core": {"store"},
    "registry": {"core", "store"},
    "dashboard": {"registry", "core"},
    "cli": {"registry", "core", "dashboard"},
    "__main__": {"cli"},
}
LEAVES = {"errors", "enums", "digits", "limits"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    layer = _layer(path)
    for name in _imports(path, runtime_only=True):
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
        else:  # the SDK surface goes through the registry, never the CLI or the store
            assert target not in ("cli", "store"), f"{path} imports {name}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports when run (``from a import b`` counts as a
    import of ``a.b`` when that is a module, else of ``a``)."""
    modules = {_module_name(path): path for path in MODULES}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for imported in _imports(path, runtime_only=True):
            if imported in modules:
                targets.add(imported)
            elif imported.rpartition(".")[0] in modules:
                targets.add(imported.rpartition(".")[0])
        graph[name] = targets - {name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative enough)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    """Package ``__init__`` modules re-export lazily, so they are left out of the graph."""
    graph = {
        name: {
            t for t in targets if not PACKAGE.joinpath(*t.split(".")[1:], "__init__.py").exists()
        }
        for name, targets in _import_graph().items()
    }
    assert _cycles(graph) == []


#: Layers where not even a type-only import may close a circle (the SDK surface, pipelines/,
#: still has type-only ones between its step and run modules).
NO_TYPE_CYCLES_IN = ("zenml_cli.core", "zenml_cli.store", "zenml_cli.registry", "zenml_cli.cli")


def test_no_import_cycles_even_for_types_in_the_layers() -> None:
    modules = {_module_name(path): path for path in MODULES}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        if not name.startswith(NO_TYPE_CYCLES_IN):
            continue
        targets = set()
        for imported in _imports(path):
            for candidate in (imported, imported.rpartition(".")[0]):
                if candidate in modules and candidate.startswith(NO_TYPE_CYCLES_IN):
                    targets.add(candidate)
                    break
        package_inits = {t for t in targets if modules[t].name == "__init__.py"}
        graph[name] = targets - {name} - package_inits
    assert _cycles(graph) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_only_the_dashboards_data_module_reads_the_registry() -> None:
    """The page builders get plain data from ``dashboard/data.py``; when the core moves, that
    one module is all that changes."""
    for path in sorted((PACKAGE / "dashboard").glob("*.py")):
        if path.name == "data.py":
            continue
        reading = {
            name
            for name in _imports(path)
            if name.startswith(
                ("zenml_cli.core", "zenml_cli.store", "zenml_cli.client", "zenml_cli.registry")
            )
        }
        assert reading == set(), f"{path.name} imports {reading}"


#: Modules whose every use is a filesystem call.
FS_MODULES = {"shutil", "glob", "tempfile", "pathlib", "fcntl", "filelock"}
#: ``os`` functions that touch the filesystem (``os.environ`` and friends are fine).
FS_OS_FUNCTIONS = {
    "replace", "rename", "renames", "listdir", "scandir", "walk", "remove", "unlink", "rmdir",
    "removedirs", "mkdir", "makedirs", "stat", "lstat", "open", "fdopen", "chmod", "chown",
    "link", "symlink", "readlink", "truncate", "utime", "access", "fsync", "path",
}  # fmt: skip
#: Methods of ``Path`` objects that touch the filesystem (not ``replace``: text has one too).
FS_METHODS = {
    "iterdir", "glob", "rglob", "read_bytes", "write_bytes", "read_text", "write_text", "mkdir",
    "unlink", "rmdir", "touch", "exists", "is_dir", "is_file", "is_symlink", "stat", "lstat",
    "chmod", "rename", "resolve", "samefile", "open", "walk", "symlink_to",
    "hardlink_to", "readlink", "expanduser", "absolute",
}  # fmt: skip
#: Calls by bare name that touch the filesystem (``Path(...)`` builds one to touch).
FS_NAMES = {"open", "Path", "PurePath", "PosixPath", "WindowsPath"}


def _filesystem_uses(source: str, filename: str = "<snippet>") -> list[str]:
    """``file:line: what`` for every filesystem call or import in ``source``. Importing
    ``Path`` to recognise one (``isinstance(x, Path)``) is allowed; calling it is not."""
    found: list[str] = []

    def flag(node: ast.AST, what: str) -> None:
        found.append(f"{filename}:{getattr(node, 'lineno', '?')}: {what}")

    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in FS_MODULES or alias.name == "os.path":
                    flag(node, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            top = node.module.split(".")[0]
            names = {alias.name for alias in node.names}
            if node.module == "pathlib" and names <= {"Path", "PurePath"}:
                continue  # the type, for isinstance checks; calling it is flagged below
            if (
                top in FS_MODULES
                or node.module == "os.path"
                or (top == "os" and names - {"environ"})
            ):
                flag(node, f"from {node.module} import {', '.join(sorted(names))}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in FS_NAMES:
                flag(node, f"{node.func.id}(...)")
        elif isinstance(node, ast.Attribute):
            base = node.value
            if isinstance(base, ast.Name) and base.id == "os" and node.attr in FS_OS_FUNCTIONS:
                flag(node, f"os.{node.attr}")
            elif isinstance(base, ast.Name) and base.id in FS_MODULES:
                flag(node, f"{base.id}.{node.attr}")
            elif node.attr in FS_METHODS:
                flag(node, f".{node.attr}")
    return found


def test_the_core_makes_no_filesystem_calls() -> None:
    """DESIGN section 6: the store hands out records, never paths; only ``store/`` touches
    files. A payload store's ``read_bytes(digest)`` counts too: core goes through the
    ``store.payloads`` functions, so this list needs no exceptions."""
    found = [
        use
        for path in sorted((PACKAGE / "core").glob("*.py"))
        for use in _filesystem_uses(path.read_text(), str(path.relative_to(PACKAGE)))
    ]
    assert found == [], "filesystem calls in the core:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("snippet", "what"),
    [
        ('open("x")', "open(...)"),
        ("import shutil", "import shutil"),
        ("os.replace(a, b)", "os.replace"),
        ("folder.iterdir()", ".iterdir"),
        ("p.exists()", ".exists"),
        ("Path('x')", "Path(...)"),
        ("from os import listdir", "from os import listdir"),
    ],
)
def test_the_filesystem_check_finds_a_call(snippet: str, what: str) -> None:
    assert _filesystem_uses(snippet) == [f"<snippet>:1: {what}"]


def test_the_filesystem_check_allows_recognising_a_path() -> None:
    snippet = "import os\nfrom pathlib import Path\nisinstance(x, Path)\nos.environ.get('A')\n"
    assert _filesystem_uses(snippet) == []


def test_no_module_is_over_400_lines() -> None:
    """Small rooms with one job each: a module that grows past 400 lines is split by job."""
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in MODULES
        if (lines := len(path.read_text().splitlines())) > 400
    }
    assert long == {}


#: What a registry module may import when it is loaded: the core is imported inside the
#: methods (so a command pays only for what it uses), except the reference parser every
#: version method applies at the door.
REGISTRY_LOAD_TIME = {"zenml_cli.core.refs", "zenml_cli.registry", "zenml_cli.store"}


@pytest.mark.parametrize("path", sorted((PACKAGE / "registry").glob("*.py")), ids=lambda p: p.name)
def test_registry_modules_import_the_core_inside_methods(path: Path) -> None:
    tree = ast.parse(path.read_text(), str(path))
    loaded = {
        node.module
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("zenml_cli")
    }
    wrong = {
        name
        for name in loaded
        if name.split(".")[1] not in LEAVES and not name.startswith(tuple(REGISTRY_LOAD_TIME))
    }
    assert wrong == set(), f"{path.name} imports {wrong} when loaded"
