"""The CLI lists versions from an index of public forms; it must show exactly what the
records show, for every filter and sort, and stay exact when manifests change on disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zenml_cli import Client
from zenml_cli.core import models, versions
from zenml_cli.core import version_listing as version_views
from zenml_cli.core.records import PUBLIC_FORM_INDEX, ModelVersionRecord
from zenml_cli.store import manifest_cache as index

MANY = 40  # above the store's threshold for keeping an index


@pytest.fixture
def big(client: Client, monkeypatch: pytest.MonkeyPatch) -> Client:
    client.create_model("iris")
    client.create_model("wine")
    for number in range(1, MANY + 1):
        name = f"v{number}" if number % 3 else None
        client.create_model_version("iris", name=name, tags=["even"] if number % 2 == 0 else [])
    client.create_model_version("wine")
    client.update_model_version("iris", 5, stage="production")
    client.update_model_version("iris", 7, stage="staging")
    client.update_model_version("iris", 9, stage="archived")
    # Every file is "old" from now on, so the index keeps it (files younger than 2 s are not).
    monkeypatch.setattr(
        index, "clock_ns", lambda: os.stat(client.registry.store.dir).st_mtime_ns + 10**10
    )
    return client


QUERIES = [
    {},
    {"model": "iris", "size": 1000},
    {"model": "iris", "stage": "production"},
    {"model": "iris", "stage": "latest"},
    {"model": "iris", "number": 7},
    {"model": "iris", "name": "contains:1", "size": 100},
    {"model": "iris", "tag": "even", "sort_by": "desc:number", "size": 100},
    {"model": "iris", "sort_by": "name", "page": 2, "size": 7},
    {"model": "iris", "sort_by": "desc:stage", "size": 100},
    {"sort_by": "created", "size": 100},
]


@pytest.mark.parametrize("query", QUERIES, ids=str)
def test_public_forms_equal_the_records_to_dict(big: Client, query: dict[str, object]) -> None:
    for _ in range(2):  # the first call builds the index, the second reads it
        dicts = version_views.list_version_dicts(big.registry.store, **query)  # type: ignore[arg-type]
        records = version_views.list_versions(big.registry.store, **query)  # type: ignore[arg-type]
        assert dicts.items == [record.to_dict() for record in records]
        assert dicts.pagination() == records.pagination()


def test_a_big_listing_is_served_from_the_index_of_public_forms(big: Client) -> None:
    version_views.list_version_dicts(big.registry.store, "iris", size=100)
    assert [p.name for p in big.registry.store.dir.glob(f".cache/**/*{PUBLIC_FORM_INDEX}*")]


def test_an_edit_on_disk_is_seen_by_the_next_listing(big: Client, project: Path) -> None:
    version_views.list_version_dicts(big.registry.store, "iris", size=100)
    path = project / ".zenml/models/iris/versions/3.yaml"
    stat = path.stat()
    text = path.read_text()
    path.write_text(text.replace("description: null", "description: edited by hand"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with the old mtime
    listed = version_views.list_version_dicts(big.registry.store, "iris", size=100)
    assert [v["description"] for v in listed.items if v["number"] == 3] == ["edited by hand"]


def test_a_manifest_of_another_shape_falls_back_to_the_checking_path(
    big: Client, project: Path
) -> None:
    path = project / ".zenml/models/iris/versions/4.yaml"
    path.write_text(path.read_text().replace("tags: []", "tags: []\nextra_field: 1"))
    dicts = version_views.list_version_dicts(big.registry.store, "iris", size=100)
    records = version_views.list_versions(big.registry.store, "iris", size=100)
    assert dicts.items == [record.to_dict() for record in records]


def test_a_corrupt_manifest_still_names_its_file(big: Client, project: Path) -> None:
    """...and leaves it out of the page rather than hiding the other versions (issue 19)."""
    from zenml_cli import CorruptManifestError

    (project / ".zenml/models/iris/versions/6.yaml").write_text("format: 1\nid: [\n")
    page = version_views.list_version_dicts(big.registry.store, "iris", size=100)
    assert 6 not in [item["number"] for item in page.items] and len(page.items) > 1
    (problem,) = page.problems
    assert isinstance(problem, CorruptManifestError) and "6.yaml" in str(problem)
    with pytest.raises(CorruptManifestError, match="6.yaml"):  # the Python API raises it
        big.list_model_versions("iris", size=100)


def _checked(client: Client, records: list[ModelVersionRecord]) -> list[dict[str, object]]:
    """The same versions, each read from its manifest on the checking path."""
    out = []
    for record in records:
        model = models.get_model(client.registry.store, record.model)
        (checked,) = versions.read_versions(client.registry.store, model, [record.number])
        out.append(checked.to_dict())
    return out


@pytest.mark.parametrize("query", QUERIES[:2] + QUERIES[6:], ids=str)
def test_records_from_the_index_equal_records_from_the_manifests(
    big: Client, query: dict[str, object]
) -> None:
    version_views.list_version_dicts(big.registry.store, **query)  # type: ignore[arg-type]
    records = version_views.list_versions(big.registry.store, **query)  # type: ignore[arg-type]
    assert records.items and [r.to_dict() for r in records] == _checked(big, records.items)


def test_a_big_listing_builds_its_records_from_the_index(
    big: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    version_views.list_versions(big.registry.store, "iris", size=100)  # builds the index
    checked: list[int] = []
    real = ModelVersionRecord.from_manifest.__func__  # type: ignore[attr-defined]

    def counting(cls, model, data, path, stages=None):  # type: ignore[no-untyped-def]
        checked.append(data.get("number"))
        return real(cls, model, data, path, stages)

    monkeypatch.setattr(ModelVersionRecord, "from_manifest", classmethod(counting))
    listed = big.list_model_versions(model="iris", size=100)
    assert len(listed) == MANY and checked == []
    assert {v.number: v.stage.value for v in listed if v.stage is not None} == {
        5: "production",
        7: "staging",
        9: "archived",
    }
    assert all(v.model_id == big.get_model("iris").id for v in listed)
