"""Outputs the tool writes, from a repository a commit controls (issue 18, findings 5, 6, 8,
9; issue 17 item 3; DESIGN section 12): the dashboard site never deletes or writes outside its
folder or through a link, every history string is escaped (static and served), ``serve``
answers only its own host, the timeline presents the core's replay, and neither GitHub's
output file nor its job summary can be forged by a metadata key or a version name."""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from zenml_cli import Client
from zenml_cli.dashboard import paths

from support.ci_runner import run_action_script as run_action
from support.dashboard import serving
from support.running import REPO_ROOT, run_zenml

pytestmark = pytest.mark.slow  # the installed zenml and the action script in real processes

META_REFRESH = '<meta http-equiv="refresh" content="0;url=pwned.html">'


@pytest.fixture
def iris3(client: Client) -> Client:
    client.create_model("iris")
    for _ in range(3):
        client.create_model_version("iris")
    client.update_model_version("iris", 1, stage="production")
    return client


def build(project: Path, out: str = "site") -> subprocess.CompletedProcess[str]:
    return run_zenml("dashboard", "build", "--out", out, cwd=project)


# ------------------------------------------------------------------ 5. deletes stay inside
def test_build_deletes_only_its_own_pages_whatever_the_marker_says(
    iris3: Client, project: Path, tmp_path: Path
) -> None:
    assert build(project).returncode == 0
    victims = [tmp_path / "victim.txt", tmp_path / "deep" / "victim.txt"]
    for victim in victims:
        victim.parent.mkdir(exist_ok=True)
        victim.write_text("keep me")
    (project / "site" / "notes.txt").write_text("a committed note")
    marker = project / "site" / ".zenml-dashboard"
    lines = [str(victims[0]), str(victims[1]), "../../victim.txt", "notes.txt"]
    marker.write_text(marker.read_text() + "".join(f"{line}\n" for line in lines))
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert all(victim.read_text() == "keep me" for victim in victims)
    assert (tmp_path / "deep").is_dir()  # an emptied parent folder is not removed either
    assert (project / "site" / "notes.txt").read_text() == "a committed note"


def test_build_still_removes_pages_of_a_deleted_model(iris3: Client, project: Path) -> None:
    iris3.create_model("gone")
    iris3.create_model_version("gone")
    assert build(project).returncode == 0
    page = project / "site" / paths.version_page("gone", 1)
    assert page.is_file()
    iris3.delete_model("gone")
    assert build(project).returncode == 0
    assert not page.exists() and not page.parent.exists()


# ------------------------------------------------------------------ 6. never through a link
@pytest.mark.parametrize("link", ["style.css", "index.html", ".zenml-dashboard", "models", "."])
def test_build_refuses_a_link_in_the_site_folder(
    iris3: Client, project: Path, tmp_path: Path, link: str
) -> None:
    assert build(project).returncode == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = elsewhere / "somefile"
    victim.write_text("mine")
    site = project / "site"
    if link == ".":  # the site folder itself is a committed link
        os.rename(site, elsewhere / "real-site")
        site.symlink_to(elsewhere / "real-site")
        target_files = {p: p.read_bytes() for p in (elsewhere / "real-site").rglob("*.html")}
    elif link == "models":
        os.rename(site / "models", elsewhere / "models")
        (site / "models").symlink_to(elsewhere / "models")
        target_files = {p: p.read_bytes() for p in (elsewhere / "models").rglob("*.html")}
    else:
        (site / link).unlink()
        (site / link).symlink_to(victim)
        target_files = {}
    iris3.create_model_version("iris")  # so a build would write new pages
    result = build(project)
    assert result.returncode == 4, result.stderr
    shown = "'site'" if link == "." else f"'site/{link}'"
    assert "symbolic link" in result.stderr and shown in result.stderr
    assert victim.read_text() == "mine"
    for path, data in target_files.items():
        assert path.read_bytes() == data
    assert not list(elsewhere.rglob("4.html"))


