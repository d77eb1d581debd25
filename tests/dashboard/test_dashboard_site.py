"""``zenml dashboard build``: the pages, their links, escaping, charts, timeline, and the
same bytes for the same store. (The browser tests open the same site in Chromium.)"""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import pytest

from zenml_cli import Client
from zenml_cli.dashboard import paths
from zenml_cli.dashboard.data import Reader
from zenml_cli.dashboard.routes import ROUTES, Walk
from zenml_cli.dashboard.site import MARKER, build_site, render, site_files

from support.dashboard import ACCURACY, HOSTILE, ODD_MODEL, links, points, showcase, site_bytes
from support.running import REPO_ROOT, Cli


@pytest.fixture
def shown(client: Client) -> Client:
    showcase(client)
    return client


def build(cli: Cli, out: str = "site") -> dict[str, object]:
    code, stdout, stderr = cli("dashboard", "build", "--out", out, "-o", "json")
    assert code == 0, stderr
    assert "wrote" in stderr
    return json.loads(stdout)


def test_build_writes_index_model_and_version_pages(shown: Client, cli: Cli, project: Path) -> None:
    result = build(cli)
    out = project / "site"
    assert result["models"] == 3 and result["versions"] == 7 + 1 + 2
    assert result["pages"] == 1 + 3 + 10
    assert (out / "index.html").is_file() and (out / "style.css").is_file()
    for model, count in (("iris", 7), (ODD_MODEL, 1), ("demo", 2)):
        assert (out / paths.model_page(model)).is_file()
        for number in range(1, count + 1):
            assert (out / paths.version_page(model, number)).is_file()
    index = (out / "index.html").read_text()
    assert 'href="models/' in index and "v2 (1.0.5)" not in index  # latest is 7
    assert ">v4</a>" in index and ">v2</a>" in index  # staging and production holders


def test_build_and_serve_draw_every_page_from_one_route_table(shown: Client) -> None:
    """Each file a build writes is what the live server answers at its path (same bytes,
    from the same route), and a path no route claims is a 404 in both."""
    walk = Walk(Reader(shown.registry))
    built = dict(site_files(Reader(shown.registry)))
    assert len(built) == 1 + 1 + 3 + 10  # style, index, models, versions
    for relative, data in built.items():
        status, content_type, body = render(Reader(shown.registry), "/" + relative)
        assert (status, body) == (200, data), relative
        claimed = [r for r in ROUTES if r.find(walk, relative) is not None]
        assert len(claimed) == 1 and claimed[0].content_type == content_type, relative
    assert render(Reader(shown.registry), "/models/nothing-here/1.html")[0] == 404
    assert render(Reader(shown.registry), "/" + paths.model_page("iris") + "x")[0] == 404


def test_default_out_is_zenml_dashboard(shown: Client, cli: Cli, project: Path) -> None:
    code, stdout, stderr = cli("dashboard", "build")
    # a write: one line on stderr, nothing on stdout without -v or -o json (issue 22)
    assert code == 0 and stdout == "" and len(stderr.splitlines()) == 1
    assert "zenml-dashboard" in stderr
    assert (project / "zenml-dashboard" / "index.html").is_file()


def test_every_link_leads_to_a_page_or_anchor_that_exists(
    shown: Client, cli: Cli, project: Path
) -> None:
    build(cli)
    out = project / "site"
    checked = 0
    for page in sorted(out.rglob("*.html")):
        hrefs, _ = links(page)
        for href in hrefs:
            if href.startswith("data:"):
                continue
            assert "://" not in href and not href.startswith("/"), f"{page}: {href}"
            target, _, fragment = href.partition("#")
            target_path = (page.parent / target).resolve() if target else page
            assert target_path.is_file(), f"{page.relative_to(out)} links missing {href}"
            if fragment:
                assert fragment in links(target_path)[1], f"{page}: no anchor {href}"
            checked += 1
    assert checked > 50


