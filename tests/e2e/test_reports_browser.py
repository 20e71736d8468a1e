"""The reports in a real browser: every file (index, organisation reports, issue lists, page
drill-downs, in English and Dutch) is axe-clean, keyboard-operable, readable at 320 px, its
charts render, it prints to PDF, and on hostile content it runs nothing but its own script.

Runs the bundled demo twice (so there is a trend), then writes the Dutch reports from the
same store, and opens everything in Chromium through Playwright.
"""

from __future__ import annotations

import asyncio
import struct
import zlib

import pytest

from a11y_audit.audits.engines.axe import default_axe_script
from a11y_audit.crawler.browser import find_chromium, launch_options
from a11y_audit.demo.server import SiteServer
from tests.conftest import FIXTURES, run_cli, write_config

pytestmark = pytest.mark.e2e

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
ORGS = ["civic-water", "harbour-bank", "lumen-telecom"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    base = tmp_path_factory.mktemp("reports-browser")
    en = base / "en"
    for _ in range(2):  # two runs: the reports show a trend
        proc = run_cli("demo", "--out", str(en))
        assert proc.returncode == 0, proc.stderr[-3000:]
    nl = base / "nl"
    proc = run_cli("report", "--db", f"sqlite:///{en / 'a11y-audit.db'}", "--out", str(nl), "--lang", "nl")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"en": en, "nl": nl}


def all_files(folder):
    return sorted(p for p in folder.rglob("*.html"))


def run(coro):
    return asyncio.run(coro)


async def _with_page(work, width=1280, height=900):
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**launch_options(find_chromium()))
        try:
            page = await browser.new_page(viewport={"width": width, "height": height})
            return await work(page)
        finally:
            await browser.close()


def test_files_and_languages(reports):
    for lang, folder in reports.items():
        names = sorted(p.relative_to(folder).as_posix() for p in all_files(folder))
        assert names == sorted(["index.html"] + [f"{o}.html" for o in ORGS] + [f"{o}/issues.html" for o in ORGS]
                               + [f"{o}/pages-1.html" for o in ORGS]), lang
        for path in all_files(folder):
            assert f'<html lang="{lang}">' in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_page_is_axe_clean(reports, lang):
    source = default_axe_script().read_text(encoding="utf-8")

    async def work(page):
        found = {}
        for path in all_files(reports[lang]):
            await page.goto(path.as_uri())
            await page.evaluate(source)
            found[path.relative_to(reports[lang]).as_posix()] = await page.evaluate(
                "async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
                ".map(v => [v.id, v.nodes.map(n => n.target.join(' '))])", TAGS)
        return found

    violations = run(_with_page(work))
    assert violations == {name: [] for name in violations}
    assert len(violations) == 10


def test_readable_at_320_css_pixels(reports):
    async def work(page):
        overflow = {}
        for lang, folder in reports.items():
            for path in all_files(folder):
                await page.goto(path.as_uri())
                extra = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                if extra > 0:
                    overflow[f"{lang}/{path.relative_to(folder).as_posix()}"] = extra
        return overflow

    assert run(_with_page(work, width=320, height=640)) == {}


async def _tab_until(page, ids: set[str], limit: int = 400) -> list[str]:
    seen = []
    for _ in range(limit):
        await page.keyboard.press("Tab")
        seen.append(await page.evaluate("document.activeElement.id || document.activeElement.tagName"))
        if ids <= set(seen):
            break
    return seen


