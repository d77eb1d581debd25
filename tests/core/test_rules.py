"""Rules that exist once: each is one function or constant, and its copies stay gone."""

from __future__ import annotations

import re

import pytest

from zenml_cli import Client, save_artifact
from zenml_cli.digits import is_number_text

from support.running import REPO_ROOT, Cli

PACKAGE = REPO_ROOT / "zenml_cli"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7", True), ("0012", True), ("", False), ("²", False), ("٣", False), ("1.5", False)],
)
def test_only_ascii_digits_are_numbers(text: str, expected: bool) -> None:
    assert is_number_text(text) is expected


def test_no_bare_isdigit_outside_the_one_rule() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "digits.py"
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if re.search(r"\.isdigit\(\)", line)
    ]
    assert offenders == [], "use zenml_cli.digits.is_number_text"


def test_an_artifact_version_named_with_a_unicode_digit_does_not_break_numbering(
    client: Client,
) -> None:
    save_artifact(1, name="a", version="²")
    assert save_artifact(2, name="a").version == "2"  # was: int("²") -> exit 1


def test_if_current_with_a_unicode_digit_is_invalid_input(iris: Client, cli: Cli) -> None:
    code, _, err = cli(
        "model", "version", "update", "iris", "3", "-s", "staging", "--if-current", "²"
    )
    assert code == 5 and "'none'" in err


def test_not_found_names_the_one_remaining_version(client: Client, cli: Cli) -> None:
    client.create_model("m")
    for _ in range(3):
        client.create_model_version("m")
    client.delete_model_version("m", 1)
    client.delete_model_version("m", 2)
    code, _, err = cli("model", "version", "describe", "m", "7")
    assert code == 3 and "(version: 3)" in err  # was "versions: 1" whatever was left


def test_the_hint_for_missing_data_artifacts_is_a_command_that_works(
    client: Client, cli: Cli
) -> None:
    client.create_model("m")
    client.create_model_version("m")
    with pytest.raises(KeyError) as caught:
        client.get_model_version("m", 1).load_artifact("nope")
    hint = str(caught.value).split("see '")[1].split("'")[0]
    code, _, err = cli(*hint.split()[1:])
    assert code == 0, err
