"""Models through the Client: create, read, list, update, rename, delete."""

from __future__ import annotations

from pathlib import Path

import pytest

from zenml_cli import Client, ConflictError, NotFoundError


def test_create_and_get_round_trip_every_field(client: Client) -> None:
    created = client.create_model(
        "iris",
        license="MIT",
        description="Iris classifier",
        audience="ML team",
        use_cases="demo",
        limitations="small data",
        trade_offs="speed",
        ethics="none known",
        tags=["sklearn", "regression", "sklearn"],
        save_models_to_registry=False,
    )
    fetched = client.get_model("iris")
    assert fetched.id == created.id
    assert (fetched.name, fetched.license, fetched.description) == (
        "iris",
        "MIT",
        "Iris classifier",
    )
    assert (fetched.audience, fetched.use_cases, fetched.limitations) == (
        "ML team",
        "demo",
        "small data",
    )
    assert (fetched.trade_offs, fetched.ethics) == ("speed", "none known")
    assert fetched.tags == ["regression", "sklearn"]
    assert fetched.save_models_to_registry is False
    assert fetched.created_by == "tester"
    assert client.get_model(created.id).name == "iris"


def test_model_names_are_unique_ignoring_case(client: Client) -> None:
    client.create_model("iris")
    with pytest.raises(ConflictError, match="already exists"):
        client.create_model("iris")
    with pytest.raises(ConflictError, match="unique ignoring case"):
        client.create_model("IRIS")


def test_lookup_is_exact_and_suggests_the_case_insensitive_match(client: Client) -> None:
    client.create_model("iris")
    with pytest.raises(NotFoundError, match="did you mean 'iris'"):
        client.get_model("Iris")
    with pytest.raises(NotFoundError):
        client.get_model("ir")  # never by prefix


def test_a_model_folder_without_its_manifest_is_named_not_suggested(
    client: Client, project: Path
) -> None:
    """A folder ``site`` with no model.yaml (a half-deleted or hand-made folder) used to get
    "no model named 'site'; did you mean 'site'?"."""
    (project / ".zenml" / "models" / "site").mkdir(parents=True)
    with pytest.raises(NotFoundError) as caught:
        client.get_model("site")
    assert "its folder has no model manifest; see 'zenml doctor'" in str(caught.value)
    assert "did you mean" not in str(caught.value)


def test_list_filters_sorts_and_pages(client: Client) -> None:
    for name in ["b", "a", "c", "ab"]:
        client.create_model(name, tags=["odd"] if name in ("a", "c") else [])
    page = client.list_models(size=2)
    assert [m.name for m in page] == ["a", "ab"]
    assert page.pagination() == {"index": 1, "max_size": 2, "total_pages": 2, "total": 4}
    assert [m.name for m in client.list_models(page=2, size=2)] == ["b", "c"]
    assert [m.name for m in client.list_models(sort_by="desc:name")] == ["c", "b", "ab", "a"]
    assert [m.name for m in client.list_models(tag="odd")] == ["a", "c"]
    assert [m.name for m in client.list_models(name="startswith:a")] == ["a", "ab"]
    assert [m.name for m in client.list_models(name="a")] == ["a"]


def test_update_changes_only_given_fields_and_tags(client: Client) -> None:
    client.create_model("iris", license="MIT", description="old", tags=["a", "b"])
    updated = client.update_model("iris", description="new", add_tags=["c"], remove_tags=["a"])
    assert (updated.license, updated.description, updated.tags) == ("MIT", "new", ["b", "c"])
    assert client.get_model("iris").tags == ["b", "c"]


def test_rename_moves_versions_and_stages_and_is_recorded(iris: Client, project: Path) -> None:
    iris.update_model_version("iris", 2, stage="production")
    iris.update_model("iris", name="iris_v2")
    with pytest.raises(NotFoundError):
        iris.get_model("iris")
    assert iris.get_model_version("iris_v2", "production").number == 2
    assert (project / ".zenml/models/iris_v2/versions/3.yaml").exists()
    from zenml_cli.core.model_describe import history_of

    assert history_of(iris.registry.store, "iris_v2")[-1].event == "model_rename"


def test_rename_to_a_case_variant_of_another_model_is_refused(client: Client) -> None:
    client.create_model("iris")
    client.create_model("wine")
    with pytest.raises(ConflictError):
        client.update_model("wine", name="IRIS")
    assert client.get_model("wine").name == "wine"


def test_delete_removes_the_model_and_its_versions(iris: Client, project: Path) -> None:
    iris.delete_model("iris")
    with pytest.raises(NotFoundError):
        iris.get_model("iris")
    assert not (project / ".zenml/models/iris").exists()
    assert list((project / ".zenml/.trash").iterdir()) == []


def test_looking_up_each_model_does_not_list_the_models_folder(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 21.3: every exact-name lookup listed models/ to check the name's case, so anything
    # that looks up each of N models (the dashboard, create_model) cost N listings of N names.
    import zenml_cli.store.store as store_module

    names = [f"model-{i}" for i in range(30)]
    for name in names:
        client.create_model(name)
    listings: list[str] = []
    real_listdir = store_module.os.listdir

    def counting_listdir(path: object) -> list[str]:
        listings.append(str(path))
        return real_listdir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module.os, "listdir", counting_listdir)
    for name in names:
        assert client.get_model(name).name == name
    assert [p for p in listings if p.endswith("models")] == []
    with pytest.raises(NotFoundError):
        client.get_model("MODEL-1")  # still exact on a case-sensitive file system
