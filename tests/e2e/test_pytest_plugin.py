"""The pytest plugin end to end: a user's test suite, run by pytest in a subprocess
(``pytester``), audits pages of a fixture shop on 127.0.0.1 in a real Chromium, through
pytest-playwright's ``page`` and through a Selenium WebDriver (local ChromeDriver).

What a user checks: which tests pass and fail, the assertion message, that a
baseline made by ``a11y-audit`` accepts what it lists (same fingerprints, same
organisation), that the session is stored as a run that ``a11y-audit report`` and
``a11y-audit baseline update`` read, and that ``a11y-audit check`` accepts a
baseline made from the plugin's run.
"""

from __future__ import annotations

import json
import os
import sqlite3
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from a11y_audit.demo.server import SiteServer
from tests.conftest import FIXTURES, IN_CI, run_cli

pytestmark = pytest.mark.e2e
pytest_plugins = ["pytester"]

CHROMEDRIVER = "/usr/bin/chromedriver"

#: The user's conftest: pytest-playwright launches the system Chromium (``playwright install``
#: cannot download here), and a Selenium driver fixture as a team would write one.
CONFTEST = '''
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from a11y_audit.crawler.browser import find_chromium


@pytest.fixture(scope="session")
def origin():
    return {origin!r}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {{**browser_type_launch_args, "executable_path": find_chromium()}}


@pytest.fixture(scope="session")
def driver():
    options = webdriver.ChromeOptions()
    options.binary_location = find_chromium()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,720"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service({chromedriver!r}))
    yield driver
    driver.quit()
'''

#: pytest-playwright 0.10's base_url fixture trips a pytest 9 deprecation; everything else is an error.
INI = """
[pytest]
filterwarnings =
    error
    ignore::pytest.PytestRemovedIn10Warning
"""


@pytest.fixture(scope="module")
def shop():
    server = SiteServer(FIXTURES / "plugin-site").start()
    yield server
    server.stop()


@pytest.fixture
def suite(pytester, shop):
    """A user's project folder with the conftest and ini above."""
    pytester.makeconftest(CONFTEST.format(origin=shop.origin, chromedriver=CHROMEDRIVER))
    pytester.makeini(INI)
    return pytester


def run_suite(pytester, *args: str):
    """pytest in a subprocess, as a user runs it (the plugin is loaded through its entry point)."""
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "--junitxml=junit.xml", *args, timeout=280)


def failures(pytester) -> dict[str, str]:
    """test name → the failure's message as pytest showed it (its ``E`` lines), from the JUnit XML."""
    root = ET.parse(pytester.path / "junit.xml").getroot()
    found = {}
    for case in root.iter("testcase"):
        failure = case.find("failure")
        if failure is not None:
            lines = [line[1:] for line in (failure.text or "").splitlines() if line.startswith("E ") or line == "E"]
            found[case.get("name")] = textwrap.dedent("\n".join(lines)).strip()
    return found


def org_id(origin: str) -> str:
    return origin.split("://", 1)[1].replace(":", "-")


PLAYWRIGHT_TESTS = '''
def test_home(page, a11y, origin):
    page.goto(origin + "/")
    page.get_by_role("button", name="Accept all").click()
    page.get_by_role("button", name="Menu").click()
    a11y.assert_no_new_issues(page)
    # The audit pressed Tab and Escape and resized the page: the test goes on where it was.
    assert page.evaluate("document.activeElement.textContent") == "Menu"
    assert page.get_by_role("link", name="Stores").is_visible()


def test_checkout(page, a11y, origin):
    page.goto(origin + "/checkout.html")
    a11y.assert_no_new_issues(page)


def test_stores_below_threshold(page, a11y, origin):
    page.goto(origin + "/stores.html")
    a11y.assert_no_new_issues(page, fail_on="serious")


def test_stores_at_threshold(page, a11y, origin):
    page.goto(origin + "/stores.html")
    a11y.assert_no_new_issues(page, fail_on="moderate")
'''


