"""The README starts with the two commands, and CI runs the second one verbatim."""

from __future__ import annotations

import re

from support.running import REPO_ROOT


def _first_blocks() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text()
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", text, re.S)[:2]]


def test_readme_opens_with_install_and_demo_then_install_and_test() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    demo, tests = _first_blocks()
    assert readme.index("```bash") < readme.index("\n## ")  # before any section
    assert demo.startswith("python -m pip install .") and "examples/demo.sh" in demo
    assert "'.[test]'" in tests and "pytest" in tests


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (REPO_ROOT / ".ci" / "run").read_text().splitlines()
    assert _first_blocks()[1] in ci


PACKAGE = REPO_ROOT / "zenml_cli"
_MAP_ENTRY = re.compile(r"^  (\S.*?)(?:\s{2,}(.*))?$")


def _contributor_map() -> list[tuple[list[str], str]]:
    """(the paths an entry line names, its description) of the map's code block."""
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split("## Where things live (for contributors)")[1].split("\n## ")[0]
    block = section.split("```")[1]
    entries: list[tuple[list[str], str]] = []
    for line in block.splitlines()[2:]:  # after the opening fence and "zenml_cli/"
        match = _MAP_ENTRY.match(line)
        if match:
            names = [name.strip() for name in match.group(1).split(",")]
            entries.append((names, match.group(2) or ""))
        else:
            names, text = entries[-1]
            entries[-1] = (names, f"{text} {line.strip()}")
    return entries


def _where_to_add() -> str:
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split("## Where things live (for contributors)")[1].split("\n## ")[0]
    return section.split("Where to add:")[1]


def test_the_contributor_map_names_only_paths_that_exist() -> None:
    missing = []
    for names, text in _contributor_map():
        folders = [PACKAGE / name for name in names if name.endswith("/")]
        for name in names:
            if not (PACKAGE / name).exists():
                missing.append(name)
        for mentioned in re.findall(r"[\w/]+\.py\b", text):
            places = [PACKAGE] if "/" in mentioned else [*folders, PACKAGE]
            if not any((place / mentioned).is_file() for place in places):
                missing.append(f"{mentioned} (under {', '.join(names)})")
    for path in re.findall(r"`([\w./*]+)`", _where_to_add()):
        if "/" in path and not list(PACKAGE.glob(path)):
            missing.append(path)
    assert missing == []


def test_the_contributor_map_names_every_package_folder() -> None:
    named = {name for names, _ in _contributor_map() for name in names if name.endswith("/")}
    folders = {
        init.parent.relative_to(PACKAGE).as_posix() + "/"
        for init in PACKAGE.rglob("__init__.py")
        if init.parent != PACKAGE
    }
    assert folders - named == set()


def test_the_contributor_map_names_every_module_of_the_layers() -> None:
    """Every module of cli/, core/ and store/ is named on its folder's line, so a newcomer
    finds a file from the map and a new module gets a line of description."""
    described = {
        (PACKAGE / name / mentioned).resolve()
        for names, text in _contributor_map()
        for name in names
        if name.endswith("/")
        for mentioned in re.findall(r"[\w]+\.py\b", text)
    }
    unnamed = [
        str(path.relative_to(PACKAGE))
        for layer in ("cli", "core", "store", "dashboard", "registry")
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        if path.name != "__init__.py" and path not in described
    ]
    assert unnamed == []