def test_issue_list_filters_and_sorting_work_with_the_keyboard(reports):
    path = reports["en"] / "civic-water" / "issues.html"
    controls = {"filter-impact", "filter-sc", "filter-engine", "filter-site", "sort"}

    async def work(page):
        await page.goto(path.as_uri())
        total = await page.locator("#issue-list > li").count()
        seen = await _tab_until(page, controls)
        assert controls <= set(seen), seen
        assert seen.index("filter-impact") < seen.index("sort")

        await page.focus("#filter-impact")
        await page.keyboard.press("ArrowDown")  # the first impact with issues
        impact = await page.eval_on_selector("#filter-impact", "s => s.value")
        visible = await page.locator("#issue-list > li:not([hidden])").count()
        wanted = await page.locator(f"#issue-list > li[data-impact='{impact}']").count()
        status = await page.text_content("#issue-status")

        await page.focus("#sort")
        await page.keyboard.press("ArrowDown")  # most pages affected
        order = await page.eval_on_selector_all("#issue-list > li:not([hidden])", "items => items.map(i => Number(i.dataset.pages))")
        sort = await page.eval_on_selector("#sort", "s => s.value")

        await page.focus("#filter-impact")
        await page.keyboard.press("Home")
        all_back = await page.locator("#issue-list > li:not([hidden])").count()
        return total, impact, visible, wanted, status, order, sort, all_back

    total, impact, visible, wanted, status, order, sort, all_back = run(_with_page(work))
    assert total > 3 and impact
    assert 0 < visible == wanted < total
    assert status == f"Showing {visible} of {total} issues, sorted by: What to fix first."
    assert sort == "pages" and order == sorted(order, reverse=True)
    assert all_back == total


def test_organisation_report_is_keyboard_operable(reports):
    async def work(page):
        await page.goto((reports["nl"] / "lumen-telecom.html").as_uri())
        await page.keyboard.press("Tab")
        skip = await page.evaluate("document.activeElement.getAttribute('href')")
        await page.keyboard.press("Enter")
        after_skip = await page.evaluate("document.activeElement.id")
        seen = []
        for _ in range(60):
            await page.keyboard.press("Tab")
            seen.append(await page.evaluate("document.activeElement.getAttribute('href') || document.activeElement.getAttribute('aria-labelledby') || ''"))
        return skip, after_skip, seen

    skip, after_skip, seen = run(_with_page(work))
    assert skip == "#main" and after_skip == "main"
    assert "#trend" in seen and "#coverage" in seen and "lumen-telecom/issues.html" in seen
    assert "impact-caption" in seen  # scrollable tables are reachable to scroll them


def _png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB(A) PNG (what Chromium writes) into rows of raw pixels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, bpp, rows


def test_charts_render_with_the_expected_bars(reports):
    async def work(page):
        await page.goto((reports["en"] / "civic-water.html").as_uri())
        charts = {}
        for svg in await page.query_selector_all("svg[data-chart]"):
            name = await svg.get_attribute("data-chart")
            bars = await svg.eval_on_selector_all(
                "rect.bar", "rs => rs.map(r => [r.dataset.key, Number(r.dataset.value), r.getBBox().width, r.getBBox().height])")
            charts[name] = (bars, await svg.screenshot())
        table = await page.eval_on_selector_all("#impact-caption ~ tbody tr", "rows => rows.map(r => Number(r.cells[1].textContent))")
        return charts, table

    charts, impact_table = run(_with_page(work))
    assert set(charts) == {"chart-impact", "chart-principle", "trend-issues", "trend-pages"}
    impact_bars, _ = charts["chart-impact"]
    assert [key for key, *_ in impact_bars] == ["critical", "serious", "moderate", "minor"]
    assert [value for _, value, *_ in impact_bars] == impact_table
    assert all((width > 0) == (value > 0) for _, value, width, _ in impact_bars)
    trend_bars, _ = charts["trend-issues"]
    assert len({round(x) for x in [b[2] for b in trend_bars]}) == 1  # every column as wide
    assert sum(value for _, value, *_ in trend_bars) > 0
    for name, (_, png) in charts.items():
        width, bpp, rows = _png_pixels(png)
        pixels = {row[i:i + 3] for row in rows for i in range(0, width * bpp, bpp)}
        dark = sum(1 for row in rows for i in range(0, width * bpp, bpp) if sum(row[i:i + 3]) < 300)
        assert len(pixels) > 8 and dark > 200, name  # drawn bars and text, not a blank box


