"""Page titled (WCAG 2.4.2, site level): one title shared by several different pages.

A missing or empty title is axe's ``document-title``. Per page the
:class:`PageTitleEngine` records the title as a fact; after the crawl
:func:`duplicate_titles` reports every page whose title (compared without case
and extra white space) is shared by at least :data:`MIN_PAGES` pages of the
site. The same title is one grouped issue across its pages; it needs review,
since pages can legitimately share a title only rarely.
"""

from __future__ import annotations

import html
from collections import defaultdict

from a11y_audit.audits.engines.base import PageSession
from a11y_audit.audits.engines.checks.base import CheckEngine, CheckOutput
from a11y_audit.audits.engines.checks.facts import audited, short_url
from a11y_audit.audits.engines.checks.rules import Rule, rule
from a11y_audit.audits.model import NEEDS_REVIEW, Finding, PageResult

ENGINE = "page-title"
MIN_PAGES = 3

READ_TITLE = "() => (document.title || '').replace(/\\s+/g, ' ').trim()"


class PageTitleEngine(CheckEngine):
    name = ENGINE
    rules = ("duplicate-title",)

    async def check(self, page: PageSession, rules: dict[str, Rule]) -> CheckOutput:
        title = await page.evaluate(READ_TITLE)
        return CheckOutput(facts={"title": title}, undecided={"duplicate-title"})


def duplicate_titles(site_url: str, pages: list[PageResult], min_pages: int = MIN_PAGES) -> dict[str, list[Finding]]:
    """Findings per page URL for titles shared by *min_pages* or more pages of the site."""
    by_title: dict[str, dict[str, tuple[PageResult, str]]] = defaultdict(dict)
    for page, facts in audited(pages, ENGINE):
        title = " ".join((facts.get("title") or "").split())
        if title:
            by_title[title.casefold()].setdefault(page.final_url or page.url, (page, title))
    found: dict[str, list[Finding]] = {}
    check = rule("duplicate-title")
    for key, sharing in by_title.items():
        if len(sharing) < min_pages:
            continue
        listed = sorted(short_url(url) for url in sharing)
        shown = ", ".join(listed[:5]) + (f" and {len(listed) - 5} more" if len(listed) > 5 else "")
        for page, title in sharing.values():
            found.setdefault(page.url, []).append(check.finding(
                ENGINE, NEEDS_REVIEW, "head > title", f"<title>{html.escape(title)}</title>",
                f"The title \u201c{title}\u201d is shared by {len(sharing)} pages: {shown}.",
                "html>head>title", key=key))
    return found
