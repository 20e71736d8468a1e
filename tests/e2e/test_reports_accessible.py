"""The reports are themselves accessible: axe-core finds nothing on any of them.

Runs the bundled demo end to end (`a11y-audit demo`), then opens every report
it wrote in Chromium (through Playwright, as a user's browser would) and runs
the same axe-core script the crawler injects, for WCAG 2.2 AA and axe's best
practices.
"""

from __future__ import annotations

import asyncio

import pytest

from a11y_audit.audits.engines.axe import default_axe_script
from a11y_audit.crawler.browser import find_chromium, launch_options
from tests.conftest import run_cli

pytestmark = pytest.mark.e2e

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "out"
    proc = run_cli("demo", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, proc


def test_demo_writes_index_and_one_report_per_organisation(demo_reports):
    out, proc = demo_reports
    assert sorted(p.name for p in out.glob("*.html")) == [
        "civic-water.html", "harbour-bank.html", "index.html", "lumen-telecom.html"
    ]
    assert str(out / "index.html") in proc.stdout


async def _axe_violations(paths) -> dict[str, list]:
    from playwright.async_api import async_playwright

    source = default_axe_script().read_text(encoding="utf-8")
    results = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**launch_options(find_chromium()))
        page = await browser.new_page()
        for path in paths:
            await page.goto(path.as_uri())
            await page.evaluate(source)
            result = await page.evaluate(
                "async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
                ".map(v => [v.id, v.nodes.map(n => n.target.join(' '))])",
                TAGS,
            )
            results[path.name] = result
        await browser.close()
    return results


def test_every_report_is_axe_clean(demo_reports):
    out, _ = demo_reports
    violations = asyncio.run(_axe_violations(sorted(out.glob("*.html"))))
    assert violations == {name: [] for name in violations}
    assert len(violations) == 4
