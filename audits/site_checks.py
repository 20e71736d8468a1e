"""Checks over a whole site, run on stored pages after the crawl.

In: the pages of one site (with the facts their engines recorded). Out: findings
per page URL. Nothing here touches a browser: these checks can be re-run from
the store at any time.

Each check only looks at pages on which its engine recorded facts, so a check
whose engine is not enabled (``crawl.engines``) finds nothing:

* ``consistent-navigation`` (WCAG 3.2.3) – engine ``navigation``;
* ``duplicate-title`` (WCAG 2.4.2) – engine ``page-title``;
* ``accessibility-statement`` (EU Web Accessibility Directive) – engine ``statement``.

:func:`site_facts` gives what is known about the site as a whole (its
accessibility statement's URL) for storing with the site.
"""

from __future__ import annotations

from typing import Callable

from a11y_audit.audits.engines.checks.navigation import consistent_navigation
from a11y_audit.audits.engines.checks.page_title import duplicate_titles
from a11y_audit.audits.engines.checks.statement import missing_statement
from a11y_audit.audits.engines.checks.statement import site_facts as statement_facts
from a11y_audit.audits.model import Finding, PageResult

SiteCheck = Callable[[str, list[PageResult]], dict[str, list[Finding]]]

#: Registered site checks: name → function(site_url, pages) → {page URL: [Finding]}.
SITE_CHECKS: dict[str, SiteCheck] = {
    "consistent-navigation": consistent_navigation,
    "duplicate-title": duplicate_titles,
    "accessibility-statement": missing_statement,
}


def site_findings(site_url: str, pages: list[PageResult]) -> dict[str, list[Finding]]:
    """Every registered site check over *pages*; findings merged per page URL."""
    merged: dict[str, list[Finding]] = {}
    for check in SITE_CHECKS.values():
        for url, items in check(site_url, pages).items():
            merged.setdefault(url, []).extend(items)
    return merged


def site_facts(site_url: str, pages: list[PageResult]) -> dict:
    """Facts about the site as a whole: ``{"accessibility_statement": {"url", "text",
    "linked_from", "pages"} | None}`` (None also when the ``statement`` engine did not run)."""
    return {**statement_facts(site_url, pages)}
