"""Keeping the fetch step just ahead of the browser, so memory does not grow with a site.

Each page is fetched by plain Scrapy, then waits for a render slot (one of
`concurrency` pages open in the browser). Fetching is much faster than rendering:
left alone, a site whose sitemap lists 3,000 pages has them nearly all fetched
within a minute, each held in memory (response, callback, Scrapy's per-response
tasks) until the browser gets to it, and fetched long before it is audited.

:class:`BrowserQueue` counts the pages fetched and waiting for the browser;
:class:`PacedScheduler` stops handing out page fetches while that queue is full.
Render requests never wait behind the gate (they are what empties the queue), so
the crawl cannot deadlock on it; they also skip the priority queues, going first.
"""

from __future__ import annotations

from collections import deque
from contextlib import contextmanager
from typing import Callable, Iterator, Optional

from scrapy import Request
from scrapy.core.scheduler import Scheduler

#: meta key marking the render step of a page (it continues work already fetched).
RENDER_META = "a11y_render"


class BrowserQueue:
    """Fetched pages waiting for a render slot; full at *limit* of them.

    *on_room* is called when a full queue gets room again: the engine only asks the
    scheduler for more work when something happens, and with Selenium (rendering in
    the callback, no render request) nothing else would tell it before its heartbeat.
    """

    def __init__(self, limit: int, on_room: Optional[Callable[[], None]] = None) -> None:
        self.limit = max(1, limit)
        self.waiting = 0
        self.on_room = on_room

    @property
    def full(self) -> bool:
        return self.waiting >= self.limit

    @contextmanager
    def wait(self) -> Iterator[None]:
        """Count a page as waiting for the browser while inside this block."""
        self.waiting += 1
        try:
            yield
        finally:
            self.waiting -= 1
            if self.on_room is not None and self.waiting == self.limit - 1:
                self.on_room()


def fetch_held_back(spider) -> bool:
    """True while *spider*'s fetched pages fill its browser queue."""
    queue: Optional[BrowserQueue] = getattr(spider, "browser_queue", None)
    return queue is not None and queue.full


class PacedScheduler(Scheduler):
    """Scrapy's scheduler, with render steps first and page fetches paced by the browser."""

    def open(self, spider):
        self.renders: deque[Request] = deque()
        return super().open(spider)

    def enqueue_request(self, request: Request) -> bool:
        if request.meta.get(RENDER_META):
            self.renders.append(request)
            self.stats.inc_value("scheduler/enqueued/memory")
            return True
        return super().enqueue_request(request)

    def next_request(self) -> Optional[Request]:
        if self.renders:
            self.stats.inc_value("scheduler/dequeued/memory")
            return self.renders.popleft()
        if fetch_held_back(self.spider):
            return None  # asked again when the queue has room (BrowserQueue.on_room)
        return super().next_request()

    def has_pending_requests(self) -> bool:
        return bool(self.renders) or super().has_pending_requests()

    def __len__(self) -> int:
        return len(self.renders) + super().__len__()
