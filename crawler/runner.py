"""Running one crawl: config in, a stored run out.

Creates the engines, starts Scrapy with the audit spider in this process, and
afterwards marks the run finished, failed or interrupted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import update

from audits.engines import get_engine
from config.errors import A11yAuditError
from config.loader import RunConfig
from store import ensure_schema, sync_engine
from store.schema import Run

logger = logging.getLogger(__name__)


class CrawlStartError(A11yAuditError):
    """The crawl could not start (browser missing, store unusable)."""


@dataclass
class CrawlSummary:
    run_id: int | None
    pages: int
    page_errors: int
    findings: int
    status: str
    finish_reason: str


def run_crawl(config: RunConfig, log_level: str = "INFO") -> CrawlSummary:
    """Crawl every organisation of *config* into its store; blocks until done."""
    from scrapy.crawler import CrawlerProcess

    from crawler.settings import quiet_noisy_loggers, scrapy_settings
    from crawler.spider import AuditSpider

    ensure_schema(config.db)
    engines = [get_engine(name) for name in config.engines]
    process = CrawlerProcess(scrapy_settings(config, log_level))
    quiet_noisy_loggers()
    crawler = process.create_crawler(AuditSpider)
    process.crawl(crawler, run_config=config, engines=engines)
    process.start()

    stats = crawler.stats
    run_id = stats.get_value("a11y/run_id")
    reason = stats.get_value("finish_reason") or "unknown"
    pages = stats.get_value("a11y/pages") or 0
    status = "finished" if reason == "finished" else ("interrupted" if reason == "shutdown" else "failed")
    if run_id is None:
        raise CrawlStartError("the crawl could not start (see the log above)")
    errors = stats.get_value("a11y/page_errors") or 0
    if status == "finished" and pages == errors:
        status = "failed"  # not one page could be audited: start URLs unreachable, or the browser failed
    engine = sync_engine(config.db)
    with engine.begin() as conn:
        conn.execute(update(Run).where(Run.id == run_id).values(status=status, finished_at=datetime.now(timezone.utc)))
    engine.dispose()
    return CrawlSummary(
        run_id=run_id, pages=pages, page_errors=errors,
        findings=stats.get_value("a11y/findings") or 0, status=status, finish_reason=reason,
    )
