"""Consistent navigation (WCAG 3.2.3): the same navigation lists its links in the same order.

Per page, the :class:`NavigationEngine` records each navigation landmark
(``<nav>``, ``role=navigation``; at most five, nested ones folded into the outer
one) with its label and links, as facts. After the crawl,
:func:`consistent_navigation` compares the pages of a site: landmarks with the
same label (unlabelled: the first unlabelled one of each page) that share most
of their links (at least 3, and 70 % of the longer list) are "the same
navigation". A page is reported when the relative order of the shared links
differs from a majority of the pages it is compared with (its own order is held
by fewer than half of them). It is a violation when those pages list exactly
the same set of links; otherwise (links added or left out) it needs review.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from a11y_audit.audits.engines.base import PageSession
from a11y_audit.audits.engines.checks import js
from a11y_audit.audits.engines.checks.base import CheckEngine, CheckOutput
from a11y_audit.audits.engines.checks.facts import audited, short_url
from a11y_audit.audits.engines.checks.rules import Rule, rule
from a11y_audit.audits.model import NEEDS_REVIEW, VIOLATION, Finding, PageResult

ENGINE = "navigation"
MAX_NAVS = 5
MAX_LINKS = 100
MIN_SHARED_LINKS = 3
MIN_SHARED_SHARE = 0.7


class NavigationEngine(CheckEngine):
    name = ENGINE
    rules = ("consistent-navigation",)

    async def check(self, page: PageSession, rules: dict[str, Rule]) -> CheckOutput:
        navs = await page.evaluate(js.function("nav"), {"maxNavs": MAX_NAVS, "maxLinks": MAX_LINKS})
        # Judged over the whole site afterwards (audits.site_checks), never on one page.
        return CheckOutput(facts={"navigations": navs}, undecided={"consistent-navigation"})


def _entries(pages: list[PageResult]) -> dict[str, list[tuple[PageResult, dict, list[str], dict[str, str]]]]:
    groups: dict[str, list] = defaultdict(list)
    for page, facts in audited(pages, ENGINE):
        unlabelled_seen = False
        for nav in facts.get("navigations") or []:
            if not nav.get("visible"):
                continue
            label = " ".join((nav.get("label") or "").lower().split())
            if not label:
                if unlabelled_seen:
                    continue
                unlabelled_seen = True
            links: list[str] = []
            texts: dict[str, str] = {}
            for href, text in nav.get("links") or []:
                if href not in texts:
                    links.append(href)
                    texts[href] = text or short_url(href)
            if len(links) >= MIN_SHARED_LINKS:
                groups[label].append((page, nav, links, texts))
    return groups


def _listing(links: list[str], texts: dict[str, str], limit: int = 8) -> str:
    shown = ", ".join(texts[link] for link in links[:limit])
    return shown + (", \u2026" if len(links) > limit else "")


def consistent_navigation(site_url: str, pages: list[PageResult]) -> dict[str, list[Finding]]:
    """Findings per page URL for navigations whose links are in another order than on most pages."""
    found: dict[str, list[Finding]] = {}
    check = rule("consistent-navigation")
    for label, entries in _entries(pages).items():
        if len(entries) < 3:
            continue
        for i, (page, nav, links, texts) in enumerate(entries):
            agree, disagreeing = 0, []
            for j, (other_page, _, other_links, other_texts) in enumerate(entries):
                if i == j:
                    continue
                common = set(links) & set(other_links)
                if len(common) < MIN_SHARED_LINKS or len(common) < MIN_SHARED_SHARE * max(len(links), len(other_links)):
                    continue
                mine = [link for link in links if link in common]
                theirs = [link for link in other_links if link in common]
                if mine == theirs:
                    agree += 1
                else:
                    disagreeing.append((other_page, other_links, other_texts, set(other_links) == set(links)))
            compared = agree + 1 + len(disagreeing)
            if 2 * (agree + 1) >= compared:
                continue  # this order is held by at least half of the pages it was compared with
            same_set = sum(1 for *_, same in disagreeing if same)
            outcome = VIOLATION if 2 * same_set > compared else NEEDS_REVIEW
            orders = Counter(tuple(other_links) for _, other_links, _, _ in disagreeing)
            usual = orders.most_common(1)[0][0]
            example_page, _, example_texts, _ = next(d for d in disagreeing if tuple(d[1]) == usual)
            name = f"\u201c{nav.get('label')}\u201d" if nav.get("label") else "(unlabelled)"
            summary = (f"Navigation {name} lists its links in another order than on {len(disagreeing)} of "
                       f"{compared - 1} other pages with it{' (the same links)' if outcome == VIOLATION else ''}: "
                       f"here {_listing(links, texts)}; on {short_url(example_page.url)}: "
                       f"{_listing(list(usual), example_texts)}.")
            found.setdefault(page.url, []).append(check.on(ENGINE, outcome, nav, summary))
    return found
