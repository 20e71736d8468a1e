"""A small static-site server for the demo and the tests, on 127.0.0.1 only.

Serves a folder as a site's root, replaces ``{{ORIGIN}}`` and ``{{PORT}}`` in
text files (robots.txt, sitemaps, pages) with the server's own origin and port, answers configured special routes
(redirects, errors) and keeps a log of every request it received, so that tests
can check what the crawler did and did not ask for.
"""

from __future__ import annotations

import mimetypes
import time
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import urlsplit

SITES_DIR = Path(__file__).parent / "sites"

#: A special route answers with (status, headers, body).
Route = Callable[[str], tuple[int, dict[str, str], bytes]]


def redirect(location: str, status: int = 301) -> Route:
    return lambda origin: (status, {"Location": location}, b"")


def status(code: int, body: str = "") -> Route:
    html = body or f"<!doctype html><html lang='en'><head><title>Error {code}</title></head><body><h1>Error {code}</h1></body></html>"
    return lambda origin: (code, {"Content-Type": "text/html; charset=utf-8"}, html.encode())


class _Server(ThreadingHTTPServer):
    # The default listen backlog (5) overflows when several crawlers and their browsers
    # connect at once; a real web server accepts far more.
    request_queue_size = 128


@dataclass
class LoggedRequest:
    method: str
    path: str
    user_agent: str
    host: str = ""
    #: When it arrived (time.monotonic()), to check politeness.
    at: float = field(default_factory=time.monotonic)


@dataclass
class SiteServer:
    """One site on 127.0.0.1:*port* (0 picks a free port)."""

    root: Path
    port: int = 0
    routes: dict[str, Route] = field(default_factory=dict)
    log: list[LoggedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._httpd: Optional[ThreadingHTTPServer] = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "SiteServer":
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet: the log list is the record
                pass

            def _record(self) -> str:
                path = urlsplit(self.path).path
                site.log.append(
                    LoggedRequest(self.command, self.path, self.headers.get("User-Agent", ""), self.headers.get("Host", ""))
                )
                return path

            def do_GET(self) -> None:
                self._answer(*site.respond(self._record()))

            def do_HEAD(self) -> None:
                code, headers, body = site.respond(self._record())
                self._answer(code, headers, b"", length=len(body))

            def _refuse(self) -> None:
                self._record()
                self._answer(405, {"Content-Type": "text/plain"}, b"method not allowed\n")

            do_POST = do_PUT = do_DELETE = do_PATCH = _refuse

            def _answer(self, code: int, headers: dict[str, str], body: bytes, length: int | None = None) -> None:
                self.send_response(code)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                self.end_headers()
                if body:
                    self.wfile.write(body)

        self._httpd = _Server(("127.0.0.1", self.port), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        threading.Thread(target=self._httpd.serve_forever, daemon=True, name=f"site-{self.port}").start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if path in self.routes:
            return self.routes[path](self.origin)
        target = (self.root / path.lstrip("/")).resolve()
        if not target.is_relative_to(self.root.resolve()):
            return status(404)(self.origin)
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            return status(404)(self.origin)
        body = target.read_bytes()
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/xml"):
            body = body.replace(b"{{ORIGIN}}", self.origin.encode()).replace(b"{{PORT}}", str(self.port).encode())
            ctype += "; charset=utf-8"
        return 200, {"Content-Type": ctype}, body

    def requested_paths(self) -> list[str]:
        return [entry.path for entry in self.log]


#: The bundled demo: organisation id → (site folder, preferred port, special routes).
DEMO_SITES: dict[str, tuple[str, int, dict[str, Route]]] = {
    "lumen-telecom": ("lumen-telecom", 8701, {"/old-offers.html": redirect("/offers.html")}),
    "civic-water": ("civic-water", 8702, {"/outage-map.html": status(500)}),
    "harbour-bank": ("harbour-bank", 8703, {}),
}


def start_demo_sites() -> dict[str, SiteServer]:
    """Serve every demo site, on its preferred port if free, else on any free port."""
    servers = {}
    for org_id, (folder, port, routes) in DEMO_SITES.items():
        root = SITES_DIR / folder
        try:
            servers[org_id] = SiteServer(root, port, dict(routes)).start()
        except OSError:
            servers[org_id] = SiteServer(root, 0, dict(routes)).start()
    return servers
