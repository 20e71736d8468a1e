"""Element screenshots end to end: a real Chromium crawls a two-page fixture site (axe only),
pictures each grouped issue's element once, outlined, within the caps, the report shows the
pictures with a text alternative, they render in a browser, the report stays axe-clean, and
``screenshots: false`` stores none.

The fixture (tests/fixtures/screenshots): a nameless button on both pages (one grouped issue,
one picture), faint text below the fold (scrolled into view), a nameless button in a shadow
root (pictured), one moved off screen and one inside a frame (not pictured), and a page
without ``lang`` (a page-level failure: nothing to picture).
"""

from __future__ import annotations

import asyncio
import io
import sqlite3

import pytest
from PIL import Image

from a11y_audit.audits.engines.axe import default_axe_script
from a11y_audit.audits.model import ElementScreenshot, PageResult
from a11y_audit.audits.screenshots import MAX_BYTES, MAX_HEIGHT, MAX_WIDTH
from a11y_audit.crawler.browser import find_chromium, launch_options
from a11y_audit.demo.server import SiteServer
from a11y_audit.store import RunWriter, StoreReader, sync_engine
from tests.conftest import FIXTURES, run_cli, write_config

pytestmark = pytest.mark.e2e

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
ALT = "Screenshot of the offending element, outlined: "


@pytest.fixture(scope="module")
def site():
    server = SiteServer(FIXTURES / "screenshots").start()
    yield server
    server.stop()


def crawl(site, workdir, *flags, **crawl_settings) -> str:
    config = write_config(workdir / "a11y.yaml", [{"id": "shots", "name": "Shots", "sites": [{"url": site.origin + "/"}]}],
                          engines=["axe"], **crawl_settings)
    db = f"sqlite:///{workdir / 'r.db'}"
    proc = run_cli("crawl", str(config), "--db", db, *flags, cwd=workdir)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return db


