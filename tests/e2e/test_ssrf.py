"""The crawler never reaches an address it was not allowed: not by redirects, not by
the page's own requests.

A site on 127.0.0.1 (allowed by a list) redirects (HTTP, meta refresh, script) and
embeds every kind of sub-resource pointing at 127.0.0.5, where a bare TCP listener
counts connections. It must count none.
"""

from __future__ import annotations

import socket
import sqlite3
import threading

import pytest

from a11y_audit.demo.server import SiteServer, redirect
from tests.conftest import run_cli, write_config

pytestmark = pytest.mark.e2e


class Listener:
    """Accepts TCP connections on 127.0.0.5 and remembers that they happened."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.5", 0))
        self.sock.listen(50)
        self.port = self.sock.getsockname()[1]
        self.connections: list[bytes] = []
        self.sock.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(1)
            try:
                self.connections.append(conn.recv(200))
            except OSError:
                self.connections.append(b"")
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()


def build_site(root, target: str, ws_target: str) -> None:
    root.mkdir()
    pages = {
        "index.html": "".join(f'<a href="/{name}">{name}</a> ' for name in
                              ("http-redirect", "meta-refresh.html", "js-redirect.html", "embeds.html", "form.html")),
        "meta-refresh.html": f'<meta http-equiv="refresh" content="0; url={target}/meta">',
        "js-redirect.html": f"<script>location.href = '{target}/js';</script>",
        "form.html": f'<form id="f" method="post" action="{target}/post"><input name="a" value="1"></form>'
                     "<script>document.getElementById('f').submit();</script>",
        "embeds.html": f"""
<link rel="stylesheet" href="{target}/style.css">
<link rel="preconnect" href="{target}">
<link rel="dns-prefetch" href="{target}">
<link rel="prefetch" href="{target}/prefetch">
<link rel="preload" as="image" href="{target}/preload.png">
<style>@font-face {{ font-family: X; src: url({target}/font.woff2); }} body {{ font-family: X; background: url({target}/bg.png); }}</style>
<img src="{target}/img.png" alt="">
<picture><source srcset="{target}/srcset.png"><img src="/none.png" alt=""></picture>
<iframe title="frame" src="{target}/frame"></iframe>
<video src="{target}/video.mp4"></video>
<object data="{target}/object"></object>
<script src="{target}/script.js"></script>
<script>
  fetch('{target}/fetch').catch(() => {{}});
  fetch('{target}/post', {{method: 'POST', body: 'x'}}).catch(() => {{}});
  new Image().src = '{target}/pixel';
  navigator.sendBeacon('{target}/beacon', 'x');
  try {{ new WebSocket('{ws_target}/ws'); }} catch (e) {{}}
  try {{ new EventSource('{target}/events'); }} catch (e) {{}}
  const x = new XMLHttpRequest(); x.open('GET', '{target}/xhr'); x.send();
  navigator.serviceWorker && navigator.serviceWorker.register('/sw.js').catch(() => {{}});
</script>""",
    }
    for name, body in pages.items():
        html = f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{name}</title></head><body><main>{body}</main></body></html>"
        (root / name).write_text(html, encoding="utf-8")
    (root / "sw.js").write_text(f"self.addEventListener('install', () => fetch('{target}/sw'));")


def test_nothing_reaches_a_refused_address(tmp_path):
    listener = Listener()
    target = f"http://127.0.0.5:{listener.port}"
    build_site(tmp_path / "site", target, f"ws://127.0.0.5:{listener.port}")
    server = SiteServer(tmp_path / "site", routes={"/http-redirect": redirect(f"{target}/http", 302)}).start()
    try:
        config = write_config(tmp_path / "a11y.yaml",
                              [{"id": "ssrf", "name": "SSRF", "sites": [{"url": server.origin + "/"}]}])
        db = tmp_path / "r.db"
        proc = run_cli("crawl", str(config), "--db", f"sqlite:///{db}", cwd=tmp_path)
        # Give late scripted requests (timers, service workers) a moment to show up if they leaked.
        threading.Event().wait(1.0)
    finally:
        server.stop()
        listener.close()
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    assert listener.connections == []
    audited = {row[0].rsplit("/", 1)[1] for row in sqlite3.connect(db).execute("select url from pages where error is null")}
    # Every redirect (HTTP, meta refresh, script, scripted form) leads off the site, so
    # those URLs are not pages of it; what they point to is out of scope.
    assert audited == {"", "embeds.html"}
    methods = {entry.method for entry in server.log}
    assert methods == {"GET"}
