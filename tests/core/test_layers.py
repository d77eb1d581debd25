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
#: The rooms of the package: a sub-package named here is a room of its own, apart from the
#: folder around it (``cli/commands/`` is not ``cli/``).
ROOMS = (
    "cli.commands", "cli", "core.stages", "core.artifacts", "core.doctor", "core.merge", "core",
    "store.git", "store.payloads", "store", "registry", "dashboard",
)  # fmt: skip
#: What each room may import from the package, besides itself and the leaves; every import
#: counts, type-only ones too. A room not named (the SDK surface: client, model/, pipelines/,
#: ...) may import anything but the CLI, the store and the dashboard.
ALLOWED = {
    "store": {"store.git"},  # only transport.py, the door to the git transport (below)
    "store.git": {"store"},
    "store.payloads": {"store", "store.git"},  # only store.git.cmd (below)
    "core": {"core.stages", "core.artifacts", "core.doctor", "store", "store.payloads"},
    "core.stages": {"core", "store"},
    "core.artifacts": {"core", "core.doctor", "store", "store.payloads"},
    "core.doctor": {
        "core",
        "core.stages",
        "core.artifacts",
        "store",
        "store.git",
        "store.payloads",
    },
    "core.merge": {"core", "core.stages", "store", "store.git"},
    "registry": {"core", "core.stages", "core.artifacts", "core.doctor", "core.merge", "store"},
    "dashboard": {"registry", "core"},
    "cli": {"cli.commands", "registry", "core"},
    "cli.commands": {"cli", "registry", "core", "dashboard"},
    "__main__": {"cli"},
}
#: Narrower doors than a whole room: importing ``key`` from outside it is allowed only for
#: these modules (the front ends take records, keyword types, field tables and parsers from
#: the core, never its rules; the payload stores ask git only through its command runner; of
#: the store, only the transport reaches the git engine).
ONLY_THROUGH = {
    ("cli", "core"): {
        "core.keywords", "core.listing", "core.schema", "core.records", "core.actor",
        "core.versions", "core.names",
    },
    ("cli.commands", "core"): {
        "core.keywords", "core.listing", "core.schema", "core.records", "core.actor",
        "core.versions", "core.output_fields",
    },
    ("store.payloads", "store.git"): {"store.git.cmd"},
    ("store", "store.git"): {"store.git.batch", "store.git.remote"},
    ("core", "core.doctor"): {"core.doctor.problems", "core.doctor.run_references"},
    ("core.artifacts", "core.doctor"): {"core.doctor.problems", "core.doctor.artifacts"},
    ("core.doctor", "store.git"): {"store.git.snapshot", "store.git.ref_store"},
}  # fmt: skip
#: The only modules of a room allowed to import another room at all.
IMPORTERS = {("store", "store.git"): {"store.transport"}}
LEAVES = {"errors", "enums", "digits", "limits", "version"}
SDK_NEVER = ("cli", "cli.commands", "store", "store.git", "store.payloads", "dashboard")
#: ``Client().store`` is typed, so the SDK may name the ``Store`` type, but never import the
#: front ends or the engines, not even for a type.
SDK_NEVER_EVEN_TYPES = ("cli", "cli.commands", "store.git", "store.payloads", "dashboard")


def _room(dotted: str) -> str:
    """``zenml_cli.core.stages.gates`` -> ``core.stages``; a top-level module is its own room."""
    rest = dotted.removeprefix("zenml_cli.")
    for room in ROOMS:
        if rest == room or rest.startswith(room + "."):
            return room
    return rest.split(".")[0]