CHECKOUT_FAILURE = """\
a11y_audit.pytest_plugin.fixture.A11yAssertionError: a11y: 1 new accessibility issue at or above 'serious' on {origin}/checkout.html
(WCAG 2.2 AA; no baseline)

1. [critical] label: Form elements must have labels (WCAG 4.1.2)
   element: .sc-bdVaJa
            <input name="promo" class="sc-bdVaJa">
   fix:     Fix any of the following:
              Element does not have an implicit (wrapped) <label>
              Element does not have an explicit <label>
              aria-label attribute does not exist or is empty
              aria-labelledby attribute does not exist, references elements that do not exist or references elements that are empty
              Element has no title attribute
              … (2 more)
   more:    https://dequeuniversity.com/rules/axe/4.12/label?application=axeAPI
   engine:  axe; fingerprint {fingerprint}

Stored as {origin}/checkout.html in run 1 of {db} (a11y-audit report --db {db} --run 1 --out a11y-report)"""


def stored(db_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


def test_playwright_pages_pass_or_fail_with_the_issues_and_the_session_is_a_stored_run(suite, shop, tmp_path):
    db_path = tmp_path / "a11y.db"
    db = f"sqlite:///{db_path}"
    suite.makepyfile(test_shop=PLAYWRIGHT_TESTS)
    result = run_suite(suite, "--a11y-db", db)
    result.assert_outcomes(passed=2, failed=2)
    failed = failures(suite)
    assert set(failed) == {"test_checkout[chromium]", "test_stores_at_threshold[chromium]"}

    # The session is run 1: one organisation for the host and port, as `a11y-audit check URL` names it.
    [(status, engines, browser, config)] = stored(db_path, "select status, engines, browser, config from runs")
    assert status == "finished"
    assert json.loads(engines)["axe"] == "4.12.1" and len(json.loads(engines)) == 12
    assert json.loads(browser)["name"] == "chromium" and json.loads(config)["source"] == "pytest"
    assert stored(db_path, "select organisation_id, url from run_sites") == [(org_id(shop.origin), shop.origin + "/")]
    origin = shop.origin
    assert sorted(stored(db_path, "select url, error from pages")) == [
        (f"{origin}/", None), (f"{origin}/checkout.html", None), (f"{origin}/stores.html", None),
        (f"{origin}/stores.html#a11y-state-2", None),  # the same page audited by a second test
    ]
    [(fingerprint,)] = stored(db_path, "select fingerprint from findings where rule = 'label'")
    assert failed["test_checkout[chromium]"] == CHECKOUT_FAILURE.format(origin=origin, fingerprint=fingerprint, db=db)
    stores = failed["test_stores_at_threshold[chromium]"]
    assert stores.splitlines()[0].endswith(f"1 new accessibility issue at or above 'moderate' on {origin}/stores.html")
    assert "1. [moderate] html-xml-lang-mismatch: HTML elements with lang and xml:lang must have the same base " \
           "language (WCAG 3.1.1)" in stores
    result.stdout.fnmatch_lines(["*= a11y-audit =*", f"4 page(s) audited, stored as run 1 in {db}",
                                 f"report: a11y-audit report --db {db} --run 1 --out a11y-report"])

    # `a11y-audit report` shows the session like a crawl.
    proc = run_cli("report", "--db", db, "--run", "1", "--out", str(tmp_path / "report"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    html = (tmp_path / "report" / f"{org_id(origin)}.html").read_text(encoding="utf-8")
    assert "Form elements must have labels" in html and "checkout.html" in html

    # A baseline made from the session's run is one `a11y-audit check` accepts: same fingerprints.
    baseline = tmp_path / "a11y-baseline.json"
    proc = run_cli("baseline", "update", "--db", db, "--run", "1", "--baseline", str(baseline))
    assert proc.returncode == 0, proc.stderr[-2000:]
    entries = json.loads(baseline.read_text())["entries"]
    assert sorted((e["organisation"], e["rule"], e["page_pattern"]) for e in entries) == [
        (org_id(origin), "html-xml-lang-mismatch", "/stores.html"), (org_id(origin), "label", "/checkout.html"),
    ]
    verdict = tmp_path / "verdict.json"
    proc = run_cli("check", "--no-crawl", "--baseline", str(baseline), "--db", f"sqlite:///{tmp_path / 'check.db'}",
                   "--json", str(verdict), f"{origin}/checkout.html", f"{origin}/stores.html")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    issues = json.loads(verdict.read_text())["issues"]
    assert sorted((i["rule"], i["status"]) for i in issues) == [("html-xml-lang-mismatch", "accepted"),
                                                                ("label", "accepted")]


@pytest.fixture(scope="module")
def cli_baseline(shop, tmp_path_factory) -> Path:
    """The shop's issues accepted by `a11y-audit baseline update` (a Playwright crawl of two pages)."""
    folder = tmp_path_factory.mktemp("cli-baseline")
    path = folder / "a11y-baseline.json"
    proc = run_cli("baseline", "update", "--no-crawl", "--baseline", str(path), "--db", f"sqlite:///{folder / 'cli.db'}",
                   f"{shop.origin}/checkout.html", f"{shop.origin}/stores.html")
    assert proc.returncode == 0, proc.stderr[-2000:]
    rules = sorted(entry["rule"] for entry in json.loads(path.read_text())["entries"])
    assert rules == ["html-xml-lang-mismatch", "label"]
    return path


BASELINE_TESTS = '''
def test_checkout_accepted(page, a11y, origin):
    page.goto(origin + "/checkout.html")
    verdict = a11y.assert_no_new_issues(page)
    assert [(c.group.rule, c.status) for c in verdict.issues] == [("label", "accepted")]


def test_checkout_with_a_new_issue(page, a11y, origin):
    page.goto(origin + "/checkout.html")
    # Next to the accepted promo field, a release adds a cart button that is only an icon.
    page.locator("form").evaluate(
        'form => form.insertAdjacentHTML("beforeend", `<button type="button" class="icon-cart"></button>`)')
    a11y.assert_no_new_issues(page)


def test_checkout_rule_ignored(page, a11y, origin):
    page.goto(origin + "/checkout.html")
    a11y.assert_no_new_issues(page, baseline="no-such-baseline.json", ignore_rules=["label"])


def test_stores_accepted_until_it_expired(page, a11y, origin):
    page.goto(origin + "/stores.html")
    assert a11y.check(page, fail_on="moderate").passed  # a11y-baseline.json accepts it
    a11y.assert_no_new_issues(page, fail_on="moderate", baseline="expired-baseline.json")
'''


def test_playwright_baseline_accepts_known_issues_and_fails_on_new_or_expired_ones(suite, shop, cli_baseline):
    (suite.path / "a11y-baseline.json").write_bytes(cli_baseline.read_bytes())
    data = json.loads(cli_baseline.read_text())
    for entry in data["entries"]:
        if entry["rule"] == "html-xml-lang-mismatch":
            entry["expires"] = "2025-06-30"
    (suite.path / "expired-baseline.json").write_text(json.dumps(data))
    # axe alone (it finds both issues): the ini keys of a project that keeps its tests quick.
    suite.makeini(INI + "a11y_baseline = a11y-baseline.json\na11y_db = none\na11y_engines = axe\n")
    suite.makepyfile(test_shop=BASELINE_TESTS)
    result = run_suite(suite)
    result.assert_outcomes(passed=2, failed=2)
    failed = failures(suite)
    assert set(failed) == {"test_checkout_with_a_new_issue[chromium]", "test_stores_accepted_until_it_expired[chromium]"}

    new = failed["test_checkout_with_a_new_issue[chromium]"].splitlines()
    assert new[:4] == [
        f"a11y_audit.pytest_plugin.fixture.A11yAssertionError: a11y: 1 new accessibility issue at or above 'serious' "
        f"on {shop.origin}/checkout.html",
        f"(WCAG 2.2 AA; baseline {suite.path / 'a11y-baseline.json'}: 1 accepted)",
        "",
        "1. [critical] button-name: Buttons must have discernible text (WCAG 4.1.2)",
    ]
    assert new[4:6] == ["   element: .icon-cart", '            <button type="button" class="icon-cart"></button>']
    assert not any(line.startswith("2. ") or "sc-bdVaJa" in line for line in new)  # the accepted one is not listed

    expired = failed["test_stores_accepted_until_it_expired[chromium]"].splitlines()
    assert expired[3].startswith("1. [moderate] html-xml-lang-mismatch:")
    assert "   note:    its baseline entry expired on 2025-06-30" in expired
    result.stdout.fnmatch_lines(["*= a11y-audit =*", "5 page(s) audited; nothing stored (--a11y-db none)"])
    assert not (suite.path / "a11y-audit.db").exists()


SELENIUM_TESTS = '''
def test_home(driver, a11y, origin):
    driver.get(origin + "/")
    a11y.assert_no_new_issues(driver)


def test_checkout_accepted(driver, a11y, origin):
    driver.get(origin + "/checkout.html")
    verdict = a11y.assert_no_new_issues(driver, baseline="a11y-baseline.json")
    assert [(c.group.rule, c.status) for c in verdict.issues] == [("label", "accepted")]


def test_checkout_without_baseline(driver, a11y, origin):
    driver.get(origin + "/checkout.html")
    a11y.assert_no_new_issues(driver)
'''


def test_selenium_driver_is_audited_the_same_way(suite, shop, cli_baseline, tmp_path):
    if not os.path.exists(CHROMEDRIVER):
        if IN_CI:
            raise AssertionError(f"{CHROMEDRIVER} must be installed in CI")
        pytest.skip(f"{CHROMEDRIVER} is not installed")
    (suite.path / "a11y-baseline.json").write_bytes(cli_baseline.read_bytes())
    db_path = tmp_path / "selenium.db"
    suite.makepyfile(test_shop=SELENIUM_TESTS)
    result = run_suite(suite, "--a11y-db", f"sqlite:///{db_path}")
    result.assert_outcomes(passed=2, failed=1)
    failed = failures(suite)
    [(fingerprint,)] = stored(db_path, "select distinct fingerprint from findings where rule = 'label'")
    # The fingerprint the Playwright crawl put in the baseline: the same element, the same issue.
    assert fingerprint in {e["fingerprint"] for e in json.loads(cli_baseline.read_text())["entries"]}
    message = failed["test_checkout_without_baseline"].splitlines()
    assert message[3] == "1. [critical] label: Form elements must have labels (WCAG 4.1.2)"
    assert f"   engine:  axe; fingerprint {fingerprint}" in message
    [(browser,)] = stored(db_path, "select browser from runs")
    assert json.loads(browser)["driver"] == "selenium (pytest)"
    assert sorted(url for url, in stored(db_path, "select url from pages")) == [
        f"{shop.origin}/", f"{shop.origin}/checkout.html", f"{shop.origin}/checkout.html#a11y-state-2"]


ASYNC_TESTS = '''
import asyncio

import pytest
from playwright.async_api import async_playwright

from a11y_audit.crawler.browser import find_chromium


def audited(origin, path, **kwargs):
    """An async test's body (as pytest-playwright-asyncio would run it), on a loop of its own."""
    async def main(a11y):
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=find_chromium())
            page = await browser.new_page()
            await page.goto(origin + path)
            try:
                return await a11y.assert_no_new_issues_async(page, engines=["axe"], **kwargs)
            finally:
                await browser.close()
    return main


def test_home_async(a11y, origin):
    asyncio.run(audited(origin, "/")(a11y))


def test_checkout_async(a11y, origin):
    asyncio.run(audited(origin, "/checkout.html")(a11y))


def test_a_sync_call_on_an_async_page_says_what_to_use(a11y, origin):
    async def main():
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=find_chromium())
            page = await browser.new_page()
            with pytest.raises(TypeError, match="await a11y.assert_no_new_issues_async"):
                a11y.assert_no_new_issues(page)
            await browser.close()
    asyncio.run(main())
'''


def test_playwright_async_pages_are_audited_on_the_tests_own_loop(suite, shop, tmp_path):
    db_path = tmp_path / "async.db"
    suite.makepyfile(test_shop=ASYNC_TESTS)
    result = run_suite(suite, "--a11y-db", f"sqlite:///{db_path}")
    result.assert_outcomes(passed=2, failed=1)
    message = failures(suite)["test_checkout_async"].splitlines()
    assert message[0].endswith(f"1 new accessibility issue at or above 'serious' on {shop.origin}/checkout.html")
    assert message[3] == "1. [critical] label: Form elements must have labels (WCAG 4.1.2)"
    assert sorted(stored(db_path, "select url, engines like '%axe%' from pages")) == [
        (f"{shop.origin}/", 1), (f"{shop.origin}/checkout.html", 1)]
    assert stored(db_path, "select status from runs") == [("finished",)]
