"""One description of an update (``core/update_notes.describe_change``) serves the CLI's
stderr, the subject of a pushed write's commit and the GitHub step summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from zenml_cli import Client
from zenml_cli.cli.github import md
from zenml_cli.core.commit_notes import describe_update
from zenml_cli.core.update_notes import describe_change
from zenml_cli.registry import Registry

from support.running import Cli

MOVED = "moved version 2 ('1.0.5') of 'iris' from staging to production; archived version 1"


@pytest.fixture
def staged(client: Client) -> Registry:
    client.create_model("iris")
    client.create_model_version("iris")
    client.create_model_version("iris", name="1.0.5")
    client.update_model_version("iris", 1, stage="production")
    client.update_model_version("iris", 2, stage="staging")
    return Registry()


def test_a_promotion_is_one_sentence(staged: Registry) -> None:
    result = staged.update_version("iris", "1.0.5", stage="production")
    assert describe_change(result.version, result.stage_change, result.renamed_from) == [MOVED]
    assert result.describe() == [MOVED]


def test_each_kind_of_change_has_its_sentence(staged: Registry) -> None:
    renamed = staged.update_version("iris", 1, name="first", stage="archived")
    assert renamed.describe() == [
        "renamed version 1 of 'iris' from '1' to 'first'",
        "moved version 1 ('first') of 'iris' from production to archived",
    ]
    again = staged.update_version("iris", 1, stage="archived")
    assert again.describe() == ["version 1 of 'iris' is already in archived"]
    fields = staged.update_version("iris", 1, description="the first")
    assert fields.describe() == ["updated version 1 ('first') of 'iris'"]


def test_the_commit_subject_is_the_description(staged: Registry) -> None:
    result = staged.update_version("iris", "1.0.5", stage="production")
    assert describe_update(result, "better recall").split("\n\n") == [MOVED, "better recall"]
    back = staged.rollback_version("iris")
    subject = describe_update(back, rollback=True)
    assert subject == f"{back.describe(rollback=True)[0]} (rollback)"
    assert subject.startswith("rolled back production of 'iris' to version 1 ('1')")


def test_stderr_and_the_step_summary_say_the_same(
    staged: Registry, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, _, err = cli("model", "version", "update", "iris", "1.0.5", "-s", "production")
    assert code == 0 and err.splitlines() == [MOVED]
    lines = summary.read_text().splitlines()
    assert lines[2] == f"- {md(MOVED)}"
    assert lines[2].replace("\\", "") == f"- {MOVED}"  # GitHub shows the same sentence
