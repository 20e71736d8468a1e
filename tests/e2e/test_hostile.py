"""Pages that try to break the crawler: each becomes a recorded outcome, and the crawl goes on.

Also: the browser process itself dies mid-crawl, and the crawl carries on with a new one.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from bench.sitegen import generate_site
from a11y_audit.demo.server import SiteServer
from tests.conftest import run_cli, write_config

pytestmark = pytest.mark.e2e

#: page → (error, violations) as recorded. None: audited without error.
EXPECTED = {
    "/": (None, set()),
    "/dialogs.html": (None, {"image-alt"}),           # alert, confirm, prompt, beforeunload dismissed
    "/popup.html": (None, {"image-alt"}),             # window.open popups closed
    "/navigate.html": (None, {"image-alt"}),          # navigates away while audited: document kept
    "/nav-target.html": (None, set()),                # ... and its target audited as a page of its own
    "/reload.html": (None, {"image-alt"}),            # reloads itself while audited
    "/js-download.html": (None, {"image-alt"}),       # starts a download: not followed
    "/slow-resource.html": (None, {"image-alt"}),     # a resource that never arrives
    "/redirect-loop": ("redirect loop (too many redirects)", set()),
    "/refresh-loop.html": ("redirect loop (too many redirects)", set()),
    "/busy-loop.html": ("render failed: did not load within page_timeout", set()),
    "/memory-hog.html": ("render failed: did not load within page_timeout", set()),
    "/big-dom.html": ("axe failed: timed out", set()),  # 120,000 elements within 8 s on 2 cores
    "/huge.html": ("response larger than max_response_bytes", set()),
}


def test_every_hostile_page_is_a_recorded_outcome(hostile_site, tmp_path):
    config = write_config(tmp_path / "a11y.yaml", [{"id": "hostile", "name": "Hostile", "sites": [{"url": hostile_site.origin + "/"}]}],
                          page_timeout=8, max_response_bytes=4_000_000)
    db = tmp_path / "r.db"
    started = time.monotonic()
    proc = run_cli("crawl", str(config), "--db", f"sqlite:///{db}", cwd=tmp_path, timeout=300)
    assert proc.returncode == 1, proc.stderr[-3000:]  # finished, with failed pages
    assert time.monotonic() - started < 120
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select url, error from pages").fetchall()
        rules = conn.execute("select p.url, f.rule from findings f join pages p on p.id = f.page_id "
                             "where f.outcome = 'violation'").fetchall()
        [(status,)] = conn.execute("select status from runs").fetchall()
    origin = hostile_site.origin
    found = {url.removeprefix(origin): (error, {r for u, r in rules if u == url}) for url, error in rows}
    assert found == EXPECTED
    assert status == "finished"
    assert "/download.bin" not in found and "/popup-target.html" not in found


@pytest.mark.parametrize("engine, marker", [
    ("playwright", b"remote-debugging-pipe"),
    ("selenium", b"remote-debugging-port"),
])
def test_crawl_survives_the_browser_dying(tmp_path, engine, marker):
    root = tmp_path / "site"
    paths = generate_site(root, pages=40)
    server = SiteServer(root).start()
    # axe only: this test is about the browser dying, not about our own checks (which triple the time).
    config = write_config(tmp_path / "a11y.yaml", [{"id": "synthetic", "name": "S", "sites": [{"url": server.origin + "/"}]}],
                          engines=["axe"])
    db = tmp_path / "r.db"
    try:
        proc = subprocess.Popen([sys.executable, "-m", "a11y_audit", "-q", "crawl", str(config), "--db", f"sqlite:///{db}",
                                 "--browser", engine],
                                cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with sqlite3.connect(db, timeout=5) as conn:
                    if conn.execute("select count(*) from pages").fetchone()[0] >= 8:
                        break
            except sqlite3.OperationalError:
                pass
            time.sleep(0.2)
        killed = kill_browser(proc.pid, marker)
        assert killed, "no browser process found to kill"
        # Finished: 1 if pages were in the browser when it died (they failed), 0 if none was.
        assert proc.wait(timeout=150) in (0, 1)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        server.stop()
    with sqlite3.connect(db) as conn:
        total, errors = conn.execute("select count(*), count(error) from pages").fetchone()
        messages = [m for (m,) in conn.execute("select error from pages where error is not null")]
        [(status,)] = conn.execute("select status from runs").fetchall()
    assert total == len(paths) and status == "finished"
    assert errors <= 8  # at most the pages open at the kill (the render slots) and a few waiting ones
    # Playwright: the pages in flight lost their browser. Selenium: their driver lost its
    # browser; the pool replaced it.
    assert all(any(word in m for word in ("closed", "crashed", "not reachable", "invalid session", "disconnected",
                                          "session deleted", "timed out")) for m in messages), messages


def _parent(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as fh:
        return int(fh.read().rsplit(")", 1)[1].split()[1])  # state, ppid, …


def kill_browser(crawler_pid: int, marker: bytes = b"remote-debugging-pipe") -> list[int]:
    """SIGKILL the Chromium browser process (not its renderers) started under the crawler.

    Chromium starts a session of its own, so it is found by its parent chain.
    """
    killed = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmdline = fh.read().split(b"\0")
            if not any(marker in arg for arg in cmdline) or any(a.startswith(b"--type=") for a in cmdline):
                continue
            pid = int(entry)
            while pid > 1 and pid != crawler_pid:
                pid = _parent(pid)
        except OSError:
            continue
        if pid == crawler_pid:
            os.kill(int(entry), signal.SIGKILL)
            killed.append(int(entry))
    return killed
