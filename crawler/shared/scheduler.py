"""scrapy-redis' scheduler, with leases, and with a worker's own work kept local.

scrapy-redis gives the shared queue (a Redis sorted set) and the duplicate filter
for discovery files; it forgets a request the moment a worker pops it, so a worker
killed mid-page would lose that page. `LeasedQueue` pops into a lease instead
(crawler/shared/frontier.py), which ends only when the page is stored.

Requests that continue leased work (the render step, a redirect hop, a retry) carry
the lease in their meta and stay in this process: they hold a fetched body, and the
page is still one unit of work for whoever holds its lease.
"""

from __future__ import annotations

import time
import warnings
from collections import deque
from typing import Optional

from scrapy import Request
from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy_redis.queue import Base
from scrapy_redis.scheduler import Scheduler

from a11y_audit.crawler.pacing import fetch_held_back

# scrapy-redis 0.9.1 still calls Scrapy APIs deprecated in 2.19 (they work).
warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning, module=r"scrapy_redis\.")

LEASE_META = "a11y_lease"
RECLAIMED_META = "a11y_reclaimed"


class LeasedQueue(Base):
    """The run's Redis queue; a pop is a lease held by this worker (``spider.worker``)."""

    def __len__(self) -> int:
        return self.spider.worker.frontier.queued()

    def push(self, request: Request) -> None:
        self.spider.worker.frontier.push(self._encode_request(request), request.priority)

    def pop(self, timeout: int = 0) -> Optional[Request]:
        worker = self.spider.worker
        found = worker.frontier.pop(worker.lease_seconds)
        if found is None:
            return None
        encoded, reclaimed = found
        worker.take(encoded)
        request = self._decode_request(encoded)
        request.meta[LEASE_META] = encoded
        request.meta["a11y_started"] = time.monotonic()
        if reclaimed:
            request.meta[RECLAIMED_META] = True
        return request

    def clear(self) -> None:
        """Never: the queue belongs to the run, not to one worker (SCHEDULER_PERSIST)."""


class SharedScheduler(Scheduler):
    """scrapy-redis' scheduler with a local queue for continuations of leased work."""

    def open(self, spider) -> None:
        super().open(spider)
        self.local: deque[Request] = deque()

    def enqueue_request(self, request: Request) -> bool:
        if LEASE_META in request.meta:
            self.local.append(request)
            return True
        return super().enqueue_request(request)

    def next_request(self) -> Optional[Request]:
        # Finish what this worker holds before taking new work.
        if self.local:
            return self.local.popleft()
        if fetch_held_back(self.spider):
            return None  # the browser is behind: new work waits in the run's queue
        return super().next_request()

    def has_pending_requests(self) -> bool:
        return bool(self.local) or super().has_pending_requests()

    def close(self, reason: str) -> None:
        self.local.clear()  # their leases go back to the queue (Worker.hand_back)