def test_names_with_spaces_unicode_hash_and_percent_get_safe_distinct_paths() -> None:
    names = [ODD_MODEL, "a#b", "a%b", "a b", "A b", "ü", "..", "-"]
    slugs = {paths.slug(name) for name in names}
    assert len(slugs) == len(names)
    for value in slugs:
        assert value.isascii() and all(c.isalnum() or c in "-_." for c in value), value
        assert not value.startswith(".")


def test_user_text_is_escaped_everywhere(shown: Client, cli: Cli, project: Path) -> None:
    build(cli)
    out = project / "site"
    for page in out.rglob("*.html"):
        text = page.read_text()
        assert (
            "<script" not in text
            and "<img" not in text
            and "onerror=" not in text.replace("onerror=&quot;", "")
        ), page
    odd = (out / paths.model_page(ODD_MODEL)).read_text()
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in odd
    assert "&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;" in odd
    version = (out / paths.version_page(ODD_MODEL, 1)).read_text()
    assert "x#%y ü" in version and HOSTILE not in version


def test_a_chart_has_one_point_per_version_with_a_numeric_value(
    shown: Client, cli: Cli, project: Path
) -> None:
    build(cli)
    page = (project / "site" / paths.model_page("iris")).read_text()
    numeric = [n for n, v in ACCURACY.items() if isinstance(v, float)]
    assert points(page, "accuracy") == numeric  # not the bool (3), the text (5), the gap (6)
    assert 'data-key="notes"' not in page  # text only: no chart
    demo = (project / "site" / paths.model_page("demo")).read_text()
    assert points(demo, "accuracy") == [1, 2]


def test_model_page_shows_versions_metadata_and_the_stage_timeline(
    shown: Client, cli: Cli, project: Path
) -> None:
    build(cli)
    page = (project / "site" / paths.model_page("iris")).read_text()
    versions = page.split('class="versions"')[1].split("</table>")[0]
    assert versions.index(">7<") < versions.index(">1<")  # newest first
    assert 'class="badge stage-production">production' in versions
    assert "<th>accuracy</th>" in versions and "<th>notes</th>" in versions
    timeline = page.split('class="timeline"')[1].split("</table>")[0]
    rows = timeline.split("<tr>")[2:]
    assert len(rows) == 4  # v1 production, v2 staging, v2 production, v4 staging
    assert "first release" in rows[0] and "replaced by version 2 (tester)" in rows[0]
    assert "moved to production" in rows[1]
    assert "better recall" in rows[2] and "<strong>now</strong>" in rows[2]
    assert "<strong>now</strong>" in rows[3] and ">v4</a>" in rows[3]


def test_version_page_shows_artifacts_and_runs_with_steps(
    shown: Client, cli: Cli, project: Path
) -> None:
    build(cli)
    page = (project / "site" / paths.version_page("demo", 2)).read_text()
    record = shown.get_artifact_version("trained", "2")
    artifacts = page.split('class="artifacts"')[1].split("</table>")[0]
    assert "ModelArtifact" in artifacts and "DataArtifact" in artifacts
    assert record.sha256 in artifacts and f'title="{record.size} bytes"' in artifacts
    assert "step</span> train" in artifacts and "step</span> load" in artifacts
    run = shown.get_pipeline_run(record.producing_run or "")
    assert f">{run.name}</a>" in artifacts  # producing run, linked to its section below
    steps = page.split('class="steps"')[-1].split("</table>")[0]
    assert "load" in steps and "train" in steps and "status-completed" in steps
    assert "trained:2" in steps


def test_same_store_gives_the_same_bytes(shown: Client, cli: Cli, project: Path) -> None:
    first = build(cli, "one")
    second = build(cli, "two")
    assert first["pages"] == second["pages"]
    one, two = site_bytes(project / "one"), site_bytes(project / "two")
    assert one == two
    assert str(project) not in "".join(b.decode() for b in one.values())
    assert build(cli, "one")["written"] == 0  # a rebuild rewrites nothing


