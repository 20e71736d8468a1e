"""reports/html.py and the templates: every file a report writes escapes page text, keeps a
strict Content-Security-Policy, and the issue list's only script is our own, hashed one."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest

from a11y_audit.audits.model import Finding
from a11y_audit.reports.html import environment, render_index, render_issue_list, render_organisation, write_reports
from a11y_audit.reports.view import Screenshot, index_view, organisation_view
from tests.unit.gate_builders import finding, org
from tests.unit.test_report_escaping import SNIPPET, TITLE, hostile_results


class _Parsed(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.texts: dict[str, str] = {"style": "", "script": ""}
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in self.texts else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in:
            self.texts[self._in] += data


def parse(html: str) -> _Parsed:
    parser = _Parsed()
    parser.feed(html)
    parser.close()
    return parser


def csp_of(parsed: _Parsed) -> str:
    (policy,) = [a["content"] for t, a in parsed.tags if t == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy"]
    return policy


def digest(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    write_reports([(hostile_results(), None)], out)
    return out


def test_files_written(written):
    assert sorted(p.relative_to(written).as_posix() for p in written.rglob("*.html")) == [
        "acme.html", "acme/issues.html", "acme/pages-1.html", "index.html",
    ]


@pytest.mark.parametrize("name", ["acme.html", "acme/issues.html", "acme/pages-1.html", "index.html"])
def test_every_file_escapes_page_text_and_has_no_javascript_links(written, name):
    html = (written / name).read_text(encoding="utf-8")
    parsed = parse(html)

    assert TITLE not in html and SNIPPET not in html
    assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    hrefs = [a.get("href") or "" for _, a in parsed.tags if "href" in a]
    assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:"))]
    assert not [t for t, a in parsed.tags if any(k.startswith("on") for k in a)]
    policy = csp_of(parsed)
    assert policy.startswith("default-src 'none'") and "unsafe" not in policy
    assert re.search(r"style-src 'sha256-([A-Za-z0-9+/=]+)'", policy).group(1) == digest(parsed.texts["style"])


@pytest.mark.parametrize("name", ["acme.html", "acme/pages-1.html", "index.html"])
def test_only_the_issue_list_has_a_script(written, name):
    html = (written / name).read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "script-src" not in csp_of(parse(html))


def test_the_issue_list_script_is_ours_and_hashed(written):
    parsed = parse((written / "acme" / "issues.html").read_text(encoding="utf-8"))
    policy = csp_of(parsed)
    scripts = [a for t, a in parsed.tags if t == "script"]

    assert scripts == [{}]  # one inline script, no src
    assert parsed.texts["script"] == environment().loader.get_source(environment(), "issues.js")[0]
    assert re.search(r"script-src 'sha256-([A-Za-z0-9+/=]+)'", policy).group(1) == digest(parsed.texts["script"])
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy


def test_the_script_never_writes_markup():
    source = environment().loader.get_source(environment(), "issues.js")[0]
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "Function("):
        assert sink not in source


def test_the_filter_form_is_hidden_without_script_and_plain_links_work(written):
    html = (written / "acme" / "issues.html").read_text(encoding="utf-8")
    parsed = parse(html)

    form = [a for t, a in parsed.tags if t == "form"]
    assert form == [{"id": "issue-controls", "class": "controls", "hidden": None}]
    anchors = {a["id"] for _, a in parsed.tags if "id" in a}
    links = [a["href"][1:] for t, a in parsed.tags if t == "a" and a.get("href", "").startswith("#")]
    assert links and set(links) <= anchors  # every "browse by" link lands on an issue
    assert {f"filter-{k}" for k in ("impact", "sc", "engine", "site")} <= anchors and "sort" in anchors
    labels = {a["for"] for t, a in parsed.tags if t == "label"}
    assert {f"filter-{k}" for k in ("impact", "sc", "engine", "site")} | {"sort"} <= labels


def test_drill_down_lists_every_finding_of_a_page(tmp_path):
    findings = [finding(f"f{i}", rule="label", selector=f"#field-{i}") for i in range(7)]
    write_reports([(org("acme", {"/form": findings, "/clean": []}), None)], tmp_path)

    html = (tmp_path / "acme" / "pages-1.html").read_text(encoding="utf-8")
    assert all(f"#field-{i}" in html for i in range(7))
    assert 'id="page-1"' in html and 'id="page-2"' in html
    report = (tmp_path / "acme.html").read_text(encoding="utf-8")
    assert 'href="acme/pages-1.html#page-2"' in report  # /form sorts after /clean


def test_drill_down_is_paginated_and_stale_files_go(tmp_path, monkeypatch):
    from a11y_audit.reports import view as view_module

    monkeypatch.setattr(view_module, "PAGES_PER_FILE", 2)
    write_reports([(org("acme", {f"/p{i}": [] for i in range(5)}), None)], tmp_path)
    assert sorted(p.name for p in (tmp_path / "acme").glob("pages-*.html")) == ["pages-1.html", "pages-2.html", "pages-3.html"]
    second = (tmp_path / "acme" / "pages-2.html").read_text(encoding="utf-8")
    assert 'href="pages-1.html" rel="prev"' in second and 'href="pages-3.html" rel="next"' in second
    assert 'aria-current="page"' in second

    write_reports([(org("acme", {"/p0": []}), None)], tmp_path)
    assert sorted(p.name for p in (tmp_path / "acme").glob("pages-*.html")) == ["pages-1.html"]


def test_screenshot_slot_shows_nothing_until_filled():
    view = organisation_view(org("acme", {"/": [finding("f1")]}))
    assert "<img" not in render_organisation(view)

    view.issues[0].screenshot = Screenshot("data:image/png;base64,iVBORw0KGgo=", "The logo without alt text")
    html = render_organisation(view)
    assert '<img class="shot" src="data:image/png;base64,iVBORw0KGgo=" alt="The logo without alt text">' in html


def test_charts_are_svg_images_with_a_text_equivalent():
    view = organisation_view(org("acme", {"/": [finding("f1"), finding("f2", rule="label", impact="serious", wcag=("4.1.2",))]}))
    html = render_organisation(view)
    parsed = parse(html)

    svgs = [a for t, a in parsed.tags if t == "svg"]
    assert {a["data-chart"] for a in svgs} == {"chart-impact", "chart-principle"}
    assert all(a["role"] == "img" and a["aria-labelledby"].endswith("-title") for a in svgs)
    bars = [a for t, a in parsed.tags if t == "rect" and "bar" in (a.get("class") or "").split()]
    assert [(b["data-key"], b["data-value"]) for b in bars][:4] == [
        ("critical", "1"), ("serious", "1"), ("moderate", "0"), ("minor", "0")]
    assert all(b["fill"].startswith("url(#chart-") for b in bars)  # patterns, not colour alone
    assert "Issues by impact on users: Critical: 1; Serious: 1; Moderate: 0; Minor: 0" in html
    assert 'id="impact-caption"' in html and 'id="principle-caption"' in html  # the tables


def test_print_stylesheet():
    css = environment().loader.get_source(environment(), "report.css")[0]
    assert "@media print" in css and "details::details-content" in css and "@page" in css


def test_reports_state_no_conformance(written):
    html = (written / "acme.html").read_text(encoding="utf-8")
    assert "not a statement of conformance" in html
    coverage = html[html.index('id="coverage"'):html.index('id="review"')]
    assert "conform" not in html.replace("not a statement of conformance", "").lower()
    assert "passed" not in coverage.replace("is not “passed”", "").lower()


def test_index_render():
    views = [organisation_view(org("a", {"/": [finding("a1")]})), organisation_view(org("b", {"/": []}))]
    html = render_index(index_view(views))

    assert "The pledge at a glance" in html and "Most common failures" in html
    assert '<a href="a.html">A</a>' in html and "First run" in html


def test_hostile_help_url_and_rule_text_in_the_issue_list():
    bad = Finding(engine="axe", rule="<b>x</b>", outcome="violation", impact="critical", wcag=("1.1.1",),
                  selector="<i>", html=SNIPPET, fingerprint="0123456789abcdef", help="<script>alert(3)</script>",
                  help_url="javascript:alert(4)")
    html = render_issue_list(organisation_view(org("acme", {"/": [bad]})))

    assert "<script>alert(3)" not in html and "&lt;script&gt;alert(3)" in html
    assert "javascript:alert(4)" not in html
    assert 'data-rule="&lt;b&gt;x&lt;/b&gt;"' in html
