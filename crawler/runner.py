"""Running one crawl: config in, a stored run out.

Creates the engines, starts Scrapy with the audit spider in this process, and
afterwards marks the run finished, failed or interrupted. With ``resume``, it
continues the newest unfinished run of the same configuration instead: pages
already stored are not audited again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Optional
from datetime import datetime, timezone

from sqlalchemy import update

from a11y_audit.audits.engines import get_engine
from a11y_audit.config.errors import A11yAuditError, ConfigError
from a11y_audit.config.loader import RunConfig
from a11y_audit.store import StoreReader, ensure_schema, sync_engine
from a11y_audit.store.schema import Run

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


def run_crawl(config: RunConfig, log_level: str = "INFO", resume: bool = False,
              frontier: Optional[str] = None, lease_seconds: Optional[float] = None) -> CrawlSummary:
    """Crawl every organisation of *config* into its store; blocks until done.

    With *frontier* (a Redis URL), this process is one worker of a shared run: it
    joins the configuration's unfinished run (starting it if there is none) and
    works until the run's frontier is empty.
    """
    from scrapy.crawler import CrawlerProcess

    from a11y_audit.crawler.settings import quiet_noisy_loggers, scrapy_settings
    from a11y_audit.crawler.spider import AuditSpider

    ensure_schema(config.db)
    store = sync_engine(config.db)
    reader = StoreReader(store)
    resume_run_id = stored = None
    if resume:
        resume_run_id = reader.resumable_run(dict(config.snapshot))
        if resume_run_id is None:
            raise ConfigError("--resume: the store holds no unfinished run of this configuration")
        stored = reader.stored_pages(resume_run_id)
        logger.info("Resuming run %s: %d pages already stored", resume_run_id,
                    sum(len(pages) for pages in stored.values()))
    shared = None
    if frontier:
        if resume:
            raise ConfigError("--resume with --frontier: a shared run continues when a worker joins it again")
        from a11y_audit.crawler.shared.run import join_run
        from a11y_audit.crawler.shared.worker import LEASE_SECONDS

        shared = join_run(config, frontier, lease_seconds or LEASE_SECONDS)
        resume_run_id = shared.run_id

    try:
        engines = [get_engine(name) for name in config.engines]
    except KeyError as exc:
        raise ConfigError(f"{config.source}: crawl > engines: {exc.args[0]}") from None
    pool = None
    if config.browser == "selenium":
        pool, engines = selenium_setup(config, engines)
    process = CrawlerProcess(scrapy_settings(config, log_level, shared))
    quiet_noisy_loggers()
    _dump_tasks_on_sigusr1()
    crawler = process.create_crawler(AuditSpider)
    process.crawl(crawler, run_config=config, engines=engines, resume_run_id=resume_run_id, stored_pages=stored,
                  pool=pool, worker=shared.worker if shared else None, seed=shared is None,
                  lookup_stored=_stored_lookup(reader, config, resume_run_id) if shared else None)
    process.start()

    stats = crawler.stats
    run_id = stats.get_value("a11y/run_id")
    reason = stats.get_value("finish_reason") or "unknown"
    if run_id is None:
        raise CrawlStartError("the crawl could not start (see the log above)")
    if shared is not None:
        return _worker_done(store, reader, shared, reason)
    site_level_checks(store, reader, run_id)
    pages, errors, findings = reader.run_counts(run_id)
    status = "finished" if reason == "finished" else ("interrupted" if reason == "shutdown" else "failed")
    if status == "finished" and pages == errors:
        status = "failed"  # not one page could be audited: start URLs unreachable, or the browser failed
    with store.begin() as conn:
        conn.execute(update(Run).where(Run.id == run_id).values(status=status, finished_at=datetime.now(timezone.utc)))
    store.dispose()
    return CrawlSummary(run_id=run_id, pages=pages, page_errors=errors, findings=findings, status=status,
                        finish_reason=reason)


def _dump_tasks_on_sigusr1() -> None:
    """``kill -USR1 <pid>`` prints what a crawl is waiting for (every pending asyncio task's stack)."""
    import asyncio
    import signal
    import sys

    def dump(_signum, _frame) -> None:
        try:
            loop = asyncio.get_event_loop()
            tasks = asyncio.all_tasks(loop)
        except RuntimeError:
            return
        print(f"--- {len(tasks)} pending tasks ---", file=sys.stderr)
        for task in tasks:
            task.print_stack(limit=12, file=sys.stderr)
        sys.stderr.flush()

    if hasattr(signal, "SIGUSR1"):
        signal.signal(signal.SIGUSR1, dump)


def _worker_done(store, reader: StoreReader, shared, reason: str) -> CrawlSummary:
    """A worker of a shared run ends: the last one out finalises the run."""
    from a11y_audit.crawler.shared.run import finish

    run_id = shared.run_id
    if reason != "finished":
        status = "left"  # this worker stopped; its pages went back to the queue, the run goes on
    elif finish(shared):
        site_level_checks(store, reader, run_id)
        pages, errors, _ = reader.run_counts(run_id)
        final = "failed" if pages == errors else "finished"
        with store.begin() as conn:
            conn.execute(update(Run).where(Run.id == run_id).values(status=final, finished_at=datetime.now(timezone.utc)))
        status = final
    else:
        status = "finished"  # another worker finalises it
    pages, errors, findings = reader.run_counts(run_id)
    store.dispose()
    return CrawlSummary(run_id=run_id, pages=pages, page_errors=errors, findings=findings, status=status,
                        finish_reason=reason)


def _stored_lookup(reader: StoreReader, config: RunConfig, run_id: int):
    """(site index, url) → the stored page's (links, redirects), for pages a dead worker may have stored."""
    sites = config.sites

    def lookup(index: int, url: str):
        site = sites[index]
        return reader.stored_page(run_id, site.organisation_id, site.url, url)

    return lookup


def site_level_checks(store, reader: StoreReader, run_id: int) -> None:
    """Checks over a whole site (consistent navigation, duplicate titles …), computed from
    the stored pages once the crawl is over, and stored as findings of those pages."""
    from a11y_audit.audits.site_checks import site_findings
    from a11y_audit.store.writer import add_site_findings

    for org_id in reader.organisations_in_run(run_id):
        results = reader.organisation_results(org_id, run_id)
        for site in results.sites:
            found = site_findings(site.url, site.pages)
            if found:
                add_site_findings(store, run_id, {(site.url, url): items for url, items in found.items()})


def selenium_setup(config: RunConfig, engines: list):
    """A WebDriver pool sized by the concurrency setting, and axe through axe-selenium-python."""
    from a11y_audit.audits.engines.axe import AxeEngine
    from a11y_audit.crawler.addresses import resolver_rules
    from a11y_audit.crawler.browser import find_chromium
    from a11y_audit.crawler.selenium_browser import DriverPool, SeleniumAxe, driver_factory

    sites = config.sites
    timeout = max(site.page_timeout for site in sites)
    factory = driver_factory(
        webdriver_url=config.webdriver_url,
        browser_name=config.browser_name,
        executable=find_chromium(config.browser_executable) if config.browser_name == "chromium" else None,
        user_agent=sites[0].user_agent,
        page_timeout=timeout,
        resolver_rules=resolver_rules([site.allowed_networks() for site in sites]),
    )
    pool = DriverPool(factory, size=config.concurrency, call_timeout=timeout + 15)
    engines = [SeleniumAxe(e.script_path, e.max_nodes) if type(e) is AxeEngine else e for e in engines]
    return pool, engines