def test_rebuild_removes_pages_the_store_no_longer_has(
    shown: Client, cli: Cli, project: Path
) -> None:
    build(cli)
    gone = project / "site" / paths.version_page("iris", 7)
    assert gone.is_file()
    shown.delete_model_version("iris", 7)
    shown.delete_model(ODD_MODEL)
    result = build(cli)
    assert result["removed"] == 3 and not gone.exists()
    assert not (project / "site" / paths.model_page(ODD_MODEL)).parent.exists()
    assert MARKER in {p.name for p in (project / "site").iterdir()}


def test_build_refuses_a_folder_it_did_not_write(shown: Client, cli: Cli, project: Path) -> None:
    (project / "docs").mkdir()
    (project / "docs" / "notes.md").write_text("mine")
    code, stdout, stderr = cli("dashboard", "build", "--out", "docs")
    assert code == 4 and stdout == ""
    assert "not written by 'zenml dashboard build'" in stderr and len(stderr.splitlines()) == 1
    assert (project / "docs" / "notes.md").read_text() == "mine"
    assert sorted(p.name for p in (project / "docs").iterdir()) == ["notes.md"]


@pytest.mark.parametrize("out", [".zenml", ".zenml/models/site", ".zenml/site"])
def test_build_refuses_a_folder_inside_the_store(
    shown: Client, cli: Cli, project: Path, out: str
) -> None:
    """A site among the manifests would be read as them (``.zenml/models/site`` is a model
    folder without a model: doctor fails, ``register site`` says it exists)."""
    before = sorted(str(p.relative_to(project)) for p in (project / ".zenml").rglob("*"))
    code, stdout, stderr = cli("dashboard", "build", "--out", out)
    assert (code, stdout) == (5, "")
    assert "inside the store's folder" in stderr and len(stderr.splitlines()) == 1
    assert sorted(str(p.relative_to(project)) for p in (project / ".zenml").rglob("*")) == before
    assert cli("doctor")[0] == 0


def test_an_empty_store_builds_an_index_that_says_so(cli: Cli, project: Path) -> None:
    result = build(cli)
    assert result["pages"] == 1
    assert "No models yet" in (project / "site" / "index.html").read_text()


def test_a_corrupt_manifest_fails_the_build_naming_the_file(
    shown: Client, cli: Cli, project: Path
) -> None:
    bad = project / ".zenml" / "models" / "iris" / "versions" / "3.yaml"
    bad.write_text("number: [unclosed\n")
    code, _, stderr = cli("dashboard", "build", "--out", "site")
    assert code == 6 and "3.yaml" in stderr


def test_a_missing_artifact_or_run_is_shown_not_fatal(shown: Client, project: Path) -> None:
    record = shown.get_artifact_version("features", "1")
    manifest = project / ".zenml" / "artifacts" / "features" / "1.yaml"
    manifest.unlink()
    run_id = record.producing_run or ""
    (project / ".zenml" / "runs" / f"{run_id}.yaml").unlink()
    result = build_site(Reader(shown.registry), project / "site")
    assert result.versions == 10
    page = (project / "site" / paths.version_page("demo", 1)).read_text()
    assert "missing (see zenml doctor)" in page and "run manifest missing" in page


def test_the_readme_shows_a_screenshot_of_each_page_type() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    images = re.findall(r"\(docs/img/(dashboard-\w+\.png)\)", readme)
    assert images == ["dashboard-index.png", "dashboard-model.png", "dashboard-version.png"]
    for name in images:
        data = (REPO_ROOT / "docs" / "img" / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) < 300_000
        width, height = struct.unpack(">II", data[16:24])
        assert (width, height) == (1200, 800)
    assert (REPO_ROOT / "docs" / "screenshots.py").is_file()
