"""robots.txt holds for every request to a host, also for those that arrive together
while its robots.txt is still downloading (Scrapy 2.19 let the third and later of
them through unchecked; crawler/middlewares.py)."""

from __future__ import annotations

import sqlite3
import time

from a11y_audit.demo.server import SiteServer
from tests.conftest import run_cli, write_config

PAGES = ["a", "b", "c", "d"]
PRIVATE = ["p1", "p2", "p3", "p4"]


def _slow_robots(origin: str):
    time.sleep(1.5)  # every start URL is waiting for it by the time it arrives
    return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"


def test_pages_waiting_together_for_robots_txt_all_obey_it(tmp_path):
    site = tmp_path / "site"
    (site / "private").mkdir(parents=True)
    page = "<!doctype html><html lang='en'><head><title>{0}</title></head><body><main><h1>{0}</h1></main></body></html>"
    for name in PAGES:
        (site / f"{name}.html").write_text(page.format(name))
    for name in PRIVATE:
        (site / "private" / f"{name}.html").write_text(page.format(name))
    server = SiteServer(site, routes={"/robots.txt": _slow_robots}).start()
    try:
        # Private pages first: they are the third and later requests to wait.
        urls = [f"{server.origin}/private/{n}.html" for n in PRIVATE] + [f"{server.origin}/{n}.html" for n in PAGES]
        config = write_config(tmp_path / "a11y.yaml", [{"id": "org", "name": "Org", "sites": [
            {"url": urls[0], "urls": urls[1:], "max_depth": 0}]}],
            concurrency=4, per_host_concurrency=8, engines=["axe"], screenshots=False)
        result = run_cli("-q", "crawl", str(config), "--db", f"sqlite:///{tmp_path / 'r.db'}", cwd=tmp_path)
        assert result.returncode == 1, result.stderr  # the refused start URLs are recorded as errors
        requested = [r.path for r in server.log]
    finally:
        server.stop()
    assert not [path for path in requested if path.startswith("/private/")], requested
    assert sorted(p for p in requested if p.endswith(".html")) == [f"/{n}.html" for n in PAGES]
    with sqlite3.connect(tmp_path / "r.db") as conn:
        rows = dict(conn.execute("select url, coalesce(error, 'audited') from pages"))
    assert rows == {**{url: "Forbidden by robots.txt" for url in urls[:4]}, **{url: "audited" for url in urls[4:]}}
