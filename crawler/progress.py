"""Progress per organisation: pages audited, queued and failed.

On a terminal a live table (rich); otherwise a plain log line every 15 seconds
and one at the end, which CI logs and files keep readable.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections import Counter

from scrapy import signals

from a11y_audit.audits.model import PageResult

logger = logging.getLogger("a11y_audit.progress")


class Progress:
    def __init__(self, crawler, interactive: bool) -> None:
        self.crawler = crawler
        self.interactive = interactive
        self.audited: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.task: asyncio.Task | None = None
        self.live = None

    @classmethod
    def from_crawler(cls, crawler) -> "Progress":
        ext = cls(crawler, interactive=sys.stderr.isatty())
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def item_scraped(self, item) -> None:
        if isinstance(item, PageResult):
            self.audited[item.organisation_id] += 1
            if item.error:
                self.errors[item.organisation_id] += 1
            if self.live is not None:
                self.live.update(self.table())

    def rows(self) -> list[tuple[str, int, int, int]]:
        spider = self.crawler.spider
        reserved: Counter[str] = Counter()
        for state in spider.sites:
            reserved[state.settings.organisation_id] += spider.ledger.claimed(state.index)
        return [
            (org.id, self.audited[org.id], max(0, reserved[org.id] - self.audited[org.id]), self.errors[org.id])
            for org in spider.run_config.organisations
        ]

    def table(self):
        from rich.table import Table

        table = Table(title="a11y-audit crawl", expand=False)
        for column in ("organisation", "audited", "queued", "errors"):
            table.add_column(column, justify="left" if column == "organisation" else "right")
        for org, audited, queued, errors in self.rows():
            table.add_row(org, str(audited), str(queued), str(errors))
        return table

    def log_line(self) -> None:
        for org, audited, queued, errors in self.rows():
            logger.info("%s: %d audited, %d queued, %d errors", org, audited, queued, errors)

    def spider_opened(self, spider) -> None:
        if self.interactive:
            from rich.console import Console
            from rich.live import Live

            self.live = Live(self.table(), console=Console(stderr=True), refresh_per_second=2)
            self.live.start()
        else:
            self.task = asyncio.ensure_future(self._tick())

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(15)
            self.log_line()

    def spider_closed(self, spider, reason) -> None:
        if self.task is not None:
            self.task.cancel()
        if self.live is not None:
            self.live.update(self.table())
            self.live.stop()
        else:
            self.log_line()
