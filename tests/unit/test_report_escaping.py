"""reports/html.py: untrusted page content is escaped; no script can run in a report."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime, timezone
from html.parser import HTMLParser

import pytest

from a11y_audit.audits.model import EngineResult, Finding, OrganisationResults, PageResult, RunRecord, SiteRecord, Standard
from a11y_audit.reports.html import render_organisation
from a11y_audit.reports.view import organisation_view

TITLE = "<script>alert(1)</script>"
URL = "javascript:alert(1)"
SNIPPET = "<img src=x onerror=alert(1)>"


def hostile_results() -> OrganisationResults:
    found = Finding(
        engine="axe", rule="image-alt", outcome="violation", impact="critical", wcag=("1.1.1",),
        selector="img", html=SNIPPET, fingerprint="0123456789abcdef", help="Images must have alternative text",
        help_url="javascript:alert(2)",
    )
    page = PageResult(
        url=URL, site_url="http://x/", organisation_id="acme", status=200, title=TITLE,
        findings=[found], engines=[EngineResult("axe", "4.12.1", [found], passes=1)],
    )
    run = RunRecord(
        id=1, started_at=datetime(2024, 5, 1, tzinfo=timezone.utc), finished_at=None, status="finished",
        tool_version="0.1.0", engines={"axe": "4.12.1"}, browser={"name": "chromium", "version": "120"}, config={},
    )
    return OrganisationResults("acme", "Acme", run, [SiteRecord("http://x/", {}, [page])], Standard())


class _Tags(HTMLParser):
    """Collects start tags with their (unescaped) attributes, and the text of <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data


@pytest.fixture(scope="module")
def html() -> str:
    return render_organisation(organisation_view(hostile_results()))


@pytest.fixture(scope="module")
def parsed(html) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def test_title_is_escaped(html):
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert TITLE not in html
    assert "<script" not in html.lower()


def test_finding_snippet_is_escaped(html):
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert SNIPPET not in html


def test_no_javascript_links(html, parsed):
    assert 'href="javascript:' not in html.lower()
    hrefs = [attrs.get("href") or "" for _, attrs in parsed.tags if "href" in attrs]
    assert hrefs, "the report has links"
    assert not [href for href in hrefs if href.strip().lower().startswith("javascript:")]
    assert not [tag for tag, attrs in parsed.tags if any(name.startswith("on") for name in attrs)]


def test_content_security_policy(parsed):
    policies = [
        attrs["content"] for tag, attrs in parsed.tags
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "content-security-policy"
    ]

    assert len(policies) == 1
    assert policies[0].startswith("default-src 'none'")
    assert "default-src 'none'" in policies[0]
    assert "script-src" not in policies[0]


def test_csp_hash_matches_the_inline_stylesheet(parsed):
    (policy,) = [attrs["content"] for tag, attrs in parsed.tags if tag == "meta" and "http-equiv" in attrs]
    digest = base64.b64encode(hashlib.sha256(parsed.style.encode("utf-8")).digest()).decode("ascii")

    assert parsed.style
    assert re.search(r"style-src 'sha256-([A-Za-z0-9+/=]+)'", policy).group(1) == digest
