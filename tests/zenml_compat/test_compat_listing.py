"""Listing as in ZenML: numeric filter strings for ``number``, a ``Page`` that indexes like a
list, ``tags=`` on every list method, ``depaginate`` and ``StrEnum.values()``."""

from __future__ import annotations

from pathlib import Path

import pytest

from zenml_cli import Client
from zenml_cli.errors import InvalidInputError

from support.running import Cli, snapshot


@pytest.fixture
def five() -> Client:
    """Model 'r' with versions 1..5."""
    client = Client()
    client.create_model("r")
    for _ in range(5):
        client.create_model_version("r")
    return client


def _numbers(client: Client, **filters: object) -> list[int]:
    return [v.number for v in client.list_model_versions("r", **filters)]  # type: ignore[arg-type]


# --------------------------------------------------------------------------- number filters
@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (3, [3]),
        ("3", [3]),
        ("equals:3", [3]),
        ("notequals:3", [1, 2, 4, 5]),
        ("gt:3", [4, 5]),
        ("gte:3", [3, 4, 5]),
        ("lt:3", [1, 2]),
        ("lte:3", [1, 2, 3]),
        ("gte:9", []),
        (["gte:2", "lt:4"], [2, 3]),
    ],
)
def test_number_takes_zenml_numeric_filters(five: Client, number: object, expected: list[int]):
    assert _numbers(five, number=number) == expected


@pytest.mark.parametrize(
    "number", ["abc", "gte:x", "gte:", "in:1,2", "oneof:[1,2]", "contains:1", "²", 2.5, True]
)
def test_a_bad_number_filter_is_one_line_and_changes_nothing(
    five: Client, sdk_project: Path, number: object
):
    before = snapshot(sdk_project)
    with pytest.raises(InvalidInputError) as caught:
        _numbers(five, number=number)
    assert "--number" in str(caught.value) and "\n" not in str(caught.value)
    assert snapshot(sdk_project) == before


def test_number_filters_from_the_cli(five: Client, sdk_project: Path):
    cli = Cli(sdk_project)
    code, out, _ = cli("model", "version", "list", "r", "--number", "gt:3", "-o", "json")
    assert code == 0, out
    import json

    assert [item["number"] for item in json.loads(out)["items"]] == [4, 5]
    code, _, err = cli("model", "version", "list", "r", "--number", "gte:x")
    assert code == 5 and "not a number filter" in err


# --------------------------------------------------------------------------- Page
def test_a_page_indexes_like_zenml_page(five: Client):
    page = five.list_model_versions("r", size=2)
    assert page[0].number == 1 and page[-1].number == 2
    assert [v.number for v in page[0:2]] == [1, 2]
    assert page.size == len(page) == 2 and page.total == 5
    assert page[1] in page and five.get_model_version("r", 5) not in page
    with pytest.raises(IndexError):
        page[2]


def test_page_json_is_unchanged_by_its_python_methods(five: Client):
    from zenml_cli.core.listing import Page

    page = Page(items=[1, 2], index=1, max_size=20, total=2)
    assert page.pagination() == {"index": 1, "max_size": 20, "total_pages": 1, "total": 2}
    assert sorted(vars(page)) == ["index", "items", "max_size", "problems", "total"]


# --------------------------------------------------------------------------- tags=
def test_every_list_method_takes_zenml_tags(sdk_project: Path):
    from zenml_cli import save_artifact

    client = Client()
    client.create_model("tagged", tags=["x"])
    client.create_model("plain")
    client.create_model_version("tagged", tags=["x"])
    client.create_model_version("tagged")
    save_artifact([1], "data", tags=["x"])
    save_artifact([2], "data")
    assert [m.name for m in client.list_models(tags=["x"])] == ["tagged"]
    assert [m.name for m in client.list_models(tags=[])] == ["plain", "tagged"]
    assert [v.number for v in client.list_model_versions("tagged", tags=["x"])] == [1]
    found = client.list_artifact_versions(tags=["x"])
    assert [(a.name, a.load()) for a in found] == [("data", [1])]
    before = snapshot(sdk_project)
    for lister in (client.list_models, client.list_model_versions, client.list_artifact_versions):
        with pytest.raises(InvalidInputError, match="one tag at a time"):
            lister(tags=["x", "y"])
        with pytest.raises(InvalidInputError, match="two tags given"):
            lister(tag="x", tags=["y"])
    assert snapshot(sdk_project) == before


# --------------------------------------------------------------------------- depaginate, enums
def test_depaginate_returns_every_item_page_by_page(five: Client):
    from zenml_cli.utils.pagination_utils import depaginate

    calls: list[dict[str, object]] = []

    def counted(**kwargs: object):
        calls.append(kwargs)
        return five.list_model_versions(**kwargs)  # type: ignore[arg-type]

    found = depaginate(counted, model_name_or_id="r", size=2)
    assert [v.number for v in found] == [1, 2, 3, 4, 5]
    assert [call.get("page") for call in calls] == [None, 2, 3]
    assert [v.number for v in depaginate(five.list_model_versions, number="gt:3")] == [4, 5]
    with pytest.raises(InvalidInputError, match="leave page= out"):
        depaginate(five.list_model_versions, page=2)


def test_str_enums_list_their_names_and_values():
    from zenml_cli.enums import ArtifactType, ModelStages
    from zenml_cli.utils.enum_utils import StrEnum

    assert ModelStages.values() == ["none", "staging", "production", "archived", "latest"]
    assert ModelStages.names() == ["NONE", "STAGING", "PRODUCTION", "ARCHIVED", "LATEST"]
    assert "ModelArtifact" in ArtifactType.values()
    assert issubclass(ModelStages, StrEnum) and str(ModelStages.STAGING) == "staging"
