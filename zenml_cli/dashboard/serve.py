"""``zenml dashboard serve``: the site's pages rendered live from the store on every request.

Read-only by construction: GET and HEAD render a page, every other method is 405, and no
request path ever reaches the file system (paths are matched against the site's own routes).
Only requests naming this server in their Host header are answered (``hosts``): anything else
is 421, a request without one 400, so DNS rebinding cannot read the registry.
A fresh reader per request means a change to the store shows on the next reload.
"""

from __future__ import annotations

import errno
import sys
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from zenml_cli.dashboard import hosts
from zenml_cli.dashboard.data import Reader
from zenml_cli.dashboard.markup import CSP
from zenml_cli.dashboard.site import HTML_TYPE, error_page, render
from zenml_cli.errors import ConflictError, InvalidInputError, ZenMLCliError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8237
ALLOWED_METHODS = "GET, HEAD"
#: C0 controls and DEL (C1 too) as ``\xNN``: what a client sends never drives the terminal.
CONTROL_ESCAPES = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0))}


class DashboardServer(ThreadingHTTPServer):
    daemon_threads = True  # a hanging client never keeps Ctrl-C from ending the server

    def __init__(self, address: tuple[str, int], readers: Callable[[], Reader]) -> None:
        self.readers = readers
        self.bound_host = address[0]
        super().__init__(address, DashboardHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        """One line on stderr instead of socketserver's traceback: a client that hangs up
        before its answer is sent (a reset, a broken pipe) is ordinary on a network."""
        failure = sys.exc_info()[1]
        if isinstance(failure, ConnectionError):
            return
        where = client_address[0] if isinstance(client_address, tuple) else client_address
        text = f"{type(failure).__name__}: {failure}".translate(CONTROL_ESCAPES)
        sys.stderr.write(f"{where} request failed: {text}\n")

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        text = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{text}]" if ":" in text else text
        return f"http://{shown}:{port}/"


class DashboardHandler(BaseHTTPRequestHandler):
    server: DashboardServer
    server_version = "zenml-dashboard"
    sys_version = ""

    def do_GET(self) -> None:  # http.server's naming
        if self._host_ok(with_body=True):
            self._respond(with_body=True)

    def do_HEAD(self) -> None:
        if self._host_ok(with_body=False):
            self._respond(with_body=False)

    def _refuse(self) -> None:
        if not self._host_ok(with_body=True):
            return
        body = _page_bytes("Method not allowed", "The dashboard is read-only: GET and HEAD.")
        self._send(405, HTML_TYPE, body, True, {"Allow": ALLOWED_METHODS})

    def _host_ok(self, with_body: bool) -> bool:
        """Answer 400 (no Host) or 421 (another host's name) and return False, else True."""
        header = self.headers.get("Host")
        if hosts.allowed(header, self.server.bound_host):
            return True
        status = 400 if not header else 421
        text = f"This server answers requests for {self.server.url}, not for this host."
        body = _page_bytes("Wrong host", text)
        self._send(status, HTML_TYPE, body, with_body, {"Connection": "close"})
        return False

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _refuse

    def _respond(self, with_body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        try:
            status, content_type, body = render(self.server.readers(), path)
        except ZenMLCliError as exc:  # a corrupt manifest: say which, as the CLI would
            status, content_type = 500, HTML_TYPE
            body = _page_bytes("Store error", str(exc))
        except Exception as exc:  # keep serving; the terminal gets the details
            self.log_error("error rendering %s: %r", path, exc)
            status, content_type = 500, HTML_TYPE
            body = _page_bytes("Internal error", "Rendering this page failed; see the terminal.")
        self._send(status, content_type, body, with_body)

    def _send(
        self,
        status: int,
        content_type: str,
        body: bytes,
        with_body: bool,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        headers = {
            "Content-Type": content_type,
            "Content-Length": str(len(body)),
            "Cache-Control": "no-store",
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            **(extra or {}),
        }
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        # the request line is the client's text: control characters (a terminal escape
        # sequence) are shown as \xNN, as http.server's own logger does
        text = (format % args).translate(CONTROL_ESCAPES)
        sys.stderr.write(f"{self.address_string()} {text}\n")


def open_server(readers: Callable[[], Reader], host: str, port: int) -> DashboardServer:
    """Bind the server (port 0: any free port). A taken port is ConflictError (exit 4)."""
    try:
        return DashboardServer((host, port), readers)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ConflictError(
                f"port {port} on {host} is already in use; stop what holds it or pick "
                "another with --port"
            ) from None
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InvalidInputError(f"cannot listen on {host}:{port}: {reason}") from None


def _page_bytes(title: str, text: str) -> bytes:
    return error_page(title, text).encode("utf-8")
