"""Shell completion's rules as functions (cli/complete.py), in process: which names from a
repository may be offered, the stage words each position takes, and where the model
argument is when click has not parsed it yet. (The shells themselves: test_completion.py and
test_untrusted_completion.py, in real processes.)"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from zenml_cli.cli import complete
from zenml_cli.core.links import link_kind
from zenml_cli.enums import ArtifactType, LinkKind


@pytest.mark.parametrize(
    ("prog", "variable"),
    [("zenml", "_ZENML_COMPLETE"), ("zenml-cli", "_ZENML_CLI_COMPLETE")],
)
def test_the_variable_a_shell_sets_follows_clicks_rule(prog: str, variable: str) -> None:
    assert complete.complete_var(prog) == variable


@pytest.mark.parametrize(
    ("name", "offered"),
    [
        ("iris", True),
        ("7", True),
        ("v1.0", True),
        ("my model", True),
        ("$(touch x)", True),  # odd but a valid name: the shell layer escapes it
        ("a/b", False),
        ("tab\there", False),
        ("esc\x1b[31m", False),
        ("", False),
        (" padded", False),
        ("CON", False),
        ("cafe\u0301", False),  # not in the one spelling names are stored in
        ("stray\udcff", False),
    ],
)
def test_only_names_doctor_accepts_are_offered(name: str, offered: bool) -> None:
    assert complete.offerable(name) is offered


def test_stage_words_in_the_order_help_shows_them() -> None:
    assert complete.STAGES == ("staging", "production", "archived", "none")
    assert complete.STAGE_METAVAR == "[staging|production|archived|none]"
    assert complete.stage_words("") == list(complete.STAGES)
    assert complete.stage_words("PRO") == ["production"]
    assert complete.stage_words("x") == []
    assert complete.list_stage_words("") == [*complete.STAGES, "latest"]  # a list may ask for it
    assert complete.list_stage_words("l") == ["latest"]


@pytest.mark.parametrize(
    ("typed", "model"),
    [
        (["model", "version", "update", "iris", "--stage"], "iris"),
        (["model", "version", "update", "--force", "iris"], "iris"),
        (["model", "version", "update"], None),
        (["model", "version", "list"], None),  # another command's words
    ],
)
def test_the_model_argument_is_found_among_the_typed_words(
    typed: list[str], model: str | None
) -> None:
    ctx = SimpleNamespace(info_name="update")
    assert complete._first_argument(ctx, typed) == model


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("zenml model ls", ["zenml", "model", "ls"]),
        ("zenml 'my model' x", ["zenml", "my model", "x"]),
        ("zenml 'unclosed", []),
    ],
)
def test_typed_words_split_like_a_shell_and_an_open_quote_is_nothing(
    text: str, words: list[str]
) -> None:
    assert complete._split(text) == words


# ------------------------------------------------------------------ link kinds


@pytest.mark.parametrize(
    ("artifact_type", "model", "deployment", "kind"),
    [
        (ArtifactType.DATA, False, False, LinkKind.DATA),
        (ArtifactType.MODEL, False, False, LinkKind.MODEL),  # a ModelArtifact is a model link
        (ArtifactType.DATA, True, False, LinkKind.MODEL),  # the flag wins over the type
        (ArtifactType.DATA, False, True, LinkKind.DEPLOYMENT),
        (ArtifactType.MODEL, False, True, LinkKind.DEPLOYMENT),
        (ArtifactType.DATA, True, True, LinkKind.MODEL),  # model first
    ],
)
def test_a_link_goes_in_the_list_its_flags_then_its_type_name(
    artifact_type: ArtifactType, model: bool, deployment: bool, kind: LinkKind
) -> None:
    assert link_kind(artifact_type, model, deployment) is kind
