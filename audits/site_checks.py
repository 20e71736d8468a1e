"""Checks over a whole site, run on stored pages after the crawl.

In: the pages of one site (with the facts their engines recorded). Out: findings
per page URL. Nothing here touches a browser: these checks can be re-run from
the store at any time.
"""

from __future__ import annotations

from audits.model import Finding, PageResult

#: Registered site checks: name → function(site_url, pages) → {page URL: [Finding]}.
SITE_CHECKS: dict[str, object] = {}


def site_findings(site_url: str, pages: list[PageResult]) -> dict[str, list[Finding]]:
    """Every registered site check over *pages*; findings merged per page URL."""
    merged: dict[str, list[Finding]] = {}
    for check in SITE_CHECKS.values():
        for url, items in check(site_url, pages).items():  # type: ignore[operator]
            merged.setdefault(url, []).extend(items)
    return merged
