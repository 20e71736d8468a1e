"""Accessibility statement (EU Web Accessibility Directive): is one linked from the site?

Per page the :class:`StatementEngine` records links whose text or address names
an accessibility statement in one of the EU's languages
(``audits/data/accessibility-statement.json``: "accessibility",
"toegankelijkheid", "Barrierefreiheit", "accessibilité" …) and whether the page
itself looks like one. After the crawl:

* :func:`statement_url` picks the site's statement: the address linked from the
  most pages (the start page's link first on a tie), or a crawled page that is
  one; :func:`site_facts` wraps it for storage with the site;
* :func:`missing_statement` reports, on the start page, that no audited page
  links one (needs review: the crawl may not have reached it, or it is linked
  with words not listed).
"""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from importlib import resources
from typing import Optional

from a11y_audit.audits.engines.base import PageSession
from a11y_audit.audits.engines.checks import js
from a11y_audit.audits.engines.checks.base import CheckEngine, CheckOutput
from a11y_audit.audits.engines.checks.facts import audited
from a11y_audit.audits.engines.checks.rules import Rule, rule
from a11y_audit.audits.model import NEEDS_REVIEW, Finding, PageResult

ENGINE = "statement"


@lru_cache(maxsize=1)
def words() -> dict[str, list[str]]:
    data = json.loads(resources.files("a11y_audit.audits").joinpath("data/accessibility-statement.json").read_text(encoding="utf-8"))
    return {"text": data["text"], "url": data["url"]}


class StatementEngine(CheckEngine):
    name = ENGINE
    rules = ("accessibility-statement",)

    async def check(self, page: PageSession, rules: dict[str, Rule]) -> CheckOutput:
        found = await page.evaluate(js.function("statement"), words())
        return CheckOutput(facts={"links": found["links"], "is_statement": bool(found["isStatement"])},
                           undecided={"accessibility-statement"})


def _start_page(site_url: str, pages: list[PageResult]) -> Optional[PageResult]:
    def same(a: str, b: str) -> bool:
        return a.rstrip("/") == b.rstrip("/")

    for page in pages:
        if same(page.url, site_url) or (page.final_url and same(page.final_url, site_url)):
            return page
    return min(pages, key=lambda p: p.depth, default=None)


def statement_url(site_url: str, pages: list[PageResult]) -> Optional[dict]:
    """The site's accessibility statement as {"url", "text", "linked_from", "pages"}; None if not found."""
    seen = audited(pages, ENGINE)
    if not seen:
        return None
    counts: Counter[str] = Counter()
    texts: dict[str, str] = {}
    for _, facts in seen:
        for link in facts.get("links") or []:
            counts[link["url"]] += 1
            texts.setdefault(link["url"], link.get("text") or "")
    if counts:
        start = _start_page(site_url, [page for page, _ in seen])
        start_facts = next((facts for page, facts in seen if page is start), {})
        start_links = {link["url"] for link in start_facts.get("links") or []}
        best = max(counts, key=lambda url: (counts[url], url in start_links))
        return {"url": best, "text": texts[best], "linked_from": counts[best], "pages": len(seen)}
    for page, facts in seen:
        if facts.get("is_statement"):
            return {"url": page.final_url or page.url, "text": page.title or "", "linked_from": 0, "pages": len(seen)}
    return None


def site_facts(site_url: str, pages: list[PageResult]) -> dict:
    """What the site-level statement check knows, for storing with the site (see README)."""
    return {"accessibility_statement": statement_url(site_url, pages)}


def missing_statement(site_url: str, pages: list[PageResult]) -> dict[str, list[Finding]]:
    """A needs-review finding on the start page when no audited page links a statement."""
    seen = audited(pages, ENGINE)
    if not seen or statement_url(site_url, pages) is not None:
        return {}
    start = _start_page(site_url, [page for page, _ in seen])
    if start is None:
        return {}
    examples = ", ".join(f"\u201c{w}\u201d" for w in ("accessibility", "toegankelijkheid", "Barrierefreiheit", "accessibilité"))
    finding = rule("accessibility-statement").finding(
        ENGINE, NEEDS_REVIEW, "html", "<html>",
        f"None of the {len(seen)} pages audited links to an accessibility statement (looked for link texts "
        f"and addresses such as {examples} in the EU's languages).", "html")
    return {start.url: [finding]}
