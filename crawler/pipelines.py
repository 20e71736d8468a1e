"""Item pipeline: each audited page is committed to the store as soon as it arrives."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from a11y_audit.audits.model import DocumentResult, PageResult
from a11y_audit.config.defaults import TOOL_VERSION
from a11y_audit.store.writer import RunWriter

logger = logging.getLogger(__name__)


class StorePipeline:
    """Writes pages and documents through an async engine, so the browser work never waits on disk."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.writer: RunWriter | None = None
        self.counts: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler) -> "StorePipeline":
        return cls(crawler)

    async def open_spider(self) -> None:
        spider = self.crawler.spider
        config = spider.run_config
        self.writer = RunWriter.from_url(config.db)
        if spider.resume_run_id is not None:
            await self.writer.attach(spider.resume_run_id)
            self.crawler.stats.set_value("a11y/run_id", spider.resume_run_id)
            joined = "Joined shared run" if spider.worker is not None else "Resuming run"
            logger.info("%s %s in %s", joined, spider.resume_run_id, config.db)
            return
        run_id = await new_run(self.writer, config)
        self.crawler.stats.set_value("a11y/run_id", run_id)
        logger.info("Run %s started, storing results in %s", run_id, config.db)

    async def process_item(self, item: Any) -> Any:
        assert self.writer is not None
        if isinstance(item, PageResult):
            stored = await self.writer.save_page(item)
            if stored:
                self.counts["pages"] += 1
                self.counts["findings"] += len(item.findings)
                if item.error:
                    self.counts["errors"] += 1
                self.crawler.stats.set_value("a11y/pages", self.counts["pages"])
                self.crawler.stats.set_value("a11y/page_errors", self.counts["errors"])
                self.crawler.stats.set_value("a11y/findings", self.counts["findings"])
        elif isinstance(item, DocumentResult):
            await self.writer.save_document(item)
            self.counts["documents"] += 1
        worker = self.crawler.spider.worker
        if worker is not None:
            worker.stored(item)  # the page is safe: its lease in the shared run ends
        return item

    async def close_spider(self) -> None:
        if self.writer is None:
            return
        stats = self.crawler.stats
        spider = self.crawler.spider
        if spider.resume_run_id is None:
            # A resumed or shared run would record only this process's part of the discovery.
            await self.writer.save_samples({
                (state.settings.organisation_id, state.settings.url): state.sampler.record() for state in spider.sites
            })
        await self.writer.record_versions(
            engines=stats.get_value("a11y/engines") or {}, browser=stats.get_value("a11y/browser") or {}
        )
        await self.writer.close()


async def new_run(writer: RunWriter, config) -> int:
    """Create a run of *config* in the store: its organisations, sites and settings."""
    return await writer.start_run(
        config=dict(config.snapshot),
        tool_version=TOOL_VERSION,
        organisations=[
            (org.id, org.name, [(site.url, _site_settings(site)) for site in org.sites])
            for org in config.organisations
        ],
    )


def _site_settings(site) -> dict[str, Any]:
    settings = {k: v for k, v in vars(site).items() if k not in ("organisation_id",)}
    settings["urls"] = list(site.urls)
    settings["include"] = list(site.include)
    settings["exclude"] = list(site.exclude)
    settings["sample"] = site.sample.model_dump() if site.sample is not None else None
    allow = site.allow_private_addresses
    settings["allow_private_addresses"] = allow if isinstance(allow, bool) else list(allow)
    return settings