def _package_imports(path: Path, runtime_only: bool = False) -> set[str]:
    """The package modules ``path`` imports, type-only ones included unless ``runtime_only``:
    ``from a import b`` is an import of ``a.b`` when that is a module, else of ``a``."""
    tree = ast.parse(path.read_text(), str(path))
    names: set[str] = set()
    for node in _runtime_nodes(tree) if runtime_only else ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                names.add(full if full in MODULE_NAMES else node.module)
    return {name for name in names if name in MODULE_NAMES}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    me = _module_name(path)
    room = _room(me)
    for name in _imports(path, runtime_only=True):
        top = name.partition(".")[0]
        if top in EXTERNAL_ONLY_IN:
            assert EXTERNAL_ONLY_IN[top] == room.split(".")[0], f"{path.name} imports {top}"
    runtime = _package_imports(path, runtime_only=True)
    for name in _package_imports(path):
        target = _room(name)
        if name == "zenml_cli":  # the package root: its __version__, its lazy re-exports
            continue
        if room in LEAVES:
            pytest.fail(f"{path.name} is a leaf but imports {name}")
        if target in LEAVES or target == room:
            continue
        if room not in ALLOWED:  # the SDK surface goes through the registry
            assert target not in SDK_NEVER or name not in runtime, f"{path} imports {name}"
            assert target not in SDK_NEVER_EVEN_TYPES, f"{path} imports {name}"
            continue
        assert target in ALLOWED[room], f"{path} ({room}) imports {name}"
        door = ONLY_THROUGH.get((room, target))
        short = name.removeprefix("zenml_cli.")
        assert door is None or short in door, f"{path} ({room}) imports {name}: only {door}"
        importers = IMPORTERS.get((room, target))
        assert importers is None or me.removeprefix("zenml_cli.") in importers, (
            f"{path} imports {name}: only {importers} may"
        )


#: Where the registry's rules live; every other module of the package is a front end (the
#: CLI, the dashboard, the SDK surface: ``Client``, ``Model``, artifacts, pipelines, steps).
BEHIND_THE_DOOR = {"core", "store", "registry"}
#: Everything a front end may import from the core: records, enums-like values, the typed
#: keyword sets of the door and constants. A rule (a function) is reached through
#: ``Registry``, so a new import here is a decision someone makes in this list.
FRONT_END_CORE_NAMES = {
    "zenml_cli.core.records": {"ModelRecord", "ModelVersionRecord", "Tag"},
    "zenml_cli.core.artifacts.records": {"ArtifactVersionRecord"},
    "zenml_cli.core.runs": {"RunRecord", "StepRunRecord"},
    "zenml_cli.core.history": {"HistoryEvent"},
    "zenml_cli.core.versions": {"VersionUpdate"},
    "zenml_cli.core.refs": {"VersionRef"},
    "zenml_cli.core.listing": {"Page", "DEFAULT_PAGE_SIZE", "EVERY_ITEM"},
    "zenml_cli.core.keywords": {"ModelText", "NewModel"},
    "zenml_cli.core.schema": {"MODEL_TEXT_FIELDS"},
    "zenml_cli.core.output_fields": {"output_fields"},  # field names, for a CSV header
}
FRONT_ENDS = [
    path
    for path in MODULES
    if _layer(path) not in BEHIND_THE_DOOR | LEAVES
    and path.relative_to(PACKAGE).parts[0] not in BEHIND_THE_DOOR
]


