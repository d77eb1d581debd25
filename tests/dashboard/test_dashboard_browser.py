"""The dashboard in a real headless Chromium (the OS package, driven by selenium and the OS
chromedriver): links lead where they say, no console errors, one chart point per version
with the key, hostile text shows as text and runs nothing, phones scroll tables not pages,
dark mode follows the system, and ``serve`` shows a model registered after it started.

Skipped, with the reason shown, where Chromium or chromedriver is not installed
(``.ci/run`` installs them with apt-get)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from zenml_cli import Client
from zenml_cli.dashboard import paths

from support.dashboard import ACCURACY, HOSTILE, ODD_MODEL, serving, showcase

pytestmark = pytest.mark.slow  # a real Chromium


@pytest.fixture
def site(client: Client, project: Path) -> Path:
    from zenml_cli.dashboard.data import Reader
    from zenml_cli.dashboard.site import build_site

    showcase(client)
    build_site(Reader(client.registry), project / "site")
    return project / "site"


def by(kind: str) -> Any:
    from selenium.webdriver.common.by import By

    return getattr(By, kind)


def console_errors(driver: Any) -> list[str]:
    """Console entries at level SEVERE since the last call (CSP violations included)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def open_page(driver: Any, url: str) -> None:
    console_errors(driver)  # drop what an earlier test left
    driver.get(url)


def test_index_to_model_to_version_with_no_console_errors(browser: Any, site: Path) -> None:
    open_page(browser, (site / "index.html").as_uri())
    assert browser.title.startswith("Models")
    browser.find_element(by("LINK_TEXT"), "iris").click()
    assert browser.current_url == (site / paths.model_page("iris")).as_uri()
    assert browser.find_element(by("TAG_NAME"), "h1").text == "iris"
    overflow = "return getComputedStyle(document.querySelector('.table-wrap')).overflowX"
    assert browser.execute_script(overflow) == "auto"  # the stylesheet loaded
    circles = browser.find_elements(by("CSS_SELECTOR"), 'figure[data-key="accuracy"] circle')
    shown = [int(c.get_attribute("data-version")) for c in circles]
    assert shown == [n for n, v in ACCURACY.items() if isinstance(v, float)]
    assert all(c.is_displayed() for c in circles)
    browser.find_element(by("LINK_TEXT"), "1.0.5").click()
    assert browser.current_url == (site / paths.version_page("iris", 2)).as_uri()
    assert "version 2 (1.0.5)" in browser.find_element(by("TAG_NAME"), "h1").text
    browser.find_element(by("LINK_TEXT"), "iris").click()  # the breadcrumb back
    assert browser.current_url == (site / paths.model_page("iris")).as_uri()
    assert console_errors(browser) == []


def test_a_version_page_with_artifacts_and_runs_loads_cleanly(browser: Any, site: Path) -> None:
    open_page(browser, (site / paths.version_page("demo", 2)).as_uri())
    artifact_rows = browser.find_elements(by("CSS_SELECTOR"), "table.artifacts tbody tr")
    assert len(artifact_rows) == 2
    run_link = artifact_rows[0].find_element(by("CSS_SELECTOR"), "a")
    run_link.click()  # the producing run's section on the same page
    assert browser.current_url.split("#")[1].startswith("run-")
    steps = browser.find_elements(by("CSS_SELECTOR"), "table.steps tbody tr")
    assert [row.text.split()[0] for row in steps] == ["load", "train"]
    assert console_errors(browser) == []


def test_hostile_text_shows_as_text_and_runs_nothing(browser: Any, site: Path) -> None:
    open_page(browser, (site / "index.html").as_uri())
    assert HOSTILE in browser.find_element(by("TAG_NAME"), "main").text
    browser.find_element(by("LINK_TEXT"), ODD_MODEL).click()
    assert browser.find_element(by("CSS_SELECTOR"), "p.description").text == HOSTILE
    assert HOSTILE in browser.find_element(by("CSS_SELECTOR"), ".tag").text
    browser.find_element(by("PARTIAL_LINK_TEXT"), "x#%y").click()
    assert browser.current_url == (site / paths.version_page(ODD_MODEL, 1)).as_uri()
    assert browser.find_element(by("CSS_SELECTOR"), "p.description").text == HOSTILE
    for _ in range(2):
        assert browser.execute_script("return typeof window.__pwned") == "undefined"
        assert browser.find_elements(by("TAG_NAME"), "img") == []
        assert browser.find_elements(by("CSS_SELECTOR"), "main script") == []
        browser.back()
    assert console_errors(browser) == []


def test_on_a_phone_tables_scroll_inside_their_box_not_the_page(browser: Any, site: Path) -> None:
    browser.set_window_size(390, 844)
    try:
        for page in (paths.model_page("iris"), paths.version_page("demo", 2), paths.INDEX):
            open_page(browser, (site / page).as_uri())
            page_width = browser.execute_script(
                "return [document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert page_width[0] <= page_width[1], page
    finally:
        browser.set_window_size(1280, 900)


def test_light_and_dark_follow_the_system(browser: Any, site: Path) -> None:
    background = "return getComputedStyle(document.body).backgroundColor"
    colors = {}
    for scheme in ("light", "dark"):
        browser.execute_cdp_cmd(
            "Emulation.setEmulatedMedia",
            {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
        )
        open_page(browser, (site / paths.model_page("iris")).as_uri())
        colors[scheme] = browser.execute_script(background)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    assert colors == {"light": "rgb(255, 255, 255)", "dark": "rgb(18, 21, 28)"}


def test_serve_shows_a_model_registered_after_it_started(
    browser: Any, client: Client, project: Path
) -> None:
    client.create_model("first")
    with serving(project) as (_, url):
        open_page(browser, url)
        assert browser.find_elements(by("LINK_TEXT"), "late") == []
        client.create_model("late", description="registered while serving")
        client.create_model_version("late")
        browser.refresh()
        browser.find_element(by("LINK_TEXT"), "late").click()
        assert "registered while serving" in browser.find_element(by("TAG_NAME"), "main").text
        browser.find_element(by("LINK_TEXT"), "1").click()
        assert browser.find_element(by("TAG_NAME"), "h1").text.startswith("late")
        assert console_errors(browser) == []
