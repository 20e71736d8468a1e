"""End to end: our own checks (audits/engines/checks) on fixture pages, with the real CLI.

One crawl (module scope) of two fixture sites with the default engines: the
checks site (a failing and a clean page for each check, two PDFs) and a bare
site that links no accessibility statement. Asserted: the exact (page, engine,
rule, outcome) set of our engines, clean pages included; the elements and
evidence; engine versions; stable fingerprints; facts; document checks.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

import pytest

from a11y_audit.demo.server import SiteServer
from tests.conftest import FIXTURES, run_cli, write_config
from tests.unit.test_checks_documents import make_pdf

pytestmark = pytest.mark.e2e

V, R = "violation", "needs-review"
CHECKS = ("reflow", "text-spacing", "resize-text", "language", "media", "navigation", "page-title", "statement",
          "focus-visible", "keyboard-trap", "keyboard-reach")

#: page path → {(engine, rule, outcome)} of our engines (axe's are not asserted here).
EXPECTED_SITE = {
    "/": set(),
    "/services.html": set(),
    "/news.html": set(),
    "/contact.html": set(),  # its navigation shows "Contact" as text, not a link: same order
    "/accessibility.html": set(),
    "/reflow-fail.html": {("reflow", "reflow", V)},
    "/reflow-clean.html": set(),  # table in a scrolling wrapper, wide table/code/image, off-canvas layer
    "/text-spacing-fail.html": {("text-spacing", "text-spacing", R)},
    "/resize-fail.html": {("resize-text", "resize-text", R)},
    "/focus-fail.html": {("focus-visible", "focus-visible", V), ("focus-visible", "focus-visible", R)},
    "/focus-clean.html": set(),  # custom but visible focus styles; click-only elements out of the keyboard's way
    "/trap.html": {("keyboard-trap", "keyboard-trap", V)},
    "/modal.html": set(),  # a modal dialog keeps focus on purpose
    "/unreachable.html": {("keyboard-reach", "keyboard-unreachable", R)},
    "/lang-page-fail.html": {("language", "page-language", R)},
    "/lang-parts-fail.html": {("language", "part-language", R)},
    "/lang-clean.html": set(),  # Dutch and German passages with their own lang
    "/media-fail.html": {("media", "video-captions", R), ("media", "video-description", R),
                         ("media", "audio-transcript", R)},
    "/media-clean.html": set(),  # captions track, transcript, background video
    "/nav-order.html": {("navigation", "consistent-navigation", V)},
    "/nav-changed.html": {("navigation", "consistent-navigation", R)},
    "/dup-a.html": {("page-title", "duplicate-title", R)},
    "/dup-b.html": {("page-title", "duplicate-title", R)},
    "/dup-c.html": {("page-title", "duplicate-title", R)},
}
EXPECTED_BARE = {
    "/": {("statement", "accessibility-statement", R)},
    "/about.html": set(),
}


def _pdf(body: bytes):
    return lambda origin: (200, {"Content-Type": "application/pdf"}, body)


@pytest.fixture(scope="module")
def checks_crawl(tmp_path_factory):
    site = SiteServer(FIXTURES / "checks" / "site", routes={
        "/docs/tagged.pdf": _pdf(make_pdf()),
        "/docs/untagged.pdf": _pdf(make_pdf(tagged=False, lang=None, title="Charges scheme", display_title=False)),
    }).start()
    bare = SiteServer(FIXTURES / "checks" / "bare").start()
    try:
        workdir = tmp_path_factory.mktemp("checks")
        config = write_config(workdir / "a11y.yaml", [
            {"id": "checks-org", "name": "Checks", "sites": [{"url": site.origin + "/"}, {"url": bare.origin + "/"}]},
        ])
        db = workdir / "results.db"
        proc = run_cli("crawl", str(config), "--db", f"sqlite:///{db}", cwd=workdir)
        yield {"proc": proc, "db": db, "site": site.origin, "bare": bare.origin, "log": list(site.log)}
    finally:
        site.stop()
        bare.stop()


def rows(crawl, sql, *args):
    with sqlite3.connect(crawl["db"]) as conn:
        return conn.execute(sql, args).fetchall()


def findings(crawl, origin):
    """page path → {(engine, rule, outcome)} of our engines, for one site."""
    found = defaultdict(set)
    for url, engine, rule, outcome in rows(
            crawl, "select p.url, f.engine, f.rule, f.outcome from findings f join pages p on p.id = f.page_id "
                   "where f.engine != 'axe'"):
        if url.startswith(origin + "/"):
            found[url.removeprefix(origin)].add((engine, rule, outcome))
    return found


def details(crawl, path, engine):
    """(selector, summary, fingerprint) of one engine's findings on one page of the checks site."""
    return sorted(rows(crawl, "select f.selector, f.summary, f.fingerprint from findings f join pages p on p.id = f.page_id "
                              "where p.url = ? and f.engine = ? order by f.selector", crawl["site"] + path, engine))