def _core_imports(path: Path) -> list[str]:
    """``module.name`` for every name a module imports from the core (type-only ones too);
    a whole core module (``from zenml_cli.core import x``, ``import zenml_cli.core.x``)
    shows as ``module.*``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [f"{a.name}.*" for a in node.names if a.name.startswith("zenml_cli.core")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "zenml_cli" and any(a.name == "core" for a in node.names):
                found.append("zenml_cli.core.*")
            elif node.module == "zenml_cli.core":
                found += [f"zenml_cli.core.{a.name}.*" for a in node.names]
            elif node.module.startswith("zenml_cli.core."):
                found += [f"{node.module}.{a.name}" for a in node.names]
    return found


def _allowed_from_core(name: str) -> bool:
    module, _, imported = name.rpartition(".")
    return imported in FRONT_END_CORE_NAMES.get(module, set())


def test_the_front_ends_are_found() -> None:
    names = {str(path.relative_to(PACKAGE)) for path in FRONT_ENDS}
    assert {"client.py", "client_runs.py", "steps.py", "cli/commands/model.py"} <= names
    assert {"model/model.py", "pipelines/pipeline.py", "dashboard/data.py"} <= names
    assert not any(name.startswith(("core/", "store/", "registry/")) for name in names)


@pytest.mark.parametrize("path", FRONT_ENDS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_front_ends_import_only_records_and_constants_from_the_core(path: Path) -> None:
    wrong = [name for name in _core_imports(path) if not _allowed_from_core(name)]
    assert wrong == [], f"{path.relative_to(PACKAGE)} imports rules from the core: {wrong}"


@pytest.mark.parametrize(
    ("snippet", "allowed"),
    [
        ("from zenml_cli.core.records import ModelRecord", True),
        ("from zenml_cli.core.listing import paginate", False),
        ("from zenml_cli.core import templates", False),
        ("import zenml_cli.core.names", False),
        ("from zenml_cli import core", False),
    ],
)
def test_the_front_end_check_tells_a_record_from_a_rule(
    tmp_path: Path, snippet: str, allowed: bool
) -> None:
    module = tmp_path / "front.py"
    module.write_text(snippet + "\n")
    assert all(_allowed_from_core(name) for name in _core_imports(module)) is allowed


@pytest.mark.parametrize("path", FRONT_ENDS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_front_ends_never_touch_the_store(path: Path) -> None:
    """``registry.store`` (or any ``.store``) is behind the door: the front ends ask the
    ``Registry`` (``root``, ``store_dir``, its operations)."""
    tree = ast.parse(path.read_text(), str(path))
    touching = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "store"
    ]
    assert touching == [], f"{path.relative_to(PACKAGE)} uses .store on lines {touching}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULE_NAMES = {_module_name(path) for path in MODULES}


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


def test_no_import_cycles_anywhere() -> None:
    """Not one circle in the whole package, counting type-only imports and package
    ``__init__`` modules: a circle that only the type checker walks still means two modules
    that cannot be read, moved or tested one without the other."""
    graph = {_module_name(path): _package_imports(path) - {_module_name(path)} for path in MODULES}
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
    ``store.payloads`` functions, and the merge driver is handed bytes (git's temp files are
    read and written by ``store/driver_files.py``), so this check needs no exceptions."""
    found = [
        use
        for path in sorted((PACKAGE / "core").rglob("*.py"))
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


def test_rooms_are_found_by_folder() -> None:
    assert _room("zenml_cli.core.stages.gates") == "core.stages"
    assert _room("zenml_cli.core.versions") == "core"
    assert _room("zenml_cli.store.git.remote") == "store.git"
    assert _room("zenml_cli.cli.commands.model") == "cli.commands"
    assert _room("zenml_cli.client") == "client"


def test_every_folder_of_the_layers_is_a_room() -> None:
    """A new folder under cli/, core/ or store/ gets its rules here before it gets code, so
    the picture cannot drift back to flat folders that import anything."""
    folders = {
        ".".join(init.parent.relative_to(PACKAGE).parts)
        for init in PACKAGE.rglob("__init__.py")
        if init.parent.relative_to(PACKAGE).parts[:1] in (("cli",), ("core",), ("store",))
    }
    assert folders == set(ROOMS) - {"registry", "dashboard"}


def _defined_commands(path: Path) -> list[str]:
    """Functions of ``path`` registered as typer commands by a ``@x.command(...)`` decorator."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                call = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(call, ast.Attribute) and call.attr == "command":
                    found.append(node.name)
    return found


def test_commands_live_in_cli_commands() -> None:
    """Where to add a command is one folder: ``cli/commands/``, the root's own commands
    (version, completion, doctor, init) too; ``cli/app.py`` only mounts them."""
    elsewhere = {
        str(path.relative_to(PACKAGE)): names
        for path in MODULES
        if (names := _defined_commands(path)) and path.parent != PACKAGE / "cli" / "commands"
    }
    assert elsewhere == {}
    mounted = _mounted_functions(PACKAGE / "cli" / "app.py")
    assert {"version", "completion", "doctor", "init"} <= mounted


def _mounted_functions(path: Path) -> set[str]:
    """Names ``path`` mounts as commands with ``x.command(...)(module.function)``."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Call):
            inner = node.func.func
            if isinstance(inner, ast.Attribute) and inner.attr == "command" and node.args:
                target = node.args[0]
                if isinstance(target, ast.Attribute):
                    found.add(target.attr)
    return found
