"""The registry's keyword sets (``core/keywords.py``) are typed, so a misspelt keyword from a
front end is a ``mypy`` error, and each set stays equal to the core function it reaches."""

from __future__ import annotations

import inspect
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from zenml_cli.core import keywords, models, setup, version_writes, versions
from zenml_cli.core.artifacts import reads as artifact_reads
from zenml_cli.core.artifacts import saves as artifact_saves
from zenml_cli.core.merge import resolve
from zenml_cli.core.schema import MODEL_TEXT_FIELDS


def keyword_parameters(function: Callable[..., Any], skip: int) -> set[str]:
    """The names a caller may pass by keyword after the first ``skip`` parameters; a
    ``**fields`` of a model function stands for the model's text fields."""
    names: set[str] = set()
    for parameter in list(inspect.signature(function).parameters.values())[skip:]:
        if parameter.kind is parameter.VAR_KEYWORD:
            names |= set(MODEL_TEXT_FIELDS)
        else:
            names.add(parameter.name)
    return names


@pytest.mark.parametrize(
    ("typed", "function", "skip", "left_out"),
    [
        (keywords.NewModel, models.create_model, 2, set()),
        (keywords.ModelChanges, models.update_model, 2, set()),
        (keywords.ModelFilters, models.list_models, 1, set()),
        (keywords.NewVersion, version_writes.create_version, 3, set()),
        (keywords.VersionChanges, versions.update_version, 3, {"if_better", "if_current"}),
        (keywords.NewArtifact, artifact_saves.save, 3, set()),
        (keywords.ArtifactFilters, artifact_reads.list_versions, 1, set()),
        (keywords.StoreSettings, setup.init_store, 1, set()),
        (keywords.ResolveOptions, resolve.resolve, 1, set()),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_each_keyword_set_is_the_core_functions(
    typed: Any, function: Callable[..., Any], skip: int, left_out: set[str]
) -> None:
    keys = set(typed.__required_keys__ | typed.__optional_keys__)
    assert keys == keyword_parameters(function, skip) - left_out


@pytest.mark.slow
def test_a_misspelt_keyword_is_a_type_error(tmp_path: Path) -> None:
    snippet = tmp_path / "front_end.py"
    snippet.write_text(
        "from zenml_cli.registry import Registry\n\n\n"
        "def register(door: Registry) -> None:\n"
        "    door.create_model('iris', licence='MIT')\n"
        "    door.update_version('iris', 1, stage='production', forse=True)\n"
        "    door.list_models(page='2')\n"
    )
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(snippet)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert checked.returncode == 1, checked.stdout
    assert 'Unexpected keyword argument "licence"' in checked.stdout
    assert 'Unexpected keyword argument "forse"' in checked.stdout
    assert '"page"' in checked.stdout and "incompatible type" in checked.stdout


def test_the_version_listings_take_exactly_the_version_filters() -> None:
    """``list_versions``, ``list_version_dicts`` and ``list_version_json`` are declared with
    ``**filters: Unpack[VersionFilters]``: the one set of keywords, never three copies."""
    from typing import get_type_hints

    from zenml_cli.core import version_listing

    for function in (
        version_listing.list_versions,
        version_listing.list_version_dicts,
        version_listing.list_version_json,
    ):
        filters = list(inspect.signature(function).parameters.values())[-1]
        assert filters.kind is filters.VAR_KEYWORD
        # core/keywords is imported for the type checker only: its names resolve the hint
        hint = get_type_hints(function, localns=vars(keywords))[filters.name]
        assert getattr(hint, "__args__", None) == (keywords.VersionFilters,)
