"""End to end: crawl the fixture site with a real Chromium, then check what a user would.

One crawl (module scope) feeds every assertion: the exact pages audited, the
exact axe rules per page, what the server was and was not asked for, the stored
rows, grouped issues, reports and exports.
"""

from __future__ import annotations

import csv
import json
import sqlite3

import pytest

from tests.conftest import run_cli

pytestmark = pytest.mark.e2e

#: page path → axe rule ids of its violations (what the fixture pages contain on purpose).
EXPECTED_VIOLATIONS = {
    "/": {"image-alt"},
    "/about.html": set(),
    "/moved.html": {"html-has-lang", "color-contrast"},
    "/sitemap-only.html": {"button-name"},
    "/js-only.html": {"color-contrast"},
    "/frames.html": {"image-alt", "button-name"},
}
EXPECTED_ERRORS = {"/missing.html": (404, "HTTP 404"), "/boom": (500, "HTTP 500")}


def rows(crawled, sql):
    with sqlite3.connect(crawled["path"]) as conn:
        return conn.execute(sql).fetchall()


def test_crawl_exits_1_because_two_pages_failed(crawled):
    proc = crawled["proc"]
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "8 pages audited" in proc.stdout
    assert "2 pages with errors" in proc.stdout


def test_exact_set_of_pages(crawled):
    origin = crawled["origin"]
    stored = {url for (url,) in rows(crawled, "select url from pages")}
    assert stored == {origin + path for path in [*EXPECTED_VIOLATIONS, *EXPECTED_ERRORS]}


def test_exact_axe_rules_per_page(crawled):
    origin = crawled["origin"]
    found = {path: set() for path in EXPECTED_VIOLATIONS}
    for url, rule in rows(crawled, "select p.url, f.rule from findings f join pages p on p.id = f.page_id "
                                   "where f.outcome = 'violation' and f.engine = 'axe'"):
        found[url.removeprefix(origin)].add(rule)
    assert found == EXPECTED_VIOLATIONS


def test_axe_reaches_into_frames_and_shadow_roots(crawled):
    origin = crawled["origin"]
    found = rows(crawled, "select f.rule, f.selector from findings f join pages p on p.id = f.page_id "
                          f"where p.url = '{origin}/frames.html' and f.outcome = 'violation' order by 1")
    assert found == [("button-name", "x-widget >>> button"), ("image-alt", "iframe |> img")]


def test_http_errors_recorded_with_reason(crawled):
    origin = crawled["origin"]
    errors = {url.removeprefix(origin): (status, error)
              for url, status, error in rows(crawled, "select url, status, error from pages where error is not null")}
    assert errors == EXPECTED_ERRORS


def test_redirect_recorded_on_the_final_page(crawled):
    origin = crawled["origin"]
    [(final_url, redirects)] = rows(crawled, f"select final_url, redirects from pages where url = '{origin}/moved.html'")
    assert final_url == origin + "/moved.html"
    assert json.loads(redirects) == [origin + "/old"]


def test_pdf_recorded_as_document_not_page(crawled):
    origin = crawled["origin"]
    assert rows(crawled, "select url, content_type, status from documents") == [
        (origin + "/report.pdf", "application/pdf", 200)
    ]


def test_server_never_asked_for_what_is_out_of_bounds(crawled):
    log = crawled["log"]
    paths = [entry.path for entry in log]
    assert all(entry.method == "GET" for entry in log), {(e.method, e.path) for e in log}
    assert not [p for p in paths if p.startswith("/private/")], "robots.txt disallows /private/"
    assert "/logout" not in paths and not [p for p in paths if "sign-out" in p]
    assert "/subscribe" not in paths, "the POST form must never be submitted"
    assert not [e for e in log if e.host.startswith("localhost")], "off-site (other host) link was followed"
    assert "/robots.txt" in paths and "/sitemap-pages.xml" in paths


def test_each_page_fetched_once_and_crawler_identifies_itself(crawled):
    log = crawled["log"]
    paths = [entry.path for entry in log]
    for path in ("/", "/about.html", "/moved.html", "/sitemap-only.html", "/js-only.html", "/frames.html"):
        assert paths.count(path) == 1, (path, paths)
    assert {entry.user_agent.split("/")[0] for entry in log} == {"a11y-audit"}


def test_run_records_versions_and_status(crawled):
    [(status, engines, browser)] = rows(crawled, "select status, engines, browser from runs")
    assert status == "finished"
    assert json.loads(engines)["axe"].split(".")[0] == "4"
    assert json.loads(browser)["name"] == "chromium"


def test_grouped_issues_and_fingerprints(crawled):
    # The pale footer is one element of a shared template on two pages: one grouped issue.
    # The pale paragraph in /js-only.html's main is another element: an issue of its own.
    groups = rows(crawled, "select f.rule, count(distinct p.url) from findings f join pages p on p.id = f.page_id "
                           "where f.outcome = 'violation' group by f.fingerprint order by 1, 2")
    assert groups == [("button-name", 1), ("button-name", 1), ("color-contrast", 1), ("color-contrast", 2),
                      ("html-has-lang", 1), ("image-alt", 1), ("image-alt", 1)]


def test_report_files_written(crawled):
    out = crawled["dir"] / "reports"
    proc = run_cli("report", "--db", crawled["db"], "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["fixture-org", "fixture-org.html", "index.html"]  # folder: issue list, page details
    html = (out / "fixture-org.html").read_text(encoding="utf-8")
    assert "Fixture &lt;Org&gt;" in html and "Fixture <Org>" not in html
    for rule in ("image-alt", "html-has-lang", "button-name", "color-contrast"):
        assert f"<code>{rule}</code>" in html


def test_json_export_contract(crawled):
    out = crawled["dir"] / "export.json"
    proc = run_cli("export", "--db", crawled["db"], "--format", "json", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema_version"] == 1
    [org] = data["organisations"]
    assert (org["id"], org["name"]) == ("fixture-org", "Fixture <Org>")
    [site] = org["sites"]
    assert site["url"] == crawled["origin"] + "/"
    assert site["documents"][0]["url"].endswith("/report.pdf")
    assert site["documents"][0]["content_type"] == "application/pdf"
    pages = {p["url"].removeprefix(crawled["origin"]): p for p in site["pages"]}
    assert pages["/missing.html"]["status"] == 404 and pages["/missing.html"]["error"] == "HTTP 404"
    assert pages["/about.html"]["error"] is None and pages["/about.html"]["title"] == "About the fixture"
    [finding] = [f for f in pages["/"]["findings"] if f["outcome"] == "violation"]
    assert finding["engine"] == "axe" and finding["rule"] == "image-alt"
    assert finding["impact"] == "critical" and finding["wcag"] == ["1.1.1"]
    assert finding["selector"] and finding["html"].startswith("<img")
    assert len(finding["fingerprint"]) == 16


def test_csv_export(crawled):
    out = crawled["dir"] / "findings.csv"
    proc = run_cli("export", "--db", crawled["db"], "--format", "csv", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    with out.open(encoding="utf-8", newline="") as fh:
        records = list(csv.DictReader(fh))
    violations = sorted(r["rule"] for r in records if r["outcome"] == "violation")
    assert violations == ["button-name", "button-name", "color-contrast", "color-contrast", "color-contrast",
                          "html-has-lang", "image-alt", "image-alt"]
