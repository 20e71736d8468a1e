"""Reports and exports are not an attack surface.

A page whose title, links, attributes and markup carry script and spreadsheet
formula payloads is crawled; every output is written; the HTML reports are opened
in Chromium, which must run nothing (no dialog, no console message, no request).
"""

from __future__ import annotations

import asyncio
import csv
import json
import xml.etree.ElementTree as ET

import pytest

from a11y_audit.crawler.browser import find_chromium, launch_options
from a11y_audit.demo.server import SiteServer
from tests.conftest import FIXTURES, run_cli, write_config

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("injection")
    server = SiteServer(FIXTURES / "injection").start()
    try:
        config = write_config(tmp / "a11y.yaml", [{"id": "evil", "name": "<b>Evil</b> & Co", "sites": [{"url": server.origin + "/"}]}],
                              max_depth=0)
        db = f"sqlite:///{tmp / 'r.db'}"
        proc = run_cli("check", "--config", str(config), "--db", db, "--junit", str(tmp / "j.xml"),
                       "--sarif", str(tmp / "s.sarif"), "--markdown", str(tmp / "m.md"), "--json", str(tmp / "v.json"), cwd=tmp)
        assert proc.returncode == 1, proc.stderr[-3000:]
        for args in (("report", "--out", str(tmp / "html")), ("export", "--format", "csv", "--out", str(tmp / "f.csv")),
                     ("export", "--format", "json", "--out", str(tmp / "e.json"))):
            done = run_cli(*args, "--db", db, cwd=tmp)
            assert done.returncode == 0, done.stderr
    finally:
        server.stop()
    return tmp


async def _open(paths):
    from playwright.async_api import async_playwright

    events = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**launch_options(find_chromium()))
        page = await browser.new_page()
        page.on("dialog", lambda d: (events.append(("dialog", d.message)), asyncio.ensure_future(d.dismiss())))
        page.on("console", lambda m: events.append(("console", m.text)))
        page.on("request", lambda r: events.append(("request", r.url)) if not r.url.startswith("file:") else None)
        for path in paths:
            await page.goto(path.as_uri())
            await page.wait_for_timeout(300)
            for link in await page.query_selector_all("a[href^='javascript:' i]"):
                events.append(("javascript-link", await link.get_attribute("href")))
        await browser.close()
    return events


def test_html_reports_run_nothing(outputs):
    reports = sorted((outputs / "html").glob("*.html"))
    assert [p.name for p in reports] == ["evil.html", "index.html"]
    assert asyncio.run(_open(reports)) == []
    html = (outputs / "html" / "evil.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "onerror=alert" not in html.replace("&#39;", "'").split("<pre>")[0]
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in html
    assert "Content-Security-Policy" in html


def test_csv_cells_cannot_run_as_formulas(outputs):
    with (outputs / "f.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for row in rows:
        for value in row.values():
            assert value[:1] not in ("=", "+", "-", "@", "\t", "\r"), value
    assert rows[0]["page_title"].startswith("'=HYPERLINK(")


def test_machine_formats_stay_well_formed(outputs):
    ET.parse(outputs / "j.xml")
    for name in ("s.sarif", "v.json", "e.json"):
        json.loads((outputs / name).read_text(encoding="utf-8"))
    summary = (outputs / "m.md").read_text(encoding="utf-8")
    assert "<script>" not in summary and "<img" not in summary
