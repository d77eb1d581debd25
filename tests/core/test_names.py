"""Name rules (DESIGN section 3) at the core, where every layer gets them from."""

from __future__ import annotations

import pytest

from zenml_cli.core.names import check_name, check_version_name
from zenml_cli.errors import InvalidInputError


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("", "empty"),
        ("../x", "'/'"),
        ("a/b", "'/'"),
        ("a\\b", "'\\\\'"),
        ("a:b", "':'"),
        ('a"b', "'\"'"),
        ("a|b", "'|'"),
        ("tab\there", "control character"),
        ("new\nline", "control character"),
        ("x" * 300, "300 characters"),
        (".", "reserved"),
        ("..", "reserved"),
        (" padded", "white space"),
        ("padded ", "white space"),
    ],
)
def test_invalid_names_are_refused_with_the_reason(name: str, fragment: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        check_name(name, "model name")
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("name", ["iris", "Iris-2.0", "model with spaces", "ünïcode", "x" * 250])
def test_valid_names_pass(name: str) -> None:
    assert check_name(name, "model name") == name


@pytest.mark.parametrize(
    "name", ["7", "0042", "Production", "STAGING", "latest", "none", "Archived"]
)
def test_version_names_cannot_be_numbers_or_stage_words(name: str) -> None:
    with pytest.raises(InvalidInputError):
        check_version_name(name)


@pytest.mark.parametrize("name", ["v7", "1.0.5", "production-candidate", "7a"])
def test_version_names_that_merely_contain_digits_or_stage_words_pass(name: str) -> None:
    assert check_version_name(name) == name