def test_build_refuses_a_linked_folder_on_the_way_to_out(
    iris3: Client, project: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "docs").symlink_to(elsewhere)
    result = build(project, "docs/dashboard")
    assert result.returncode == 4 and "'docs' is a symbolic link" in result.stderr
    assert list(elsewhere.iterdir()) == []


# ------------------------------------------------------------------ 9. every string escaped
def append_event(project: Path, model: str, **fields: object) -> None:
    history = project / ".zenml" / "models" / model / "history.jsonl"
    lines = history.read_text().splitlines() if history.exists() else []
    event = {"seq": len(lines) + 1, "time": "2026-01-02T00:00:00Z", "actor": "x", **fields}
    with history.open("a") as handle:
        handle.write(json.dumps(event) + "\n")


def hostile_history(project: Path) -> None:
    """Hostile text in every field of an event that may hold text (the reader refuses a
    number field holding text, see the next test)."""
    append_event(
        project,
        "iris",
        event="stage",
        version=2,
        version_name=META_REFRESH,
        to="staging",
        archived=None,
        message=META_REFRESH,
    )
    append_event(
        project,
        "iris",
        event="stage",
        version=2,
        version_name="<b>v</b>",
        to="none",
        archived=None,
        actor="<b>v</b>",
        message=None,
    )


def test_history_strings_are_escaped_in_the_built_site(iris3: Client, project: Path) -> None:
    hostile_history(project)
    assert build(project).returncode == 0
    html = (project / "site" / paths.model_page("iris")).read_text()
    assert '<meta http-equiv="refresh"' not in html and "<b>v</b>" not in html
    assert "&lt;meta http-equiv=&quot;refresh&quot;" in html and "&lt;b&gt;v&lt;/b&gt;" in html


@pytest.mark.parametrize("field", ["archived", "version"])
def test_text_in_a_number_field_of_history_is_refused_naming_the_file(
    iris3: Client, project: Path, field: str
) -> None:
    event = {"event": "stage", "version": 2, "to": "staging", "archived": None}
    append_event(project, "iris", **{**event, field: META_REFRESH})
    result = build(project)
    assert result.returncode == 6 and "history.jsonl" in result.stderr
    assert not (project / "site").exists() or '<meta http-equiv="refresh"' not in "".join(
        page.read_text() for page in (project / "site").rglob("*.html")
    )


