"""This process's part in a shared run: its leases, heartbeat, politeness and idling.

A lease ends in one of three ways: the page is stored (ack); the callback that held
it ends without passing it on (ack: robots.txt read, a redirect to a page seen
before); or this worker stops, and hands back what it still holds, so other
workers take those pages at once. A worker that dies hands back nothing: its
leases run out and any worker puts them back in the queue (``reap``).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import os
import socket
from typing import Any, Callable

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.internet import task

from a11y_audit.audits.model import DocumentResult, PageResult
from a11y_audit.crawler.shared.frontier import RedisFrontier
from a11y_audit.crawler.shared.scheduler import LEASE_META

logger = logging.getLogger(__name__)

#: Default seconds a worker may hold a page without renewing its lease; renewed every third.
LEASE_SECONDS = 60.0


class Worker:
    """The leases one worker holds in a shared run."""

    def __init__(self, frontier: RedisFrontier, lease_seconds: float = LEASE_SECONDS) -> None:
        self.frontier = frontier
        self.lease_seconds = lease_seconds
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self.held: set[bytes] = set()
        self.awaiting_store: dict[int, bytes] = {}

    def take(self, lease: bytes) -> None:
        self.held.add(lease)

    def ack(self, lease: bytes) -> None:
        self.frontier.ack(lease)
        self.held.discard(lease)

    def ack_when_stored(self, item: Any, lease: bytes) -> None:
        self.awaiting_store[id(item)] = lease

    def stored(self, item: Any) -> None:
        """Called by the store pipeline once *item* is committed."""
        lease = self.awaiting_store.pop(id(item), None)
        if lease is not None:
            self.ack(lease)

    def tick(self) -> None:
        """Renew held leases, say this worker is alive, and requeue dead workers' pages."""
        try:
            self.frontier.renew(self.held, self.lease_seconds)
            self.frontier.heartbeat(self.name)
            self.reap()
        except Exception as exc:  # noqa: BLE001 - Redis briefly away: try again on the next tick
            logger.warning("Shared frontier unreachable: %s", exc)

    def reap(self) -> None:
        reaped = self.frontier.reap()
        if reaped:
            logger.warning("%d pages of a stopped worker went back into the queue", reaped)

    def hand_back(self) -> None:
        """Stopping: what this worker still holds goes back to the queue for the others."""
        returned = self.frontier.requeue(self.held)
        self.held.clear()
        self.awaiting_store.clear()
        if returned:
            logger.info("Handed %d unfinished pages back to the shared queue", returned)
        self.frontier.leave(self.name)


def settles_lease(callback: Callable) -> Callable:
    """Wrap a spider callback or errback so that the lease of its request is settled.

    The lease passes on with a request that carries it (the render step) or with the
    page item (acknowledged once stored); if neither is yielded, the work ends here.
    While the crawl shuts down nothing is acknowledged: unfinished work goes back.
    """

    @functools.wraps(callback)
    async def wrapper(spider, outcome):
        meta = outcome.meta if isinstance(outcome, Response) else outcome.request.meta
        worker: Worker | None = getattr(spider, "worker", None)
        lease = meta.get(LEASE_META) if worker is not None else None
        passed_on = False

        def settle(item: Any) -> None:
            nonlocal passed_on
            if lease is None or passed_on:
                return
            if isinstance(item, Request) and item.meta.get(LEASE_META) == lease:
                passed_on = True
            elif isinstance(item, (PageResult, DocumentResult)):
                worker.ack_when_stored(item, lease)
                passed_on = True

        output = callback(spider, outcome)
        if inspect.isasyncgen(output):
            async for item in output:
                settle(item)
                yield item
        else:
            for item in output or ():
                settle(item)
                yield item
        if lease is not None and not passed_on and not spider.stopping():
            worker.ack(lease)

    return wrapper


class SharedRunExtension:
    """Keeps a worker alive while the run is unfinished, and its leases renewed."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler) -> "SharedRunExtension":
        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    @property
    def worker(self) -> Worker | None:
        return getattr(self.crawler.spider, "worker", None)

    def opened(self, spider) -> None:
        if self.worker is None:
            return
        # Scrapy polls an empty scheduler every 5 s; others' new links should not wait that long.
        self.crawler.engine._SLOT_HEARTBEAT_INTERVAL = 1.0
        self.worker.tick()
        self.loop = task.LoopingCall(self.worker.tick)
        self.loop.start(max(1.0, self.worker.lease_seconds / 3), now=False)

    def idle(self, spider) -> None:
        worker = self.worker
        if worker is None:
            return
        if not worker.frontier.finished():
            worker.reap()
            raise DontCloseSpider  # other workers still hold pages whose links may follow

    def closed(self, spider, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.worker is not None:
            self.worker.hand_back()


class SharedPoliteness:
    """Per-host delay across all workers: each request to a host books the next start
    time in Redis and waits for it, so adding workers never hammers one site."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler) -> "SharedPoliteness":
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        worker: Worker | None = getattr(spider, "worker", None)
        if worker is None or "a11y_result" in request.meta:
            return None  # not shared, or the render step (served from the fetched body)
        index = request.meta.get("a11y_site")
        if index is None:
            return None
        delay = spider.sites[index].settings.delay
        wait = worker.frontier.host_wait(request.url.split("/")[2].lower(), delay)
        if wait > 0:
            await asyncio.sleep(wait)
        return None