def test_prints_to_pdf_with_details_open_and_navigation_hidden(reports):
    async def work(page):
        await page.goto((reports["en"] / "lumen-telecom.html").as_uri())
        await page.emulate_media(media="print")
        hidden_nav = not await page.locator("nav.toc").is_visible()
        folded = page.locator("details:not([open]) ul li").first
        shows_folded = await folded.is_visible()
        pdf = await page.pdf(format="A4")
        return hidden_nav, shows_folded, pdf

    hidden_nav, shows_folded, pdf = run(_with_page(work))
    assert hidden_nav and shows_folded
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > 3


def test_coverage_data_never_claims_a_rule_axe_does_not_run():
    """Every axe rule in audits/data/automated-coverage.json is one this axe-core runs for the
    WCAG tags, with those criteria; a newer axe with other rules makes this fail until the
    data is reviewed."""
    import json
    from importlib import resources

    data = json.loads(resources.files("a11y_audit.audits").joinpath("data/automated-coverage.json").read_text(encoding="utf-8"))
    claimed = data["engines"]["axe"]["rules"]
    source = default_axe_script().read_text(encoding="utf-8")

    async def work(page):
        await page.set_content("<!doctype html><html lang='en'><title>x</title><main><h1>x</h1></main></html>")
        await page.evaluate(source)
        return await page.evaluate(
            """async tags => {
                 const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
                 const ran = new Set([...r.passes, ...r.inapplicable, ...r.violations, ...r.incomplete].map(x => x.id));
                 return axe.getRules().filter(rule => ran.has(rule.ruleId)).map(rule => [rule.ruleId, rule.tags]);
               }""", ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"])

    ran = {rule: tags for rule, tags in run(_with_page(work))}
    for rule, meta in claimed.items():
        assert rule in ran, rule
        assert {f"wcag{sc.replace('.', '')}" for sc in meta["criteria"]} <= set(ran[rule]), rule
        assert set(meta["levels"]) <= set(ran[rule]), rule


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile-reports")
    server = SiteServer(FIXTURES / "injection").start()
    try:
        config = write_config(tmp / "a11y.yaml", [{"id": "evil", "name": "<b>Evil</b> & Co", "sites": [{"url": server.origin + "/"}]}],
                              max_depth=0, engines=["axe"])
        db = f"sqlite:///{tmp / 'r.db'}"
        proc = run_cli("crawl", str(config), "--db", db, cwd=tmp)
        assert proc.returncode in (0, 1), proc.stderr[-3000:]
    finally:
        server.stop()
    for lang in ("en", "nl"):
        done = run_cli("report", "--db", db, "--out", str(tmp / lang), "--lang", lang, cwd=tmp)
        assert done.returncode == 0, done.stderr
    return tmp


def test_hostile_content_runs_nothing_in_any_report_file(hostile_reports):
    async def work(page):
        events = []
        page.on("dialog", lambda d: (events.append(("dialog", d.message)), asyncio.ensure_future(d.dismiss())))
        page.on("console", lambda m: events.append(("console", m.text)))
        page.on("request", lambda r: events.append(("request", r.url)) if not r.url.startswith("file:") else None)
        page.on("pageerror", lambda e: events.append(("error", str(e))))
        count = 0
        for lang in ("en", "nl"):
            for path in all_files(hostile_reports / lang):
                count += 1
                await page.goto(path.as_uri())
                await page.wait_for_timeout(200)
                for link in await page.query_selector_all("a[href^='javascript:' i]"):
                    events.append(("javascript-link", await link.get_attribute("href")))
                if path.name == "issues.html":  # our script runs and sorts: still nothing else happens
                    await page.select_option("#sort", "rule")
        return count, events

    count, events = run(_with_page(work))
    assert count == 8 and events == []