def request(url: str, path: str, host: str | None) -> tuple[int, bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_host=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.slow
def test_serve_escapes_history_and_answers_only_its_own_host(iris3: Client, project: Path) -> None:
    hostile_history(project)
    page = "/" + paths.model_page("iris")
    with serving(project) as (_, url):
        port = urlsplit(url).port
        status, body = request(url, page, f"127.0.0.1:{port}")
        assert status == 200 and b'<meta http-equiv="refresh"' not in body
        assert b"&lt;meta http-equiv=&quot;refresh&quot;" in body
        for alias in (f"localhost:{port}", "localhost", f"[::1]:{port}"):
            assert request(url, page, alias)[0] == 200, alias
        for rebound in (f"evil.example:{port}", "evil.example", "127.0.0.1.evil.example"):
            status, body = request(url, page, rebound)
            assert status == 421 and b"iris" not in body, rebound
        assert request(url, page, None)[0] == 400


def test_which_host_headers_serve_answers() -> None:
    import socket

    from zenml_cli.dashboard.hosts import allowed

    loopback = ["127.0.0.1:8237", "localhost", "LOCALHOST:1", "[::1]:8237", "127.0.0.2"]
    assert all(allowed(host, "127.0.0.1") for host in loopback)
    rebinding = ["evil.example", "evil.example:8237", "127.0.0.1.nip.io", "", None, "a b"]
    rebinding += ["127.0.0.1@evil.example", "localhost/x", "[::1"]
    assert not any(allowed(host, "127.0.0.1") for host in rebinding)
    assert allowed("192.168.1.5:8237", "0.0.0.0") and allowed("[fe80::1]:80", "::")
    assert allowed(socket.gethostname(), "0.0.0.0") and not allowed("evil.example", "0.0.0.0")
    assert allowed("MyHost.local:8237", "myhost.local") and not allowed("localhost", "myhost.local")


@pytest.mark.slow
def test_chromium_does_not_follow_an_injected_meta_refresh(
    iris3: Client, project: Path, browser: object
) -> None:
    hostile_history(project)
    assert build(project).returncode == 0
    page = project / "site" / paths.model_page("iris")
    (page.parent / "pwned.html").write_text("<title>pwned</title>")
    driver: object = browser
    driver.get(page.as_uri())  # type: ignore[attr-defined]
    import time

    time.sleep(2)  # a refresh of 0 seconds would have happened by now
    assert driver.current_url == page.as_uri()  # type: ignore[attr-defined]
    assert driver.title.startswith("iris")  # type: ignore[attr-defined]


# ------------------------------------------------------------------ issue 17.3: one replay
def test_timeline_now_matches_history_at_after_a_reconciled_crash(
    iris3: Client, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zenml_cli.core import versions

    def killed(*args: object) -> None:
        raise KeyboardInterrupt  # stands in for SIGKILL after the history append

    with monkeypatch.context() as patch, pytest.raises(KeyboardInterrupt):
        patch.setattr(versions, "write_model", killed)
        versions.update_version(iris3.registry.store, "iris", 2, stage="production")
    versions.update_version(iris3.registry.store, "iris", 3, stage="staging")  # reconciles first
    at = run_zenml(
        "model",
        "version",
        "history",
        "iris",
        "--at",
        "2999-01-01T00:00:00Z",
        "-o",
        "json",
        cwd=project,
    )
    holders = json.loads(at.stdout)["items"][0]
    assert holders["production"] == 1 and holders["staging"] == 3
    assert build(project).returncode == 0
    html = (project / "site" / paths.model_page("iris")).read_text()
    assert now_holders(html) == {"production": 1, "staging": 3}
    with serving(project) as (_, url):
        status, body = request(url, "/" + paths.model_page("iris"), urlsplit(url).netloc)
        assert status == 200 and now_holders(body.decode()) == now_holders(html)


def now_holders(html: str) -> dict[str, int]:
    """Stage -> version of the timeline rows whose term lasts until "now"."""
    table = html.split('class="timeline"', 1)[1].split("</table>", 1)[0]
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        if "<strong>now</strong>" in row:
            stage = re.search(r'badge stage-(\w+)"', row)
            number = re.search(r'href="(\d+)\.html"', row)
            assert stage and number, row
            found[stage.group(1)] = int(number.group(1))
    return found


# ------------------------------------------------------------------ 8. GitHub outputs
def output_assignments(path: Path) -> list[tuple[str, str]]:
    """Every (name, value) GitHub's runner reads from an output file, in order: a line with
    ``=`` before any ``<<`` is name=value, else name<<DELIMITER ... DELIMITER."""
    assignments = []
    lines = path.read_text().split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            assignments.append((line[:equals], line[equals + 1 :]))
            continue
        name, delimiter = line[:heredoc], line[heredoc + 2 :]
        end = lines.index(delimiter, index)
        assignments.append((name, "\n".join(lines[index:end])))
        index = end + 1
    return assignments


FORGING_KEYS = ("k\nstage", "x<<EOF\nstage", "k\rstage", "stage")


def check_outputs(path: Path, stage: str) -> None:
    assignments = output_assignments(path)
    names = [name for name, _ in assignments]
    assert len(names) == len(set(names)), names  # no name is written twice
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name) for name in names), names
    assert dict(assignments)["stage"] == stage


def test_committed_metadata_keys_cannot_forge_a_step_output(
    iris3: Client, project: Path, tmp_path: Path
) -> None:
    from zenml_cli import Model

    Model(name="iris", version=2).log_metadata({key: "production" for key in FORGING_KEYS})
    code, output, stderr = run_action(project, "model version describe iris 2", tmp_path)
    assert code == 0
    check_outputs(output, "none")
    assert dict(output_assignments(output))["run_metadata_stage"] == "production"
    assert "left out" in stderr and "'run_metadata_k\\nstage'" in stderr


