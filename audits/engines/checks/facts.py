"""Reading what a page's engines recorded (:attr:`EngineResult.facts`) in site-level checks."""

from __future__ import annotations

from typing import Optional
from urllib.parse import urlsplit

from a11y_audit.audits.model import PageResult


def engine_facts(page: PageResult, engine: str) -> Optional[dict]:
    """The facts *engine* recorded on *page*; None when it did not run there or failed."""
    for result in page.engines:
        if result.engine == engine and not result.error:
            return result.facts or {}
    return None


def audited(pages: list[PageResult], engine: str) -> list[tuple[PageResult, dict]]:
    """Pages audited without error on which *engine* recorded facts."""
    out = []
    for page in pages:
        facts = engine_facts(page, engine) if not page.error else None
        if facts:
            out.append((page, facts))
    return out


def short_url(url: str) -> str:
    """``https://host/a/b?q`` → ``/a/b?q``: enough to tell a site's pages apart in evidence."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