def test_crawl_audits_every_page_without_errors(checks_crawl):
    proc = checks_crawl["proc"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    stored = {url for (url,) in rows(checks_crawl, "select url from pages")}
    assert stored == {checks_crawl["site"] + p for p in EXPECTED_SITE} | {checks_crawl["bare"] + p for p in EXPECTED_BARE}
    assert rows(checks_crawl, "select url, error from pages where error is not null") == []


def test_exact_findings_of_our_checks_per_page(checks_crawl):
    found = findings(checks_crawl, checks_crawl["site"])
    assert {path: found.get(path, set()) for path in EXPECTED_SITE} == EXPECTED_SITE
    bare = findings(checks_crawl, checks_crawl["bare"])
    assert {path: bare.get(path, set()) for path in EXPECTED_BARE} == EXPECTED_BARE


def test_every_check_ran_on_every_page_with_its_version(checks_crawl):
    [(engines,)] = rows(checks_crawl, "select engines from runs")
    versions = json.loads(engines)
    assert {name: versions.get(name) for name in CHECKS} == {name: "1.0" for name in CHECKS}
    for url, stored in rows(checks_crawl, "select url, engines from pages"):
        stored = json.loads(stored)
        assert set(CHECKS) <= set(stored), url
        assert [name for name in CHECKS if stored[name]["error"]] == [], url


def test_findings_name_elements_and_carry_evidence(checks_crawl):
    reflow = details(checks_crawl, "/reflow-fail.html", "reflow")
    assert [s for s, _, _ in reflow] == ["#main > div", "#main > p"]
    assert reflow[0][1] == "The page is 816 px wide at a 320 px wide viewport (scrollWidth); this element reaches 816 px."
    assert "this text reaches" in reflow[1][1]
    focus = details(checks_crawl, "/focus-fail.html", "focus-visible")
    assert [s for s, _, _ in focus] == ["#links > li:nth-of-type(1) > a", "#links > li:nth-of-type(2) > a", "#main > a"]
    assert "screenshot of its box" in focus[0][1] and "not in the viewport" in focus[2][1]
    [(selector, summary, _)] = details(checks_crawl, "/lang-page-fail.html", "language")
    assert (selector, summary) == ("html", "declared nl, detected en (1.00) from 499 letters of visible text")
    [(selector, summary, _)] = details(checks_crawl, "/lang-parts-fail.html", "language")
    assert selector == "#main > p:nth-of-type(2)" and summary.startswith("en applies (from the page's lang), detected nl")
    [(selector, summary, _)] = details(checks_crawl, "/trap.html", "keyboard-trap")
    assert selector == "#period" and "(#from, #to)" in summary
    assert [s for s, _, _ in details(checks_crawl, "/unreachable.html", "keyboard-reach")] == ["#main > div", "#main > p > span"]
    [(selector, summary, _)] = details(checks_crawl, "/text-spacing-fail.html", "text-spacing")
    assert selector == "#main > div" and "px past its bottom" in summary
    [(selector, summary, _)] = details(checks_crawl, "/resize-fail.html", "resize-text")
    assert selector == "#main > div" and "640 × 360 px viewport" in summary


def test_help_links_to_the_w3c_understanding_pages(checks_crawl):
    found = dict(rows(checks_crawl, "select distinct rule, help_url from findings where engine != 'axe'"))
    understanding = "https://www.w3.org/WAI/WCAG22/Understanding/"
    assert found["reflow"] == understanding + "reflow.html"
    assert found["keyboard-trap"] == understanding + "no-keyboard-trap.html"
    assert found["accessibility-statement"] == "https://www.w3.org/WAI/planning/statements/"
    wcag = dict(rows(checks_crawl, "select distinct rule, wcag from findings where engine != 'axe'"))
    assert json.loads(wcag["consistent-navigation"]) == ["3.2.3"] and json.loads(wcag["video-captions"]) == ["1.2.2"]


def test_site_level_findings_group_by_fingerprint(checks_crawl):
    groups = rows(checks_crawl, "select f.rule, count(distinct p.url) from findings f join pages p on p.id = f.page_id "
                                "where f.engine in ('page-title', 'navigation') group by f.fingerprint order by 1, 2")
    # One title on three pages: one grouped issue; the same navigation landmark on two pages: one.
    assert groups == [("consistent-navigation", 2), ("duplicate-title", 3)]
    [(summary,)] = rows(checks_crawl, "select f.summary from findings f join pages p on p.id = f.page_id "
                                      "where p.url = ? and f.rule = 'consistent-navigation'", checks_crawl["site"] + "/nav-order.html")
    assert summary.startswith("Navigation \u201cMain\u201d lists its links in another order than on")
    assert "here Home, Contact, Services, News, Accessibility" in summary


def test_facts_stored_and_statement_url_derivable(checks_crawl):
    from a11y_audit.audits.site_checks import site_facts
    from a11y_audit.store import StoreReader, require_store

    engine = require_store(f"sqlite:///{checks_crawl['db']}")
    try:
        reader = StoreReader(engine)
        [org] = reader.load(reader.selection())
        sites = {site.url: site for site in org.sites}
    finally:
        engine.dispose()
    site = sites[checks_crawl["site"] + "/"]
    statement = site_facts(site.url, site.pages)["accessibility_statement"]
    assert statement["url"] == checks_crawl["site"] + "/accessibility.html"
    assert statement["linked_from"] == len(EXPECTED_SITE)
    bare = sites[checks_crawl["bare"] + "/"]
    assert site_facts(bare.url, bare.pages) == {"accessibility_statement": None}
    page = next(p for p in site.pages if p.url.endswith("/lang-page-fail.html"))
    language = next(e for e in page.engines if e.engine == "language")
    assert (language.facts["declared"], language.facts["detected"]) == ("nl", "en")
    navigation = next(e for e in page.engines if e.engine == "navigation")
    assert navigation.facts["navigations"][0]["label"] == "Main"


def test_pdf_documents_checked(checks_crawl):
    docs = {url.removeprefix(checks_crawl["site"]): json.loads(checks)
            for url, checks in rows(checks_crawl, "select url, checks from documents")}
    assert {path: {c["check"]: c["outcome"] for c in checks} for path, checks in docs.items()} == {
        "/docs/tagged.pdf": {"pdf-tagged": "pass", "pdf-language": "pass", "pdf-title": "pass"},
        "/docs/untagged.pdf": {"pdf-tagged": "violation", "pdf-language": "violation", "pdf-title": "needs-review"},
    }


def test_checks_fetch_nothing_and_load_each_page_once(checks_crawl):
    log = [entry.path for entry in checks_crawl["log"]]
    assert set(log) <= set(EXPECTED_SITE) | {"/css/site.css", "/media/intro.vtt", "/robots.txt", "/sitemap.xml",
                                             "/docs/tagged.pdf", "/docs/untagged.pdf", "/favicon.ico"}
    assert {path: log.count(path) for path in EXPECTED_SITE} == {path: 1 for path in EXPECTED_SITE}