def test_metadata_keys_given_with_m_cannot_forge_a_step_output(
    iris3: Client, project: Path, tmp_path: Path
) -> None:
    command = "model version update iris 2 -M 'k\nstage=production' -M 'x<<EOF\nstage=production'"
    code, output, _ = run_action(project, command, tmp_path)
    assert code == 0
    check_outputs(output, "none")


def test_a_heredoc_delimiter_never_occurs_in_its_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util
    import uuid

    spec = importlib.util.spec_from_file_location("action_run", REPO_ROOT / "action" / "run.py")
    assert spec and spec.loader
    action = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(action)
    drawn = iter([uuid.UUID(int=1), uuid.UUID(int=2)])
    monkeypatch.setattr(action.uuid, "uuid4", lambda: next(drawn))
    first = f"ZENML_EOF_{uuid.UUID(int=1).hex}"
    value = f"a\n{first}\nstage=production"  # as if the value had guessed the delimiter
    output = tmp_path / "github_output"
    action.write_outputs(str(output), {"description": value, "stage": "none"})
    assert output_assignments(output) == [("description", value), ("stage", "none")]


def test_a_committed_version_name_cannot_add_lines_to_the_job_summary(
    iris3: Client, project: Path, tmp_path: Path
) -> None:
    forged = "v\n- gate `auc:max` passed: 1.0\n### <img src=x> [ok](https://e.example) *done*"
    manifest = project / ".zenml" / "models" / "iris" / "versions" / "2.yaml"
    text = manifest.read_text().replace("name: '2'", f"name: {json.dumps(forged)}")
    manifest.write_text(text)
    summary = tmp_path / "summary.md"
    result = run_zenml(
        "model",
        "version",
        "update",
        "iris",
        "2",
        "-s",
        "production",
        "-m",
        "why\n# not a heading",
        cwd=project,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.returncode == 0, result.stderr
    text = summary.read_text()
    assert len([line for line in text.splitlines() if line]) == 3, text
    markdown_it = pytest.importorskip("markdown_it")  # CommonMark, as GitHub renders it
    html = markdown_it.MarkdownIt("commonmark").render(text)
    assert html.count("<h3>") == 1 and html.count("<li>") == 2, html
    assert "<img" not in html and "<a " not in html and "<em>" not in html, html
    assert "- gate `auc:max` passed" in html.split("</h3>")[0]  # shown, as text


@pytest.mark.slow
def test_serve_logs_a_request_line_without_its_terminal_escapes(
    iris3: Client, project: Path
) -> None:
    import socket

    zenml = Path(sys.executable).with_name("zenml")
    proc = subprocess.Popen(
        [str(zenml), "dashboard", "serve", "--port", "0", "-o", "json"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        url = json.loads(proc.stdout.readline())["url"]
        parts = urlsplit(url)
        for line in (b"GET /\x1b]0;owned\x07 HTTP/1.1", b"\x1b[2J\x9b31m"):
            with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
                sock.sendall(line + b"\r\nHost: " + parts.netloc.encode() + b"\r\n\r\n")
                sock.recv(65536)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert b"\x1b" not in err and b"\x9b" not in err  # nor C1 CSI, raw or UTF-8
    assert b"\\x1b]0;owned\\x07" in err


@pytest.mark.parametrize("blocker", ["folder at a page", "file at a folder"])
def test_build_refuses_what_stands_in_the_way_of_a_page(
    iris3: Client, project: Path, blocker: str
) -> None:
    assert build(project).returncode == 0
    site = project / "site"
    model_folder = (site / paths.model_page("iris")).parent
    if blocker == "folder at a page":
        (site / "style.css").unlink()
        (site / "style.css").mkdir()
        in_the_way = "site/style.css"
    else:
        for page in model_folder.iterdir():
            page.unlink()
        model_folder.rmdir()
        model_folder.write_text("a file")
        in_the_way = str(model_folder.relative_to(project))
    iris3.update_model("iris", description="changed")  # every page of iris changes
    result = build(project)
    assert result.returncode == 4, result.stderr
    assert f"'{in_the_way}' is in the way" in result.stderr
