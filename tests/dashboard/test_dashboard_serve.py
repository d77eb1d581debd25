"""``zenml dashboard serve`` in a real subprocess: pages live from the store, read-only,
a taken port is exit 4, Ctrl-C is exit 130. Every server is killed within the test."""

from __future__ import annotations

import http.client
import signal
import socket
import struct
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from zenml_cli import Client
from zenml_cli.dashboard import paths

from support.dashboard import START_TIMEOUT, serving, showcase
from support.running import run_zenml

pytestmark = pytest.mark.slow  # a real server


def request(url: str, path: str, method: str = "GET") -> tuple[int, dict[str, str], str]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        body = response.read().decode("utf-8")
        return response.status, dict(response.getheaders()), body
    finally:
        connection.close()


@pytest.fixture
def shown(client: Client) -> Client:
    showcase(client)
    return client


def test_serve_renders_every_page_type_and_shows_changes_on_reload(
    shown: Client, project: Path
) -> None:
    with serving(project) as (_, url):
        assert urlsplit(url).hostname == "127.0.0.1"
        status, headers, index = request(url, "/")
        assert status == 200 and "iris" in index and "late-model" not in index
        assert "script-src" not in headers["Content-Security-Policy"]  # default-src 'none'
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        for path in (paths.model_page("iris"), paths.version_page("demo", 2), paths.STYLE):
            status, _, body = request(url, "/" + path)
            assert status == 200 and body, path
        shown.create_model("late-model", description="registered after start")
        status, _, index = request(url, "/index.html")
        assert status == 200 and "late-model" in index
        status, _, page = request(url, "/" + paths.model_page("late-model"))
        assert status == 200 and "registered after start" in page


def test_serve_is_read_only_and_serves_nothing_but_its_pages(shown: Client, project: Path) -> None:
    (project / "secret.txt").write_text("not for the web")
    with serving(project) as (_, url):
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            status, headers, _ = request(url, "/", method)
            assert status == 405 and headers["Allow"] == "GET, HEAD", method
        status, headers, body = request(url, "/", "HEAD")
        assert status == 200 and body == "" and int(headers["Content-Length"]) > 100
        for path in (
            "/secret.txt",
            "/../secret.txt",
            "/models/../../secret.txt",
            "/.zenml/config.yaml",
            "/models/nope/index.html",
            "/" + paths.version_page("iris", 99),
            "/" + paths.version_page("iris", 1).replace(".html", ".txt"),
        ):
            status, _, body = request(url, path)
            assert status == 404 and "not for the web" not in body, path
    assert Client(project).get_model("iris").name == "iris"


def test_serve_reports_a_taken_port_as_a_conflict(shown: Client, project: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run_zenml("dashboard", "serve", "--port", str(port), cwd=project, timeout=30)
    assert result.returncode == 4 and result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr


def test_ctrl_c_stops_the_server_with_exit_130(shown: Client, project: Path) -> None:
    with serving(project) as (proc, url):
        assert request(url, "/")[0] == 200
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=START_TIMEOUT) == 130
        assert proc.stderr is not None and "stopped" in proc.stderr.read()


def test_a_client_that_hangs_up_leaves_no_traceback(shown: Client, project: Path) -> None:
    """A request answered to a socket the client reset (no Host: header, then a RST before
    the 400 is read): socketserver printed a ConnectionResetError traceback per request."""
    with serving(project) as (proc, url):
        parts = urlsplit(url)
        for _ in range(5):
            hung_up = socket.create_connection((parts.hostname or "", parts.port or 0))
            hung_up.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            hung_up.sendall(b"GET / HTTP/1.1\r\n\r\n")
            hung_up.close()  # SO_LINGER 0: a reset, not a FIN
        assert request(url, "/")[0] == 200  # still serving
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=START_TIMEOUT) == 130
        assert proc.stderr is not None
        errors = proc.stderr.read()
    assert "Traceback" not in errors and "ConnectionResetError" not in errors
