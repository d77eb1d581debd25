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