@pytest.fixture(scope="module")
def pictured(site, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("screenshots")
    db = crawl(site, workdir)
    out = workdir / "out"
    proc = run_cli("report", "--db", db, "--out", str(out), cwd=workdir)
    assert proc.returncode == 0, proc.stderr
    return workdir / "r.db", out


def query(path, sql):
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def violations(path) -> dict[tuple[str, str], str]:
    """(page path, "rule selector") → fingerprint of every violation."""
    rows = query(path, "select p.url, f.rule, f.selector, f.fingerprint from findings f "
                       "join pages p on p.id = f.page_id where f.outcome = 'violation'")
    return {("/" + url.split("/", 3)[3], f"{rule} {selector}"): fingerprint for url, rule, selector, fingerprint in rows}


def test_one_picture_per_grouped_issue_of_what_can_be_pictured(pictured):
    path, _ = pictured
    found = violations(path)
    assert set(found) == {
        ("/", "button-name .icon"), ("/second.html", "button-name button"),  # one element, one grouped issue
        ("/", "button-name x-widget >>> button"),
        ("/", "color-contrast .faint"),  # below the fold: scrolled into view
        ("/", "button-name button:nth-child(4)"),  # moved off screen
        ("/", "button-name iframe |> button"),  # in a frame
        ("/second.html", "html-has-lang html"),  # the page as a whole
    }
    assert found[("/", "button-name .icon")] == found[("/second.html", "button-name button")]
    pictured_ones = {found[("/", what)] for what in ("button-name .icon", "button-name x-widget >>> button",
                                                     "color-contrast .faint")}
    assert len(set(found.values())) == 6 and len(pictured_ones) == 3

    stored = query(path, "select fingerprint, count(*) from screenshots group by fingerprint")
    assert dict(stored) == {fingerprint: 1 for fingerprint in pictured_ones}


def test_pictures_are_valid_images_within_the_caps_with_the_outline(pictured):
    path, _ = pictured
    rows = query(path, "select s.fingerprint, s.media_type, s.width, s.height, s.data, p.url "
                       "from screenshots s join pages p on p.id = s.page_id")
    assert len(rows) == 3
    for fingerprint, media_type, width, height, data, url in rows:
        image = Image.open(io.BytesIO(data))
        assert image.format == media_type.split("/")[1].upper() and image.size == (width, height), fingerprint
        assert 0 < width <= MAX_WIDTH and 0 < height <= MAX_HEIGHT and len(data) <= MAX_BYTES
        pixels = image.convert("RGB").tobytes()
        red = sum(1 for i in range(0, len(pixels), 3) if pixels[i] > 150 and pixels[i + 1] < 80 and pixels[i + 2] < 100)
        assert red > 100, (fingerprint, red)  # the outline (#d0021b) is in the picture
        assert url.endswith(("/", "/second.html"))


def test_report_shows_the_pictures_with_a_text_alternative(pictured):
    _, out = pictured
    for html in ((out / "shots.html").read_text(encoding="utf-8"), (out / "shots" / "issues.html").read_text(encoding="utf-8")):
        assert html.count('<img class="shot" src="data:image/') == 3
        assert html.count(f'alt="{ALT}') == 3
        assert f'alt="{ALT}Elements must meet minimum color contrast ratio thresholds on http://127.0.0.1:' in html


def test_pictures_render_in_a_browser_and_the_report_stays_axe_clean(pictured):
    _, out = pictured
    source = default_axe_script().read_text(encoding="utf-8")

    async def work():
        from playwright.async_api import async_playwright

        results = {}
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(**launch_options(find_chromium()))
            try:
                page = await browser.new_page()
                for path in (out / "shots.html", out / "shots" / "issues.html"):
                    await page.goto(path.as_uri())
                    images = await page.eval_on_selector_all(
                        "img.shot", "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.naturalHeight, i.alt, "
                                    "i.getBoundingClientRect().width])")
                    await page.evaluate(source)
                    axe = await page.evaluate(
                        "async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
                        ".map(v => [v.id, v.nodes.map(n => n.target.join(' '))])", TAGS)
                    results[path.name] = (images, axe)
            finally:
                await browser.close()
        return results

    results = asyncio.run(work())
    assert set(results) == {"shots.html", "issues.html"}
    for name, (images, axe) in results.items():
        assert axe == [], name
        assert len(images) == 3, name
        for complete, natural_width, natural_height, alt, shown_width in images:
            assert complete and natural_width > 0 and natural_height > 0 and shown_width > 0, name
            assert alt.startswith(ALT), name


def test_screenshots_false_stores_none(site, tmp_path):
    db = crawl(site, tmp_path, screenshots=False)
    path = tmp_path / "r.db"
    assert len(set(violations(path).values())) == 6
    assert query(path, "select count(*) from screenshots") == [(0,)]
    proc = run_cli("report", "--db", db, "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert 'class="shot"' not in (tmp_path / "out" / "shots.html").read_text(encoding="utf-8")


@pytest.mark.postgres
def test_postgres_stores_the_same_pictures(site, pictured, pg_database, tmp_path):
    config = write_config(tmp_path / "a11y.yaml", [{"id": "shots", "name": "Shots", "sites": [{"url": site.origin + "/"}]}],
                          engines=["axe"])
    proc = run_cli("crawl", str(config), "--db", pg_database, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    sqlite_path, _ = pictured

    engine = sync_engine(pg_database)
    try:
        site_record = StoreReader(engine).organisation_results("shots", 1).sites[0]
    finally:
        engine.dispose()
    expected = {fingerprint for (fingerprint,) in query(sqlite_path, "select fingerprint from screenshots")}
    assert set(site_record.screenshots) == expected
    for shot in site_record.screenshots.values():
        assert Image.open(io.BytesIO(shot.data)).size == (shot.width, shot.height)

    # One picture per site and grouped issue, also when two pages bring one (ON CONFLICT DO NOTHING).
    async def save_twice() -> int:
        writer = RunWriter.from_url(pg_database)
        await writer.start_run({}, "0.1.0", [("shots", "Shots", [(site_record.url, {})])])
        for path in ("/a", "/b"):
            page = PageResult(url=site_record.url + path.lstrip("/"), site_url=site_record.url, organisation_id="shots",
                              screenshots=[ElementScreenshot("f1", "", "image/png", 1, 1, path.encode())])
            assert await writer.save_page(page)
        await writer.close()
        return writer.run_id

    run_id = asyncio.run(save_twice())
    engine = sync_engine(pg_database)
    try:
        shots = StoreReader(engine).organisation_results("shots", run_id).sites[0].screenshots
    finally:
        engine.dispose()
    assert list(shots) == ["f1"] and shots["f1"].data == b"/a" and shots["f1"].page_url.endswith("/a")

    proc = run_cli("report", "--db", pg_database, "--out", str(tmp_path / "out"), "--run", "1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "shots.html").read_text(encoding="utf-8").count('<img class="shot"') == 3
