"""A model with more versions than its page lists (issue 21.3, one model of 100,000 versions):
the page shows the newest ``MODEL_PAGE_VERSIONS`` and the stage holders with a line saying
how many more there are, the charts keep every version, the version pages are drawn from
reads of a few files at a time, and the neighbour links, the live server and an incremental
rebuild all agree with a cold build. The bound is patched small, so a dozen versions are
"many"."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from zenml_cli import Client, Model
from zenml_cli.dashboard import data, incremental, paths
from zenml_cli.dashboard.data import Reader
from zenml_cli.dashboard.site import build_site, render
from zenml_cli.registry import Registry

from support.dashboard import points, site_bytes

BOUND = 5
BATCH = 4
VERSIONS = 13
DELETED = 7  # a gap: its neighbours link past it
STAGING, PRODUCTION = 3, 2  # holders older than the newest BOUND


@pytest.fixture
def big(client: Client, monkeypatch: pytest.MonkeyPatch) -> Client:
    monkeypatch.setattr(data, "MODEL_PAGE_VERSIONS", BOUND)
    monkeypatch.setattr(data, "STREAM_BATCH", BATCH)
    # fingerprints of files younger than 2 s are not kept: read "now" as a minute later
    monkeypatch.setattr(incremental, "now_ns", lambda: time.time_ns() + 60_000_000_000)
    client.create_model("big")
    for number in range(1, VERSIONS + 1):
        client.create_model_version("big")
        Model(name="big", version=number).log_metadata({"accuracy": number / 100, "note": "x"})
    client.delete_model_version("big", DELETED)
    client.update_model_version("big", PRODUCTION, stage="production")
    client.update_model_version("big", STAGING, stage="staging")
    client.create_model("small")
    client.create_model_version("small")
    return client


def live() -> list[int]:
    return [n for n in range(1, VERSIONS + 1) if n != DELETED]


def table_numbers(page_html: str) -> list[int]:
    table = re.search(r'<table class="versions">(.*?)</table>', page_html, re.S)
    assert table, "no versions table"
    return [int(n) for n in re.findall(r'<a href="(\d+)\.html">', table.group(1))]


def test_the_model_page_lists_the_bound_the_holders_and_how_many_more(
    big: Client, project: Path
) -> None:
    build_site(Reader(big.registry), project / "site")
    html = (project / "site" / paths.model_page("big")).read_text(encoding="utf-8")
    newest = live()[-BOUND:]
    assert sorted(table_numbers(html)) == sorted([*newest, STAGING, PRODUCTION])
    more = len(live()) - BOUND - 2
    assert f"{more} more version(s) not listed" in html
    assert f"the newest {BOUND} and the stage holders" in html
    assert points(html, "accuracy") == live()  # the charts keep every version
    assert "<th>note</th>" in html  # columns still come from the listed rows
    small = (project / "site" / paths.model_page("small")).read_text(encoding="utf-8")
    assert "more version(s) not listed" not in small


def test_every_version_has_its_page_with_its_neighbours(big: Client, project: Path) -> None:
    build_site(Reader(big.registry), project / "site")
    numbers = live()
    for at, number in enumerate(numbers):
        page = project / "site" / paths.version_page("big", number)
        html = page.read_text(encoding="utf-8")
        previous = re.findall(r'<a href="(\d+)\.html">\u2190 version', html)
        following = re.findall(r'<a href="(\d+)\.html">version \d+ \u2192', html)
        assert previous == ([str(numbers[at - 1])] if at else [])
        assert following == ([str(numbers[at + 1])] if at + 1 < len(numbers) else [])
        # the live server answers the same page, reading only that version
        status, _, body = render(Reader(big.registry), "/" + paths.version_page("big", number))
        assert (status, body) == (200, page.read_bytes())
    gone = render(Reader(big.registry), "/" + paths.version_page("big", DELETED))
    assert gone[0] == 404
    assert not (project / "site" / paths.version_page("big", DELETED)).exists()
    model = paths.model_page("big")
    status, _, body = render(Reader(big.registry), "/" + model)
    assert (status, body) == (200, (project / "site" / model).read_bytes())


def test_a_big_model_is_read_a_batch_at_a_time(
    big: Client, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches: list[int] = []
    original = Registry.read_version_numbers

    def recording(self: Registry, model: object, numbers: list[int]) -> object:
        batches.append(len(numbers))
        return original(self, model, numbers)  # type: ignore[arg-type]

    monkeypatch.setattr(Registry, "read_version_numbers", recording)
    monkeypatch.setattr(Registry, "versions_of", None)  # never every record at once
    build_site(Reader(big.registry), project / "site")
    assert max(batches) == BATCH
    # twice over the big model (the page, then the version pages), once over the small one
    assert sum(batches) == 2 * len(live()) + 1


def test_an_incremental_rebuild_equals_a_cold_build(big: Client, project: Path) -> None:
    site = project / "site"
    build_site(Reader(big.registry), site)
    big.update_model_version("big", 1, stage="production")  # an old holder, now listed
    big.create_model_version("big")
    result = build_site(Reader(big.registry), site)
    assert result.versions == len(live()) + 1 + 1  # and the small model's one
    cold = project / "cold"
    build_site(Reader(big.registry), cold)
    assert site_bytes(site) == site_bytes(cold)
    html = (site / paths.model_page("big")).read_text(encoding="utf-8")
    assert 1 in table_numbers(html) and PRODUCTION not in table_numbers(html)
